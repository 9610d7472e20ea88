import { Construct } from 'constructs';
import { PodPriorityClass } from './priority-class';
import { PriorityTier } from './priority-tier';
import { KueueWorkloadPriorityClass } from './workload-priority-class';
import { propError } from '../core/errors';
import { arrayOf, instanceOf, optional, requireProps } from '../core/required-props';

/** Properties for `PlatformPriorities`. */
export interface PlatformPrioritiesProps {
  /**
   * The ladder, any order.
   * @default PriorityTier.presets() (serving-critical, training-high, batch-low)
   */
  readonly tiers?: readonly PriorityTier[];
}

/** The PriorityClass and the WorkloadPriorityClass of one tier. */
export interface PriorityPair {
  readonly priorityClass: PodPriorityClass;
  readonly workloadPriorityClass: KueueWorkloadPriorityClass;
}

/**
 * The platform's priority ladder: for every tier one PriorityClass and one Kueue
 * WorkloadPriorityClass with the same name and value. Workload constructs take the objects
 * returned by `priorityClass(tier)` / `workloadPriorityClass(tier)`.
 */
export class PlatformPriorities extends Construct {
  public readonly tiers: readonly PriorityTier[];
  private readonly pairs = new Map<PriorityTier, PriorityPair>();

  constructor(scope: Construct, id: string, props: PlatformPrioritiesProps = {}) {
    super(scope, id);
    requireProps(this, props, { tiers: optional(arrayOf(instanceOf(PriorityTier, 'PriorityTier.SERVING_CRITICAL, ... or PriorityTier.custom(...)'))) });
    this.tiers = [...(props.tiers ?? PriorityTier.presets())].sort((a, b) => b.value - a.value);
    const names = new Set<string>();
    const values = new Set<number>();
    for (const tier of this.tiers) {
      if (names.has(tier.name)) throw propError(this, 'tiers', tier.name, 'two tiers share this name; give each tier its own name');
      // Equal values would make the ladder ambiguous: Kueue and the scheduler would order them arbitrarily.
      if (values.has(tier.value)) throw propError(this, 'tiers', tier.value, `tier '${tier.name}' has the same value as another tier; give each tier a distinct value`);
      names.add(tier.name);
      values.add(tier.value);
      const scope = new Construct(this, tier.name);
      this.pairs.set(tier, {
        priorityClass: new PodPriorityClass(scope, 'PriorityClass', { tier }),
        workloadPriorityClass: new KueueWorkloadPriorityClass(scope, 'WorkloadPriorityClass', { tier }),
      });
    }
  }

  /** The PriorityClass of `tier`. */
  public priorityClass(tier: PriorityTier): PodPriorityClass {
    return this.pair(tier).priorityClass;
  }

  /** The Kueue WorkloadPriorityClass of `tier`. */
  public workloadPriorityClass(tier: PriorityTier): KueueWorkloadPriorityClass {
    return this.pair(tier).workloadPriorityClass;
  }

  private pair(tier: PriorityTier): PriorityPair {
    const pair = this.pairs.get(tier);
    if (!pair) throw propError(this, 'tier', tier.name, `it is not one of this ladder's tiers (${this.tiers.map((t) => `'${t.name}'`).join(', ')})`);
    return pair;
  }
}
