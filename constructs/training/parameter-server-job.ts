import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GangScheduling } from './gang-scheduling';
import { FAULT_TOLERANCE_DEFAULTS, renderFaultTolerance, SuccessPolicy, tfJobSucceeded } from './policies';
import {
  jobNamespace, renderReplicaTemplate, REPLICA_OPTIONS, ReplicaOptions, ResolvedReplica, resolveReplica, totalReplicas, TRAINING_JOB_CHECKS, TrainingJobOptions,
} from './replica';
import { TF_LAUNCHER_DIR, tensorflowJobs, tfConfigLauncher } from './tensorflow-runtime';
import { DEFAULT_TRAINING_API, renderTrainerV2, TrainingApi } from './trainer-v2';
import { withDefaults } from '../core/defaults';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { oneOf, optional, PropChecks, requireProps } from '../core/required-props';
import { IWorkflowResource } from '../core/workflow-resource';
import { TfJob } from '../imports/kubeflow.org';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { trainingJobNeeds } from '../operations/network/workload-traffic';

/** Properties for `ParameterServerTrainingJob`. */
export interface ParameterServerTrainingJobProps extends TrainingJobOptions {
  /** Parameter servers: hold the variables; workers push gradients to them. At least one. */
  readonly ps: ReplicaOptions;
  /**
   * Workers: compute gradients on their data shard.
   * @default - 2 replicas, the job's command and resources
   */
  readonly worker?: ReplicaOptions;
  /**
   * A chief (exactly one replica): coordinates, writes checkpoints and summaries; its success is the job's.
   * @default - no chief (worker 0 acts as chief)
   */
  readonly chief?: ReplicaOptions;
  /**
   * An evaluator (exactly one replica): evaluates checkpoints while training runs; not part of the gang.
   * @default - no evaluator
   */
  readonly evaluator?: ReplicaOptions;
  /** @default SuccessPolicy.DEFAULT (the chief, or worker 0, succeeded) */
  readonly successPolicy?: SuccessPolicy;
  /**
   * `TRAINER_V2`: a TrainJob on its own TensorFlow TrainingRuntime (one replicated job per role,
   * TF_CONFIG from the launcher, `tensorflow-runtime.ts`).
   * @default TrainingApi.TRAINER_V2 (DEFAULT_TRAINING_API); `TRAINING_OPERATOR_V1` renders a TFJob
   */
  readonly output?: TrainingApi;
}

const DEFAULTS = Object.freeze({
  ...FAULT_TOLERANCE_DEFAULTS,
  workers: 2,
  successPolicy: SuccessPolicy.DEFAULT,
});

const PROP_CHECKS: PropChecks<ParameterServerTrainingJobProps> = {
  ...TRAINING_JOB_CHECKS,
  ps: REPLICA_OPTIONS,
  worker: optional(REPLICA_OPTIONS),
  chief: optional(REPLICA_OPTIONS),
  evaluator: optional(REPLICA_OPTIONS),
  successPolicy: optional(oneOf(SuccessPolicy, 'SuccessPolicy')),
  output: optional(oneOf(TrainingApi, 'TrainingApi')),
};

/** Name of the TensorFlow container the training operator looks for. */
export const TF_CONTAINER = 'tensorflow';

/**
 * The parameter-server pattern (book chapter 3) as a Kubeflow TFJob: PS and Worker roles,
 * optional Chief and Evaluator, each with its own replicas, resources and command. The operator
 * writes `TF_CONFIG` into every pod; the program uses `ParameterServerStrategy`.
 */
export class ParameterServerTrainingJob extends Construct implements IWorkflowResource {
  public readonly apiObject: ApiObject;
  /** The TrainingRuntime the TrainJob runs on (Trainer v2 only). */
  public readonly runtime?: ApiObject;
  public readonly name: string;
  /** Resolved roles, in replica-spec order. */
  public readonly replicas: readonly ResolvedReplica[];
  /** Pods that must be scheduled together (PS + workers + chief): the gang's minAvailable. */
  public readonly minAvailable: number;
  public readonly successCondition: string;
  public readonly failureCondition: string;

  constructor(scope: Construct, id: string, props: ParameterServerTrainingJobProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    if (props.ps.replicas !== undefined && props.ps.replicas < 1) {
      throw propError(this, 'ps.replicas', props.ps.replicas, 'a parameter-server job needs at least one PS; use 1 or more, or AllReduceTrainingJob for a job without PS');
    }
    const ps = resolveReplica(this, props, 'PS', 'ps', props.ps, { replicas: 1 });
    const worker = resolveReplica(this, props, 'Worker', 'worker', props.worker ?? {}, { replicas: p.workers });
    const chief = props.chief ? resolveReplica(this, props, 'Chief', 'chief', props.chief, { replicas: 1, max: 1 }) : undefined;
    const evaluator = props.evaluator ? resolveReplica(this, props, 'Evaluator', 'evaluator', props.evaluator, { replicas: 1, max: 1 }) : undefined;
    if (ps.gpus > 0) {
      throw propError(this, 'ps.gpus', ps.gpus, 'parameter servers only hold variables; give GPUs to workers (and chief) instead');
    }
    this.replicas = [chief, ps, worker, evaluator].filter((r): r is ResolvedReplica => r !== undefined);
    // The evaluator reads checkpoints at its own pace: the training gang does not wait for it.
    this.minAvailable = totalReplicas(this.replicas.filter((r) => r !== evaluator));
    props.scheduling?.checkNamespace(this, jobNamespace(this));

    // PS, workers, chief and evaluator reach each other (TF_CONFIG lists them all) and no other job.
    const network = NamespaceNetwork.of(this).group(this, trainingJobNeeds(this.name));
    if ((props.output ?? DEFAULT_TRAINING_API) === TrainingApi.TRAINER_V2) {
      const launcher = tfConfigLauncher(this, this.name);
      const job = { ...props, volumes: [...(props.volumes ?? []), launcher.mount(TF_LAUNCHER_DIR)] };
      const v2 = renderTrainerV2(this, {
        ...tensorflowJobs(this, job, { chief, ps, worker, evaluator }, launcher, p.successPolicy === SuccessPolicy.ALL_WORKERS),
        name: this.name, job, restartPolicy: p.restartPolicy, jobLabels: labelsOrUndefined(props.scheduling), podLabels: network.podLabels,
      });
      this.apiObject = v2.trainJob;
      this.runtime = v2.runtime;
      this.successCondition = v2.successCondition;
      this.failureCondition = v2.failureCondition;
      return;
    }
    const runPolicy = { ...renderFaultTolerance(this, props), ...props.scheduling?.runPolicy(this.minAvailable) };
    const tfReplicaSpecs = Object.fromEntries(this.replicas.map((r) => [r.type, {
      replicas: r.replicas,
      restartPolicy: p.restartPolicy,
      template: renderReplicaTemplate(this, props, r, TF_CONTAINER, network.podLabels),
    }]));
    this.apiObject = new TfJob(this, 'Resource', {
      metadata: { name: this.name, labels: labelsOrUndefined(props.scheduling) },
      spec: {
        runPolicy,
        successPolicy: p.successPolicy === SuccessPolicy.DEFAULT ? undefined : p.successPolicy,
        tfReplicaSpecs,
      },
    });

    // The operator's rule: with a chief, the chief decides; otherwise worker 0, or all workers with AllWorkers.
    const decider = chief ? 'Chief' : 'Worker';
    this.successCondition = chief
      ? tfJobSucceeded('Chief', '= 1')
      : tfJobSucceeded('Worker', p.successPolicy === SuccessPolicy.ALL_WORKERS ? `= ${worker.replicas}` : '> 0');
    this.failureCondition = `status.replicaStatuses.${decider}.failed > 0`;
  }
}

/** Job labels from the gang scheduler, or undefined when it adds none. */
export function labelsOrUndefined(scheduling: GangScheduling | undefined): Record<string, string> | undefined {
  const labels = scheduling?.jobLabels() ?? {};
  return Object.keys(labels).length ? labels : undefined;
}
