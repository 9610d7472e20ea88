import { Construct } from 'constructs';
import { PriorityTier } from './priority-tier';
import { instanceOf, requireProps } from '../core/required-props';
import { IWorkloadPriorityClass, KUEUE_PRIORITY_LABEL, SchedulingRefs } from '../core/scheduling';
import { WorkloadPriorityClassV1Beta2 } from '../imports/kueue.x-k8s.io';

/** Properties for `KueueWorkloadPriorityClass`. */
export interface KueueWorkloadPriorityClassProps {
  /** Name, value and description come from the tier. */
  readonly tier: PriorityTier;
}

/**
 * A Kueue WorkloadPriorityClass (v1beta2) from a `PriorityTier`: the order in which Kueue admits
 * and preempts workloads, independent of pod priority. Jobs refer to it by object
 * (`IWorkloadPriorityClass` → the `kueue.x-k8s.io/priority-class` label).
 * @see https://kueue.sigs.k8s.io/docs/concepts/workload_priority_class/
 */
export class KueueWorkloadPriorityClass extends Construct implements IWorkloadPriorityClass {
  /** A WorkloadPriorityClass managed elsewhere. */
  public static fromName(name: string, value: number): IWorkloadPriorityClass {
    return SchedulingRefs.workloadPriorityClass(name, value);
  }

  public readonly name: string;
  public readonly value: number;

  constructor(scope: Construct, id: string, props: KueueWorkloadPriorityClassProps) {
    super(scope, id);
    requireProps(this, props, { tier: instanceOf(PriorityTier, 'PriorityTier.SERVING_CRITICAL, ... or PriorityTier.custom(...)') });
    this.name = props.tier.name;
    this.value = props.tier.value;
    new WorkloadPriorityClassV1Beta2(this, 'Resource', {
      metadata: { name: this.name },
      value: this.value,
      description: props.tier.description,
    });
  }

  /** The label a job carries to get this priority in Kueue. */
  public priorityLabel(): Record<string, string> {
    return { [KUEUE_PRIORITY_LABEL]: this.name };
  }
}
