/**
 * The resource names Kueue and ResourceQuota count a pool's GPUs in, derived from the pool's
 * allocation, so quotas given in `gpus` land on the right name without the call site saying it:
 * - device plugin (time-slicing, MPS and MIG shares included): `nvidia.com/gpu`;
 * - DRA: Kueue counts a pod's ResourceClaimTemplate devices under the `name` of the
 *   `resources.deviceClassMappings` entry listing their DeviceClass (Kueue v0.19.2
 *   `apis/config/v1beta2/configuration_types.go` `DeviceClassMapping{name, deviceClassNames}`;
 *   feature gate `KueueDRAIntegration`, beta and on by default since v0.18). The stacks render
 *   these mappings into Kueue's Configuration (`stacks/operators/operator-config.ts`), and the
 *   ClusterQueues quota the same names. A namespace ResourceQuota counts DRA devices as
 *   `<DeviceClass>.deviceclass.resource.k8s.io/devices` (Kubernetes docs "Quota for DRA resource claims").
 */
import { NVIDIA_GPU_RESOURCE } from '../cluster/accelerator';
import { EFA_RESOURCE, type NodePool } from '../cluster/node-pool';

/** Prefix of the Kueue quota resource of a DRA DeviceClass: `dra.mlpatterns.dev/<DeviceClass>`. */
export const DRA_QUOTA_PREFIX = 'dra.mlpatterns.dev';

/** A `resources.deviceClassMappings` entry of Kueue's Configuration (config.kueue.x-k8s.io/v1beta2). */
export interface DeviceClassMapping {
  readonly name: string;
  readonly deviceClassNames: string[];
}

/**
 * The Kueue quota resource of a DeviceClass. A qualified name (Kueue validates it as a label key):
 * the DeviceClass, a DNS subdomain of at most 63 characters (checked by `GpuAllocation.dra`), is its name part.
 */
export function draQuotaResource(deviceClassName: string): string {
  return `${DRA_QUOTA_PREFIX}/${deviceClassName}`;
}

/** The resource Kueue quotas a pool's GPUs in: the DRA mapping's name, else `nvidia.com/gpu`. */
export function gpuQuotaResource(pool: NodePool): string {
  const deviceClass = pool.draDeviceClass;
  return deviceClass ? draQuotaResource(deviceClass) : NVIDIA_GPU_RESOURCE;
}

/**
 * The namespace ResourceQuota key of a pool's GPUs: `requests.nvidia.com/gpu` (extended resources
 * only have a requests quota), or `<DeviceClass>.deviceclass.resource.k8s.io/devices` for DRA.
 */
export function gpuResourceQuotaKey(pool: NodePool): string {
  const deviceClass = pool.draDeviceClass;
  return deviceClass ? `${deviceClass}.deviceclass.resource.k8s.io/devices` : `requests.${NVIDIA_GPU_RESOURCE}`;
}

/**
 * Kueue's `resources.excludeResourcePrefixes` for the pools: the interconnect's devices
 * (`vpc.amazonaws.com/efa` on an EFA pool), which come with the GPUs a quota already books. Kueue
 * counts every resource a pod requests, and refuses a workload requesting one its ClusterQueue
 * does not cover ("resource vpc.amazonaws.com/efa unavailable in ClusterQueue", seen by
 * verify:cluster with v0.19.2); an excluded prefix is left out of quota (cmd/kueue/main.go passes it
 * to the scheduler cache and queue manager). Empty without such pools.
 */
export function kueueExcludedResourcePrefixes(pools: readonly NodePool[]): string[] {
  return pools.some((p) => p.efaDevicesPerNode > 0) ? [EFA_RESOURCE] : [];
}

/**
 * Kueue's `resources.deviceClassMappings` for the pools: one entry per DeviceClass a DRA pool
 * claims from, sorted by name; empty without DRA pools. Two pools on one DeviceClass share its
 * resource name and are told apart by their flavors.
 */
export function kueueDeviceClassMappings(pools: readonly NodePool[]): DeviceClassMapping[] {
  const classes = [...new Set(pools.map((p) => p.draDeviceClass).filter((c): c is string => c !== undefined))].sort();
  return classes.map((c) => ({ name: draQuotaResource(c), deviceClassNames: [c] }));
}
