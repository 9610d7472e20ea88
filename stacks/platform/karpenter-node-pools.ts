/**
 * Karpenter capacity derived from the pool model: per `NodePool`, a `karpenter.sh/v1 NodePool`
 * (labels, taints, capacity type, GPU or instance type, limits) and a `karpenter.k8s.aws/v1
 * EC2NodeClass` (AMI, subnets, security group, node role). Pure; the Chart wraps the objects.
 */
import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NVIDIA_GPU_RESOURCE } from '../../constructs/cluster/accelerator';
import { CapacityType, NodePool } from '../../constructs/cluster/node-pool';

/** Karpenter's GPU name and, where the name is ambiguous, the instance families per accelerator. */
const KARPENTER_GPUS: Readonly<Record<string, { gpuName: string; families?: string[] }>> = {
  'nvidia-t4': { gpuName: 't4' },
  'nvidia-l4': { gpuName: 'l4' },
  'nvidia-a10g': { gpuName: 'a10g' },
  'nvidia-a100-40gb': { gpuName: 'a100', families: ['p4d'] },
  'nvidia-a100-80gb': { gpuName: 'a100', families: ['p4de'] },
  'nvidia-h100-80gb': { gpuName: 'h100' },
};

/** Options of `karpenterNodePoolFor`. */
export interface KarpenterNodePoolOptions {
  readonly clusterName: string;
  /** Subnets the nodes launch in (the stack's `subnetIds`). */
  readonly subnetIds: readonly string[];
  /** IAM role of the nodes (`karpenterNodeRoleName(clusterName)`). */
  readonly nodeRoleName: string;
  /**
   * EKS-optimized AMI alias; Karpenter resolves the NVIDIA variant for GPU instances itself.
   * @default 'al2023@latest' (pin e.g. 'al2023@v20251120' to freeze node images)
   */
  readonly amiAlias?: string;
}

/** A requirement of a NodePool template (`spec.template.spec.requirements[]`). */
export interface KarpenterRequirement {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'Gt' | 'Lt';
  readonly values: string[];
}

/** The two objects of one pool. */
export interface KarpenterPoolObjects {
  readonly nodePool: Record<string, any>;
  readonly nodeClass: Record<string, any>;
}

/**
 * Requirements of `pool`: linux/amd64, its capacity type, and for GPU pools the accelerator as
 * Karpenter's `instance-gpu-name` + GPUs per node (any fitting size); for CPU pools (and custom
 * accelerators Karpenter has no name for) the pool's instance type.
 */
export function karpenterRequirements(pool: NodePool): KarpenterRequirement[] {
  if (pool.capacityType === CapacityType.FLEX_START) {
    throw new Error(`NodePool '${pool.name}': prop 'reservation' is '${pool.gpu?.reservation}'; flex-start is GKE capacity, Karpenter (EKS) cannot provision it; use CapacityReservation.ec2/ec2CapacityBlock, on-demand or spot`);
  }
  const reqs: KarpenterRequirement[] = [
    { key: 'kubernetes.io/os', operator: 'In', values: ['linux'] },
    { key: 'kubernetes.io/arch', operator: 'In', values: ['amd64'] },
    { key: 'karpenter.sh/capacity-type', operator: 'In', values: [pool.capacityType] },
  ];
  const gpu = pool.accelerator ? KARPENTER_GPUS[pool.accelerator.name] : undefined;
  if (gpu) {
    reqs.push({ key: 'karpenter.k8s.aws/instance-gpu-name', operator: 'In', values: [gpu.gpuName] });
    reqs.push({ key: 'karpenter.k8s.aws/instance-gpu-count', operator: 'In', values: [String(pool.gpusPerNode)] });
    if (gpu.families) reqs.push({ key: 'karpenter.k8s.aws/instance-family', operator: 'In', values: gpu.families });
  } else {
    reqs.push({ key: 'node.kubernetes.io/instance-type', operator: 'In', values: [pool.instanceType] });
  }
  return reqs;
}

/**
 * The NodePool and EC2NodeClass of `pool`. Labels and taints are `pool.nodeLabels()` /
 * `pool.nodeTaints()`, so pods placed with `pool.nodeSelector()`/`tolerations()` trigger exactly
 * this NodePool. Limits are the pool's capacity at maxSize (Karpenter has no node count; minSize
 * has no Karpenter equivalent). GPU pools consolidate only when empty (no training pod is evicted).
 */
export function karpenterNodePoolFor(pool: NodePool, opts: KarpenterNodePoolOptions): KarpenterPoolObjects {
  const capacity = pool.capacity();
  const limits: Record<string, string> = { cpu: String(capacity.cpu), memory: `${capacity.memory.toMebibytes()}Mi` };
  // Karpenter counts a type's physical GPUs against the limit, not the shares the device plugin advertises.
  if (pool.isGpu) limits[NVIDIA_GPU_RESOURCE] = String(pool.gpusPerNode * pool.maxSize);
  const nodePool = {
    apiVersion: 'karpenter.sh/v1',
    kind: 'NodePool',
    metadata: { name: pool.name },
    spec: {
      template: {
        metadata: { labels: pool.nodeLabels() },
        spec: {
          nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: pool.name },
          requirements: karpenterRequirements(pool),
          taints: pool.nodeTaints().map((t) => ({ key: t.key, ...(t.value === undefined ? {} : { value: t.value }), effect: t.effect })),
          expireAfter: '720h',
        },
      },
      disruption: pool.isGpu
        ? { consolidationPolicy: 'WhenEmpty', consolidateAfter: '10m' }
        : { consolidationPolicy: 'WhenEmptyOrUnderutilized', consolidateAfter: '1m' },
      limits,
    },
  };
  const nodeClass = {
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: pool.name },
    spec: {
      role: opts.nodeRoleName,
      amiSelectorTerms: [{ alias: opts.amiAlias ?? 'al2023@latest' }],
      subnetSelectorTerms: opts.subnetIds.map((id) => ({ id })),
      // EKS tags the cluster security group it creates with the cluster name.
      securityGroupSelectorTerms: [{ tags: { 'aws:eks:cluster-name': opts.clusterName } }],
      metadataOptions: { httpEndpoint: 'enabled', httpProtocolIPv6: 'disabled', httpPutResponseHopLimit: 1, httpTokens: 'required' },
      blockDeviceMappings: [{
        deviceName: '/dev/xvda',
        // GPU images (CUDA, frameworks) need room; encrypted gp3 either way.
        ebs: { volumeSize: `${pool.gpu?.rootDiskGiB ?? 80}Gi`, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
      }],
      ...gpuNodeClassFields(pool),
      tags: { 'mlpatterns.dev/node-pool': pool.name },
    },
  };
  return { nodePool, nodeClass };
}

/**
 * EC2NodeClass fields of a GPU pool's reservation and disks (karpenter-crd 1.14.1 ec2nodeclasses):
 * `capacityReservationSelectorTerms[].id` for an EC2 reservation or Capacity Block (nodes launched into
 * it get capacity type `reserved`), `instanceStorePolicy: RAID0` to put ephemeral storage on the local
 * NVMe. EFA needs no field: Karpenter attaches EFA interfaces to nodes launched for pods that request
 * `vpc.amazonaws.com/efa` (Karpenter docs; UNCONFIRMED in the stored CRD and chart).
 */
export function gpuNodeClassFields(pool: NodePool): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  const reservation = pool.gpu?.reservation;
  if (reservation?.cloud === 'aws') fields.capacityReservationSelectorTerms = [{ id: reservation.id }];
  if (pool.gpu?.localNvmeForEphemeralStorage) fields.instanceStorePolicy = 'RAID0';
  return fields;
}

/** Properties of `KarpenterNodePools`. */
export interface KarpenterNodePoolsProps extends KarpenterNodePoolOptions {
  readonly pools: readonly NodePool[];
}

/** Karpenter NodePools and EC2NodeClasses of every pool, as one cdk8s chart (deployed as a ConfigGroup). */
export class KarpenterNodePools extends Chart {
  constructor(scope: Construct, id: string, props: KarpenterNodePoolsProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const pool of props.pools) {
      const { nodePool, nodeClass } = karpenterNodePoolFor(pool, props);
      new ApiObject(this, `${pool.name}-node-class`, nodeClass as any);
      new ApiObject(this, `${pool.name}-node-pool`, nodePool as any);
    }
  }
}
