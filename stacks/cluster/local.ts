import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { NodePool } from '../../constructs/cluster/node-pool';
import { IClusterTarget } from './target';

/** Arguments of `LocalCluster`. */
export interface LocalClusterArgs {
  /**
   * Kubeconfig context (kind, minikube, ...).
   * @default - the current context
   */
  readonly context?: string;
  /** Pools whose existing nodes are labelled and tainted (nothing is created). */
  readonly pools: readonly NodePool[];
  /** Node names per pool name; pools without nodes are only a model. */
  readonly poolNodes: Readonly<Record<string, readonly string[]>>;
}

/** What a node patch writes: the pool's labels and taints (from the pool model only). */
export function nodePatchSpec(pool: NodePool, nodeName: string): { metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> }; spec: { taints: { key: string; value?: string; effect: string }[] } } {
  return {
    // The nodes exist before the stack; their labels may have been set by kubectl or another tool
    // first. patchForce takes those fields over instead of failing on a server-side apply conflict
    // (pulumi-kubernetes Patch resources; found by verify:pulumi).
    metadata: { name: nodeName, labels: pool.nodeLabels(), annotations: { 'pulumi.com/patchForce': 'true' } },
    spec: { taints: pool.nodeTaints().map((t) => ({ key: t.key, ...(t.value === undefined ? {} : { value: t.value }), effect: t.effect })) },
  };
}

/** An existing cluster from the kubeconfig; its listed nodes are labelled as the pools say. */
export class LocalCluster extends pulumi.ComponentResource implements IClusterTarget {
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly nodes: pulumi.Resource[];

  constructor(name: string, args: LocalClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:cluster:LocalCluster', name, {}, opts);
    this.provider = new k8s.Provider(`${name}-k8s`, { context: args.context }, { parent: this });
    // The user's own kubeconfig is used; the stack stores none.
    this.kubeconfig = pulumi.secret(pulumi.output(''));
    this.nodes = args.pools.flatMap((pool) => (args.poolNodes[pool.name] ?? []).map((node) =>
      new k8s.core.v1.NodePatch(`${name}-${pool.name}-${node}`, nodePatchSpec(pool, node), { parent: this, provider: this.provider })));
    this.registerOutputs({});
  }
}
