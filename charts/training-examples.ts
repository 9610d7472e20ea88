import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExampleFeatures, exampleFeatures } from './example-features';
import { TRAINING_SCRIPTS } from './scripts/training-scripts';
import { NodePool } from '../constructs/cluster/node-pool';
import { propError } from '../constructs/core/errors';
import { ContainerImage } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { ScriptBundle } from '../constructs/core/script-bundle';
import { SharedVolume } from '../constructs/core/shared-volume';
import { AccessMode } from '../constructs/core/volume-types';
import { KueueClusterQueue } from '../constructs/operations/cluster-queue';
import { KueueLocalQueue } from '../constructs/operations/local-queue';
import { PlatformPriorities } from '../constructs/operations/platform-priorities';
import { PriorityTier } from '../constructs/operations/priority-tier';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../constructs/training/allreduce-job';
import { RendezvousBackend } from '../constructs/training/elastic-policy';
import { GangScheduler, GangScheduling } from '../constructs/training/gang-scheduling';
import { ParameterServerTrainingJob } from '../constructs/training/parameter-server-job';
import { CleanPodPolicy, ReplicaRestartPolicy, SuccessPolicy } from '../constructs/training/policies';

/** Pinned framework images of the examples (their programs come from the chart's ScriptBundle). */
export const TrainingImages = {
  TENSORFLOW: ContainerImage.of('tensorflow/tensorflow:2.16.1'),
  TENSORFLOW_GPU: ContainerImage.of('tensorflow/tensorflow:2.16.1-gpu').withFacts({
    cuda: true,
    tensorflow: '2.16.1',
    source: 'tensorflow/tensorflow -gpu tags: tensorflow/tools/dockerfiles/dockerfiles/gpu.Dockerfile, FROM nvidia/cuda with cuDNN (Dockerfile of the 2.16 release not read offline: UNCONFIRMED beyond the tag convention)',
  }),
  /**
   * The parameter-server examples' TensorFlow: the last release whose `tf.keras` is Keras 2. From
   * 2.16 `tf.keras` is Keras 3, which has no parameter-server training ("Parameter server training
   * is not supported in Keras 3": keras-team/keras#18624), and the workload-image check refuses it.
   */
  TENSORFLOW_PS: ContainerImage.of('tensorflow/tensorflow:2.15.0'),
  TENSORFLOW_PS_GPU: ContainerImage.of('tensorflow/tensorflow:2.15.0-gpu').withFacts({
    cuda: true,
    tensorflow: '2.15.0',
    source: 'tensorflow/tensorflow -gpu tags: tensorflow/tools/dockerfiles/dockerfiles/gpu.Dockerfile, FROM nvidia/cuda with cuDNN (Dockerfile of the 2.15 release not read offline: UNCONFIRMED beyond the tag convention)',
  }),
  PYTORCH: ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime'),
  HOROVOD: ContainerImage.of('horovod/horovod:0.28.1'),
  /** Horovod in the shape of Kubeflow's MPI runtime images (images/horovod-mpi-runtime): Trainer v2's MPI runtime. */
  HOROVOD_MPI_RUNTIME: ContainerImage.of('mlpatterns/horovod-mpi-runtime:0.28.1').withFacts({
    cuda: true,
    files: ['/horovod/examples/'],
    workdir: '/home/mpiuser',
    workdirWritableBy: [1000],
    source: 'images/horovod-mpi-runtime/Dockerfile (this project): FROM horovod/horovod:0.28.1 (CUDA), sshd for UID 1000 as kubeflow/mpi-operator build/base/Dockerfile sets it up, USER 1000, WORKDIR /home/mpiuser',
  }),
  /** The default image of Trainer v2.3.0's built-in `jax-distributed` runtime. */
  JAX: ContainerImage.of('nvcr.io/nvidia/jax:25.10-py3').withFacts({
    cuda: true,
    source: 'kubeflow/trainer v2.3.0 charts/kubeflow-trainer/files/runtimes/jax-distributed.yaml (its default image); NVIDIA NGC JAX container, CUDA-based (Dockerfile not read: UNCONFIRMED beyond the NGC convention)',
  }),
} as const;

export interface TrainingExamplesProps extends ChartProps {
  /** Namespace of the examples (created, Pod Security `restricted`); MPI runs in `<namespace>-mpi`. */
  readonly namespace: string;
  /** Nodes every job runs on; a GPU pool gives every worker all GPUs of a node. */
  readonly pool: NodePool;
  /** @default - exampleFeatures(undefined): the local stack's defaults */
  readonly features?: ExampleFeatures;
  /**
   * The ClusterQueue Kueue admits the jobs through; the chart creates its LocalQueue `training`
   * on it. Required when the examples gang-schedule with Kueue.
   */
  readonly clusterQueue?: KueueClusterQueue;
  /** The platform's priority tiers. @default - no priorities */
  readonly priorities?: PlatformPriorities;
  /**
   * Nodes of the Horovod (MPIJob v1) example, which Kueue cannot admit: keep it off a pool Kueue
   * books, or an admitted gang could find that pool full.
   * @default - `pool`
   */
  readonly mpiPool?: NodePool;
}

/** Where the programs are mounted in every replica. */
const CODE_DIR = '/workspace';

/**
 * Every distributed-training variant of book chapter 3 on one pool: parameter server, all-reduce
 * for TensorFlow / PyTorch / Horovod, elastic PyTorch, and the Trainer v2 form when the cluster
 * runs Trainer v2. Jobs are gang-scheduled the way the cluster does it (Kueue by default, else the
 * training-operator's one gang scheduler); the programs ship with the chart, on synthetic data.
 */
export class TrainingExamples extends Chart {
  public readonly parameterServer: ParameterServerTrainingJob;
  public readonly allReduce: Partial<Record<'tensorflow' | 'pytorch' | 'horovod' | 'elastic' | 'trainerV2' | 'tensorflowV2' | 'jax' | 'horovodV2', AllReduceTrainingJob>>;
  /** The parameter-server job on Trainer v2 (its TensorFlow runtime), where the cluster runs it. */
  public readonly parameterServerV2?: ParameterServerTrainingJob;
  public readonly queue?: KueueLocalQueue;

  constructor(scope: Construct, id: string, props: TrainingExamplesProps) {
    super(scope, id, { ...props, namespace: props.namespace, disableResourceNameHashes: true });
    const { pool } = props;
    const features = props.features ?? exampleFeatures(undefined);
    new RestrictedNamespace(this, 'Namespace', { name: props.namespace });
    const workload = this.workloadKit(this, props, features);
    this.queue = workload.queue;
    const { shared, scheduling } = workload;
    const tf = pool.isGpu ? TrainingImages.TENSORFLOW_GPU : TrainingImages.TENSORFLOW;
    const run = (script: keyof typeof TRAINING_SCRIPTS) => workload.scripts.path(CODE_DIR, script);
    const small = { cpu: Cpu.millis(500), memory: Size.gibibytes(2) };

    const parameterServer = (id: string, output?: TrainingApi) => new ParameterServerTrainingJob(this, id, {
      image: pool.isGpu ? TrainingImages.TENSORFLOW_PS_GPU : TrainingImages.TENSORFLOW_PS,
      ...shared,
      command: ['python', run('tf_parameter_server.py')],
      ps: { replicas: 2, resources: small },
      worker: { replicas: 2, gpus: pool.gpusPerNode },
      chief: {},
      evaluator: { resources: small },
      checkpoint: { volume: workload.checkpoints, subPath: id },
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
      backoffLimit: 3,
      activeDeadline: Duration.hours(12),
      ttlAfterFinished: Duration.days(1),
      scheduling: scheduling(PriorityTier.TRAINING_HIGH),
      output,
    });
    // The training-operator v1 forms (the book's kinds); the Trainer v2 forms follow.
    this.parameterServer = parameterServer('tf-parameter-server', TrainingApi.TRAINING_OPERATOR_V1);

    const tensorflowAllReduce = (id: string, output?: TrainingApi) => new AllReduceTrainingJob(this, id, {
      framework: CollectiveFramework.TENSORFLOW,
      image: tf,
      ...shared,
      workers: 2,
      command: ['python', run('tf_multi_worker.py')],
      checkpoint: { volume: workload.checkpoints, subPath: id },
      successPolicy: SuccessPolicy.ALL_WORKERS,
      // Trainer v2 has no clean-pod policy: JobSet deletes the Jobs still running when it finishes.
      cleanPodPolicy: output === TrainingApi.TRAINER_V2 ? undefined : CleanPodPolicy.RUNNING,
      scheduling: scheduling(PriorityTier.TRAINING_HIGH),
      output,
    });
    const tensorflow = tensorflowAllReduce('tf-allreduce', TrainingApi.TRAINING_OPERATOR_V1);

    const pytorch = new AllReduceTrainingJob(this, 'pytorch-ddp', {
      framework: CollectiveFramework.PYTORCH,
      output: TrainingApi.TRAINING_OPERATOR_V1,
      image: TrainingImages.PYTORCH,
      ...shared,
      workers: 2,
      command: ['torchrun', run('torch_ddp.py')],
      checkpoint: { volume: workload.checkpoints, subPath: 'pytorch-ddp' },
      activeDeadline: Duration.hours(6),
      scheduling: scheduling(PriorityTier.BATCH_LOW),
    });

    const elastic = new AllReduceTrainingJob(this, 'pytorch-elastic', {
      framework: CollectiveFramework.PYTORCH,
      output: TrainingApi.TRAINING_OPERATOR_V1,
      image: TrainingImages.PYTORCH,
      ...shared,
      workers: 2,
      command: ['torchrun', run('torch_ddp.py')],
      // Elastic workers resume from the last checkpoint after every membership change.
      checkpoint: { volume: workload.checkpoints, subPath: 'pytorch-elastic' },
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
      backoffLimit: 10,
      elastic: { minReplicas: 1, maxReplicas: 2, rendezvousBackend: RendezvousBackend.C10D, maxRestarts: 10 },
      scheduling: scheduling(PriorityTier.BATCH_LOW),
    });

    this.allReduce = { tensorflow, pytorch, elastic, horovod: this.horovod(props, features) };
    if (features.trainerV2) {
      this.allReduce.trainerV2 = new AllReduceTrainingJob(this, 'pytorch-trainer-v2', {
        framework: CollectiveFramework.PYTORCH,
        output: TrainingApi.TRAINER_V2,
        image: TrainingImages.PYTORCH,
        ...shared,
        workers: 2,
        command: ['torchrun', run('torch_ddp.py')],
        checkpoint: { volume: workload.checkpoints, subPath: 'pytorch-trainer-v2' },
        ttlAfterFinished: Duration.days(1),
        scheduling: scheduling(PriorityTier.BATCH_LOW),
      });
      // TensorFlow on Trainer v2: each job on its own TensorFlow TrainingRuntime (TF_CONFIG from the launcher).
      this.parameterServerV2 = parameterServer('tf-parameter-server-v2', TrainingApi.TRAINER_V2);
      this.allReduce.tensorflowV2 = tensorflowAllReduce('tf-allreduce-v2', TrainingApi.TRAINER_V2);
      // JAX exists on Trainer v2 only (its jax runtime).
      this.allReduce.jax = new AllReduceTrainingJob(this, 'jax-allreduce-v2', {
        framework: CollectiveFramework.JAX,
        output: TrainingApi.TRAINER_V2,
        image: TrainingImages.JAX,
        ...shared,
        workers: 2,
        command: ['python', run('jax_allreduce.py')],
        env: pool.isGpu ? undefined : { JAX_PLATFORMS: 'cpu' },
        ttlAfterFinished: Duration.days(1),
        scheduling: scheduling(PriorityTier.BATCH_LOW),
      });
      // Horovod on Trainer v2's MPI runtime: no kubectl-delivery, so unlike the MPIJob v1 it runs
      // in this restricted namespace and Kueue admits it as a gang.
      this.allReduce.horovodV2 = new AllReduceTrainingJob(this, 'horovod-v2', {
        framework: CollectiveFramework.MPI_HOROVOD,
        output: TrainingApi.TRAINER_V2,
        image: TrainingImages.HOROVOD_MPI_RUNTIME,
        ...shared,
        workers: 2,
        command: ['python', run('horovod_train.py')],
        launcher: { resources: small },
        checkpoint: { volume: workload.checkpoints, subPath: 'horovod-v2' },
        ttlAfterFinished: Duration.days(1),
        scheduling: scheduling(PriorityTier.TRAINING_HIGH),
      });
    }
  }

  /**
   * Horovod through an MPIJob v1, in its own namespace: the training-operator gives the launcher a
   * `kubectl-delivery` init container that no securityContext setting can make `restricted`, so
   * that namespace enforces `baseline` (and still warns on `restricted`). Kueue cannot admit a v1
   * MPIJob, so it is gang-scheduled only where the training-operator runs a gang scheduler.
   */
  private horovod(props: TrainingExamplesProps, features: ExampleFeatures): AllReduceTrainingJob {
    const mpi = new Chart(this, 'mpi', { namespace: `${props.namespace}-mpi`, disableResourceNameHashes: true });
    new RestrictedNamespace(mpi, 'Namespace', {
      name: `${props.namespace}-mpi`,
      podSecurityException: { enforce: 'baseline', reason: "the training-operator's MPIJob v1 launcher gets a kubectl-delivery init container without a securityContext" },
    });
    const kit = this.workloadKit(mpi, { ...props, pool: props.mpiPool ?? props.pool }, { ...features, gang: features.gang === GangScheduler.KUEUE ? undefined : features.gang });
    return new AllReduceTrainingJob(mpi, 'horovod', {
      framework: CollectiveFramework.MPI_HOROVOD,
      output: TrainingApi.TRAINING_OPERATOR_V1,
      image: TrainingImages.HOROVOD,
      ...kit.shared,
      workers: 2,
      command: ['python', kit.scripts.path(CODE_DIR, 'horovod_train.py')],
      launcher: { resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } },
      checkpoint: { volume: kit.checkpoints, subPath: 'horovod' },
      scheduling: kit.scheduling(PriorityTier.TRAINING_HIGH),
    });
  }

  /** What every job of a namespace shares: programs, checkpoints, pool, resources, gang scheduling. */
  private workloadKit(scope: Chart, props: TrainingExamplesProps, features: Omit<ExampleFeatures, 'gang'> & { gang?: GangScheduler }) {
    const scripts = new ScriptBundle(scope, 'training-scripts', { files: TRAINING_SCRIPTS });
    // Workers on several nodes write checkpoints to the same claim: the cluster's shared class.
    const checkpoints = new SharedVolume(scope, 'training-checkpoints', {
      storage: Size.gibibytes(20), accessModes: [AccessMode.READ_WRITE_MANY], storageClass: features.storage.shared,
    });
    const queue = features.gang === GangScheduler.KUEUE && props.clusterQueue
      ? new KueueLocalQueue(scope, 'queue', { name: 'training', namespace: scope.namespace!, clusterQueue: props.clusterQueue })
      : undefined;
    if (features.gang === GangScheduler.KUEUE && !queue) {
      throw propError(this, 'clusterQueue', undefined, 'Kueue gang scheduling needs the ClusterQueue the examples are admitted through (MlPlatformOperations.examplesQueue)');
    }
    const scheduling = (tier: PriorityTier): GangScheduling | undefined => {
      switch (features.gang) {
        case GangScheduler.KUEUE:
          return GangScheduling.kueue({ queue: queue!, priorityClass: props.priorities?.workloadPriorityClass(tier) });
        case GangScheduler.VOLCANO:
          return GangScheduling.volcano({ priorityClass: props.priorities?.priorityClass(tier) });
        case GangScheduler.COSCHEDULING:
          return GangScheduling.coscheduling({ scheduleTimeout: Duration.minutes(5), priorityClass: props.priorities?.priorityClass(tier) });
        default:
          return undefined;
      }
    };
    const shared = { pool: props.pool, volumes: [scripts.mount(CODE_DIR)], resources: { cpu: Cpu.units(1), memory: Size.gibibytes(4) } };
    return { scripts, checkpoints, queue, scheduling, shared };
  }
}
