import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { WORKFLOW_PROGRAMS, WORKFLOW_SCRIPTS } from './scripts/workflow-scripts';
import { NodePool } from '../constructs/cluster/node-pool';
import { ContainerImage, Images } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { ScriptBundle } from '../constructs/core/script-bundle';
import { IPriorityClass, SchedulingRefs } from '../constructs/core/scheduling';
import { PriorityTier } from '../constructs/operations/priority-tier';
import { SharedVolume } from '../constructs/core/shared-volume';
import { AccessMode } from '../constructs/core/volume-types';
import { StorageProfile, StorageProfiles } from '../constructs/core/storage-profile';
import { KServeInferenceService } from '../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../constructs/serving/model-location';
import { TensorFlowTrainingJob } from '../constructs/training/tensorflow-job';
import { TrainingApi } from '../constructs/training/trainer-v2';
import { ArgoCronWorkflow } from '../constructs/workflow/cron-workflow';
import { ArgoWorkflow } from '../constructs/workflow/argo-workflow';
import { Depends } from '../constructs/workflow/depends';
import { ArgoWorkflowTemplate } from '../constructs/workflow/workflow-template';
import { ResourceAction } from '../constructs/workflow/workflow-task';
import { FanOut, inputParameter, ItemRef, OutputFrom, WorkflowVariables } from '../constructs/workflow/workflow-io';

export interface WorkflowExamplesProps extends ChartProps {
  /** Namespace of the examples (created, Pod Security `restricted`). */
  readonly namespace: string;
  /** Nodes for every step. */
  readonly pool: NodePool;
  /** @default - the book's image */
  readonly image?: ContainerImage;
  /** Priority of the scheduled retraining's pods. @default - a PriorityClass named `batch-low` managed elsewhere */
  readonly retrainingPriority?: IPriorityClass;
  /** The cluster's storage: the models volume uses its shared class. @default StorageProfiles.LOCAL */
  readonly storage?: StorageProfile;
}

const small = { cpu: Cpu.millis(250), memory: Size.mebibytes(512) };
const MODEL_DIR = '/models';
/** Where the steps' programs are mounted. */
const SCRIPTS_DIR = '/opt/workflow';

/**
 * One workflow per chapter 5 pattern, on the typed builder: fan-out/fan-in over a run-time list,
 * synchronous vs asynchronous steps with a fire-and-forget deployment, a reusable
 * WorkflowTemplate and a scheduled retraining CronWorkflow with artifacts and artifact GC.
 */
export class WorkflowExamples extends Chart {
  public readonly fanOutFanIn: ArgoWorkflow;
  public readonly asyncSteps: ArgoWorkflow;
  public readonly template: ArgoWorkflowTemplate;
  public readonly retraining: ArgoCronWorkflow;

  constructor(scope: Construct, id: string, props: WorkflowExamplesProps) {
    super(scope, id, { ...props, namespace: props.namespace, disableResourceNameHashes: true });
    const image = props.image ?? Images.BOOK_MULTI_WORKER;
    new RestrictedNamespace(this, 'Namespace', { name: props.namespace });
    // Parallel steps on different nodes write models to it: the shared (ReadWriteMany) class.
    const volume = new SharedVolume(this, 'workflow-models', {
      storage: Size.gibibytes(1), accessModes: [AccessMode.READ_WRITE_MANY], storageClass: (props.storage ?? StorageProfiles.LOCAL).shared,
    });
    const mount = volume.mount(MODEL_DIR);
    const env = { HOME: MODEL_DIR };
    // The steps' programs ship with the chart; the book image provides TensorFlow and TFDS.
    const scripts = new ScriptBundle(this, 'workflow-scripts', { files: WORKFLOW_SCRIPTS, programs: WORKFLOW_PROGRAMS });
    const volumes = [mount, scripts.mount(SCRIPTS_DIR)];
    const run = (script: keyof typeof WORKFLOW_SCRIPTS, ...args: string[]) => ['python', scripts.path(SCRIPTS_DIR, script), ...args];
    // Where every step finds (and the first one to need it downloads) Fashion-MNIST: tfds' default under $HOME.
    const data = `${MODEL_DIR}/tensorflow_datasets`;

    // Fan-out over a list known only at run time, fan-in over every result.
    this.fanOutFanIn = new ArgoWorkflow(this, 'hyperparameter-sweep', { pool: props.pool, volumes, parallelism: 4 });
    const plan = this.fanOutFanIn.addContainerTask('plan', {
      container: { image, command: ['python', '-c', 'import json; open("/tmp/rates.json","w").write(json.dumps(["0.1","0.01","0.001"]))'], env, resources: small },
      outputs: { parameters: { rates: OutputFrom.file('/tmp/rates.json') } },
    });
    const train = this.fanOutFanIn.addContainerTask('train', {
      dependsOn: [plan],
      fanOut: FanOut.fromOutput(plan.output('rates')),
      inputs: { rate: ItemRef.value() },
      retry: { limit: 2, backoff: { initial: Duration.seconds(30), factor: 2, maxDuration: Duration.minutes(10) } },
      timeout: Duration.hours(1),
      // No ingestion step before it: the first run downloads Fashion-MNIST itself.
      internetEgress: true,
      container: {
        image, env, resources: small,
        command: run('train_eval.py', '--model_type', 'cnn', '--learning_rate', inputParameter('rate'), '--data_dir', data, '--saved_model_dir', `${MODEL_DIR}/sweep/${inputParameter('rate')}/1`, '--metrics_file', '/tmp/accuracy'),
      },
      outputs: { parameters: { accuracy: OutputFrom.file('/tmp/accuracy') } },
    });
    this.fanOutFanIn.addContainerTask('select', {
      dependsOn: [train],
      inputs: { accuracies: train.aggregatedOutput('accuracy') },
      container: { image, command: run('pick_best.py', '--results', inputParameter('accuracies')), env, resources: small },
    });
    this.fanOutFanIn.addExitHandler({
      inputs: { status: WorkflowVariables.STATUS },
      container: { image, command: ['python', '-c', `print("sweep finished: ${inputParameter('status')}")`], resources: small },
    });

    // Synchronous join vs asynchronous branches in one DAG.
    this.asyncSteps = new ArgoWorkflow(this, 'async-steps', { pool: props.pool, volumes });
    const models = ['cnn', 'dropout'] as const;
    const branches = models.map((model) => {
      const trained = this.asyncSteps.addContainerTask(`train-${model}`, {
        internetEgress: true, // downloads Fashion-MNIST itself (no ingestion step)
        container: { image, command: run('train_eval.py', '--model_type', model, '--data_dir', data, '--saved_model_dir', `${MODEL_DIR}/${model}/1`), env, resources: small },
      });
      // Asynchronous: each model is deployed as soon as it is trained, without waiting for the other,
      // and the step returns once the InferenceService exists (fire-and-forget).
      const isvc = new KServeInferenceService(this.asyncSteps.manifests, `preview-${model}`, {
        pool: props.pool, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromVolume(volume, model), runtimeVersion: Images.TF_SERVING_RUNTIME_VERSION,
      });
      // Applied by name and not owned by the Workflow: the next run updates the preview, and deleting a
      // finished run does not take the serving down with it.
      this.asyncSteps.addResourceTask(`deploy-${model}`, { resource: isvc, action: ResourceAction.APPLY, setOwnerReference: false, waitForCompletion: false, dependsOn: [trained] });
      return trained;
    });
    // Tolerant join: compare the models once both finished, if at least one succeeded.
    this.asyncSteps.addContainerTask('compare', {
      depends: Depends.any(...branches.map((b) => Depends.succeeded(b))),
      container: { image, command: run('compare_models.py', '--models_dir', MODEL_DIR, '--models', models.join(','), '--data_dir', data), env, resources: small },
    });

    // A reusable template: ingest (memoized per dataset) then the book's distributed TFJob, the
    // model variant chosen per run.
    this.template = new ArgoWorkflowTemplate(this, 'train-template', { pool: props.pool, volumes });
    const modelType = this.template.addParameter('model-type', { value: 'cnn', enum: ['cnn', 'dropout', 'batch_norm'], description: 'Model variant the TFJob trains' });
    const ingest = this.template.addContainerTask('ingest', {
      inputs: { dataset: 'fashion_mnist' },
      memoize: { maxAge: Duration.days(1) },
      internetEgress: true, // downloads the dataset
      container: { image, command: run('prepare_data.py', '--dataset', inputParameter('dataset'), '--data_dir', data), env, resources: small },
    });
    // A training-operator v1 TFJob: the template's step creates one per run.
    const job = new TensorFlowTrainingJob(this.template.manifests, 'template-train', {
      pool: props.pool, volumes: [mount], output: TrainingApi.TRAINING_OPERATOR_V1,
      container: {
        image, env, resources: small,
        command: ['python', '/multi-worker-distributed-training.py', '--saved_model_dir', `${MODEL_DIR}/template/1/`, '--checkpoint_dir', `${MODEL_DIR}/template-checkpoints`, '--model_type', modelType.toString()],
      },
    });
    this.template.addResourceTask('train', { resource: job, dependsOn: [ingest], retry: { limit: 1 }, timeout: Duration.hours(2) });

    // Scheduled retraining: weekly, never overlapping, low priority, refreshing the data then the
    // model on the shared volume (no artifact repository needed).
    this.retraining = new ArgoCronWorkflow(this, 'weekly-retraining', {
      pool: props.pool,
      volumes,
      schedules: ['0 3 * * 1'],
      priorityClass: props.retrainingPriority ?? SchedulingRefs.priorityClass(PriorityTier.BATCH_LOW.name, PriorityTier.BATCH_LOW.value),
      activeDeadline: Duration.hours(6),
    });
    const fetch = this.retraining.addContainerTask('fetch', {
      internetEgress: true, // refreshes the dataset
      container: { image, command: run('prepare_data.py', '--dataset', 'fashion_mnist', '--data_dir', data), env, resources: small },
    });
    this.retraining.addContainerTask('retrain', {
      dependsOn: [fetch],
      container: { image, command: run('train_eval.py', '--model_type', 'cnn', '--data_dir', data, '--saved_model_dir', `${MODEL_DIR}/weekly/1`), env, resources: small },
    });
  }
}
