import { Duration } from 'cdk8s';
import { propError, requireInteger, Where } from '../core/errors';
import { ISharedVolume, VolumeAttachment } from '../core/volume-types';

/** What the operator does with a replica's pods when they exit (`replicaSpecs.<role>.restartPolicy`). */
export enum ReplicaRestartPolicy {
  NEVER = 'Never',
  ON_FAILURE = 'OnFailure',
  ALWAYS = 'Always',
  /** Restart on retryable exit codes (128+ signals), fail on permanent ones (1-127). */
  EXIT_CODE = 'ExitCode',
}

/** Which pods the operator deletes when the job finishes (`runPolicy.cleanPodPolicy`). */
export enum CleanPodPolicy {
  NONE = 'None',
  RUNNING = 'Running',
  ALL = 'All',
}

/**
 * When a TFJob counts as succeeded (`spec.successPolicy`, TFJob only).
 * @see https://github.com/kubeflow/trainer/blob/release-1.9/pkg/apis/kubeflow.org/v1/tensorflow_types.go
 */
export enum SuccessPolicy {
  /** The chief (or worker 0 when there is no chief) finished successfully. */
  DEFAULT = '',
  /** Every worker finished successfully. */
  ALL_WORKERS = 'AllWorkers',
}

/** A volume for checkpoints: mounted into every replica and handed to the program as an env var. */
/**
 * Argo `successCondition` of a training-operator v1 TFJob: the operator's own verdict, not a count
 * of every replica. It sets `status.completionTime` when it marks the job Succeeded (worker 0
 * done by default, the chief when there is one, every worker with AllWorkers) or Failed, and
 * stops updating the replica counts after (training-operator v1.9.4
 * pkg/controller.v1/tensorflow/tfjob_controller.go UpdateJobStatus): `Worker.succeeded = N` never
 * holds when worker 0 ends first, and the step waits forever (seen under the real operator in
 * verify:cluster). `replicaStatuses.<decider>.succeeded` tells success from failure (the failure
 * condition is checked first: argo-workflows v4.0.5 workflow/executor/resource.go matchConditions).
 */
export function tfJobSucceeded(decider: 'Chief' | 'Worker', succeeded: string): string {
  return `status.completionTime,status.replicaStatuses.${decider}.succeeded ${succeeded}`;
}

export interface CheckpointOptions {
  /** The claim that outlives pods, so a restarted replica resumes instead of starting over. */
  readonly volume: ISharedVolume;
  /**
   * Where replicas see the checkpoints.
   * @default '/checkpoints'
   */
  readonly mountPath?: string;
  /**
   * Directory inside the claim (several jobs can share one claim).
   * @default - the claim root
   */
  readonly subPath?: string;
  /**
   * Environment variable carrying `mountPath` to the program.
   * @default 'CHECKPOINT_DIR'
   */
  readonly envVar?: string;
}

/** Fault-tolerance knobs every training-operator job shares (`runPolicy` plus replica restart policy). */
export interface FaultToleranceOptions {
  /**
   * Restart policy of every replica.
   * @default ReplicaRestartPolicy.EXIT_CODE (retry preemptions and OOM kills, fail on program errors)
   */
  readonly restartPolicy?: ReplicaRestartPolicy;
  /**
   * Restarts allowed before the job is marked failed. The operator counts restarts only for
   * OnFailure/Always replicas, so it is rejected with Never/ExitCode.
   * @default - the operator's default (no limit)
   */
  readonly backoffLimit?: number;
  /**
   * Fail the job if it runs longer than this.
   * @default - no deadline
   */
  readonly activeDeadline?: Duration;
  /**
   * Delete the finished job after this long.
   * @default - kept
   */
  readonly ttlAfterFinished?: Duration;
  /** @default CleanPodPolicy.NONE (keep pods for their logs) */
  readonly cleanPodPolicy?: CleanPodPolicy;
  /**
   * Checkpoint volume mounted into every replica.
   * @default - no checkpoint volume
   */
  readonly checkpoint?: CheckpointOptions;
}

export const FAULT_TOLERANCE_DEFAULTS = Object.freeze({
  restartPolicy: ReplicaRestartPolicy.EXIT_CODE,
  cleanPodPolicy: CleanPodPolicy.NONE,
  checkpointMountPath: '/checkpoints',
  checkpointEnvVar: 'CHECKPOINT_DIR',
});

/** The `runPolicy` fields derived from fault-tolerance options (scheduling fields are added by the caller). */
export interface RenderedRunPolicy {
  readonly cleanPodPolicy: string;
  readonly backoffLimit?: number;
  readonly activeDeadlineSeconds?: number;
  readonly ttlSecondsAfterFinished?: number;
}

/** Checks the options and renders their part of `runPolicy`. */
export function renderFaultTolerance(scope: Where, options: FaultToleranceOptions): RenderedRunPolicy {
  const restartPolicy = options.restartPolicy ?? FAULT_TOLERANCE_DEFAULTS.restartPolicy;
  if (options.backoffLimit !== undefined) {
    requireInteger(scope, 'backoffLimit', options.backoffLimit, 0);
    if (restartPolicy !== ReplicaRestartPolicy.ON_FAILURE && restartPolicy !== ReplicaRestartPolicy.ALWAYS) {
      throw propError(scope, 'backoffLimit', options.backoffLimit,
        `restartPolicy is '${restartPolicy}' and the operator counts restarts only for OnFailure/Always replicas; use ReplicaRestartPolicy.ON_FAILURE or drop backoffLimit`);
    }
  }
  const activeDeadlineSeconds = positiveSeconds(scope, 'activeDeadline', options.activeDeadline);
  const ttlSecondsAfterFinished = positiveSeconds(scope, 'ttlAfterFinished', options.ttlAfterFinished);
  return {
    cleanPodPolicy: options.cleanPodPolicy ?? FAULT_TOLERANCE_DEFAULTS.cleanPodPolicy,
    backoffLimit: options.backoffLimit,
    activeDeadlineSeconds,
    ttlSecondsAfterFinished,
  };
}

/** The checkpoint mount and env var, or nothing. */
export function renderCheckpoint(scope: Where, checkpoint: CheckpointOptions | undefined): { volumes: VolumeAttachment[]; env: Record<string, string> } {
  if (!checkpoint) return { volumes: [], env: {} };
  const mountPath = checkpoint.mountPath ?? FAULT_TOLERANCE_DEFAULTS.checkpointMountPath;
  const envVar = checkpoint.envVar ?? FAULT_TOLERANCE_DEFAULTS.checkpointEnvVar;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(envVar)) throw propError(scope, 'checkpoint.envVar', envVar, 'use a C identifier (letters, digits, _)');
  return { volumes: [checkpoint.volume.mount(mountPath, { subPath: checkpoint.subPath })], env: { [envVar]: mountPath } };
}

function positiveSeconds(scope: Where, prop: string, d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 1) throw propError(scope, prop, `${s}s`, 'use a whole number of seconds >= 1');
  return s;
}
