import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { GangScheduler } from './gang-scheduling';
import { CleanPodPolicy, renderFaultTolerance, ReplicaRestartPolicy } from './policies';
import { renderReplicaTemplate, ResolvedReplica, TrainingJobOptions } from './replica';
import { propError } from '../core/errors';
import { TrainingRuntime, TrainJob } from '../imports/trainer.kubeflow.org';

/** Label that marks the replicated job running the trainer (Kubeflow Trainer's runtime convention). */
export const TRAINER_ANCESTOR_LABEL = 'trainer.kubeflow.org/trainjob-ancestor-step';
/** Name of the trainer's replicated job and of its container in torch runtimes. */
export const TRAINER_NODE = 'node';
/** TrainJob annotation Volcano reads for the queue (Trainer v2 has no schedulingPolicy.queue). */
export const VOLCANO_QUEUE_ANNOTATION = 'scheduling.volcano.sh/queue-name';

/** What the v2 renderer needs from the allreduce construct. */
export interface TrainerV2Input {
  readonly name: string;
  readonly job: TrainingJobOptions;
  /** The single node role (numNodes = its replicas). */
  readonly node: ResolvedReplica;
  readonly procsPerNode: number;
  readonly restartPolicy: ReplicaRestartPolicy;
  readonly jobLabels?: Record<string, string>;
  /** The job's network pod-group labels, put on every node pod. */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/**
 * Renders the Kubeflow Trainer v2 form of a PyTorch all-reduce job: a namespaced `TrainingRuntime`
 * holding everything about *where and how* pods run (pool, security, volumes, gang policy, restart
 * budget), and a `TrainJob` saying *how big* (numNodes, numProcPerNode) and *when* (suspend, deadline).
 * The v1 → v2 mapping is documented in constructs/training/README.md.
 */
export function renderTrainerV2(scope: Construct, input: TrainerV2Input): { trainJob: ApiObject; runtime: ApiObject } {
  const { job, node } = input;
  if (input.restartPolicy === ReplicaRestartPolicy.ALWAYS) {
    throw propError(scope, 'restartPolicy', input.restartPolicy, 'Trainer v2 runs nodes as Jobs, which never use Always; use ON_FAILURE, NEVER or EXIT_CODE');
  }
  if (job.cleanPodPolicy !== undefined && job.cleanPodPolicy !== CleanPodPolicy.NONE) {
    throw propError(scope, 'cleanPodPolicy', job.cleanPodPolicy, 'Trainer v2 has no clean-pod policy (finished Jobs keep their pods until ttlAfterFinished); drop it');
  }
  const run = renderFaultTolerance(scope, job);
  const template = renderReplicaTemplate(scope, job, node, TRAINER_NODE, input.podLabels);
  // Jobs accept only Never/OnFailure; ExitCode's "retry signals" becomes a whole-JobSet restart (failurePolicy).
  template.spec.restartPolicy = input.restartPolicy === ReplicaRestartPolicy.ON_FAILURE ? 'OnFailure' : 'Never';

  const scheduling = job.scheduling;
  const podGroupPolicy = scheduling?.scheduler === GangScheduler.COSCHEDULING
    ? { coscheduling: { scheduleTimeoutSeconds: scheduling.coschedulingTimeoutSeconds } }
    : scheduling?.scheduler === GangScheduler.VOLCANO ? { volcano: {} } : undefined;

  const runtime = new TrainingRuntime(scope, 'Runtime', {
    metadata: { name: input.name, labels: { 'trainer.kubeflow.org/framework': 'torch' } },
    spec: {
      mlPolicy: { numNodes: node.replicas, torch: {} },
      podGroupPolicy,
      template: {
        spec: {
          ttlSecondsAfterFinished: run.ttlSecondsAfterFinished,
          failurePolicy: run.backoffLimit !== undefined ? { maxRestarts: run.backoffLimit } : undefined,
          replicatedJobs: [{
            name: TRAINER_NODE,
            template: {
              metadata: { labels: { [TRAINER_ANCESTOR_LABEL]: 'trainer' } },
              spec: { template },
            },
          }],
        },
      },
    },
  });

  const volcanoQueue = scheduling?.scheduler === GangScheduler.VOLCANO ? scheduling.volcanoQueueName : undefined;
  const trainJob = new TrainJob(scope, 'Resource', {
    metadata: {
      name: input.name,
      labels: input.jobLabels,
      annotations: volcanoQueue ? { [VOLCANO_QUEUE_ANNOTATION]: volcanoQueue } : undefined,
    },
    spec: {
      runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: input.name },
      trainer: { numNodes: node.replicas, numProcPerNode: input.procsPerNode },
      activeDeadlineSeconds: run.activeDeadlineSeconds,
      suspend: scheduling?.scheduler === GangScheduler.KUEUE ? true : undefined,
    },
  });
  trainJob.node.addDependency(runtime);
  return { trainJob, runtime };
}
