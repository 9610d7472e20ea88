import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NodePool } from '../constructs/cluster/node-pool';
import { ContainerImage, Images } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/core/namespace';
import { SharedVolume } from '../constructs/core/shared-volume';
import { KServeInferenceService, ScaleMetric } from '../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../constructs/serving/model-location';
import { TensorFlowTrainingJob } from '../constructs/training/tensorflow-job';
import { ArgoWorkflow } from '../constructs/workflow/argo-workflow';
import { ResourceAction } from '../constructs/workflow/workflow-task';

/** The three models the book trains in parallel, and the version directory each is saved to. */
export const BOOK_MODELS = ['cnn', 'dropout', 'batch_norm'] as const;

export interface FashionMnistPipelineProps extends ChartProps {
  /** Nodes for every step. */
  readonly pool: NodePool;
  /** Namespace of the pipeline (created, Pod Security `restricted`). */
  readonly namespace: string;
  /**
   * Workers per TFJob.
   * @default 2 (as in the book)
   */
  readonly workers?: number;
  /**
   * GPUs per training worker and per predictor (0 on a CPU pool).
   * @default 0
   */
  readonly gpus?: number;
  /**
   * Serve with KServe autoscaling (concurrency target 1 per replica, as in the book's variant).
   * @default false
   */
  readonly autoscaledServing?: boolean;
  /** @default - the book's image */
  readonly image?: ContainerImage;
}

/** Where the book's scripts read and write everything (mount of the shared volume). */
const MODEL_DIR = '/trained_model';

/**
 * The book's end-to-end project (chapter 9): ingest Fashion-MNIST once (memoized), train three
 * models in parallel as distributed TFJobs, pick the best, and serve it with KServe — one Argo
 * Workflow whose service account may do exactly that.
 */
export class FashionMnistPipeline extends Chart {
  public readonly workflow: ArgoWorkflow;
  public readonly volume: SharedVolume;
  public readonly trainingJobs: TensorFlowTrainingJob[];
  public readonly inferenceService: KServeInferenceService;

  constructor(scope: Construct, id: string, props: FashionMnistPipelineProps) {
    super(scope, id, { ...props, namespace: props.namespace, disableResourceNameHashes: true });
    const image = props.image ?? Images.BOOK_MULTI_WORKER;
    const gpus = props.gpus ?? 0;
    new RestrictedNamespace(this, 'Namespace', { name: props.namespace });

    this.volume = new SharedVolume(this, 'strategy-volume', { storage: Size.gibibytes(1) });
    const mount = this.volume.mount(MODEL_DIR);
    // The book's image runs as root and caches datasets under $HOME; we run it as a non-root user
    // and point HOME at the shared volume, so ingestion downloads once and every worker reuses it.
    const env = { HOME: MODEL_DIR };
    const stepResources = { cpu: Cpu.millis(500), memory: Size.gibibytes(2) };

    this.workflow = new ArgoWorkflow(this, 'fashion-mnist', { pool: props.pool, volumes: [mount] });
    const ingest = this.workflow.addContainerTask('data-ingestion', {
      inputs: { dataset: 'fashion_mnist' },
      memoize: { maxAge: Duration.hours(1) },
      // Downloads Fashion-MNIST: the only step with internet egress; the rest read the volume.
      internetEgress: true,
      container: { image, command: ['python', '/data-ingestion.py'], env, resources: stepResources },
    });

    this.trainingJobs = BOOK_MODELS.map((model, i) => new TensorFlowTrainingJob(this.workflow.manifests, `train-${model.replace('_', '-')}`, {
      pool: props.pool,
      workers: props.workers,
      volumes: [mount],
      container: {
        image,
        env,
        gpus,
        resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(2) },
        command: [
          'python', '/multi-worker-distributed-training.py',
          '--saved_model_dir', `${MODEL_DIR}/saved_model_versions/${i + 1}/`,
          '--checkpoint_dir', `${MODEL_DIR}/checkpoint-${model}`,
          '--model_type', model,
        ],
      },
    }));
    const training = this.trainingJobs.map((job) => this.workflow.addResourceTask(job.node.id, { resource: job, dependsOn: [ingest] }));

    const select = this.workflow.addContainerTask('model-selection', {
      dependsOn: training,
      container: { image, command: ['python', '/model-selection.py'], env, resources: stepResources },
    });

    this.inferenceService = new KServeInferenceService(this.workflow.manifests, 'fashion-mnist', {
      pool: props.pool,
      modelFormat: ModelFormat.TENSORFLOW,
      runtimeVersion: Images.TF_SERVING_RUNTIME_VERSION,
      model: ModelLocation.fromVolume(this.volume, 'saved_model_versions'),
      gpus,
      autoscaling: props.autoscaledServing ? { metric: ScaleMetric.CONCURRENCY, target: 1 } : undefined,
    });
    this.workflow.addResourceTask('serve', { resource: this.inferenceService, action: ResourceAction.APPLY, dependsOn: [select] });
  }
}
