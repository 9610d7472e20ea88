import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GangScheduler } from './gang-scheduling';
import { CleanPodPolicy, renderFaultTolerance, ReplicaRestartPolicy } from './policies';
import { renderReplicaTemplate, ResolvedReplica, TrainingJobOptions } from './replica';
import { propError } from '../core/errors';
import { toJson_TrainingRuntimeSpec, TrainingRuntime, TrainingRuntimeSpec, TrainJob } from '../imports/trainer.kubeflow.org';

/** Label that marks the replicated job running the trainer (Kubeflow Trainer's runtime convention). */
export const TRAINER_ANCESTOR_LABEL = 'trainer.kubeflow.org/trainjob-ancestor-step';
/** Name of the trainer's replicated job and of the container Trainer's plugins fill in (`constants.Node`). */
export const TRAINER_NODE = 'node';
/** Runtime label naming the framework (Trainer v2.3.0 charts/…/files/runtimes/*.yaml). */
export const TRAINER_FRAMEWORK_LABEL = 'trainer.kubeflow.org/framework';
/** TrainJob annotation Volcano reads for the queue (Trainer v2 has no schedulingPolicy.queue). */
export const VOLCANO_QUEUE_ANNOTATION = 'scheduling.volcano.sh/queue-name';

/** One replicated job of a runtime: a role, its pods and what it adds to the role's pod template. */
export interface RuntimeJob {
  /** Replicated job name (JobSet: a DNS label; it is part of every pod's host name). */
  readonly name: string;
  readonly replica: ResolvedReplica;
  /** Container name; Trainer's plugins only touch the one named `node`. */
  readonly containerName: string;
  /** Carries `trainjob-ancestor-step: trainer`: its pod count is the TrainJob's numNodes. */
  readonly trainer?: boolean;
  /** JobSet `dependsOn` (start after the named jobs reach the status). */
  readonly dependsOn?: readonly { readonly name: string; readonly status: 'Ready' | 'Complete' }[];
  /** Fields of the Job spec (e.g. a Job successPolicy). */
  readonly jobSpec?: Record<string, unknown>;
  /** Changes to the rendered pod template (env from the downward API, ports, probes). */
  readonly patch?: (template: Record<string, any>) => void;
}

/** Which API the job is emitted for. */
export enum TrainingApi {
  /** Kubeflow training-operator v1 (kubeflow.org/v1 TFJob, PyTorchJob, MPIJob): what the book uses. */
  TRAINING_OPERATOR_V1 = 'kubeflow.org/v1',
  /** Kubeflow Trainer v2 (trainer.kubeflow.org TrainJob + TrainingRuntime on JobSet). */
  TRAINER_V2 = 'trainer.kubeflow.org/v1alpha1',
}

/**
 * What every training construct renders unless told otherwise: Trainer v2. The training-operator
 * v1 left the Kubeflow distribution in July 2026 and Kueue 0.19 turns its v1 integrations off by
 * default; it stays an opt-in (`output: TrainingApi.TRAINING_OPERATOR_V1`).
 */
export const DEFAULT_TRAINING_API = TrainingApi.TRAINER_V2;

/** What a Trainer v2 job needs rendered. */
export interface TrainerV2Input {
  readonly name: string;
  readonly job: TrainingJobOptions;
  /** `trainer.kubeflow.org/framework` label of the runtime. */
  readonly framework: string;
  /** The framework's `mlPolicy` entry (`{ torch: {} }`, `{ mpi: {...} }`, `{}` for a plain runtime). */
  readonly mlPolicy: Record<string, unknown>;
  /** The replicated jobs, in order; exactly one is the trainer. */
  readonly jobs: readonly RuntimeJob[];
  /** `numNodes` of the runtime and the TrainJob. @default - the trainer job's replicas (MPI: the `node` job's) */
  readonly numNodes?: number;
  /** `TrainJob.spec.trainer.numProcPerNode`. @default - not set */
  readonly procsPerNode?: number;
  readonly restartPolicy: ReplicaRestartPolicy;
  /** JobSet successPolicy. @default - JobSet's default: every replicated job completes */
  readonly successPolicy?: { readonly operator: 'All' | 'Any'; readonly targetReplicatedJobs: readonly string[] };
  /** JobSet network. @default - JobSet's defaults (DNS hostnames, publishNotReadyAddresses) */
  readonly network?: Record<string, unknown>;
  readonly jobLabels?: Record<string, string>;
  /** The job's network pod-group labels, put on every pod. */
  readonly podLabels?: Readonly<Record<string, string>>;
  /** Emit a cluster-scoped ClusterTrainingRuntime instead of a namespaced TrainingRuntime. */
  readonly clusterScoped?: boolean;
}

/** The emitted pair and the Argo conditions of the TrainJob. */
export interface TrainerV2Output {
  readonly trainJob: ApiObject;
  readonly runtime: ApiObject;
  readonly successCondition: string;
  readonly failureCondition: string;
}

/**
 * Argo conditions of a TrainJob. Trainer v2.3.0 sets `Complete` or `Failed` (copied from the
 * JobSet's terminal condition, or `Failed` on deadline) in `status.conditions`
 * (pkg/runtime/framework/plugins/jobset/jobset.go Status, pkg/controller/trainjob_controller.go),
 * after `Suspended` when the TrainJob was ever suspended (setSuspendedCondition; Kueue creates
 * it suspended). Argo reads keys as gjson paths through a label-selector parser, so no query by
 * type: the index is fixed instead. `jobsStatus` is no alternative: JobSet v0.12.0 builds it by
 * iterating a Go map (pkg/controllers/jobset_controller.go calculateReplicatedJobStatuses), so
 * its order is random once a runtime has two replicated jobs, and a `failed` count appears before
 * a failurePolicy restart.
 */
export function trainJobConditions(suspended: boolean): { successCondition: string; failureCondition: string } {
  const i = suspended ? 1 : 0;
  return {
    successCondition: `status.conditions.${i}.type = Complete,status.conditions.${i}.status = True`,
    // One requirement: Argo fails on ANY failure requirement (v4.0.5 workflow/executor/resource.go
    // matchConditions), so `status = True` alone would fail on Suspended or Complete. Trainer sets
    // Failed only as True and removes it otherwise (trainjob_controller.go RemoveStatusCondition).
    failureCondition: `status.conditions.${i}.type = Failed`,
  };
}

/**
 * The training-operator's ExitCode restart policy as a Job podFailurePolicy (Kubernetes batch/v1,
 * GA in 1.31): exit codes 1-127 (program errors) fail the Job, and so the JobSet; a pod evicted or
 * preempted (condition DisruptionTarget) is recreated without counting; other failures (signals:
 * 137 OOM kill, 143 SIGTERM) are retried up to the Job's backoffLimit, as the training-operator's
 * ExitCode did (v1.9.4 pkg/util/train/train_util.go IsRetryableExitCode: exitCode >= 128). `In`
 * takes up to 255 ordered values.
 */
function exitCodePolicy(containerName: string): Record<string, unknown> {
  return {
    rules: [
      { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
      { action: 'FailJob', onExitCodes: { containerName, operator: 'In', values: Array.from({ length: 127 }, (_, i) => i + 1) } },
    ],
  };
}

/**
 * Renders a Trainer v2 runtime (namespaced `TrainingRuntime`, or `ClusterTrainingRuntime` with
 * `clusterScoped`) named `input.name`: everything about *where and how* pods run (pool, security,
 * volumes, gang policy, restart budget, roles). Returns it with its numNodes.
 */
export function renderTrainingRuntime(scope: Construct, input: Omit<TrainerV2Input, 'jobLabels' | 'procsPerNode'>): { runtime: ApiObject; numNodes: number } {
  const { job } = input;
  if (input.restartPolicy === ReplicaRestartPolicy.ALWAYS) {
    throw propError(scope, 'restartPolicy', input.restartPolicy, 'Trainer v2 runs nodes as Jobs, which never use Always; use ON_FAILURE, NEVER or EXIT_CODE (or output: TrainingApi.TRAINING_OPERATOR_V1)');
  }
  if (job.cleanPodPolicy !== undefined && job.cleanPodPolicy !== CleanPodPolicy.NONE) {
    throw propError(scope, 'cleanPodPolicy', job.cleanPodPolicy, 'Trainer v2 has no clean-pod policy (finished Jobs keep their pods until ttlAfterFinished); drop it (or set output: TrainingApi.TRAINING_OPERATOR_V1)');
  }
  const trainers = input.jobs.filter((j) => j.trainer);
  if (trainers.length !== 1) throw new Error(`${scope.node.path}: a Trainer v2 runtime needs exactly one trainer job, got ${trainers.length}`);
  const numNodes = input.numNodes ?? trainers[0].replica.replicas;
  // Trainer v2.3.0 sizes the trainer job from the runtime's mlPolicy.numNodes
  // (pkg/runtime/core/trainingruntime.go newRuntimeInfo) and lets the TrainJob's numNodes replace
  // it in every plugin but MPI's, which applies it to the `node` job only (plugins/mpi/mpi.go
  // EnforceMLPolicy): an MPI runtime keeps the launcher's own count there, as the built-in
  // deepspeed-distributed runtime does (numNodes: 1), or every node would start a launcher.
  const runtimeNodes = input.mlPolicy.mpi !== undefined ? trainers[0].replica.replicas : numNodes;
  const run = renderFaultTolerance(scope, job);
  const replicatedJobs = input.jobs.map((j) => {
    const template = renderReplicaTemplate(scope, job, j.replica, j.containerName, input.podLabels);
    // Jobs accept only Never/OnFailure; ExitCode becomes a Job podFailurePolicy (below).
    template.spec.restartPolicy = input.restartPolicy === ReplicaRestartPolicy.ON_FAILURE ? 'OnFailure' : 'Never';
    j.patch?.(template);
    // The trainer's pod count comes from numNodes (Trainer's SyncParallelCount); other roles keep theirs.
    const pods = j.trainer ? {} : { parallelism: j.replica.replicas, completions: j.replica.replicas };
    return {
      name: j.name,
      dependsOn: j.dependsOn?.map((d) => ({ ...d })),
      template: {
        metadata: j.trainer ? { labels: { [TRAINER_ANCESTOR_LABEL]: 'trainer' } } : undefined,
        spec: { ...j.jobSpec, ...pods, podFailurePolicy: input.restartPolicy === ReplicaRestartPolicy.EXIT_CODE ? exitCodePolicy(j.containerName) : undefined, template },
      },
    };
  });

  const scheduling = job.scheduling;
  const podGroupPolicy = scheduling?.scheduler === GangScheduler.COSCHEDULING
    ? { coscheduling: { scheduleTimeoutSeconds: scheduling.coschedulingTimeoutSeconds } }
    : scheduling?.scheduler === GangScheduler.VOLCANO ? { volcano: {} } : undefined;

  const metadata = { name: input.name, labels: { [TRAINER_FRAMEWORK_LABEL]: input.framework } };
  const spec = {
    mlPolicy: { numNodes: runtimeNodes, ...input.mlPolicy },
    podGroupPolicy,
    template: {
      spec: {
        network: input.network,
        successPolicy: input.successPolicy ? { operator: input.successPolicy.operator, targetReplicatedJobs: [...input.successPolicy.targetReplicatedJobs] } : undefined,
        ttlSecondsAfterFinished: run.ttlSecondsAfterFinished,
        failurePolicy: run.backoffLimit !== undefined ? { maxRestarts: run.backoffLimit } : undefined,
        replicatedJobs,
      },
    },
  } as TrainingRuntimeSpec;
  // The imports have no ClusterTrainingRuntime class; its spec is the TrainingRuntime's (same Go type).
  const runtime = input.clusterScoped
    ? new ApiObject(scope, 'Runtime', { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'ClusterTrainingRuntime', metadata, spec: toJson_TrainingRuntimeSpec(spec) })
    : new TrainingRuntime(scope, 'Runtime', { metadata, spec });
  return { runtime, numNodes };
}

/**
 * Renders the Kubeflow Trainer v2 form of a training job: its own `TrainingRuntime` (namespaced,
 * named after the job; `renderTrainingRuntime`) and a `TrainJob` saying *how big* (numNodes,
 * numProcPerNode) and *when* (suspend, deadline). The v1 → v2 mapping is in constructs/training/README.md.
 */
export function renderTrainerV2(scope: Construct, input: TrainerV2Input): TrainerV2Output {
  const { runtime, numNodes } = renderTrainingRuntime(scope, { ...input, clusterScoped: false });
  const scheduling = input.job.scheduling;
  const run = renderFaultTolerance(scope, input.job);
  const volcanoQueue = scheduling?.scheduler === GangScheduler.VOLCANO ? scheduling.volcanoQueueName : undefined;
  // Kueue v0.19.2's `trainer.kubeflow.org/trainjob` integration (pkg/controller/jobs/trainjob/
  // trainjob_controller.go) reads the queue-name label and spec.suspend of the TrainJob, admits
  // every replicated job of its JobSet as one workload (PodSets) and finishes it on the
  // Complete/Failed conditions.
  const suspended = scheduling?.scheduler === GangScheduler.KUEUE;
  const trainJob = new TrainJob(scope, 'Resource', {
    metadata: {
      name: input.name,
      labels: input.jobLabels,
      annotations: volcanoQueue ? { [VOLCANO_QUEUE_ANNOTATION]: volcanoQueue } : undefined,
    },
    spec: {
      runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: input.name },
      trainer: { numNodes, numProcPerNode: input.procsPerNode },
      activeDeadlineSeconds: run.activeDeadlineSeconds,
      suspend: suspended ? true : undefined,
    },
  });
  trainJob.node.addDependency(runtime);
  return { trainJob, runtime, ...trainJobConditions(suspended) };
}
