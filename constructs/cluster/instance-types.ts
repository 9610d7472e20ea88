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
  /**
   * AWS only: the pods the EKS AMI lets the kubelet run (`maxPods`), which sizes its memory
   * reservation (see `allocatable`).
   */
  readonly maxPods?: number;
  /** Network facts of the type (EFA, GPUDirect, local NVMe); see `NETWORK_AND_DISK`. */
  readonly extras?: InstanceExtras;
}

/** What a type offers beyond CPU, memory and GPUs: what GPU pools' interconnect and disks check against. */
export interface InstanceExtras {
  /** AWS: the most EFA interfaces the type takes (EC2 `EfaInfo.maximumEfaInterfaces`); absent = no EFA. */
  readonly efaInterfaces?: number;
  /** AWS: its EFA devices do RDMA, so NCCL reaches GPU memory directly (GPUDirect RDMA). */
  readonly efaDeviceRdma?: boolean;
  /** GCP: the GPUDirect variant its NICs offer (A3 High: TCPX, A3 Mega: TCPXO). */
  readonly gpuDirect?: 'tcpx' | 'tcpxo';
  /** Local NVMe SSDs of the type: count (each GCP local SSD is 375 GB). */
  readonly localNvmeCount?: number;
}

/**
 * EFA, GPUDirect and local NVMe facts. p5.48xlarge: 32 EFA devices (AWS EC2 User Guide
 * efa-acc-inst-types, "EFA configuration for P5 and P5e instances"). p4d/p4de: 4 EFA interfaces
 * and 8 x 1000 GB NVMe, g5.48xlarge / g6.48xlarge / g4dn.metal: 1 EFA (AWS instance-type pages;
 * UNCONFIRMED in the stored sources, which only show p4d launch templates with EFA interfaces).
 * p5.48xlarge: 8 x 3.84 TB NVMe (UNCONFIRMED). GCP: a3-highgpu-8g GPUDirect-TCPX, a3-megagpu-8g
 * GPUDirect-TCPXO, both 16 local SSDs; a2-ultragpu-Ng N local SSDs, fixed by the machine type
 * (Google Cloud "GPU machine types"; UNCONFIRMED in the stored sources). EFA with RDMA: p4d,
 * p4de, p5 ("only p4 and p5 instances support both EFA and NVIDIA GPUDirect RDMA", aws/aws-ofi-nccl
 * doc/efa-env-var.md @518f4c6; src/platform-aws.cpp @01666ec requires GDR on p4d/p4de/p5, not g5.48xlarge).
 */
const NETWORK_AND_DISK: Readonly<Record<string, InstanceExtras>> = {
  'p5.48xlarge': { efaInterfaces: 32, efaDeviceRdma: true, localNvmeCount: 8 },
  'p4d.24xlarge': { efaInterfaces: 4, efaDeviceRdma: true, localNvmeCount: 8 },
  'p4de.24xlarge': { efaInterfaces: 4, efaDeviceRdma: true, localNvmeCount: 8 },
  'g5.48xlarge': { efaInterfaces: 1, localNvmeCount: 2 },
  'g6.48xlarge': { efaInterfaces: 1, localNvmeCount: 8 },
  'g4dn.metal': { efaInterfaces: 1, localNvmeCount: 2 },
  'a3-highgpu-8g': { gpuDirect: 'tcpx', localNvmeCount: 16 },
  'a3-megagpu-8g': { gpuDirect: 'tcpxo', localNvmeCount: 16 },
  'a2-ultragpu-1g': { localNvmeCount: 1 },
  'a2-ultragpu-2g': { localNvmeCount: 2 },
  'a2-ultragpu-4g': { localNvmeCount: 4 },
  'a2-ultragpu-8g': { localNvmeCount: 8 },
};

const aws = (name: string, vcpus: number, memoryGiB: number, gpus = 0, accelerator?: string): InstanceType => ({ name, cloud: 'aws', vcpus, memory: Size.gibibytes(memoryGiB), gpus, accelerator, maxPods: EKS_MAX_PODS[name] });

/**
 * maxPods of the EKS AL2023 AMI per type: ENIs of the default network card x (IPv4 addresses per
 * ENI - 1) + 2 (nodeadm `calculateStandardMaxPods`, nodeadm/internal/kubelet/eni_max_pods.go), from
 * the AMI's cached `nodeadm/internal/kubelet/instance-info.jsonl` at awslabs/amazon-eks-ami tag
 * v20260724; p3 is no longer in that file, its figures are from `templates/shared/runtime/
 * eni-max-pods.txt` at v20260318 (the AMI asks EC2 for types it does not cache). A node group's
 * `maxPodsExpression` or the VPC CNI's prefix delegation changes maxPods; give `cpuPerNode`/
 * `memoryPerNode` then.
 */
const EKS_MAX_PODS: Readonly<Record<string, number>> = {
  'm6i.xlarge': 58, 'm6i.2xlarge': 58, 'm6i.4xlarge': 234, 'm6i.8xlarge': 234, 'm7i.xlarge': 58, 'm7i.2xlarge': 58, 'm7i.4xlarge': 234, 'c6i.4xlarge': 234, 'r6i.4xlarge': 234,
  'g4dn.xlarge': 29, 'g4dn.2xlarge': 29, 'g4dn.12xlarge': 234, 'g4dn.metal': 737,
  'g5.xlarge': 58, 'g5.2xlarge': 58, 'g5.4xlarge': 234, 'g5.12xlarge': 737, 'g5.48xlarge': 345,
  'g6.xlarge': 58, 'g6.2xlarge': 58, 'g6.4xlarge': 234, 'g6.12xlarge': 234, 'g6.48xlarge': 737,
  'p3.2xlarge': 58, 'p3.8xlarge': 234, 'p3.16xlarge': 234, 'p4d.24xlarge': 737, 'p4de.24xlarge': 737, 'p5.48xlarge': 100,
};
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
  gcp('a3-highgpu-8g', 208, 1872, 8, 'nvidia-h100-80gb'), gcp('a3-megagpu-8g', 208, 1872, 8, 'nvidia-h100-80gb'),
].map((t) => (NETWORK_AND_DISK[t.name] ? { ...t, extras: NETWORK_AND_DISK[t.name] } : t));

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
 * What the kubelet leaves to pods of a node of this shape (its allocatable): capacity minus the
 * reservations of the cloud's node image, minus the 100 MiB hard eviction threshold both set.
 *
 * - AWS (EKS AL2023 AMI, nodeadm `nodeadm/internal/kubelet/config.go` at awslabs/amazon-eks-ami
 *   v20260724, `withDefaultReservedResources`): kube-reserved CPU 6 % of the first core, 1 % of the
 *   second, 0.5 % of the next two, 0.25 % above four (`getCPUMillicoresToReserve`, integer
 *   millicores per range); kube-reserved memory `11 * maxPods + 255` MiB
 *   (`getMemoryMebibytesToReserve`), maxPods from `EKS_MAX_PODS` (110, the kubelet default, for a
 *   type nodeadm does not know); `evictionHard memory.available: 100Mi`; no system-reserved.
 * - GCP (GKE, cloud.google.com kubernetes-engine/docs/concepts/plan-node-sizes): the same CPU
 *   tiers; memory 25 % of the first 4 GiB, 20 % of the next 4, 10 % of the next 8, 6 % of the
 *   next 112, 2 % above 128 GiB; 100 MiB eviction threshold.
 *
 * Capacity is the type's nominal memory; the kernel reports somewhat less (UNCONFIRMED by how
 * much per type: not in the stored sources), so give `cpuPerNode`/`memoryPerNode` to a NodePool
 * for a figure read from `kubectl describe node`.
 */
export function allocatable(type: Pick<InstanceType, 'vcpus' | 'memory'> & Partial<Pick<InstanceType, 'cloud' | 'maxPods'>>): { cpu: number; memory: Size } {
  const cpuMillis = type.vcpus * 1000;
  const memoryMiB = type.memory.toMebibytes();
  const eks = type.cloud === 'aws';
  const reservedCpu = eks
    ? [[0, 1000, 600], [1000, 2000, 100], [2000, 4000, 50], [4000, cpuMillis, 25]].reduce((sum, [from, to, pct]) => sum + (cpuMillis <= from ? 0 : Math.floor((Math.min(cpuMillis, to) - from) * pct / 10000)), 0)
    : tiers(cpuMillis, [[1000, 0.06], [1000, 0.01], [2000, 0.005], [Infinity, 0.0025]]);
  const reservedMemory = (eks
    ? 11 * (type.maxPods ?? EKS_DEFAULT_MAX_PODS) + 255
    : tiers(memoryMiB, [[4096, 0.25], [4096, 0.2], [8192, 0.1], [114688, 0.06], [Infinity, 0.02]])) + EVICTION_HARD_MIB;
  return {
    cpu: Math.floor(cpuMillis - reservedCpu) / 1000,
    memory: Size.mebibytes(Math.floor(memoryMiB - reservedMemory)),
  };
}

/** nodeadm's `defaultMaxPods` (the kubelet's default) when the type's ENIs are unknown. */
const EKS_DEFAULT_MAX_PODS = 110;
/** `evictionHard: memory.available: 100Mi` (nodeadm's default kubelet config; GKE documents the same). */
const EVICTION_HARD_MIB = 100;

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
