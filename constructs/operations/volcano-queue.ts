import { Construct } from 'constructs';
import { Amounts, quantities } from './resource-amounts';
import { withDefaults } from '../core/defaults';
import { requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { optional, requireProps, shape } from '../core/required-props';
import { IVolcanoQueue, SchedulingRefs } from '../core/scheduling';
import { Queue, QueueSpecCapability, QueueSpecDeserved } from '../imports/scheduling.volcano.sh';

/** Options a caller may set on a Volcano queue (the rest is derived, e.g. by `Team.addVolcanoQueue`). */
export interface VolcanoQueueOptions {
  /**
   * Whether other queues may reclaim resources this queue borrowed beyond `deserved`.
   * @default true
   */
  readonly reclaimable?: boolean;
}

/** Properties for `VolcanoQueue`. */
export interface VolcanoQueueProps extends VolcanoQueueOptions {
  /**
   * Queue name (cluster-scoped).
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Share of the cluster relative to other queues (proportion plugin).
   * @default 1
   */
  readonly weight?: number;
  /**
   * Hard upper bound of what the queue's jobs may use.
   * @default - no bound
   */
  readonly capability?: Amounts;
  /**
   * What the queue is entitled to (capacity plugin); above it, usage is reclaimable.
   * @default - no entitlement
   */
  readonly deserved?: Amounts;
}

const DEFAULTS = Object.freeze({ weight: 1, reclaimable: true });

/**
 * A Volcano Queue (cluster-scoped): where gang-scheduled jobs (`runPolicy.schedulingPolicy.queue`,
 * Volcano PodGroups) wait. Jobs take it as `IVolcanoQueue`.
 * @see https://volcano.sh/en/docs/queue/
 */
export class VolcanoQueue extends Construct implements IVolcanoQueue {
  /** A queue managed elsewhere. */
  public static fromName(name: string): IVolcanoQueue {
    return SchedulingRefs.volcanoQueue(name);
  }

  public readonly name: string;
  public readonly weight: number;

  constructor(scope: Construct, id: string, props: VolcanoQueueProps = {}) {
    super(scope, id);
    requireProps(this, props, { name: optional('string'), weight: optional('number'), capability: optional(AMOUNTS), deserved: optional(AMOUNTS), reclaimable: optional('boolean') });
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_SUBDOMAIN);
    this.weight = requireInteger(this, 'weight', p.weight, 1, 65535);
    const map = <T>(a: Amounts | undefined, make: (v: string) => T) =>
      a && Object.fromEntries(Object.entries(quantities(a, true)).map(([k, v]) => [k, make(v)]));
    new Queue(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        weight: this.weight,
        reclaimable: p.reclaimable,
        capability: map(props.capability, QueueSpecCapability.fromString),
        deserved: map(props.deserved, QueueSpecDeserved.fromString),
      },
    });
  }
}

const AMOUNTS = shape<Amounts>({ cpuMillis: 'number', memoryMebibytes: 'number', gpus: 'number' }, 'amounts in wire units ({ cpuMillis, memoryMebibytes, gpus })');
