import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { propError, requireInteger, Where } from '../core/errors';

/**
 * How many serving pods voluntary disruptions (node drains, upgrades) may take down at once:
 * the PodDisruptionBudget of a serving construct.
 */
export class DisruptionBudget {
  /** At most `count` pods unavailable at a time: drains proceed, capacity shrinks by `count`. */
  public static maxUnavailable(count: number): DisruptionBudget {
    requireInteger({ kind: 'DisruptionBudget', path: 'maxUnavailable' }, 'count', count, 1);
    return new DisruptionBudget('maxUnavailable', count);
  }

  /** At least `count` pods stay available. */
  public static minAvailable(count: number): DisruptionBudget {
    requireInteger({ kind: 'DisruptionBudget', path: 'minAvailable' }, 'count', count, 1);
    return new DisruptionBudget('minAvailable', count);
  }

  private constructor(public readonly mode: 'maxUnavailable' | 'minAvailable', public readonly count: number) {}

  /**
   * Throws when the budget could never allow an eviction, or contradicts scaling to zero.
   * `minReplicas` is the fewest pods the workload runs.
   */
  public check(owner: Where, minReplicas: number): void {
    if (this.mode !== 'minAvailable') return;
    if (minReplicas === 0) {
      throw propError(owner, 'disruptionBudget', `minAvailable ${this.count}`,
        'it would block scale to zero (minReplicas is 0): an idle service has no pods to keep available; use DisruptionBudget.maxUnavailable or no budget');
    }
    if (this.count >= minReplicas) {
      throw propError(owner, 'disruptionBudget', `minAvailable ${this.count}`,
        `with minReplicas ${minReplicas} no pod could ever be evicted, so node drains would hang; use minAvailable < ${minReplicas} or DisruptionBudget.maxUnavailable`);
    }
  }

  /** The PDB spec selecting `labels`. */
  public toSpec(labels: Record<string, string>): k8s.PodDisruptionBudgetSpec {
    const value = k8s.IntOrString.fromNumber(this.count);
    return {
      selector: { matchLabels: { ...labels } },
      maxUnavailable: this.mode === 'maxUnavailable' ? value : undefined,
      minAvailable: this.mode === 'minAvailable' ? value : undefined,
      // Crash-looping pods never count as available; let drains evict them instead of hanging.
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    };
  }
}
