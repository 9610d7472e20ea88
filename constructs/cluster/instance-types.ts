import { Size } from 'cdk8s';

/** A cloud machine shape: what one node of a pool has. */
export interface InstanceType {
  readonly name: string;
  readonly cloud: 'aws' | 'gcp';
  readonly vcpus: number;
  readonly memory: Size;
  /** GPUs per node, and which (the `Accelerator` name). */
  readonly gpus: number;
  readonly accelerator?: string;
}

const aws = (name: string, vcpus: number, memoryGiB: number, gpus = 0, accelerator?: string): InstanceType => ({ name, cloud: 'aws', vcpus, memory: Size.gibibytes(memoryGiB), gpus, accelerator });
const gcp = (name: string, vcpus: number, memoryGiB: number, gpus = 0, accelerator?: string): InstanceType => ({ name, cloud: 'gcp', vcpus, memory: Size.gibibytes(memoryGiB), gpus, accelerator });

/**
 * The common AWS and GCP shapes for ML node pools: vCPUs, memory and GPUs per node, from the
 * providers' instance-type pages (AWS "Amazon EC2 accelerated computing instances" / "general
 * purpose"; Google Cloud "GPU machine types" / "general-purpose machine family"), as documented in
 * 2025; GCP memory in GB is given in GiB rounded down where the provider's number is in GB. GCP
 * GPU entries are the machine types the GKE stack picks per accelerator and GPU count.
 */
const TABLE: readonly InstanceType[] = [
  // AWS general purpose (CPU pools, system pools).
  aws('m6i.xlarge', 4, 16), aws('m6i.2xlarge', 8, 32), aws('m6i.4xlarge', 16, 64), aws('m6i.8xlarge', 32, 128),
  aws('m7i.xlarge', 4, 16), aws('m7i.2xlarge', 8, 32), aws('m7i.4xlarge', 16, 64), aws('c6i.4xlarge', 16, 32), aws('r6i.4xlarge', 16, 128),
  // AWS GPU: T4 (g4dn), A10G (g5), L4 (g6), V100 (p3), A100 (p4d/p4de), H100 (p5).
  aws('g4dn.xlarge', 4, 16, 1, 'nvidia-t4'), aws('g4dn.2xlarge', 8, 32, 1, 'nvidia-t4'), aws('g4dn.12xlarge', 48, 192, 4, 'nvidia-t4'), aws('g4dn.metal', 96, 384, 8, 'nvidia-t4'),
  aws('g5.xlarge', 4, 16, 1, 'nvidia-a10g'), aws('g5.2xlarge', 8, 32, 1, 'nvidia-a10g'), aws('g5.4xlarge', 16, 64, 1, 'nvidia-a10g'), aws('g5.12xlarge', 48, 192, 4, 'nvidia-a10g'), aws('g5.48xlarge', 192, 768, 8, 'nvidia-a10g'),
  aws('g6.xlarge', 4, 16, 1, 'nvidia-l4'), aws('g6.2xlarge', 8, 32, 1, 'nvidia-l4'), aws('g6.4xlarge', 16, 64, 1, 'nvidia-l4'), aws('g6.12xlarge', 48, 192, 4, 'nvidia-l4'), aws('g6.48xlarge', 192, 768, 8, 'nvidia-l4'),
  aws('p3.2xlarge', 8, 61, 1, 'nvidia-v100'), aws('p3.8xlarge', 32, 244, 4, 'nvidia-v100'), aws('p3.16xlarge', 64, 488, 8, 'nvidia-v100'),
  aws('p4d.24xlarge', 96, 1152, 8, 'nvidia-a100-40gb'), aws('p4de.24xlarge', 96, 1152, 8, 'nvidia-a100-80gb'),
  aws('p5.48xlarge', 192, 2048, 8, 'nvidia-h100-80gb'),
  // GCP general purpose.
  gcp('e2-standard-4', 4, 16), gcp('e2-standard-8', 8, 32), gcp('e2-standard-16', 16, 64), gcp('n2-standard-8', 8, 32), gcp('n2-standard-16', 16, 64),
  // GCP GPU: T4 on N1 (attached), L4 on G2, A100 on A2, H100 on A3.
  gcp('n1-standard-8', 8, 30, 1, 'nvidia-t4'), gcp('n1-standard-16', 16, 60, 2, 'nvidia-t4'), gcp('n1-standard-32', 32, 120, 4, 'nvidia-t4'),
  gcp('g2-standard-8', 8, 32, 1, 'nvidia-l4'), gcp('g2-standard-24', 24, 96, 2, 'nvidia-l4'), gcp('g2-standard-48', 48, 192, 4, 'nvidia-l4'), gcp('g2-standard-96', 96, 384, 8, 'nvidia-l4'),
  gcp('a2-highgpu-1g', 12, 85, 1, 'nvidia-a100-40gb'), gcp('a2-highgpu-2g', 24, 170, 2, 'nvidia-a100-40gb'), gcp('a2-highgpu-4g', 48, 340, 4, 'nvidia-a100-40gb'),
  gcp('a2-highgpu-8g', 96, 680, 8, 'nvidia-a100-40gb'), gcp('a2-megagpu-16g', 96, 1360, 16, 'nvidia-a100-40gb'),
  gcp('a2-ultragpu-1g', 12, 170, 1, 'nvidia-a100-80gb'), gcp('a2-ultragpu-2g', 24, 340, 2, 'nvidia-a100-80gb'), gcp('a2-ultragpu-4g', 48, 680, 4, 'nvidia-a100-80gb'), gcp('a2-ultragpu-8g', 96, 1360, 8, 'nvidia-a100-80gb'),
  gcp('a3-highgpu-8g', 208, 1872, 8, 'nvidia-h100-80gb'),
];

const BY_NAME = new Map(TABLE.map((t) => [t.name, t] as const));

/** The table entry for a machine type, or undefined when it is not in the table. */
export function instanceType(name: string): InstanceType | undefined {
  return BY_NAME.get(name);
}

/** Every known type, for messages. */
export function knownInstanceTypes(): readonly InstanceType[] {
  return TABLE;
}

/**
 * The first type of a cloud carrying exactly `gpus` GPUs of an accelerator (the table lists the
 * smallest shape first), or undefined.
 */
export function instanceTypeFor(cloud: 'aws' | 'gcp', accelerator: string, gpus: number): InstanceType | undefined {
  return TABLE.find((t) => t.cloud === cloud && t.accelerator === accelerator && t.gpus === gpus);
}

/**
 * What the kubelet leaves to pods of a node of this shape: capacity minus the reservations GKE
 * documents for its nodes (CPU: 6% of the first core, 1% of the second, 0.5% of the next two,
 * 0.25% above four; memory: 25% of the first 4 GiB, 20% of the next 4, 10% of the next 8, 6% of
 * the next 112, 2% above 128 GiB, plus 100 MiB eviction threshold; cloud.google.com
 * kubernetes-engine/docs/concepts/plan-node-sizes). EKS AMIs reserve by a different formula
 * (memory 255 MiB + 11 MiB per pod the instance can run): this one is within a few percent for the
 * table's shapes, which is what the capacity checks need; give `cpuPerNode`/`memoryPerNode` to a
 * NodePool for an exact figure.
 */
export function allocatable(type: Pick<InstanceType, 'vcpus' | 'memory'>): { cpu: number; memory: Size } {
  const cpuMillis = type.vcpus * 1000;
  const reservedCpu = tiers(cpuMillis, [[1000, 0.06], [1000, 0.01], [2000, 0.005], [Infinity, 0.0025]]);
  const memoryMiB = type.memory.toMebibytes();
  const reservedMemory = tiers(memoryMiB, [[4096, 0.25], [4096, 0.2], [8192, 0.1], [114688, 0.06], [Infinity, 0.02]]) + 100;
  return {
    cpu: Math.floor(cpuMillis - reservedCpu) / 1000,
    memory: Size.mebibytes(Math.floor(memoryMiB - reservedMemory)),
  };
}

/** Sum of `rate` over successive `amount` bands of `value`. */
function tiers(value: number, bands: readonly (readonly [number, number])[]): number {
  let left = value;
  let total = 0;
  for (const [amount, rate] of bands) {
    const part = Math.min(left, amount);
    total += part * rate;
    left -= part;
    if (left <= 0) break;
  }
  return total;
}
