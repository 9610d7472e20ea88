import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NodePool } from '../constructs/cluster/node-pool';
import { ContainerImage } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/core/namespace';
import { SchedulingRefs } from '../constructs/core/scheduling';
import { PriorityTier } from '../constructs/operations/priority-tier';
import { AccessMode, SharedVolume } from '../constructs/core/shared-volume';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../constructs/training/allreduce-job';
import { RendezvousBackend } from '../constructs/training/elastic-policy';
import { GangScheduling } from '../constructs/training/gang-scheduling';
import { ParameterServerTrainingJob } from '../constructs/training/parameter-server-job';
import { CleanPodPolicy, ReplicaRestartPolicy, SuccessPolicy } from '../constructs/training/policies';

/** Pinned images of the examples (framework images; the training scripts come from the data volume). */
export const TrainingImages = {
  TENSORFLOW: ContainerImage.of('tensorflow/tensorflow:2.16.1'),
  PYTORCH: ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime'),
  HOROVOD: ContainerImage.of('horovod/horovod:0.28.1'),
} as const;

export interface TrainingExamplesProps extends ChartProps {
  /** Namespace of the examples (created, Pod Security `restricted`). */
  readonly namespace: string;
  /** Nodes every job runs on; a GPU pool gives every worker all GPUs of a node. */
  readonly pool: NodePool;
}

/** Where the example scripts live on the shared volume. */
const CODE_DIR = '/workspace';

/**
 * Every distributed-training variant of book chapter 3 on one pool: parameter server, all-reduce
 * for TensorFlow / PyTorch / Horovod, elastic PyTorch, and the Trainer v2 form, each with a
 * different gang scheduler so every integration is exercised. Queues and priority classes are
 * referenced by object (managed by the operations charts).
 */
export class TrainingExamples extends Chart {
  public readonly parameterServer: ParameterServerTrainingJob;
  public readonly allReduce: Record<'tensorflow' | 'pytorch' | 'horovod' | 'elastic' | 'trainerV2', AllReduceTrainingJob>;

  constructor(scope: Construct, id: string, props: TrainingExamplesProps) {
    super(scope, id, { ...props, namespace: props.namespace, disableResourceNameHashes: true });
    const { pool } = props;
    new RestrictedNamespace(this, 'Namespace', { name: props.namespace });

    // Workers on several nodes write checkpoints to the same claim: ReadWriteMany.
    const checkpoints = new SharedVolume(this, 'training-checkpoints', { storage: Size.gibibytes(20), accessModes: [AccessMode.READ_WRITE_MANY] });
    // Scripts and data come from a separate claim, mounted read-only into every replica.
    const data = new SharedVolume(this, 'training-data', { storage: Size.gibibytes(10), accessModes: [AccessMode.READ_ONLY_MANY] });
    const code = data.mount(CODE_DIR, { readOnly: true });
    const resources = { cpu: Cpu.units(2), memory: Size.gibibytes(8) };
    const volcanoQueue = SchedulingRefs.volcanoQueue('training');
    // Priorities are the platform's tiers (PlatformPriorities in the operations chart creates them).
    const highPriority = SchedulingRefs.priorityClass(PriorityTier.TRAINING_HIGH.name, PriorityTier.TRAINING_HIGH.value);
    const localQueue = SchedulingRefs.localQueue('training', props.namespace);
    const batchPriority = SchedulingRefs.workloadPriorityClass(PriorityTier.BATCH_LOW.name, PriorityTier.BATCH_LOW.value);

    // What every example job shares: the pool, the code volume and per-replica resources.
    const shared = { pool, volumes: [code], resources };

    this.parameterServer = new ParameterServerTrainingJob(this, 'tf-parameter-server', {
      image: TrainingImages.TENSORFLOW,
      ...shared,
      command: ['python', `${CODE_DIR}/parameter_server.py`],
      ps: { replicas: 2, resources: { cpu: Cpu.units(1), memory: Size.gibibytes(4) } },
      worker: { replicas: 3, gpus: pool.gpusPerNode },
      chief: { gpus: pool.gpusPerNode },
      evaluator: { command: ['python', `${CODE_DIR}/evaluate.py`] },
      checkpoint: { volume: checkpoints, subPath: 'tf-parameter-server' },
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
      backoffLimit: 3,
      activeDeadline: Duration.hours(12),
      ttlAfterFinished: Duration.days(1),
      scheduling: GangScheduling.volcano({ queue: volcanoQueue, priorityClass: highPriority }),
    });

    const tensorflow = new AllReduceTrainingJob(this, 'tf-allreduce', {
      framework: CollectiveFramework.TENSORFLOW,
      image: TrainingImages.TENSORFLOW,
      ...shared,
      workers: 3,
      command: ['python', `${CODE_DIR}/multi_worker_mirrored.py`],
      checkpoint: { volume: checkpoints, subPath: 'tf-allreduce' },
      successPolicy: SuccessPolicy.ALL_WORKERS,
      cleanPodPolicy: CleanPodPolicy.RUNNING,
      scheduling: GangScheduling.coscheduling({ scheduleTimeout: Duration.minutes(5) }),
    });

    const pytorch = new AllReduceTrainingJob(this, 'pytorch-ddp', {
      framework: CollectiveFramework.PYTORCH,
      image: TrainingImages.PYTORCH,
      ...shared,
      workers: 2,
      command: ['torchrun', `${CODE_DIR}/ddp.py`],
      checkpoint: { volume: checkpoints, subPath: 'pytorch-ddp' },
      activeDeadline: Duration.hours(6),
      scheduling: GangScheduling.kueue({ queue: localQueue, priorityClass: batchPriority }),
    });

    const elastic = new AllReduceTrainingJob(this, 'pytorch-elastic', {
      framework: CollectiveFramework.PYTORCH,
      image: TrainingImages.PYTORCH,
      ...shared,
      workers: 2,
      command: ['torchrun', `${CODE_DIR}/elastic.py`],
      // Elastic workers resume from the last checkpoint after every membership change.
      checkpoint: { volume: checkpoints, subPath: 'pytorch-elastic' },
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
      backoffLimit: 10,
      elastic: {
        minReplicas: 1,
        maxReplicas: 4,
        rendezvousBackend: RendezvousBackend.C10D,
        maxRestarts: 10,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
      scheduling: GangScheduling.volcano({ queue: volcanoQueue }),
    });

    const horovod = new AllReduceTrainingJob(this, 'horovod', {
      framework: CollectiveFramework.MPI_HOROVOD,
      image: TrainingImages.HOROVOD,
      ...shared,
      workers: 2,
      command: ['python', `${CODE_DIR}/horovod_train.py`],
      launcher: { resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } },
      checkpoint: { volume: checkpoints, subPath: 'horovod' },
      scheduling: GangScheduling.volcano({ queue: volcanoQueue, priorityClass: highPriority }),
    });

    const trainerV2 = new AllReduceTrainingJob(this, 'pytorch-trainer-v2', {
      framework: CollectiveFramework.PYTORCH,
      output: TrainingApi.TRAINER_V2,
      image: TrainingImages.PYTORCH,
      ...shared,
      workers: 2,
      command: ['torchrun', `${CODE_DIR}/ddp.py`],
      checkpoint: { volume: checkpoints, subPath: 'pytorch-trainer-v2' },
      ttlAfterFinished: Duration.days(1),
      scheduling: GangScheduling.kueue({ queue: localQueue }),
    });

    this.allReduce = { tensorflow, pytorch, horovod, elastic, trainerV2 };
  }
}
