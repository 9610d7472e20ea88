import { propError, Where } from './errors';
import { requireValue } from './required-props';

/**
 * Scheduling objects that workloads refer to by object, never by a copied name. The operations
 * constructs (Team, fair share, priority, gang scheduling) implement these; training, serving and
 * workflow constructs accept them. Each has a `fromName` counterpart for objects managed elsewhere.
 */

/** A Kueue LocalQueue: yields the `kueue.x-k8s.io/queue-name` label of the jobs it admits. */
export interface ILocalQueue {
  readonly name: string;
  /** Namespace of the queue; a job must live in it to use the queue. */
  readonly namespace: string;
}

/** A Kubernetes PriorityClass (`spec.priorityClassName` of pods). */
export interface IPriorityClass {
  readonly name: string;
  readonly value: number;
}

/** A Kueue WorkloadPriorityClass (`kueue.x-k8s.io/priority-class` label). */
export interface IWorkloadPriorityClass {
  readonly name: string;
  readonly value: number;
}

/** A Volcano Queue (`runPolicy.schedulingPolicy.queue`, `scheduling.volcano.sh/queue-name`). */
export interface IVolcanoQueue {
  readonly name: string;
}

/**
 * Throws unless `queue` is in `namespace` (the workload's; `default` when unset): Kueue admits a
 * workload only through a LocalQueue of its own namespace, and the queue-name label carries the
 * name alone, so another namespace's queue would silently mean this namespace's queue of that name.
 */
export function checkQueueNamespace(where: Where, prop: string, queue: ILocalQueue | undefined, namespace: string | undefined): void {
  const ns = namespace ?? 'default';
  if (queue && queue.namespace !== ns) {
    throw propError(where, prop, `${queue.namespace}/${queue.name}`, `the LocalQueue is in namespace '${queue.namespace}' but the job is in '${ns}'; use a LocalQueue of the job's namespace`);
  }
}

/** Label Kueue reads to put a job into a LocalQueue. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** Label Kueue reads for the workload priority. */
export const KUEUE_PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

/**
 * Pod-template annotations of Kueue Topology Aware Scheduling (kueue v0.19.2
 * apis/kueue/v1beta2/topology_types.go): on the pod template of each pod set (a replica spec, a
 * JobSet replicated job), naming a level (node label) of the flavor's Topology. Required: every
 * pod of the pod set in one domain of that level, or not admitted; preferred: the narrowest level
 * that fits, going up, else spread.
 */
export const KUEUE_REQUIRED_TOPOLOGY_ANNOTATION = 'kueue.x-k8s.io/podset-required-topology';
export const KUEUE_PREFERRED_TOPOLOGY_ANNOTATION = 'kueue.x-k8s.io/podset-preferred-topology';
/** The narrowest topology level: one node. */
export const HOSTNAME_TOPOLOGY_LEVEL = 'kubernetes.io/hostname';

/** Refers to scheduling objects managed outside this app. */
export const SchedulingRefs = {
  localQueue: (name: string, namespace: string): ILocalQueue => checked('LocalQueue', { name, namespace }),
  priorityClass: (name: string, value: number): IPriorityClass => checked('PriorityClass', { name, value }),
  workloadPriorityClass: (name: string, value: number): IWorkloadPriorityClass => checked('WorkloadPriorityClass', { name, value }),
  volcanoQueue: (name: string): IVolcanoQueue => checked('VolcanoQueue', { name }),
};

/** A reference whose name is a string and whose value (if any) a number (the fromName arguments). */
function checked<T extends { readonly name: string; readonly namespace?: string; readonly value?: number }>(kind: string, ref: T): T {
  const where = { kind, path: `fromName(${typeof ref.name === 'string' ? ref.name : '?'})` };
  requireValue(where, 'name', ref.name, 'string');
  if ('namespace' in ref) requireValue(where, 'namespace', ref.namespace, 'string');
  if ('value' in ref) requireValue(where, 'value', ref.value, 'number');
  return ref;
}
