/**
 * Kueue Topology Aware Scheduling from the pools: a GPU pool's `topologyLevels` (node label keys,
 * widest first) become a Kueue `Topology` (kueue.x-k8s.io/v1beta2, served and stored in v0.19.2,
 * `spec.levels[].nodeLabel`; TAS is beta and on by default since v0.14), and the pool's
 * ResourceFlavor names it in `spec.topologyName`, so Kueue places a gang that asks for a level
 * (`kueue.x-k8s.io/podset-required-topology`) inside one domain of it. One Topology per distinct
 * level list, named after the list, so pools of one network share it.
 * @see https://kueue.sigs.k8s.io/docs/concepts/topology_aware_scheduling/
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import type { NodePool } from '../cluster/node-pool';
import { propError } from '../core/errors';
import { nameProblem, NameRule } from '../core/names';

/** Node label of the narrowest level Kueue takes: one node. */
export const HOSTNAME_LEVEL = 'kubernetes.io/hostname';

/** The levels of a pool's topology, widest first (empty: the pool has none). */
export function topologyLevelsOf(pool: NodePool): readonly string[] {
  return pool.gpu?.topologyLevels ?? [];
}

/**
 * The Topology name of a level list: the label names (after the prefix) joined by dots, e.g.
 * `gce-topology-block.gce-topology-subblock.hostname`; a DNS subdomain, as the ResourceFlavor's
 * `topologyName` must be. Lists differing only in prefixes get the same name: the cohort refuses that.
 */
export function topologyNameOf(levels: readonly string[]): string {
  const name = levels.map((l) => l.slice(l.lastIndexOf('/') + 1).toLowerCase().replace(/[^a-z0-9.-]/g, '-')).join('.');
  const problem = nameProblem(name, NameRule.DNS_SUBDOMAIN);
  if (problem) throw propError({ kind: 'KueueTopology', path: name }, 'levels', [...levels], `the Topology name derived from them is not a DNS subdomain (${problem}); use shorter label names`);
  return name;
}

/** The topology name of a pool's ResourceFlavor (undefined without topology levels). */
export function poolTopologyName(pool: NodePool): string | undefined {
  const levels = topologyLevelsOf(pool);
  return levels.length ? topologyNameOf(levels) : undefined;
}

/** Properties for `KueueTopology`. */
export interface KueueTopologyProps {
  /** Node label keys, widest first; `kubernetes.io/hostname` only last (checked by `NodePool.gpu`). */
  readonly levels: readonly string[];
}

/** A Kueue Topology (v1beta2) named by `topologyNameOf(levels)`. */
export class KueueTopology extends Construct {
  public readonly name: string;
  public readonly levels: readonly string[];

  constructor(scope: Construct, id: string, props: KueueTopologyProps) {
    super(scope, id);
    this.levels = [...props.levels];
    this.name = topologyNameOf(this.levels);
    new ApiObject(this, 'Resource', {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'Topology',
      metadata: { name: this.name },
      spec: { levels: this.levels.map((nodeLabel) => ({ nodeLabel })) },
    });
  }
}
