import { Duration } from 'cdk8s';
import type { NodePool } from '../cluster/node-pool';
import { propError, Where } from '../core/errors';
import { labelProblem } from '../core/names';
import { DURATION, LOCAL_QUEUE, PRIORITY_CLASS, VOLCANO_QUEUE, WORKLOAD_PRIORITY_CLASS } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';
import {
  ILocalQueue, IPriorityClass, IVolcanoQueue, IWorkloadPriorityClass, KUEUE_PREFERRED_TOPOLOGY_ANNOTATION, KUEUE_PRIORITY_LABEL,
  KUEUE_QUEUE_LABEL, KUEUE_REQUIRED_TOPOLOGY_ANNOTATION,
} from '../core/scheduling';

/** Which gang scheduler admits the job. */
export enum GangScheduler {
  /** Volcano: the operator creates a `scheduling.volcano.sh` PodGroup from `runPolicy.schedulingPolicy`. */
  VOLCANO = 'volcano',
  /** scheduler-plugins coscheduling: the operator creates a `scheduling.x-k8s.io` PodGroup. */
  COSCHEDULING = 'coscheduling',
  /** Kueue: the job is created suspended and admitted whole when its LocalQueue has quota. */
  KUEUE = 'kueue',
}

/** Options of `GangScheduling.volcano()`. */
export interface VolcanoGangOptions {
  /** @default - Volcano's `default` queue */
  readonly queue?: IVolcanoQueue;
  /** PodGroup and pod priority. @default - no priority class */
  readonly priorityClass?: IPriorityClass;
}

/** Options of `GangScheduling.coscheduling()`. */
export interface CoschedulingGangOptions {
  /**
   * How long the PodGroup may wait to be scheduled whole (`scheduleTimeoutSeconds`).
   * @default - the plugin's default (60s)
   */
  readonly scheduleTimeout?: Duration;
  /** Pod priority. @default - no priority class */
  readonly priorityClass?: IPriorityClass;
  /**
   * Scheduler that runs the coscheduling plugin. Must equal the training operator's
   * `--gang-scheduler-name`: the operator stamps it on pods that have none and only warns (never
   * overwrites) when they name another scheduler, which would bypass the gang.
   * @default 'scheduler-plugins-scheduler' (the scheduler-plugins chart's second-scheduler profile)
   */
  readonly schedulerName?: string;
}

/** How firmly Kueue keeps a pod set inside one domain of a topology level. */
export enum TopologyPlacement {
  /** `kueue.x-k8s.io/podset-required-topology`: every pod of the pod set in one domain of the level, or the job is not admitted. */
  REQUIRED = 'required',
  /** `kueue.x-k8s.io/podset-preferred-topology`: one domain of the level if one has room, else the next level up, else spread. */
  PREFERRED = 'preferred',
}

/** A Kueue Topology Aware Scheduling request (`GangScheduling.kueue({ topology })`). */
export interface KueueTopologyRequest {
  /**
   * A node label among the job pool's `topologyLevels` (NodePool.gpu), e.g.
   * `cloud.google.com/gce-topology-block` or `kubernetes.io/hostname` (one node).
   */
  readonly level: string;
  /** @default TopologyPlacement.REQUIRED */
  readonly placement?: TopologyPlacement;
}

/** Options of `GangScheduling.kueue()`. */
export interface KueueGangOptions {
  /** LocalQueue that admits the job; must be in the job's namespace. */
  readonly queue: ILocalQueue;
  /** @default - the queue's default priority */
  readonly priorityClass?: IWorkloadPriorityClass;
  /**
   * Topology Aware Scheduling: Kueue admits each pod set (each role / replicated job) of the job
   * inside one domain of `level` (required), or as close to one as it can (preferred). The pool's
   * ResourceFlavor must name a Kueue Topology, so the pool must declare `topologyLevels`.
   * @default - no topology request: Kueue admits by quota and kube-scheduler places the pods
   */
  readonly topology?: KueueTopologyRequest;
}

/** What a gang scheduler adds to a job's `runPolicy`. */
export interface GangRunPolicy {
  readonly schedulingPolicy?: {
    readonly minAvailable: number;
    readonly queue?: string;
    readonly priorityClass?: string;
    readonly scheduleTimeoutSeconds?: number;
  };
  readonly suspend?: boolean;
}

const VOLCANO_CHECKS: PropChecks<VolcanoGangOptions> = { queue: optional(VOLCANO_QUEUE), priorityClass: optional(PRIORITY_CLASS) };
const COSCHEDULING_CHECKS: PropChecks<CoschedulingGangOptions> = { scheduleTimeout: optional(DURATION), priorityClass: optional(PRIORITY_CLASS), schedulerName: optional('string') };
const KUEUE_CHECKS: PropChecks<KueueGangOptions> = {
  queue: LOCAL_QUEUE,
  priorityClass: optional(WORKLOAD_PRIORITY_CLASS),
  topology: optional(shape<KueueTopologyRequest>({ level: 'string', placement: optional(oneOf(TopologyPlacement, 'TopologyPlacement')) }, 'a topology request ({ level, placement })')),
};

/** Default scheduler name of scheduler-plugins installed as a second scheduler. */
export const COSCHEDULING_SCHEDULER_NAME = 'scheduler-plugins-scheduler';

/**
 * All-or-nothing scheduling for a training job: exactly one of Volcano, scheduler-plugins
 * coscheduling or Kueue. `minAvailable` is never given here: each job derives it from its replicas.
 */
export class GangScheduling {
  /** Volcano: `schedulerName: volcano` and `runPolicy.schedulingPolicy` (minAvailable, queue, priorityClass). */
  public static volcano(options: VolcanoGangOptions = {}): GangScheduling {
    requireProps({ kind: 'GangScheduling', path: 'volcano' }, options, VOLCANO_CHECKS);
    return new GangScheduling(GangScheduler.VOLCANO, 'volcano', options.priorityClass, options.queue?.name, undefined, undefined, undefined, strayTopology(options));
  }

  /** scheduler-plugins coscheduling; the training operator must run with `--gang-scheduler-name=<schedulerName>`. */
  public static coscheduling(options: CoschedulingGangOptions = {}): GangScheduling {
    const where = { kind: 'GangScheduling', path: 'coscheduling' };
    requireProps(where, options, COSCHEDULING_CHECKS);
    const timeout = options.scheduleTimeout?.toSeconds({ integral: false });
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1)) {
      throw propError(where, 'scheduleTimeout', `${timeout}s`, 'use a whole number of seconds >= 1');
    }
    const schedulerName = options.schedulerName ?? COSCHEDULING_SCHEDULER_NAME;
    if (schedulerName === 'volcano' || schedulerName === 'default-scheduler' || schedulerName === '') {
      throw propError(where, 'schedulerName', schedulerName, 'name the scheduler that runs the coscheduling plugin (e.g. scheduler-plugins-scheduler)');
    }
    return new GangScheduling(GangScheduler.COSCHEDULING, schedulerName, options.priorityClass, undefined, timeout, undefined, undefined, strayTopology(options));
  }

  /** Kueue: queue-name (and priority) labels from objects, job created suspended. */
  public static kueue(options: KueueGangOptions): GangScheduling {
    const where = { kind: 'GangScheduling', path: 'kueue' };
    requireProps(where, options, KUEUE_CHECKS);
    const topology = options.topology ? { level: options.topology.level, placement: options.topology.placement ?? TopologyPlacement.REQUIRED } : undefined;
    const problem = topology ? labelProblem(topology.level, 'x') : undefined;
    if (problem) throw propError(where, 'topology.level', topology!.level, `name a node label of the pool's topologyLevels (${problem})`);
    return new GangScheduling(GangScheduler.KUEUE, undefined, undefined, undefined, undefined, options.queue, options.priorityClass, topology);
  }

  private constructor(
    public readonly scheduler: GangScheduler,
    /** `schedulerName` of every pod; undefined leaves the default scheduler (Kueue gates admission, not placement). */
    public readonly schedulerName: string | undefined,
    /** Pod `priorityClassName`. */
    public readonly podPriorityClass: IPriorityClass | undefined,
    private readonly volcanoQueue?: string,
    private readonly scheduleTimeoutSeconds?: number,
    /** Kueue LocalQueue, when the scheduler is Kueue. */
    public readonly localQueue?: ILocalQueue,
    private readonly workloadPriority?: IWorkloadPriorityClass,
    /** The topology request (Kueue); given to another scheduler, the job refuses it. */
    public readonly topology?: KueueTopologyRequest,
  ) {}

  /**
   * Pod-template annotations of the topology request, checked against the job's pool (`scope`:
   * the job, for messages). Kueue v0.19.2 reads them from the pod template of every pod set
   * (pkg/controller/jobframework/tas.go NewPodSetTopologyRequest; kubeflowjob_controller.go
   * PodSets: each replica spec; jobset_controller.go PodSets: each replicated job, which the
   * trainjob integration builds from the TrainingRuntime with the TrainJob's runtimePatches).
   */
  public topologyAnnotations(scope: Where, pool: NodePool): Record<string, string> | undefined {
    const t = this.topology;
    if (!t) return undefined;
    if (this.scheduler !== GangScheduler.KUEUE) {
      throw propError(scope, 'scheduling.topology', t, `only Kueue places a gang by topology (Topology Aware Scheduling), not ${this.scheduler}; use GangScheduling.kueue({ queue, topology }) or drop the topology request`);
    }
    const levels = pool.gpu?.topologyLevels ?? [];
    if (!levels.length) {
      throw propError(scope, 'scheduling.topology.level', t.level, `pool '${pool.name}' declares no topologyLevels, so its ResourceFlavor names no Kueue Topology and Kueue never admits a job asking for a level ("Flavor ... does not support TopologyAwareScheduling"); give the pool topologyLevels (NodePool.gpu) or drop the topology request`);
    }
    if (!levels.includes(t.level)) {
      throw propError(scope, 'scheduling.topology.level', t.level, `pool '${pool.name}' has topology levels ${levels.join(', ')} and Kueue admits no job asking for another ("Flavor ... does not contain the requested level"); use one of them`);
    }
    return { [t.placement === TopologyPlacement.PREFERRED ? KUEUE_PREFERRED_TOPOLOGY_ANNOTATION : KUEUE_REQUIRED_TOPOLOGY_ANNOTATION]: t.level };
  }

  /** `runPolicy` fields for a job whose gang is `minAvailable` pods. */
  public runPolicy(minAvailable: number): GangRunPolicy {
    if (this.scheduler === GangScheduler.KUEUE) return { suspend: true };
    return {
      schedulingPolicy: {
        minAvailable,
        queue: this.volcanoQueue,
        priorityClass: this.scheduler === GangScheduler.VOLCANO ? this.podPriorityClass?.name : undefined,
        scheduleTimeoutSeconds: this.scheduleTimeoutSeconds,
      },
    };
  }

  /** Labels on the job object itself (Kueue reads them there). */
  public jobLabels(): Record<string, string> {
    if (this.scheduler !== GangScheduler.KUEUE || !this.localQueue) return {};
    return {
      [KUEUE_QUEUE_LABEL]: this.localQueue.name,
      ...(this.workloadPriority ? { [KUEUE_PRIORITY_LABEL]: this.workloadPriority.name } : {}),
    };
  }

  /** Seconds the coscheduling PodGroup may wait, when set. */
  public get coschedulingTimeoutSeconds(): number | undefined {
    return this.scheduleTimeoutSeconds;
  }

  /** Volcano queue name, when set. */
  public get volcanoQueueName(): string | undefined {
    return this.volcanoQueue;
  }

  /** Throws when a Kueue LocalQueue lives in another namespace than the job (Kueue would never admit it). */
  public checkNamespace(scope: Where, namespace: string | undefined): void {
    if (!this.localQueue) return;
    const ns = namespace ?? 'default';
    if (this.localQueue.namespace !== ns) {
      throw propError(scope, 'scheduling', `kueue:${this.localQueue.namespace}/${this.localQueue.name}`,
        `the LocalQueue is in namespace '${this.localQueue.namespace}' but the job is in '${ns}'; use a LocalQueue of the job's namespace`);
    }
  }

  public toString(): string {
    return this.scheduler;
  }
}

/** A `topology` given to Volcano or coscheduling (untyped callers): kept so the job can refuse it by path. */
function strayTopology(options: object): KueueTopologyRequest | undefined {
  const t = (options as { topology?: unknown }).topology;
  return t === undefined ? undefined : t as KueueTopologyRequest;
}
