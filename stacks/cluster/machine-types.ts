import { Accelerator } from '../../constructs/cluster/accelerator';
import { instanceTypeFor, knownInstanceTypes } from '../../constructs/cluster/instance-types';

/** GKE machine type for CPU pools when the config names none. */
export const GKE_CPU_MACHINE_TYPE = 'e2-standard-8';

/**
 * GKE machine families that carry each accelerator with the given GPUs per node: L4 needs G2,
 * A100 needs A2, H100 needs A3; T4 attaches to N1. They come from the instance-type table
 * (constructs/cluster/instance-types.ts), which also gives the pools' node sizes; custom
 * accelerators need an explicit type.
 */
export function gkeMachineType(accelerator: Accelerator, gpusPerNode: number): string | undefined {
  return instanceTypeFor('gcp', accelerator.name, gpusPerNode)?.name;
}

/** GPU counts per node GKE offers for `accelerator` (for error messages). */
export function gkeGpuCounts(accelerator: Accelerator): number[] {
  return knownInstanceTypes().filter((t) => t.cloud === 'gcp' && t.accelerator === accelerator.name).map((t) => t.gpus);
}
