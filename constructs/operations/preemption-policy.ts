import {
  ClusterQueueV1Beta2SpecPreemption,
  ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort as Reclaim,
  ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue as Within,
} from '../imports/kueue.x-k8s.io';
import { oneOf, requireValue } from '../core/required-props';

/**
 * When a ClusterQueue's pending workloads may evict running ones (`spec.preemption`).
 * Enum-like class: the presets cover the usual platform policies; `custom()` the rest.
 * @see https://kueue.sigs.k8s.io/docs/concepts/preemption/
 */
export class PreemptionPolicy {
  /**
   * A team always gets its nominal quota back: it evicts any borrower in the cohort
   * (`reclaimWithinCohort: Any`), and inside the team higher priority evicts lower.
   */
  public static readonly RECLAIM_QUOTA = new PreemptionPolicy('reclaim-quota', Reclaim.ANY, Within.LOWER_PRIORITY);
  /** Only higher priority evicts, within the team and from borrowers in the cohort. */
  public static readonly LOWER_PRIORITY = new PreemptionPolicy('lower-priority', Reclaim.LOWER_PRIORITY, Within.LOWER_PRIORITY);
  /** Never evict: pending workloads wait for running ones to finish. */
  public static readonly NEVER = new PreemptionPolicy('never', Reclaim.NEVER, Within.NEVER);

  /** Any combination of the two upstream settings. */
  public static custom(reclaimWithinCohort: Reclaim, withinClusterQueue: Within): PreemptionPolicy {
    requireValue({ kind: 'PreemptionPolicy', path: 'custom' }, 'reclaimWithinCohort', reclaimWithinCohort, oneOf(Reclaim, 'ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort'));
    requireValue({ kind: 'PreemptionPolicy', path: 'custom' }, 'withinClusterQueue', withinClusterQueue, oneOf(Within, 'ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue'));
    return new PreemptionPolicy(`custom(${reclaimWithinCohort},${withinClusterQueue})`, reclaimWithinCohort, withinClusterQueue);
  }

  private constructor(
    /** Short name, for messages. */
    public readonly name: string,
    public readonly reclaimWithinCohort: Reclaim,
    public readonly withinClusterQueue: Within,
  ) {}

  /** The `spec.preemption` block. */
  public toSpec(): ClusterQueueV1Beta2SpecPreemption {
    return { reclaimWithinCohort: this.reclaimWithinCohort, withinClusterQueue: this.withinClusterQueue };
  }

  public toString(): string {
    return this.name;
  }
}
