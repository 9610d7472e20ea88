import { ApiObject, Chart, Cron, Duration } from 'cdk8s';
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
import { CONTAINER_SPEC, CRON, DURATION, LOCAL_QUEUE, PRIORITY_CLASS, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps } from '../core/required-props';
import { checkQueueNamespace, ILocalQueue, IPriorityClass, KUEUE_QUEUE_LABEL } from '../core/scheduling';
import { VolumeAttachment } from '../core/volume-types';
import { IWorkflowResource } from '../core/workflow-resource';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { ingestionJobNeeds, PodComponent } from '../operations/network/workload-traffic';

/** What a CronJob does when the previous run is still going (`concurrencyPolicy`). */
export enum ConcurrencyPolicy {
  /** Skip the new run: two ingestions writing the same output would corrupt it. */
  FORBID = 'Forbid',
  /** Stop the old run and start the new one. */
  REPLACE = 'Replace',
  ALLOW = 'Allow',
}

/** Properties for `BatchProcessingJob`. */
export interface BatchProcessingJobProps {
  /**
   * Job (or CronJob) name.
   * @default - the construct id
   */
  readonly name?: string;
  /** The batch step; it reads its batch size from `$BATCH_SIZE`. */
  readonly container: ContainerSpec;
  /** Nodes the pods run on. */
  readonly pool: NodePool;
  /**
   * Records per batch, passed as `BATCH_SIZE`: the step loads this many at a time, so memory
   * stays bounded however large the dataset is.
   * @default 128
   */
  readonly batchSize?: number;
  /**
   * Pods running at once (`parallelism`).
   * @default 1
   */
  readonly parallelism?: number;
  /**
   * Successful pods needed (`completions`), e.g. one per batch range.
   * @default - unset: with parallelism 1 one pod runs; with more, the pods work off a shared queue
   *   and the Job is complete when one succeeds and the others have exited
   */
  readonly completions?: number;
  /**
   * Failed pods retried before the Job fails (`backoffLimit`).
   * @default 3
   */
  readonly retries?: number;
  /**
   * Fail the Job when it runs longer than this.
   * @default - no deadline
   */
  readonly activeDeadline?: Duration;
  /**
   * Delete the finished Job (and its pods) after this long.
   * @default - kept
   */
  readonly ttlAfterFinished?: Duration;
  /** @default - none */
  readonly volumes?: readonly VolumeAttachment[];
  /**
   * Dataset cache mounted read-only (its path in `$DATASET_CACHE_DIR`).
   * @default - no cache
   */
  readonly cache?: IDatasetCache;
  /**
   * Run on a schedule: emits a CronJob whose job template is this Job.
   * @default - a one-off Job
   */
  readonly schedule?: Cron;
  /** @default ConcurrencyPolicy.FORBID (only with `schedule`) */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /**
   * Kueue LocalQueue admitting the Job (adds the queue-name label).
   * @default - not queued
   */
  readonly queue?: ILocalQueue;
  /** @default - the cluster default priority */
  readonly priorityClass?: IPriorityClass;
  /**
   * The step downloads (a dataset from a public mirror): HTTPS egress to the internet. A memory
   * cache whose fill downloads turns it on as well.
   * @default false
   */
  readonly internetEgress?: boolean;
}

const DEFAULTS = Object.freeze({ batchSize: 128, parallelism: 1, retries: 3, concurrencyPolicy: ConcurrencyPolicy.FORBID });

const PROP_CHECKS: PropChecks<BatchProcessingJobProps> = {
  name: optional('string'), container: CONTAINER_SPEC, pool: NODE_POOL, batchSize: optional('number'), parallelism: optional('number'),
  completions: optional('number'), retries: optional('number'), activeDeadline: optional(DURATION), ttlAfterFinished: optional(DURATION),
  volumes: optional(VOLUME_ATTACHMENTS), cache: optional(DATASET_CACHE), schedule: optional(CRON),
  concurrencyPolicy: optional(oneOf(ConcurrencyPolicy, 'ConcurrencyPolicy')), queue: optional(LOCAL_QUEUE), priorityClass: optional(PRIORITY_CLASS),
  internetEgress: optional('boolean'),
};

/** Env var carrying the batch size. */
export const BATCH_SIZE_ENV = 'BATCH_SIZE';

/**
 * Batching (book chapter 2): a Job that processes a dataset in fixed-size batches, with bounded
 * parallelism and retries; or, with `schedule`, a CronJob running it periodically. As a workflow
 * step (build it in `ArgoWorkflow.manifests`) its success and failure conditions come from the
 * Job's own counters: `completions` successes, or more failures than `retries`.
 */
export class BatchProcessingJob extends Construct implements IWorkflowResource {
  public readonly apiObject: ApiObject;
  public readonly name: string;
  public readonly batchSize: number;
  public readonly parallelism: number;
  public readonly completions: number | undefined;
  public readonly retries: number;
  public readonly successCondition: string | undefined;
  public readonly failureCondition: string | undefined;

  constructor(scope: Construct, id: string, props: BatchProcessingJobProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    // Job names become the `job-name` pod label: at most 63 characters.
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    this.batchSize = requireInteger(this, 'batchSize', p.batchSize, 1);
    this.parallelism = requireInteger(this, 'parallelism', p.parallelism, 1);
    this.completions = props.completions === undefined ? undefined : requireInteger(this, 'completions', props.completions, 1);
    if (this.completions !== undefined && this.parallelism > this.completions) {
      throw propError(this, 'parallelism', this.parallelism, `it exceeds completions ${this.completions}, so the extra pods never start; use parallelism <= completions`);
    }
    this.retries = requireInteger(this, 'retries', p.retries, 0);
    const activeDeadlineSeconds = wholeSeconds(this, 'activeDeadline', props.activeDeadline, 1);
    const ttlSecondsAfterFinished = wholeSeconds(this, 'ttlAfterFinished', props.ttlAfterFinished, 0);
    if (props.concurrencyPolicy && !props.schedule) {
      throw propError(this, 'concurrencyPolicy', props.concurrencyPolicy, 'it only applies to scheduled jobs; set schedule or remove it');
    }
    checkQueueNamespace(this, 'queue', props.queue, Chart.of(this).namespace);
    const labels = props.queue ? { [KUEUE_QUEUE_LABEL]: props.queue.name } : undefined;
    const network = NamespaceNetwork.of(this).group(this, ingestionJobNeeds(this.name, PodComponent.BATCH_JOB, props.internetEgress || props.cache?.consumerInternetEgress));
    const claim = podGpuClaim(this.node.path, props.pool, props.container.gpus);
    const jobSpec: k8s.JobSpec = {
      parallelism: this.parallelism,
      completions: this.completions,
      backoffLimit: this.retries,
      activeDeadlineSeconds,
      ttlSecondsAfterFinished,
      template: renderIngestionPod({
        owner: this.node.path,
        containerName: 'batch',
        container: { ...props.container, env: { ...props.container.env, [BATCH_SIZE_ENV]: String(this.batchSize) } },
        pool: props.pool,
        volumes: props.volumes,
        cache: props.cache,
        priorityClass: props.priorityClass,
        labels: network.podLabels,
        claim,
      }),
    };
    if (props.schedule) {
      const cronJob: k8s.KubeCronJobProps = {
        metadata: { name: this.name, labels },
        spec: {
          schedule: props.schedule.expressionString,
          concurrencyPolicy: p.concurrencyPolicy,
          jobTemplate: { metadata: labels ? { labels } : undefined, spec: jobSpec },
        },
      };
      this.apiObject = typedWorkload(this, k8s.KubeCronJob.GVK, k8s.toJson_KubeCronJobProps(cronJob), claim, ['spec', 'jobTemplate', 'spec', 'template', 'spec'], () => new k8s.KubeCronJob(this, 'Resource', cronJob));
      // A CronJob never finishes: as a workflow step it succeeds once created.
      this.successCondition = undefined;
      this.failureCondition = undefined;
    } else {
      const job: k8s.KubeJobProps = { metadata: { name: this.name, labels }, spec: jobSpec };
      this.apiObject = typedWorkload(this, k8s.KubeJob.GVK, k8s.toJson_KubeJobProps(job), claim, ['spec', 'template', 'spec'], () => new k8s.KubeJob(this, 'Resource', job));
      this.successCondition = `status.succeeded > ${(this.completions ?? 1) - 1}`;
      this.failureCondition = `status.failed > ${this.retries}`;
    }
  }
}
