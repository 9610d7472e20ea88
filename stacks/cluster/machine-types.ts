import { Accelerator } from '../../constructs/cluster/accelerator';

/** GKE machine type for CPU pools when the config names none. */
export const GKE_CPU_MACHINE_TYPE = 'e2-standard-8';

/**
 * GKE machine families that carry each accelerator with the given GPUs per node: L4 needs G2,
 * A100 needs A2, H100 needs A3; T4 attaches to N1. Custom accelerators need an explicit type.
 */
const GKE_GPU_MACHINE_TYPES: Readonly<Record<string, Readonly<Record<number, string>>>> = {
  [Accelerator.NVIDIA_T4.name]: { 1: 'n1-standard-8', 2: 'n1-standard-16', 4: 'n1-standard-32' },
  [Accelerator.NVIDIA_L4.name]: { 1: 'g2-standard-8', 2: 'g2-standard-24', 4: 'g2-standard-48', 8: 'g2-standard-96' },
  [Accelerator.NVIDIA_A100_40GB.name]: { 1: 'a2-highgpu-1g', 2: 'a2-highgpu-2g', 4: 'a2-highgpu-4g', 8: 'a2-highgpu-8g', 16: 'a2-megagpu-16g' },
  [Accelerator.NVIDIA_A100_80GB.name]: { 1: 'a2-ultragpu-1g', 2: 'a2-ultragpu-2g', 4: 'a2-ultragpu-4g', 8: 'a2-ultragpu-8g' },
  [Accelerator.NVIDIA_H100_80GB.name]: { 8: 'a3-highgpu-8g' },
};

/** The GKE machine type for `gpusPerNode` GPUs of `accelerator`, or undefined when there is none. */
export function gkeMachineType(accelerator: Accelerator, gpusPerNode: number): string | undefined {
  return GKE_GPU_MACHINE_TYPES[accelerator.name]?.[gpusPerNode];
}

/** GPU counts per node GKE offers for `accelerator` (for error messages). */
export function gkeGpuCounts(accelerator: Accelerator): number[] {
  return Object.keys(GKE_GPU_MACHINE_TYPES[accelerator.name] ?? {}).map(Number);
}
