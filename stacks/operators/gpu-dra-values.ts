/**
 * The gpu-operator's GPU stack for DRA pools. gpu-operator v26.7.0 deploys either the device-plugin
 * stack (the ClusterPolicy CR) or the DRA one (the GPUCluster CR, which installs the NVIDIA DRA
 * driver and its DeviceClasses `gpu.nvidia.com`/`mig.nvidia.com`), never both: its chart fails with
 * "clusterPolicy.deployCR and gpuCluster.deployCR cannot both be true; only one CR can exist"
 * (templates/validations.yaml), and a GPUCluster with the driver container needs
 * `driver.nvidiaDriverCRD.enabled` (same file). So a cluster whose GPU pools all allocate through
 * DRA gets the GPUCluster. With pools of both kinds it keeps the ClusterPolicy (the device plugin
 * skips DRA nodes by their `nvidia.com/gpu.deploy.device-plugin=false` label), and the DRA pools need
 * the standalone NVIDIA DRA driver, which the stacks do not pin: said as a warning
 * (gpu-stack-notes.ts). The GPUCluster stack is marked experimental in the chart's values.yaml.
 */
import { NodePool } from '../../constructs/cluster/node-pool';

/**
 * The DeviceClasses the GPUCluster's DRA driver creates: gpu-operator manifests/state-dra-driver
 * 0400_deviceclass-gpu, 0410_deviceclass-mig, 0430_deviceclass-vfio-gpu, and with compute domains
 * (chart default `draDriver.computeDomains.enabled: true`) 0420_deviceclass-compute-domains (stored
 * copies of the main branch, not read at the v26.7.0 tag: UNCONFIRMED for that tag).
 */
export const GPU_CLUSTER_DRA_DRIVER = Object.freeze({
  name: 'the gpu-operator\'s DRA driver (GPUCluster)',
  domain: 'nvidia.com',
  deviceClasses: ['gpu.nvidia.com', 'mig.nvidia.com', 'vfio.gpu.nvidia.com', 'compute-domain-daemon.nvidia.com', 'compute-domain-default-channel.nvidia.com'],
});

/**
 * NVIDIA's DRA driver installed out of band (`draDriver: external`): kubernetes-sigs/dra-driver-nvidia-gpu,
 * the same driver the GPUCluster deploys, so the same DeviceClasses (its chart's templates are not
 * stored here: UNCONFIRMED beyond the GPUCluster manifests above).
 */
export const EXTERNAL_NVIDIA_DRA_DRIVER = Object.freeze({ ...GPU_CLUSTER_DRA_DRIVER, name: "NVIDIA's DRA driver, installed out of band (draDriver: external)" });

/** Whether the gpu-operator deploys its DRA stack for these pools (every GPU pool allocates through DRA). */
export function usesGpuClusterStack(pools: readonly NodePool[]): boolean {
  const gpuPools = pools.filter((p) => p.isGpu);
  return gpuPools.length > 0 && gpuPools.every((p) => p.draDeviceClass !== undefined);
}

/** gpu-operator values when every GPU pool allocates through DRA; `{}` otherwise (the device-plugin stack stays). */
export function gpuDraValues(pools: readonly NodePool[], driverContainer: boolean): Record<string, unknown> {
  if (!usesGpuClusterStack(pools)) return {};
  return {
    clusterPolicy: { deployCR: false },
    gpuCluster: { deployCR: true },
    ...(driverContainer ? { driver: { enabled: true, nvidiaDriverCRD: { enabled: true } } } : {}),
  };
}
