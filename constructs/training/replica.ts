import { Chart, Size } from 'cdk8s';
import { Construct } from 'constructs';
import { GangScheduling } from './gang-scheduling';
import { CheckpointOptions, CleanPodPolicy, FaultToleranceOptions, renderCheckpoint, ReplicaRestartPolicy } from './policies';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { ContainerResources, DEFAULT_RESOURCES } from '../core/compute';
import { propError, requireInteger } from '../core/errors';
import { ContainerImage } from '../core/image';
import { podTemplateJson } from '../core/pod-template';
import { CONTAINER_IMAGE, CONTAINER_RESOURCES, DURATION, SHARED_VOLUME, SIZE, STRING_MAP, STRINGS, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { instanceOf, oneOf, optional, PropChecks, shape } from '../core/required-props';
import { VolumeAttachment } from '../core/volume-types';

/** One role of a distributed job (PS, Worker, Chief, Master, Launcher, ...). */
export interface ReplicaOptions {
  /**
   * Pods of this role.
   * @default - per role (documented on the job's prop)
   */
  readonly replicas?: number;
  /** @default - the job's `command` */
  readonly command?: readonly string[];
  /** @default - the job's `args` */
  readonly args?: readonly string[];
  /** Merged over the job's `env`. @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** @default - the job's `resources` */
  readonly resources?: ContainerResources;
  /**
   * GPUs per pod of this role, at most the pool's GPUs per node.
   * @default 0
   */
  readonly gpus?: number;
}

/** Props every training job construct shares. */
export interface TrainingJobOptions extends FaultToleranceOptions {
  /**
   * Job name (an RFC 1035 label: the operator derives Service names from it).
   * @default - the construct id
   */
  readonly name?: string;
  /** Pinned image with the training program. */
  readonly image: ContainerImage;
  /** Nodes every replica runs on: yields nodeSelector, tolerations and the GPU resource. */
  readonly pool: NodePool;
  /** Entrypoint of every role unless the role overrides it. @default - the image's entrypoint */
  readonly command?: readonly string[];
  /** @default - none */
  readonly args?: readonly string[];
  /** @default - none */
  readonly env?: Readonly<Record<string, string>>;
  /** CPU and memory of every role unless the role overrides it. @default - DEFAULT_RESOURCES (500m, 1 GiB) */
  readonly resources?: ContainerResources;
  /** Volumes mounted into every replica. @default - none */
  readonly volumes?: readonly VolumeAttachment[];
  /**
   * Memory-backed `/dev/shm` (NCCL and data loaders outgrow the 64 MiB default). Counts against the memory limit.
   * @default - on replicas with GPUs, half their memory; none otherwise
   */
  readonly sharedMemory?: Size;
  /**
   * Gang scheduling (Volcano, coscheduling or Kueue).
   * @default - no gang scheduling: pods are scheduled one by one
   */
  readonly scheduling?: GangScheduling;
}

/** Run-time check of a role's options. */
export const REPLICA_OPTIONS = shape<ReplicaOptions>({
  replicas: optional('number'), command: optional(STRINGS), args: optional(STRINGS), env: optional(STRING_MAP), resources: optional(CONTAINER_RESOURCES), gpus: optional('number'),
}, 'replica options ({ replicas, command, args, env, resources, gpus })');

/** Run-time checks of the props every training job shares (spread into each job's table). */
export const TRAINING_JOB_CHECKS: PropChecks<TrainingJobOptions> = {
  name: optional('string'),
  image: CONTAINER_IMAGE,
  pool: NODE_POOL,
  command: optional(STRINGS),
  args: optional(STRINGS),
  env: optional(STRING_MAP),
  resources: optional(CONTAINER_RESOURCES),
  volumes: optional(VOLUME_ATTACHMENTS),
  sharedMemory: optional(SIZE),
  scheduling: optional(instanceOf(GangScheduling, 'GangScheduling.kueue({ queue }), GangScheduling.volcano() or GangScheduling.coscheduling()')),
  restartPolicy: optional(oneOf(ReplicaRestartPolicy, 'ReplicaRestartPolicy')),
  backoffLimit: optional('number'),
  activeDeadline: optional(DURATION),
  ttlAfterFinished: optional(DURATION),
  cleanPodPolicy: optional(oneOf(CleanPodPolicy, 'CleanPodPolicy')),
  checkpoint: optional(shape<CheckpointOptions>({
    volume: SHARED_VOLUME, mountPath: optional('string'), subPath: optional('string'), envVar: optional('string'),
  }, 'checkpoint options ({ volume, mountPath, subPath, envVar })')),
};

/** A role resolved for rendering. */
export interface ResolvedReplica {
  /** Replica type key (`Worker`, `PS`, ...). */
  readonly type: string;
  /** Prop path for messages (`worker`, `ps`). */
  readonly prop: string;
  readonly replicas: number;
  readonly gpus: number;
  readonly options: ReplicaOptions;
}

/** Resolves a role: checks replicas (>= min) and GPUs against the pool. */
export function resolveReplica(scope: Construct, job: TrainingJobOptions, type: string, prop: string, options: ReplicaOptions, defaults: { replicas: number; min?: number; max?: number; gpus?: number }): ResolvedReplica {
  const replicas = requireInteger(scope, `${prop}.replicas`, options.replicas ?? defaults.replicas, defaults.min ?? 1, defaults.max);
  const gpus = options.gpus ?? defaults.gpus ?? 0;
  if (gpus !== 0) job.pool.checkGpuCount(gpus, { scope, prop: `${prop}.gpus` });
  return { type, prop, replicas, gpus, options };
}

/**
 * JSON pod template of one role, derived from the pool, the job's shared props and the gang
 * scheduler (its Kueue topology request included); `podLabels` are the job's network pod-group
 * labels (the same on every role).
 */
export function renderReplicaTemplate(scope: Construct, job: TrainingJobOptions, replica: ResolvedReplica, containerName: string, podLabels?: Readonly<Record<string, string>>): Record<string, any> {
  const checkpoint = renderCheckpoint(scope, job.checkpoint);
  const resources = replica.options.resources ?? job.resources;
  const template = podTemplateJson({
    owner: scope.node.path,
    scope,
    containerName,
    labels: podLabels,
    // Kueue TAS: on every pod set's template (gang-scheduling.ts topologyAnnotations).
    annotations: job.scheduling?.topologyAnnotations(scope, job.pool),
    pool: job.pool,
    container: {
      image: job.image,
      // An empty list means "the image's own entrypoint" (MPI workers: the operator runs them idle).
      command: nonEmpty(replica.options.command ?? job.command),
      args: nonEmpty(replica.options.args ?? job.args),
      env: { ...job.env, ...replica.options.env, ...checkpoint.env },
      resources,
      gpus: replica.gpus,
    },
    volumes: [...(job.volumes ?? []), ...checkpoint.volumes],
    sharedMemory: sharedMemoryOf(scope, job, replica, resources),
  }) as Record<string, any>;
  const scheduling = job.scheduling;
  if (scheduling?.schedulerName) template.spec.schedulerName = scheduling.schedulerName;
  if (scheduling?.podPriorityClass) template.spec.priorityClassName = scheduling.podPriorityClass.name;
  return template;
}

function nonEmpty(list: readonly string[] | undefined): readonly string[] | undefined {
  return list?.length ? list : undefined;
}

/** Total pods of the roles: the gang size. */
export function totalReplicas(replicas: readonly ResolvedReplica[]): number {
  return replicas.reduce((n, r) => n + r.replicas, 0);
}

/** The namespace the job lands in (the chart's), for Kueue's same-namespace rule. */
export function jobNamespace(scope: Construct): string | undefined {
  return Chart.of(scope).namespace;
}

function sharedMemoryOf(scope: Construct, job: TrainingJobOptions, replica: ResolvedReplica, resources: ContainerResources | undefined): Size | undefined {
  const memory = resources?.memory ?? DEFAULT_RESOURCES.memory;
  if (job.sharedMemory) {
    if (job.sharedMemory.toMebibytes() >= memory.toMebibytes()) {
      throw propError(scope, 'sharedMemory', `${job.sharedMemory.toMebibytes()}Mi`,
        `it counts against the memory limit of ${replica.prop} (${memory.toMebibytes()}Mi); use less than the memory limit`);
    }
    return job.sharedMemory;
  }
  return replica.gpus > 0 ? Size.mebibytes(Math.floor(memory.toMebibytes() / 2)) : undefined;
}
