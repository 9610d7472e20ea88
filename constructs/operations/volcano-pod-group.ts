import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GangSchedulerName, IPodGroup, POD_GROUP_CHECKS, PodGroupOptions, resolvePodGroup } from './gang-scheduling';
import { PRIORITY_CLASS, VOLCANO_QUEUE } from '../core/prop-checks';
import { optional, requireProps } from '../core/required-props';
import { IPriorityClass, IVolcanoQueue } from '../core/scheduling';
import { PodGroup, PodGroupSpecMinResources } from '../imports/scheduling.volcano.sh';

/** Properties for `VolcanoPodGroup`. */
export interface VolcanoPodGroupProps extends PodGroupOptions {
  /** The Volcano queue the gang waits in. */
  readonly queue: IVolcanoQueue;
  /**
   * Priority of the gang against other gangs in the queue.
   * @default - none (priority 0)
   */
  readonly priorityClass?: IPriorityClass;
}

/** Pod annotation Volcano reads to put a pod into a PodGroup. */
export const VOLCANO_GROUP_ANNOTATION = 'scheduling.k8s.io/group-name';

/**
 * A standalone Volcano PodGroup (`scheduling.volcano.sh/v1beta1`) for workloads whose operator
 * does not create one (plain Jobs, Deployments, Argo steps). Training-operator jobs with
 * `schedulingPolicy.queue` get theirs from the operator instead.
 * @see https://volcano.sh/en/docs/podgroup/
 */
export class VolcanoPodGroup extends Construct implements IPodGroup {
  public readonly name: string;
  public readonly schedulerName = GangSchedulerName.VOLCANO;
  public readonly minMember: number;
  public readonly queue: IVolcanoQueue;

  constructor(scope: Construct, id: string, props: VolcanoPodGroupProps) {
    super(scope, id);
    requireProps(this, props, { ...POD_GROUP_CHECKS, queue: VOLCANO_QUEUE, priorityClass: optional(PRIORITY_CLASS) });
    const r = resolvePodGroup(this, id, props);
    this.name = r.name;
    this.minMember = r.minMember;
    this.queue = props.queue;
    new PodGroup(this, 'Resource', {
      metadata: { name: this.name, namespace: props.namespace ?? Chart.of(this).namespace },
      spec: {
        minMember: r.minMember,
        queue: props.queue.name,
        priorityClassName: props.priorityClass?.name,
        minResources: r.minResources && Object.fromEntries(Object.entries(r.minResources).map(([k, v]) => [k, PodGroupSpecMinResources.fromString(v)])),
      },
    });
  }

  public podLabels(): Record<string, string> {
    return {};
  }

  public podAnnotations(): Record<string, string> {
    return { [VOLCANO_GROUP_ANNOTATION]: this.name };
  }
}
