// What the harness's own inputs (canaries, the DRA and TAS proofs) share: a chart's objects as they
// are applied (cluster-scoped ones without the chart's namespace), a pool of the harness's own as
// kwok nodes, and the reference to a workload the harness observes.

import type { ApiObject, Chart } from 'cdk8s';
import { NVIDIA_GPU_RESOURCE } from '../../../constructs/cluster/accelerator';
import type { NodePool } from '../../../constructs/cluster/node-pool';
import { CLUSTER_SCOPED_KINDS } from '../../../constructs/core/api-groups';
import { nodePatchSpec } from '../../../stacks/cluster/local';
import type { PoolInput } from './nodes';

type Json = Record<string, any>;

/** The chart's objects; a cluster-scoped one loses the namespace the chart gave it. */
export function appliedObjects(chart: Chart): Json[] {
  return (chart.toJson() as Json[]).map((o) => {
    const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
    if (!CLUSTER_SCOPED_KINDS.has(`${group}/${o.kind}`)) return o;
    const { namespace: _, ...metadata } = o.metadata;
    return { ...o, metadata };
  });
}

/**
 * A pool of the harness's own as kwok nodes (`<pool>-0`, ...; maxSize of them) with the labels and
 * taints the stack writes. `gpus`: whether the nodes advertise `nvidia.com/gpu` (a DRA node does not).
 */
export function harnessPool(pool: NodePool, { gpus }: { gpus: boolean }): PoolInput {
  const nodes = Array.from({ length: pool.maxSize }, (_, i) => `${pool.name}-${i}`).map((name) => {
    const patch = nodePatchSpec(pool, name);
    return { name, labels: patch.metadata.labels, taints: patch.spec.taints };
  });
  const allocatable: Record<string, string> = { cpu: String(pool.cpuPerNode), memory: `${pool.memoryPerNode.toMebibytes()}Mi` };
  if (gpus) allocatable[NVIDIA_GPU_RESOURCE] = String(pool.gpusPerNode);
  return { name: pool.name, instanceType: pool.instanceType, allocatable, nodes, nodeCountFrom: 'maxSize' };
}

/** The workload the harness observes, by apiVersion, kind and name. */
export const workloadRef = (o: ApiObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name });
