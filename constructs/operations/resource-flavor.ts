import { Construct } from 'constructs';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { requireProps } from '../core/required-props';
import { poolTopologyName } from './kueue-topology';
import { ResourceFlavorV1Beta2 } from '../imports/kueue.x-k8s.io';

/** A Kueue ResourceFlavor: the quota unit of one node pool. */
export interface IResourceFlavor {
  readonly name: string;
  /** The pool whose nodes the flavor stands for. */
  readonly pool: NodePool;
}

/**
 * The ResourceFlavor name of a pool. One flavor per pool, named after it, so `kubectl get
 * resourceflavors` reads like the node-pool list.
 * TODO(core): move to `NodePool.resourceFlavor()` once constructs/cluster owns it.
 */
export function resourceFlavorName(pool: NodePool): string {
  return pool.name;
}

/** Properties for `PoolResourceFlavor`. */
export interface PoolResourceFlavorProps {
  /** The pool the flavor describes: labels and tolerations are derived from it. */
  readonly pool: NodePool;
}

/**
 * A Kueue ResourceFlavor derived from a node pool: `nodeLabels` = `pool.nodeSelector()` (Kueue
 * injects them into admitted pods) and `tolerations` = `pool.tolerations()` (injected too), so a
 * job admitted on the GPU flavor lands on, and tolerates, exactly the GPU pool. A pool with
 * `topologyLevels` gets `topologyName`: the Kueue Topology its cohort makes (`KueueTopology`).
 * @see https://kueue.sigs.k8s.io/docs/concepts/resource_flavor/
 */
export class PoolResourceFlavor extends Construct implements IResourceFlavor {
  public readonly name: string;
  public readonly pool: NodePool;

  constructor(scope: Construct, id: string, props: PoolResourceFlavorProps) {
    super(scope, id);
    requireProps(this, props, { pool: NODE_POOL });
    this.pool = props.pool;
    this.name = resourceFlavorName(props.pool);
    const tolerations = props.pool.tolerations();
    new ResourceFlavorV1Beta2(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        nodeLabels: props.pool.nodeSelector(),
        // The pool's Kueue Topology (made by its cohort), for Topology Aware Scheduling.
        topologyName: poolTopologyName(props.pool),
        tolerations: tolerations.length ? tolerations.map((t) => ({ key: t.key, operator: t.operator, value: t.value, effect: t.effect })) : undefined,
      },
    });
  }
}
