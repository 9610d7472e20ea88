import { Construct } from 'constructs';
import { KueueClusterQueue } from './cluster-queue';
import { NameRule, validateName } from '../core/names';
import { instanceOf, optional, PropChecks, requireProps } from '../core/required-props';
import { ILocalQueue, KUEUE_QUEUE_LABEL, SchedulingRefs } from '../core/scheduling';
import { LocalQueueV1Beta2 } from '../imports/kueue.x-k8s.io';

/** Properties for `KueueLocalQueue`. */
export interface KueueLocalQueueProps {
  /**
   * LocalQueue name.
   * @default - the construct id
   */
  readonly name?: string;
  /** Namespace the queue lives in; jobs in it submit through the queue. */
  readonly namespace: string;
  /** The ClusterQueue that admits the queue's workloads. */
  readonly clusterQueue: KueueClusterQueue;
}

/**
 * A Kueue LocalQueue (v1beta2): a namespace's entry into a ClusterQueue. Training, serving and
 * workflow constructs take it as `ILocalQueue` and derive the `kueue.x-k8s.io/queue-name` label.
 * @see https://kueue.sigs.k8s.io/docs/concepts/local_queue/
 */
export class KueueLocalQueue extends Construct implements ILocalQueue {
  /** A LocalQueue managed elsewhere. */
  public static fromName(name: string, namespace: string): ILocalQueue {
    return SchedulingRefs.localQueue(name, namespace);
  }

  public readonly name: string;
  public readonly namespace: string;
  public readonly clusterQueue: KueueClusterQueue;

  constructor(scope: Construct, id: string, props: KueueLocalQueueProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_SUBDOMAIN);
    this.namespace = validateName(this, 'namespace', props.namespace, NameRule.DNS_LABEL);
    this.clusterQueue = props.clusterQueue;
    new LocalQueueV1Beta2(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: { clusterQueue: props.clusterQueue.name },
    });
  }

  /** The label a job carries to be queued here. */
  public queueLabel(): Record<string, string> {
    return { [KUEUE_QUEUE_LABEL]: this.name };
  }
}

const PROP_CHECKS: PropChecks<KueueLocalQueueProps> = {
  name: optional('string'), namespace: 'string', clusterQueue: instanceOf(KueueClusterQueue, "a team's clusterQueue or new KueueClusterQueue(...)"),
};
