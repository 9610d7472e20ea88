// What the harness's own inputs (canaries, the DRA and TAS proofs) share: a chart's objects as they
// are applied (cluster-scoped ones without the chart's namespace), a pool of the harness's own as
// kwok nodes, and the reference to a workload the harness observes.

import type { ApiObject, Chart } from 'cdk8s';
import { NVIDIA_GPU_RESOURCE } from '../../../constructs/cluster/accelerator';
import { EFA_RESOURCE } from '../../../constructs/cluster/node-pool';
import type { NodePool } from '../../../constructs/cluster/node-pool';
import { CLUSTER_SCOPED_KINDS } from '../../../constructs/core/api-groups';
import { nodePatchSpec } from '../../../stacks/cluster/local';
import type { PoolInput } from './nodes';

type Json = Record<string, any>;

const HOSTNAME_LABEL = 'kubernetes.io/hostname';

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
 * What one node of the pool offers pods, as its kubelet and device plugins would advertise it: cpu
 * and memory; `nvidia.com/gpu` per GPU, or per MIG slice or time-slicing/MPS share (none on a DRA
 * node: its GPUs are devices in ResourceSlices); on an EFA pool `vpc.amazonaws.com/efa` per
 * interface, as the EFA device plugin advertises them (the harness stands in for it).
 */
export function poolAllocatable(pool: NodePool): Record<string, string> {
  const allocatable: Record<string, string> = { cpu: String(pool.cpuPerNode), memory: `${pool.memoryPerNode.toMebibytes()}Mi` };
  if (pool.isGpu && !pool.draDeviceClass) allocatable[NVIDIA_GPU_RESOURCE] = String(pool.gpuUnitsPerNode);
  if (pool.efaDevicesPerNode) allocatable[EFA_RESOURCE] = String(pool.efaDevicesPerNode);
  return allocatable;
}

/**
 * The labels of the pool's `topologyLevels` on its `index`th node, which the cloud writes on real
 * nodes (EC2's network-node layers, GKE's topology block/subblock) and the harness stands in for:
 * the lowest level above the node groups two nodes, each level up twice as many, so a gang of two
 * whole nodes fits one lowest domain and a larger one does not. `kubernetes.io/hostname` is the
 * kubelet's (kwok's) own.
 */
export function topologyLabels(pool: NodePool, index: number): Record<string, string> {
  const levels = (pool.gpu?.topologyLevels ?? []).filter((l) => l !== HOSTNAME_LABEL);
  return Object.fromEntries(levels.map((level, j) => [level, `${pool.name}-${j + 1}-${Math.floor(index / 2 ** (levels.length - j))}`]));
}

/**
 * A pool as kwok nodes: the given node names (default `<pool>-0`, ...; maxSize of them) with the
 * labels and taints the stack writes (stacks/cluster/local.ts `nodePatchSpec`) plus the stand-in
 * topology labels, `poolAllocatable`, and for a DRA pool the devices its driver publishes per node.
 */
export function poolInput(pool: NodePool, names?: readonly string[], nodeCountFrom = 'maxSize'): PoolInput {
  const nodes = (names ?? Array.from({ length: pool.maxSize }, (_, i) => `${pool.name}-${i}`)).map((name, i) => {
    const patch = nodePatchSpec(pool, name);
    return { name, labels: { ...patch.metadata.labels, ...topologyLabels(pool, i) }, taints: patch.spec.taints };
  });
  return {
    name: pool.name, instanceType: pool.instanceType, allocatable: poolAllocatable(pool), nodes, nodeCountFrom,
    ...(pool.draDeviceClass ? { draDevicesPerNode: pool.gpusPerNode } : {}),
  };
}

/** The workload the harness observes, by apiVersion, kind and name. */
export const workloadRef = (o: ApiObject) => ({ apiVersion: o.apiVersion, kind: o.kind, name: o.name });
