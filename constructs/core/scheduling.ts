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

/** Label Kueue reads to put a job into a LocalQueue. */
export const KUEUE_QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
/** Label Kueue reads for the workload priority. */
export const KUEUE_PRIORITY_LABEL = 'kueue.x-k8s.io/priority-class';

/** Refers to scheduling objects managed outside this app. */
export const SchedulingRefs = {
  localQueue: (name: string, namespace: string): ILocalQueue => ({ name, namespace }),
  priorityClass: (name: string, value: number): IPriorityClass => ({ name, value }),
  workloadPriorityClass: (name: string, value: number): IWorkloadPriorityClass => ({ name, value }),
  volcanoQueue: (name: string): IVolcanoQueue => ({ name }),
};
