import { ApiObject, Chart, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { IDatasetCache, DATASET_CACHE } from './dataset-cache-ref';
import { renderIngestionPod, wholeSeconds } from './job-pod';
import { podGpuClaim, typedWorkload } from '../core/pod-template';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { ContainerSpec } from '../core/pod-template';
import { CONTAINER_SPEC, DURATION, LOCAL_QUEUE, PRIORITY_CLASS, SHARED_VOLUME, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { optional, PropChecks, requireProps } from '../core/required-props';
import { checkQueueNamespace, ILocalQueue, IPriorityClass, KUEUE_QUEUE_LABEL } from '../core/scheduling';
import { ISharedVolume, VolumeAttachment } from '../core/volume-types';
import { IWorkflowResource } from '../core/workflow-resource';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { ingestionJobNeeds, PodComponent } from '../operations/network/workload-traffic';

/** Env vars every shard pod gets. */
export const ShardEnv = {
  /** This pod's shard, 0 to SHARD_COUNT-1 (the Job's completion index). */
  INDEX: 'SHARD_INDEX',
  COUNT: 'SHARD_COUNT',
  /** The shard's own output directory on the shared volume. */
  OUTPUT_DIR: 'SHARD_OUTPUT_DIR',
} as const;

/** Annotation the Job controller sets to a pod's completion index (read via the downward API). */
const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
/** Upper bound the apiserver enforces on completions when backoffLimitPerIndex is set. */
const MAX_SHARDS = 100_000;

/** Properties for `ShardedIngestionJob`. */
export interface ShardedIngestionJobProps {
  /** @default - the construct id */
  readonly name?: string;
  /** The per-shard step; it reads `$SHARD_INDEX`, `$SHARD_COUNT` and writes to `$SHARD_OUTPUT_DIR`. */
  readonly container: ContainerSpec;
  readonly pool: NodePool;
  /** Number of shards: one Indexed Job completion each. */
  readonly shards: number;
  /**
   * Shards processed at once.
   * @default - min(shards, 4)
   */
  readonly parallelism?: number;
  /**
   * Retries per shard (`backoffLimitPerIndex`): one flaky shard cannot use up the others' budget.
   * @default 2
   */
  readonly retriesPerShard?: number;
  /**
   * Failed shards tolerated before the whole Job is stopped (`maxFailedIndexes`).
   * @default - every shard runs; the Job fails at the end if any shard failed
   */
  readonly maxFailedShards?: number;
  /** Volume the shards write to; it needs ReadWriteMany when shards run on several nodes. */
  readonly output: ISharedVolume;
  /**
   * Directory on `output` holding `shard-<i>/` for every shard.
   * @default - the job name
   */
  readonly outputDir?: string;
  /**
   * Where `output` is mounted.
   * @default '/output'
   */
  readonly outputMountPath?: string;
  /** @default - none */
  readonly volumes?: readonly VolumeAttachment[];
  /** @default - no cache */
  readonly cache?: IDatasetCache;
  /** @default - no deadline */
  readonly activeDeadline?: Duration;
  /** @default - kept */
  readonly ttlAfterFinished?: Duration;
  /** @default - not queued */
  readonly queue?: ILocalQueue;
  /** @default - the cluster default priority */
  readonly priorityClass?: IPriorityClass;
  /**
   * The shards download (a dataset from a public mirror): HTTPS egress to the internet. A memory
   * cache whose fill downloads turns it on as well.
   * @default false
   */
  readonly internetEgress?: boolean;
}

const DEFAULTS = Object.freeze({ retriesPerShard: 2, outputMountPath: '/output', maxParallelism: 4 });

const PROP_CHECKS: PropChecks<ShardedIngestionJobProps> = {
  name: optional('string'), container: CONTAINER_SPEC, pool: NODE_POOL, shards: 'number', parallelism: optional('number'),
  retriesPerShard: optional('number'), maxFailedShards: optional('number'), output: SHARED_VOLUME, outputDir: optional('string'),
  outputMountPath: optional('string'), volumes: optional(VOLUME_ATTACHMENTS), cache: optional(DATASET_CACHE), activeDeadline: optional(DURATION),
  ttlAfterFinished: optional(DURATION), queue: optional(LOCAL_QUEUE), priorityClass: optional(PRIORITY_CLASS), internetEgress: optional('boolean'),
};

/**
 * Sharding (book chapter 2): an Indexed Job with one completion per shard and bounded parallelism.
 * Each pod learns its shard from the completion index and writes to its own directory, so shards
 * never contend for a file. Retries are per shard (`backoffLimitPerIndex`, GA in Kubernetes 1.33).
 */
export class ShardedIngestionJob extends Construct implements IWorkflowResource {
  public readonly apiObject: ApiObject;
  public readonly name: string;
  public readonly shards: number;
  public readonly parallelism: number;
  /** Directory holding `shard-<i>/`, as mounted in the pods. */
  public readonly outputRoot: string;
  public readonly successCondition: string;
  /**
   * Fires once the failed-pod count proves a shard (more than `maxFailedShards`) exhausted its
   * retries: Argo conditions can only compare counters, not read `status.conditions`. Set
   * `activeDeadline` so a Job that fails with fewer failed pods also ends the step.
   */
  public readonly failureCondition: string;

  constructor(scope: Construct, id: string, props: ShardedIngestionJobProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    this.shards = requireInteger(this, 'shards', props.shards, 1, MAX_SHARDS);
    this.parallelism = requireInteger(this, 'parallelism', props.parallelism ?? Math.min(this.shards, p.maxParallelism), 1);
    if (this.parallelism > this.shards) {
      throw propError(this, 'parallelism', this.parallelism, `it exceeds shards ${this.shards}; use parallelism <= shards`);
    }
    const retries = requireInteger(this, 'retriesPerShard', p.retriesPerShard, 0, 20);
    const maxFailed = props.maxFailedShards === undefined ? undefined : requireInteger(this, 'maxFailedShards', props.maxFailedShards, 0, this.shards);
    if (!p.outputMountPath.startsWith('/')) throw propError(this, 'outputMountPath', p.outputMountPath, 'use an absolute path');
    const outputDir = (props.outputDir ?? this.name).replace(/^\/+|\/+$/g, '');
    if (!outputDir || outputDir.split('/').includes('..')) throw propError(this, 'outputDir', props.outputDir, 'use a relative path without ".."');
    this.outputRoot = `${p.outputMountPath}/${outputDir}`;
    const activeDeadlineSeconds = wholeSeconds(this, 'activeDeadline', props.activeDeadline, 1);
    const ttlSecondsAfterFinished = wholeSeconds(this, 'ttlAfterFinished', props.ttlAfterFinished, 0);

    checkQueueNamespace(this, 'queue', props.queue, Chart.of(this).namespace);
    const labels = props.queue ? { [KUEUE_QUEUE_LABEL]: props.queue.name } : undefined;
    const network = NamespaceNetwork.of(this).group(this, ingestionJobNeeds(this.name, PodComponent.SHARDED_INGESTION, props.internetEgress || props.cache?.consumerInternetEgress));
    const claim = podGpuClaim(this.node.path, props.pool, props.container.gpus);
    const template = renderIngestionPod({
      owner: this.node.path,
      claim,
      containerName: 'shard',
      container: {
        ...props.container,
        env: {
          ...props.container.env,
          [ShardEnv.COUNT]: String(this.shards),
          // $(SHARD_INDEX) expands because the downward-API var is listed before it.
          [ShardEnv.OUTPUT_DIR]: `${this.outputRoot}/shard-$(${ShardEnv.INDEX})`,
        },
      },
      fieldEnv: { [ShardEnv.INDEX]: `metadata.annotations['${COMPLETION_INDEX_ANNOTATION}']` },
      pool: props.pool,
      volumes: [props.output.mount(p.outputMountPath), ...(props.volumes ?? [])],
      cache: props.cache,
      priorityClass: props.priorityClass,
      labels: network.podLabels,
    });
    const spec: k8s.JobSpec = {
      completionMode: 'Indexed',
      completions: this.shards,
      parallelism: this.parallelism,
      activeDeadlineSeconds,
      ttlSecondsAfterFinished,
      template,
    };
    // The typed JobSpec (Kubernetes 1.27) lacks the per-index fields, GA on the 1.34 target, and
    // KubeJob.toJson drops unknown keys even from patches: emit the Job as a plain ApiObject.
    const json = { metadata: { name: this.name, labels }, spec: { ...k8s.toJson_JobSpec(spec), backoffLimitPerIndex: retries, ...(maxFailed === undefined ? {} : { maxFailedIndexes: maxFailed }) } };
    const head = { apiVersion: 'batch/v1', kind: 'Job' };
    const job = typedWorkload(this, head, json, claim, ['spec', 'template', 'spec'], () => new ApiObject(this, 'Resource', { ...head, ...json }));
    this.apiObject = job;
    this.successCondition = `status.succeeded > ${this.shards - 1}`;
    this.failureCondition = `status.failed > ${this.shards * retries + (maxFailed ?? 0)}`;
  }
}
