import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { PriorityTier } from './priority-tier';
import { instanceOf, requireProps } from '../core/required-props';
import { IPriorityClass, SchedulingRefs } from '../core/scheduling';

/** Properties for `PodPriorityClass`. */
export interface PodPriorityClassProps {
  /** Name, value, preemption and description come from the tier. */
  readonly tier: PriorityTier;
}

/**
 * A Kubernetes PriorityClass from a `PriorityTier`. Pods refer to it by object
 * (`IPriorityClass` → `spec.priorityClassName`). Never the global default: pods without a class
 * keep priority 0, below every tier, so nothing is promoted by accident.
 * @see https://kubernetes.io/docs/concepts/scheduling-eviction/pod-priority-preemption/
 */
export class PodPriorityClass extends Construct implements IPriorityClass {
  /** A PriorityClass managed elsewhere. */
  public static fromName(name: string, value: number): IPriorityClass {
    return SchedulingRefs.priorityClass(name, value);
  }

  public readonly name: string;
  public readonly value: number;
  public readonly tier: PriorityTier;

  constructor(scope: Construct, id: string, props: PodPriorityClassProps) {
    super(scope, id);
    requireProps(this, props, { tier: instanceOf(PriorityTier, 'PriorityTier.SERVING_CRITICAL, ... or PriorityTier.custom(...)') });
    this.tier = props.tier;
    this.name = props.tier.name;
    this.value = props.tier.value;
    new k8s.KubePriorityClass(this, 'Resource', {
      metadata: { name: this.name },
      value: this.value,
      globalDefault: false,
      preemptionPolicy: props.tier.preemption,
      description: props.tier.description,
    });
  }
}
