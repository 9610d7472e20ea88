import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { oneOf, requireValue } from '../core/required-props';

/** Whether pods of a priority evict lower-priority pods when they cannot be scheduled. */
export enum PodPreemption {
  PREEMPT_LOWER_PRIORITY = 'PreemptLowerPriority',
  NEVER = 'Never',
}

/** Highest value a user-defined PriorityClass may have (above it: system classes). */
export const MAX_USER_PRIORITY = 1_000_000_000;

/**
 * One level of the platform's priority ladder: the name and value shared by the Kubernetes
 * PriorityClass (pod scheduling and eviction) and the Kueue WorkloadPriorityClass (admission
 * order and quota preemption), so the two can never disagree.
 */
export class PriorityTier {
  /** Online inference: preempts everything else; users are waiting on it. */
  public static readonly SERVING_CRITICAL = new PriorityTier('serving-critical', 1_000_000, PodPreemption.PREEMPT_LOWER_PRIORITY,
    'Online inference: user-facing latency, preempts training and batch work.');
  /** Interactive and deadline-bound training: preempts batch work. */
  public static readonly TRAINING_HIGH = new PriorityTier('training-high', 100_000, PodPreemption.PREEMPT_LOWER_PRIORITY,
    'Training with a deadline: preempts batch work, yields to serving.');
  /** Batch and exploratory jobs: run on idle capacity, never evict anyone. */
  public static readonly BATCH_LOW = new PriorityTier('batch-low', 1_000, PodPreemption.NEVER,
    'Batch and exploratory jobs: use idle capacity, never preempt.');

  /** The three presets, highest first. */
  public static presets(): readonly PriorityTier[] {
    return [PriorityTier.SERVING_CRITICAL, PriorityTier.TRAINING_HIGH, PriorityTier.BATCH_LOW];
  }

  /** Any other tier. */
  public static custom(name: string, value: number, preemption: PodPreemption, description: string): PriorityTier {
    const where = { kind: 'PriorityTier', path: String(name) };
    validateName(where, 'name', name, NameRule.DNS_SUBDOMAIN);
    requireValue(where, 'preemption', preemption, oneOf(PodPreemption, 'PodPreemption'));
    requireValue(where, 'description', description, 'string');
    if (name.startsWith('system-')) throw propError(where, 'name', name, "the 'system-' prefix is reserved for Kubernetes; choose another name");
    requireInteger(where, 'value', value, -MAX_USER_PRIORITY, MAX_USER_PRIORITY);
    return new PriorityTier(name, value, preemption, description);
  }

  private constructor(
    public readonly name: string,
    /** Higher runs first. */
    public readonly value: number,
    public readonly preemption: PodPreemption,
    public readonly description: string,
  ) {}

  public toString(): string {
    return this.name;
  }
}
