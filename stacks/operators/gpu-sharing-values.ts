/**
 * The gpu-operator's device plugin config derived from the GPU pools' sharing: one ConfigMap entry
 * per time-slicing / MPS setting, picked per node by the pool's `nvidia.com/device-plugin.config`
 * label, and a `default` entry with MIG strategy `single` (MIG slices of one profile as
 * `nvidia.com/gpu`) for every other node, including MIG pools, which the MIG manager cuts by their
 * `nvidia.com/mig.config` label. Chart keys `devicePlugin.config.{create,name,default,data}` and
 * `mig.strategy` (gpu-operator v26.7.0 values.yaml, templates/plugin_config.yaml); entry format
 * `version: v1`, `flags.migStrategy`, `sharing.timeSlicing|mps.resources[{name, replicas}]` (NVIDIA
 * GPU Operator docs "Time-Slicing GPUs in Kubernetes"; MPS the same shape, UNCONFIRMED in stored sources).
 */
import { NVIDIA_GPU_RESOURCE } from '../../constructs/cluster/accelerator';
import { NodePool } from '../../constructs/cluster/node-pool';

/** The ConfigMap the chart creates in its namespace. */
export const DEVICE_PLUGIN_CONFIG_NAME = 'mlp-device-plugin-config';

/** gpu-operator values for the pools' sharing; `{}` when no pool shares its GPUs (chart defaults stay). */
export function gpuSharingValues(pools: readonly NodePool[]): Record<string, unknown> {
  const data: Record<string, string> = {};
  let mig = false;
  for (const pool of pools) {
    const sharing = pool.gpu?.sharing;
    if (!sharing || sharing.kind === 'none') continue;
    if (sharing.kind === 'mig') {
      mig = true;
      continue;
    }
    // One share per container: a request for two shares would get two slices of possibly one GPU.
    const strategy = sharing.kind === 'time-slicing'
      ? { timeSlicing: { failRequestsGreaterThanOne: true, renameByDefault: false, resources: [{ name: NVIDIA_GPU_RESOURCE, replicas: sharing.replicas }] } }
      : { mps: { renameByDefault: false, resources: [{ name: NVIDIA_GPU_RESOURCE, replicas: sharing.replicas }] } };
    data[sharing.configName!] = JSON.stringify({ version: 'v1', flags: { migStrategy: 'none' }, sharing: strategy });
  }
  if (!mig && Object.keys(data).length === 0) return {};
  data.default = JSON.stringify({ version: 'v1', flags: { migStrategy: 'single' } });
  return {
    devicePlugin: { config: { create: true, name: DEVICE_PLUGIN_CONFIG_NAME, default: 'default', data } },
    mig: { strategy: 'single' },
  };
}
