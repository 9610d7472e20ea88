/**
 * What the stack cannot install for its GPU pools, printed as Pulumi warnings with the other pool
 * notes (`StackConfig.poolNotes`): the DRA driver next to device-plugin pools (gpu-dra-values.ts) and
 * the EFA device plugin, which the stacks do not pin.
 */
import { NodePool } from '../../constructs/cluster/node-pool';

/**
 * What the stack cannot install for DRA pools next to device-plugin pools (printed as warnings with
 * the other pool notes): the gpu-operator deploys one GPU stack per cluster.
 */
export function gpuAllocationNotes(pools: readonly NodePool[], installsGpuOperator: boolean): string[] {
  const gpuPools = pools.filter((p) => p.isGpu);
  const dra = gpuPools.filter((p) => p.draDeviceClass !== undefined);
  const plugin = gpuPools.filter((p) => p.draDeviceClass === undefined);
  if (!installsGpuOperator || !dra.length || !plugin.length) return [];
  return [`DRA pools (${dra.map((p) => p.name).join(', ')}) next to device-plugin pools (${plugin.map((p) => p.name).join(', ')}): the gpu-operator deploys one GPU stack per cluster (v26.7.0 templates/validations.yaml), so it keeps the device plugin and the DRA pools need the NVIDIA DRA driver (kubernetes-sigs/dra-driver-nvidia-gpu) installed out of band; give every GPU pool 'allocation: dra' to have the gpu-operator install it (GPUCluster)`];
}

/**
 * EFA pools: their pods request `vpc.amazonaws.com/efa`, which only the EFA device plugin
 * advertises, and EKS AMIs do not include it (Amazon EKS user guide, "Manage EFA devices on Amazon
 * EKS"): without it those pods stay Pending.
 */
export function efaNotes(pools: readonly NodePool[]): string[] {
  const efa = pools.filter((p) => p.efaDevicesPerNode > 0);
  if (!efa.length) return [];
  return [`EFA pools (${efa.map((p) => p.name).join(', ')}): their GPU pods request vpc.amazonaws.com/efa, which only the EFA device plugin (aws-efa-k8s-device-plugin) advertises; the stack does not install it (no pin), so install it before those pods run`];
}
