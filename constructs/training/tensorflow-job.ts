import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { CleanPodPolicy, ReplicaRestartPolicy, tfJobSucceeded } from './policies';
import { TrainingJobOptions } from './replica';
import { TF_LAUNCHER_DIR, tensorflowJobs, tfConfigLauncher } from './tensorflow-runtime';
import { DEFAULT_TRAINING_API, renderTrainerV2, TrainingApi } from './trainer-v2';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { withDefaults } from '../core/defaults';
import { requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { ContainerSpec, podTemplateJson } from '../core/pod-template';
import { CONTAINER_SPEC, DURATION, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps } from '../core/required-props';
import { VolumeAttachment } from '../core/volume-types';
import { IWorkflowResource } from '../core/workflow-resource';
import { TfJob } from '../imports/kubeflow.org';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { trainingJobNeeds } from '../operations/network/workload-traffic';

// The policy enums are shared by every training construct; re-exported here for existing importers.
export { CleanPodPolicy, ReplicaRestartPolicy } from './policies';

/** Properties for `TensorFlowTrainingJob`. */
export interface TensorFlowTrainingJobProps {
  /**
   * TFJob name.
   * @default - the construct id
   */
  readonly name?: string;
  /** The training program: pinned image, command, resources and GPUs per worker. */
  readonly container: ContainerSpec;
  /** Nodes the workers run on: yields nodeSelector, tolerations and the GPU resource name. */
  readonly pool: NodePool;
  /**
   * Worker replicas (MultiWorkerMirroredStrategy: every worker holds a model replica).
   * @default 2
   */
  readonly workers?: number;
  /**
   * Volumes mounted into every replica (data in, checkpoints and models out).
   * @default - none
   */
  readonly volumes?: readonly VolumeAttachment[];
  /** @default ReplicaRestartPolicy.NEVER (the book's choice: a failed worker fails the step) */
  readonly restartPolicy?: ReplicaRestartPolicy;
  /** @default CleanPodPolicy.NONE (keep pods for their logs) */
  readonly cleanPodPolicy?: CleanPodPolicy;
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
  /**
   * `TRAINER_V2`: a TrainJob on its own TensorFlow TrainingRuntime whose launcher builds TF_CONFIG
   * (`tensorflow-runtime.ts`); `cleanPodPolicy` must then stay NONE.
   * @default TrainingApi.TRAINER_V2 (DEFAULT_TRAINING_API); `TRAINING_OPERATOR_V1` renders the book's TFJob
   */
  readonly output?: TrainingApi;
}

const DEFAULTS = {
  workers: 2,
  restartPolicy: ReplicaRestartPolicy.NEVER,
  cleanPodPolicy: CleanPodPolicy.NONE,
} as const;

const PROP_CHECKS: PropChecks<TensorFlowTrainingJobProps> = {
  name: optional('string'), container: CONTAINER_SPEC, pool: NODE_POOL, workers: optional('number'), volumes: optional(VOLUME_ATTACHMENTS),
  restartPolicy: optional(oneOf(ReplicaRestartPolicy, 'ReplicaRestartPolicy')), cleanPodPolicy: optional(oneOf(CleanPodPolicy, 'CleanPodPolicy')),
  activeDeadline: optional(DURATION), ttlAfterFinished: optional(DURATION), output: optional(oneOf(TrainingApi, 'TrainingApi')),
};

/** Name of the TensorFlow container the training operator looks for. */
const TF_CONTAINER = 'tensorflow';

/**
 * Collective (all-reduce) TensorFlow training: a Kubeflow TFJob whose workers run
 * MultiWorkerMirroredStrategy. The operator injects `TF_CONFIG`; the pool decides where pods run.
 */
export class TensorFlowTrainingJob extends Construct implements IWorkflowResource {
  public readonly apiObject: ApiObject;
  /** The TrainingRuntime the TrainJob runs on (Trainer v2 only). */
  public readonly runtime?: ApiObject;
  public readonly name: string;
  public readonly workers: number;
  public readonly successCondition: string;
  public readonly failureCondition: string;

  constructor(scope: Construct, id: string, props: TensorFlowTrainingJobProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    this.workers = requireInteger(this, 'workers', p.workers, 1);
    // The workers reach each other (TF_CONFIG) on any port, and no other job.
    const network = NamespaceNetwork.of(this).group(this, trainingJobNeeds(this.name));
    if ((props.output ?? DEFAULT_TRAINING_API) === TrainingApi.TRAINER_V2) {
      const v2 = this.renderV2(props, p.restartPolicy, network.podLabels);
      this.apiObject = v2.trainJob;
      this.runtime = v2.runtime;
      this.successCondition = v2.successCondition;
      this.failureCondition = v2.failureCondition;
      return;
    }
    const template = podTemplateJson({
      owner: this.node.path,
      scope: this,
      containerName: TF_CONTAINER,
      labels: network.podLabels,
      container: props.container,
      pool: props.pool,
      volumes: props.volumes,
    });
    this.apiObject = new TfJob(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        runPolicy: {
          cleanPodPolicy: p.cleanPodPolicy,
          activeDeadlineSeconds: props.activeDeadline?.toSeconds(),
          ttlSecondsAfterFinished: props.ttlAfterFinished?.toSeconds(),
        },
        tfReplicaSpecs: {
          Worker: { replicas: this.workers, restartPolicy: p.restartPolicy, template },
        },
      },
    });
    // Default success policy: the job succeeds when worker 0 completes.
    this.successCondition = tfJobSucceeded('Worker', '> 0');
    this.failureCondition = 'status.replicaStatuses.Worker.failed > 0';
  }

  /** The same workers as a TrainJob: the container's fields become the job's shared options. */
  private renderV2(props: TensorFlowTrainingJobProps, restartPolicy: ReplicaRestartPolicy, podLabels: Readonly<Record<string, string>>) {
    const { container } = props;
    const launcher = tfConfigLauncher(this, this.name);
    const job: TrainingJobOptions = {
      image: container.image, pool: props.pool, command: container.command, args: container.args, env: container.env, resources: container.resources,
      volumes: [...(props.volumes ?? []), launcher.mount(TF_LAUNCHER_DIR)],
      restartPolicy, cleanPodPolicy: props.cleanPodPolicy, activeDeadline: props.activeDeadline, ttlAfterFinished: props.ttlAfterFinished,
    };
    const worker = { type: 'Worker', prop: 'workers', replicas: this.workers, gpus: container.gpus ?? 0, options: {} };
    return renderTrainerV2(this, { ...tensorflowJobs(this, job, { worker }, launcher, false), name: this.name, job, restartPolicy, podLabels });
  }
}
