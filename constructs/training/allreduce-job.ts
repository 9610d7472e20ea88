import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ElasticPolicyOptions, renderElasticPolicy, RendezvousBackend } from './elastic-policy';
import { labelsOrUndefined, TF_CONTAINER } from './parameter-server-job';
import { FAULT_TOLERANCE_DEFAULTS, renderFaultTolerance, SuccessPolicy, tfJobSucceeded } from './policies';
import {
  jobNamespace, renderReplicaTemplate, REPLICA_OPTIONS, ReplicaOptions, ResolvedReplica, resolveReplica, totalReplicas, TRAINING_JOB_CHECKS, TrainingJobOptions,
} from './replica';
import { DEFAULT_TRAINING_API, renderTrainerV2, TrainingApi } from './trainer-v2';
import { jaxRuntime, MPI_SSHD_COMMAND, mpiRuntime, RuntimeShape, torchRuntime } from './trainer-v2-runtimes';
import { TF_LAUNCHER_DIR, tensorflowJobs, tfConfigLauncher } from './tensorflow-runtime';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { arrayOf, oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';
import { IWorkflowResource } from '../core/workflow-resource';
import { MpiJob, PyTorchJob, TfJob } from '../imports/kubeflow.org';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { mpiLauncherNeeds, trainingJobNeeds } from '../operations/network/workload-traffic';

/** The framework (and so the training-operator kind) of a collective job. */
export enum CollectiveFramework {
  /** TFJob, Worker replicas running MultiWorkerMirroredStrategy. */
  TENSORFLOW = 'TensorFlow',
  /** PyTorchJob, Master + Workers running DDP through torchrun (or elastic Workers only). */
  PYTORCH = 'PyTorch',
  /** MPIJob, a Launcher running `mpirun` over Workers (Horovod). */
  MPI_HOROVOD = 'MPI',
  /** JAX (`jax.distributed`), one process per node; Trainer v2 only (the `jax` ML policy). */
  JAX = 'JAX',
}

// TrainingApi lives beside the Trainer v2 renderer; re-exported here for existing importers.
export { TrainingApi } from './trainer-v2';

/** Properties for `AllReduceTrainingJob`. */
export interface AllReduceTrainingJobProps extends TrainingJobOptions {
  readonly framework: CollectiveFramework;
  /**
   * Training nodes (pods holding a model replica). PyTorch: 1 Master + `workers - 1` Workers
   * (elastic: `workers` Workers); MPI: `workers` Workers plus the Launcher.
   * @default 2
   */
  readonly workers?: number;
  /**
   * GPUs per training node, at most the pool's GPUs per node.
   * @default - all GPUs of one node of `pool` (0 on a CPU pool)
   */
  readonly gpusPerWorker?: number;
  /**
   * torchrun processes per node (`nprocPerNode`); PyTorch only. At most `gpusPerWorker` on GPUs (default: one process per GPU).
   * @default - `gpusPerWorker`, or 1 on CPU
   */
  readonly nprocPerNode?: number;
  /**
   * MPI slots per worker (`slotsPerWorker`); MPI only. Must equal `gpusPerWorker` on GPUs (one rank per GPU).
   * @default - `gpusPerWorker`, or 1 on CPU
   */
  readonly slotsPerWorker?: number;
  /**
   * The MPI launcher (one replica, no GPUs); MPI only.
   * @default - `mpirun -np <workers × slots>` followed by the job's command, with the job's resources
   */
  readonly launcher?: ReplicaOptions;
  /**
   * Elastic training; PyTorch with the v1 API only.
   * @default - fixed size
   */
  readonly elastic?: ElasticPolicyOptions;
  /**
   * TFJob success policy; TensorFlow only.
   * @default SuccessPolicy.DEFAULT (worker 0 succeeded)
   */
  readonly successPolicy?: SuccessPolicy;
  /** @default TrainingApi.TRAINER_V2 (DEFAULT_TRAINING_API) */
  readonly output?: TrainingApi;
}

const DEFAULTS = Object.freeze({ ...FAULT_TOLERANCE_DEFAULTS, workers: 2, output: DEFAULT_TRAINING_API });

const PROP_CHECKS: PropChecks<AllReduceTrainingJobProps> = {
  ...TRAINING_JOB_CHECKS,
  framework: oneOf(CollectiveFramework, 'CollectiveFramework'),
  workers: optional('number'),
  gpusPerWorker: optional('number'),
  nprocPerNode: optional('number'),
  slotsPerWorker: optional('number'),
  launcher: optional(REPLICA_OPTIONS),
  elastic: optional(shape<ElasticPolicyOptions>({
    minReplicas: 'number', maxReplicas: 'number', rendezvousBackend: optional(oneOf(RendezvousBackend, 'RendezvousBackend')), maxRestarts: optional('number'), metrics: optional(arrayOf('object')),
  }, 'an elastic policy ({ minReplicas, maxReplicas, rendezvousBackend, maxRestarts, metrics })')),
  successPolicy: optional(oneOf(SuccessPolicy, 'SuccessPolicy')),
  output: optional(oneOf(TrainingApi, 'TrainingApi')),
};

/** Container names the operator looks for, per framework. */
const CONTAINER: Record<CollectiveFramework, string> = {
  [CollectiveFramework.TENSORFLOW]: TF_CONTAINER,
  [CollectiveFramework.PYTORCH]: 'pytorch',
  [CollectiveFramework.MPI_HOROVOD]: 'mpi',
  [CollectiveFramework.JAX]: 'jax',
};

/**
 * The collective-communication (all-reduce) pattern of book chapter 3, one construct for three
 * frameworks: every node holds a full model replica and gradients are all-reduced. The pool
 * decides placement and GPUs; processes per node follow the GPUs; gang size follows the replicas.
 */
export class AllReduceTrainingJob extends Construct implements IWorkflowResource {
  /** The job (TFJob, PyTorchJob, MPIJob or TrainJob). */
  public readonly apiObject: ApiObject;
  /** The TrainingRuntime the TrainJob runs on (Trainer v2 only). */
  public readonly runtime?: ApiObject;
  public readonly name: string;
  public readonly framework: CollectiveFramework;
  public readonly output: TrainingApi;
  public readonly workers: number;
  public readonly gpusPerWorker: number;
  /** Processes per node: torchrun nprocPerNode, MPI slots, 1 for TensorFlow. */
  public readonly processesPerWorker: number;
  /** Resolved roles, in replica-spec order. */
  public readonly replicas: readonly ResolvedReplica[];
  /** Pods scheduled together: the gang's minAvailable (elastic: the minimum workers). */
  public readonly minAvailable: number;
  public readonly successCondition: string;
  public readonly failureCondition: string;

  constructor(scope: Construct, id: string, props: AllReduceTrainingJobProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    this.framework = props.framework;
    this.output = p.output;
    this.checkApplicable(props);
    this.workers = requireInteger(this, 'workers', p.workers, 1);
    this.gpusPerWorker = props.gpusPerWorker ?? props.pool.gpusPerNode;
    if (this.gpusPerWorker !== 0) props.pool.checkGpuCount(this.gpusPerWorker, { scope: this, prop: 'gpusPerWorker' });
    this.processesPerWorker = this.resolveProcesses(props);
    props.scheduling?.checkNamespace(this, jobNamespace(this));
    // Every pod of the job reaches every other on any port; the MPI launcher also the API server.
    const network = NamespaceNetwork.of(this).group(this, trainingJobNeeds(this.name));
    // Only the v1 MPIJob launcher calls the API server (kubectl exec); the v2 launcher uses SSH.
    if (this.framework === CollectiveFramework.MPI_HOROVOD && this.output !== TrainingApi.TRAINER_V2) NamespaceNetwork.of(this).group(this, mpiLauncherNeeds(this.name));
    const base: ReplicaOptions = { gpus: this.gpusPerWorker };
    const isElastic = props.elastic !== undefined;

    if (this.output === TrainingApi.TRAINER_V2) {
      const { shape, job } = this.trainerV2Shape(props, base);
      this.replicas = shape.jobs.map((j) => j.replica);
      this.minAvailable = totalReplicas(this.replicas);
      const v2 = renderTrainerV2(this, {
        ...shape, name: this.name, job, restartPolicy: p.restartPolicy, jobLabels: labelsOrUndefined(props.scheduling), podLabels: network.podLabels,
        // JAX runs one process per node (Trainer's jax plugin); torch and MPI take the count.
        procsPerNode: this.framework === CollectiveFramework.JAX || this.framework === CollectiveFramework.TENSORFLOW ? undefined : this.processesPerWorker,
      });
      this.apiObject = v2.trainJob;
      this.runtime = v2.runtime;
      this.successCondition = v2.successCondition;
      this.failureCondition = v2.failureCondition;
      return;
    }

    this.replicas = this.resolveV1Replicas(props, base, isElastic);
    this.minAvailable = isElastic ? props.elastic!.minReplicas : totalReplicas(this.replicas);
    const runPolicy = { ...renderFaultTolerance(this, props), ...props.scheduling?.runPolicy(this.minAvailable) };
    const replicaSpecs = Object.fromEntries(this.replicas.map((r) => {
      const template = renderReplicaTemplate(this, props, r, CONTAINER[this.framework], network.podLabels);
      // The v1 MPI launcher reaches workers with `kubectl exec`, through the ServiceAccount the
      // operator creates for it (pods/exec on this job's workers only), so it needs its token.
      if (r.type === 'Launcher') template.spec.automountServiceAccountToken = true;
      return [r.type, { replicas: r.replicas, restartPolicy: p.restartPolicy, template }];
    }));
    const metadata = { name: this.name, labels: labelsOrUndefined(props.scheduling) };
    const decider = { TensorFlow: 'Worker', PyTorch: isElastic ? 'Worker' : 'Master', MPI: 'Launcher', JAX: 'Worker' }[this.framework];
    this.failureCondition = `status.replicaStatuses.${decider}.failed > 0`;

    switch (this.framework) {
      case CollectiveFramework.TENSORFLOW:
        this.apiObject = new TfJob(this, 'Resource', {
          metadata,
          spec: { runPolicy, successPolicy: props.successPolicy || undefined, tfReplicaSpecs: replicaSpecs },
        });
        this.successCondition = tfJobSucceeded('Worker', props.successPolicy === SuccessPolicy.ALL_WORKERS ? `= ${this.workers}` : '> 0');
        break;
      case CollectiveFramework.PYTORCH:
        this.apiObject = new PyTorchJob(this, 'Resource', {
          metadata,
          spec: {
            runPolicy,
            // A string in the CRD (it also accepts auto/cpu/gpu); we always know the number.
            nprocPerNode: String(this.processesPerWorker),
            elasticPolicy: isElastic ? renderElasticPolicy(this, props.elastic!, this.workers) as never : undefined,
            pytorchReplicaSpecs: replicaSpecs,
          },
        });
        // Elastic jobs succeed once any worker completes; otherwise the master decides.
        this.successCondition = isElastic ? 'status.replicaStatuses.Worker.succeeded > 0' : 'status.replicaStatuses.Master.succeeded = 1';
        break;
      case CollectiveFramework.MPI_HOROVOD:
        this.apiObject = new MpiJob(this, 'Resource', {
          metadata,
          spec: { runPolicy, slotsPerWorker: this.processesPerWorker, mpiReplicaSpecs: replicaSpecs },
        });
        this.successCondition = 'status.replicaStatuses.Launcher.succeeded = 1';
        break;
      default:
        throw propError(this, 'framework', this.framework, 'no training-operator v1 kind for it; use output: TrainingApi.TRAINER_V2');
    }
  }

  /** Rejects props that do not apply to the framework or output. */
  private checkApplicable(props: AllReduceTrainingJobProps): void {
    const fw = props.framework;
    if (props.elastic && fw !== CollectiveFramework.PYTORCH) {
      throw propError(this, 'elastic', `${props.elastic.minReplicas}..${props.elastic.maxReplicas}`,
        `framework ${fw} has no elastic policy in training-operator v1 (only PyTorchJob has elasticPolicy); use CollectiveFramework.PYTORCH or drop elastic`);
    }
    if (props.nprocPerNode !== undefined && fw !== CollectiveFramework.PYTORCH) {
      throw propError(this, 'nprocPerNode', props.nprocPerNode, `it applies to PyTorch only, framework is ${fw}${fw === CollectiveFramework.MPI_HOROVOD ? '; use slotsPerWorker' : ''}`);
    }
    if ((props.slotsPerWorker !== undefined || props.launcher) && fw !== CollectiveFramework.MPI_HOROVOD) {
      throw propError(this, props.launcher ? 'launcher' : 'slotsPerWorker', props.slotsPerWorker ?? 'set', `it applies to MPI only, framework is ${fw}`);
    }
    if (props.successPolicy !== undefined && fw !== CollectiveFramework.TENSORFLOW) {
      throw propError(this, 'successPolicy', props.successPolicy, `it applies to TensorFlow only, framework is ${fw}`);
    }
    const output = props.output ?? DEFAULTS.output;
    if (output === TrainingApi.TRAINER_V2 && props.elastic) {
      throw propError(this, 'elastic', `${props.elastic.minReplicas}..${props.elastic.maxReplicas}`,
        "Trainer v2.3.0 has no elastic policy (mlPolicy.torch has only envInjection: pkg/apis/trainer/v1alpha1/trainingruntime_types.go); use TrainingApi.TRAINING_OPERATOR_V1 for elastic PyTorch");
    }
    if (output === TrainingApi.TRAINING_OPERATOR_V1 && fw === CollectiveFramework.JAX) {
      throw propError(this, 'framework', fw, 'JAX runs on Kubeflow Trainer v2 only here (its jax runtime); use output: TrainingApi.TRAINER_V2');
    }
  }

  /** Processes per node from GPUs; an explicit value must agree with them. */
  private resolveProcesses(props: AllReduceTrainingJobProps): number {
    const derived = this.gpusPerWorker || 1;
    const [prop, given] = props.slotsPerWorker !== undefined ? ['slotsPerWorker', props.slotsPerWorker] as const : ['nprocPerNode', props.nprocPerNode] as const;
    if (given === undefined) return this.framework === CollectiveFramework.TENSORFLOW ? 1 : derived;
    requireInteger(this, prop, given, 1);
    // Fewer processes than GPUs works (each drives several); more puts two NCCL ranks on one GPU,
    // which NCCL refuses ("Duplicate GPU detected", ncclInvalidUsage: nccl src/init.cc).
    if (this.gpusPerWorker > 0 && given > this.gpusPerWorker) {
      throw propError(this, prop, given, `it exceeds gpusPerWorker ${this.gpusPerWorker}: two processes would share a GPU and NCCL refuses that ("Duplicate GPU detected"); use 1 to ${this.gpusPerWorker} (one process per GPU is the usual) or more gpusPerWorker`);
    }
    return given;
  }

  /** The Trainer v2 runtime of the framework, and the job options its pods are rendered from. */
  private trainerV2Shape(props: AllReduceTrainingJobProps, base: ReplicaOptions): { shape: RuntimeShape; job: TrainingJobOptions } {
    const node = (type: string, extra: ReplicaOptions = {}) => resolveReplica(this, props, type, 'workers', { ...base, replicas: this.workers, ...extra }, { replicas: this.workers });
    switch (this.framework) {
      case CollectiveFramework.PYTORCH:
        return { shape: torchRuntime(node('Node')), job: props };
      case CollectiveFramework.JAX:
        return { shape: jaxRuntime(node('Node')), job: props };
      case CollectiveFramework.MPI_HOROVOD: {
        const [launcher] = this.resolveV1Replicas(props, base, false);
        // Nodes run sshd; mpirun on the launcher starts every rank over SSH.
        return { shape: mpiRuntime(launcher, node('Node', { command: [...MPI_SSHD_COMMAND], args: [] }), this.processesPerWorker), job: props };
      }
      case CollectiveFramework.TENSORFLOW: {
        const launcher = tfConfigLauncher(this, this.name);
        const job = { ...props, volumes: [...(props.volumes ?? []), launcher.mount(TF_LAUNCHER_DIR)] };
        return { shape: tensorflowJobs(this, job, { worker: node('Worker') }, launcher, props.successPolicy === SuccessPolicy.ALL_WORKERS), job };
      }
    }
  }

  private resolveV1Replicas(props: AllReduceTrainingJobProps, base: ReplicaOptions, isElastic: boolean): ResolvedReplica[] {
    const worker = (n: number) => resolveReplica(this, props, 'Worker', 'workers', { ...base, replicas: n }, { replicas: n });
    switch (this.framework) {
      case CollectiveFramework.TENSORFLOW:
        return [worker(this.workers)];
      case CollectiveFramework.PYTORCH: {
        if (isElastic) return [worker(this.workers)];
        const master = resolveReplica(this, props, 'Master', 'workers', { ...base, replicas: 1 }, { replicas: 1 });
        return this.workers > 1 ? [master, worker(this.workers - 1)] : [master];
      }
      case CollectiveFramework.MPI_HOROVOD: {
        const l = props.launcher ?? {};
        const launcher = resolveReplica(this, props, 'Launcher', 'launcher', {
          ...l,
          command: l.command ?? this.mpirunCommand(props),
          args: l.command ? l.args : undefined,
        }, { replicas: 1, max: 1, gpus: 0 });
        // Workers run no program of their own: mpirun on the launcher starts every rank through
        // kubectl exec, and the operator keeps a worker without a command idle (`sleep 365d`,
        // training-operator v1.9 pkg/controller.v1/mpi/mpijob_controller.go newWorker).
        const workers = resolveReplica(this, props, 'Worker', 'workers', { ...base, replicas: this.workers, command: [], args: [] }, { replicas: this.workers });
        return [launcher, workers];
      }
      default:
        return [worker(this.workers)];
    }
  }

  /**
   * `mpirun` over every slot, exporting the environment Horovod and NCCL need and the job's own
   * (its `env` and checkpoint variable), then the program. Ranks started over SSH (Trainer v2's MPI
   * runtime) get a login environment, not their container's: only what `-x` names reaches them.
   * The pool's interconnect settings are in the workers' containers, not the launcher's (it has no
   * GPUs), so they go by value; one the job's `env` sets is forwarded from there instead.
   */
  private mpirunCommand(props: AllReduceTrainingJobProps): string[] {
    if (!props.command?.length) {
      throw propError(this, 'command', props.command, 'an MPI job needs the program to run under mpirun (or a launcher.command)');
    }
    const ranks = this.workers * this.processesPerWorker;
    const jobEnv = [...Object.keys(props.env ?? {}), ...(props.checkpoint ? [props.checkpoint.envVar ?? FAULT_TOLERANCE_DEFAULTS.checkpointEnvVar] : [])];
    const interconnect = Object.entries(props.pool.interconnectEnv(this.gpusPerWorker)).filter(([name]) => !jobEnv.includes(name));
    return [
      'mpirun', '-np', String(ranks), '-bind-to', 'none', '-map-by', 'slot',
      '-x', 'LD_LIBRARY_PATH', '-x', 'PATH', '-x', 'NCCL_DEBUG=INFO',
      ...interconnect.flatMap(([name, value]) => ['-x', `${name}=${value}`]), ...jobEnv.flatMap((name) => ['-x', name]),
      ...props.command, ...(props.args ?? []),
    ];
  }
}
