import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NodePool } from '../constructs/cluster/node-pool';
import { propError } from '../constructs/core/errors';
import { bookPrograms, ContainerImage, Images } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { SharedVolume } from '../constructs/core/shared-volume';
import { AccessMode } from '../constructs/core/volume-types';
import { StorageProfile, StorageProfiles } from '../constructs/core/storage-profile';
import { KServeDeploymentMode, KServeInferenceService, ScaleMetric } from '../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../constructs/serving/model-location';
import { TensorFlowTrainingJob } from '../constructs/training/tensorflow-job';
import { DEFAULT_TRAINING_API, TrainingApi } from '../constructs/training/trainer-v2';
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
  /** @default - the book's image; with GPUs, its CUDA build (BOOK_GPU_IMAGE) */
  readonly image?: ContainerImage;
  /**
   * The cluster's storage: the pipeline's volume uses its shared (ReadWriteMany) class, because
   * ingestion, the parallel TFJobs' workers, selection and serving mount it from different nodes.
   * @default StorageProfiles.LOCAL
   */
  readonly storage?: StorageProfile;
  /**
   * Knative Serving is installed: serving scales on concurrency (the book's autoscaled variant);
   * otherwise KServe's Standard mode scales on CPU.
   * @default false
   */
  readonly knative?: boolean;
  /**
   * How the three training jobs run: TrainJobs on Kubeflow Trainer v2 (each on its own TensorFlow
   * TrainingRuntime, TF_CONFIG from the launcher; the step applies the launcher ConfigMap and the
   * runtime, and creates a fresh TrainJob each run), or, opted in, the book's own TFJobs
   * (training-operator v1).
   * @default TrainingApi.TRAINER_V2 (DEFAULT_TRAINING_API)
   */
  readonly trainingApi?: TrainingApi;
}

/**
 * The book's image on a CUDA base, for GPU pools: built by the user from
 * images/book-pipeline/Dockerfile.gpu (the book's own image has no CUDA libraries).
 */
export const BOOK_GPU_IMAGE = ContainerImage.of('kubeflow/multi-worker-strategy:v0.1-gpu').withFacts({
  cuda: true,
  files: ['/data-ingestion.py', '/predict-service.py', '/model-selection.py', '/multi-worker-distributed-training.py'],
  programs: bookPrograms(),
  source: 'images/book-pipeline/Dockerfile.gpu (this project): FROM tensorflow/tensorflow:2.11.0-gpu (nvidia/cuda base) with the book\'s four scripts at /',
});

/** Where the book's scripts read and write everything (mount of the shared volume). */
const MODEL_DIR = '/trained_model';

/**
 * The book's end-to-end project (chapter 9): ingest Fashion-MNIST once (memoized), train three
 * models in parallel as distributed TrainJobs (the book's TFJobs with `trainingApi`), pick the best, and serve it with KServe — one Argo
 * Workflow whose service account may do exactly that.
 */
export class FashionMnistPipeline extends Chart {
  public readonly workflow: ArgoWorkflow;
  public readonly volume: SharedVolume;
  public readonly trainingJobs: TensorFlowTrainingJob[];
  public readonly inferenceService: KServeInferenceService;

  constructor(scope: Construct, id: string, props: FashionMnistPipelineProps) {
    super(scope, id, { ...props, namespace: props.namespace, disableResourceNameHashes: true });
    if (props.trainingApi !== undefined && !Object.values(TrainingApi).includes(props.trainingApi)) {
      throw propError(this, 'trainingApi', props.trainingApi, 'use TrainingApi.TRAINING_OPERATOR_V1 or TrainingApi.TRAINER_V2');
    }
    const trainingApi = props.trainingApi ?? DEFAULT_TRAINING_API;
    const image = props.image ?? ((props.gpus ?? 0) > 0 ? BOOK_GPU_IMAGE : Images.BOOK_MULTI_WORKER);
    const gpus = props.gpus ?? 0;
    new RestrictedNamespace(this, 'Namespace', { name: props.namespace });

    const storage = props.storage ?? StorageProfiles.LOCAL;
    this.volume = new SharedVolume(this, 'strategy-volume', { storage: Size.gibibytes(1), accessModes: [AccessMode.READ_WRITE_MANY], storageClass: storage.shared });
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
      output: trainingApi,
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
    // A TrainJob's runtime and launcher are applied by name, the TrainJob created afresh each run
    // (the step's defaults for a construct of several objects); a TFJob is created each run.
    const training = this.trainingJobs.map((job) => this.workflow.addResourceTask(job.node.id, { resource: job, dependsOn: [ingest] }));

    const select = this.workflow.addContainerTask('model-selection', {
      dependsOn: training,
      container: { image, command: ['python', '/model-selection.py'], env, resources: stepResources },
    });

    this.inferenceService = new KServeInferenceService(this.workflow.manifests, 'fashion-mnist', {
      pool: props.pool,
      modelFormat: ModelFormat.TENSORFLOW,
      // TensorFlow Serving's CUDA build when the predictor gets GPUs.
      runtimeVersion: gpus > 0 ? `${Images.TF_SERVING_RUNTIME_VERSION}-gpu` : Images.TF_SERVING_RUNTIME_VERSION,
      model: ModelLocation.fromVolume(this.volume, 'saved_model_versions'),
      gpus,
      deploymentMode: props.knative ? KServeDeploymentMode.KNATIVE : KServeDeploymentMode.STANDARD,
      // The book's variant scales on one concurrent request per replica (Knative); Standard mode's
      // HPA scales on CPU utilization instead.
      autoscaling: props.autoscaledServing ? (props.knative ? { metric: ScaleMetric.CONCURRENCY, target: 1 } : { metric: ScaleMetric.CPU, target: 60 }) : undefined,
      // Autoscaled predictors stay between one and two replicas: the pool's GPUs are shared with
      // the training steps.
      maxReplicas: props.autoscaledServing ? 2 : undefined,
    });
    // Serving outlives the run that deployed it: no owner reference to the Workflow, or deleting
    // the finished Workflow would garbage-collect the InferenceService (Argo setOwnerReference).
    this.workflow.addResourceTask('serve', { resource: this.inferenceService, action: ResourceAction.APPLY, dependsOn: [select], setOwnerReference: false });
  }
}
