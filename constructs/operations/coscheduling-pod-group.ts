import { Chart, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { GangSchedulerName, IPodGroup, POD_GROUP_CHECKS, PodGroupOptions, resolvePodGroup } from './gang-scheduling';
import { propError } from '../core/errors';
import { DURATION } from '../core/prop-checks';
import { optional, requireProps } from '../core/required-props';
import { PodGroup, PodGroupSpecMinResources } from '../imports/scheduling.x-k8s.io';

/** Properties for `CoschedulingPodGroup`. */
export interface CoschedulingPodGroupProps extends PodGroupOptions {
  /**
   * How long the gang's pods wait at Permit for the rest of the gang before all are rejected
   * (and their resources released).
   * @default Duration.minutes(5)
   */
  readonly scheduleTimeout?: Duration;
}

/** Pod label the coscheduling plugin reads to put a pod into a PodGroup. */
export const COSCHEDULING_GROUP_LABEL = 'scheduling.x-k8s.io/pod-group';

const DEFAULT_TIMEOUT = Duration.minutes(5);

/**
 * A scheduler-plugins PodGroup (`scheduling.x-k8s.io/v1alpha1`, coscheduling plugin): gang
 * scheduling for clusters that run the secondary scheduler instead of Volcano. The training
 * operator creates one per job when its gang-scheduler is scheduler-plugins; this construct is
 * for workloads it does not manage.
 * @see https://github.com/kubernetes-sigs/scheduler-plugins/tree/master/pkg/coscheduling
 */
export class CoschedulingPodGroup extends Construct implements IPodGroup {
  public readonly name: string;
  public readonly schedulerName = GangSchedulerName.SCHEDULER_PLUGINS;
  public readonly minMember: number;

  constructor(scope: Construct, id: string, props: CoschedulingPodGroupProps) {
    super(scope, id);
    requireProps(this, props, { ...POD_GROUP_CHECKS, scheduleTimeout: optional(DURATION) });
    const r = resolvePodGroup(this, id, props);
    this.name = r.name;
    this.minMember = r.minMember;
    const timeout = (props.scheduleTimeout ?? DEFAULT_TIMEOUT).toSeconds({ integral: false });
    if (!Number.isInteger(timeout) || timeout < 1) throw propError(this, 'scheduleTimeout', `${timeout}s`, 'use a whole number of seconds >= 1');
    new PodGroup(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace ?? Chart.of(this).namespace },
      spec: {
        minMember: r.minMember,
        scheduleTimeoutSeconds: timeout,
        minResources: r.minResources && Object.fromEntries(Object.entries(r.minResources).map(([k, v]) => [k, PodGroupSpecMinResources.fromString(v)])),
      },
    });
  }

  public podLabels(): Record<string, string> {
    return { [COSCHEDULING_GROUP_LABEL]: this.name };
  }

  public podAnnotations(): Record<string, string> {
    return {};
  }
}
