import { Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Accelerator, NVIDIA_GPU_RESOURCE } from './accelerator';
import { CapacityReservation, GpuAllocation, GpuSharing, Interconnect } from './gpu-features';
import { GpuFeatureOptions, GpuPoolSpec, resolveGpuSpec } from './gpu-pool-spec';
import { allocatable, instanceType as knownType, instanceTypeFor, knownInstanceTypes } from './instance-types';
import { interconnectEnvOf } from './interconnect-env';
import { propError, requireInteger, Where } from '../core/errors';
import { Labels } from '../core/labels';
import { NameRule, validateLabels, validateName } from '../core/names';
import { GpuClaim, GpuResources, PodPlacement } from '../core/pod-placement';
import { arrayOf, instanceOf, oneOf, optional, PropChecks, recordOf, requireProps, shape } from '../core/required-props';

/** The EFA device plugin's extended resource (aws-efa-k8s-device-plugin). */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** Effect of a node taint (`spec.taints[].effect`). */
export enum TaintEffect {
  NO_SCHEDULE = 'NoSchedule',
  PREFER_NO_SCHEDULE = 'PreferNoSchedule',
  NO_EXECUTE = 'NoExecute',
}

/** A node taint; pods scheduled on the pool tolerate exactly these. */
export interface NodeTaint {
  readonly key: string;
  /** @default - no value (the toleration uses operator Exists) */
  readonly value?: string;
  readonly effect: TaintEffect;
}

/** How nodes are bought. */
export enum CapacityType {
  ON_DEMAND = 'on-demand',
  SPOT = 'spot',
  /** Derived from a `reservation` (EC2 reservation or Capacity Block, GKE reservation); Karpenter's `reserved`. */
  RESERVED = 'reserved',
  /** Derived from `CapacityReservation.gkeFlexStart()` (GKE only). */
  FLEX_START = 'flex-start',
}

/** The taint GPU nodes carry (set by us on EKS, by GKE itself on GKE). */
export const GPU_TAINT: NodeTaint = { key: NVIDIA_GPU_RESOURCE, value: 'present', effect: TaintEffect.NO_SCHEDULE };

/**
 * The taint GKE puts on the nodes of a flex-start pool with queued provisioning (by GKE itself; the
 * pool derives it so its flavor and pods tolerate it). UNCONFIRMED in GKE's own docs here: seen on
 * such node pools' configs and in the tolerations of workloads written for them.
 */
export const GKE_QUEUED_TAINT: NodeTaint = { key: 'cloud.google.com/gke-queued', value: 'true', effect: TaintEffect.NO_SCHEDULE };

/** Properties shared by CPU and GPU pools. */
export interface NodePoolOptions {
  /** Pool name: the node label value and the cloud node-group name. */
  readonly name: string;
  /**
   * Extra node labels (the pool label is always added).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Extra node taints (GPU pools always add `nvidia.com/gpu=present:NoSchedule`).
   * @default - none
   */
  readonly taints?: readonly NodeTaint[];
  /** @default CapacityType.ON_DEMAND */
  readonly capacityType?: CapacityType;
  /** @default 0 */
  readonly minSize?: number;
  /** @default 3 */
  readonly maxSize?: number;
  /**
   * Cloud instance / machine type.
   * @default - for GPU pools the smallest known type (AWS first, then GCP) with `gpusPerNode` GPUs of the accelerator; `m6i.2xlarge` for CPU pools
   */
  readonly instanceType?: string;
  /**
   * Allocatable CPU cores of one node (capacity checks, quotas, LimitRanges).
   * @default - from the instance-type table (capacity minus the kubelet's reservations); required for a type the table does not know
   */
  readonly cpuPerNode?: number;
  /**
   * Allocatable memory of one node.
   * @default - from the instance-type table; required for a type the table does not know
   */
  readonly memoryPerNode?: Size;
}

/** Properties of a GPU pool: allocation, sharing, interconnect, disks, reservation and topology as `GpuFeatureOptions`. */
export interface GpuNodePoolOptions extends NodePoolOptions, GpuFeatureOptions {
  readonly accelerator: Accelerator;
  /** GPUs on each node (1 to 16). */
  readonly gpusPerNode: number;
}

const DEFAULTS = {
  capacityType: CapacityType.ON_DEMAND,
  minSize: 0,
  maxSize: 3,
  cpuInstanceType: 'm6i.2xlarge',
} as const;

const POOL_CHECKS: PropChecks<NodePoolOptions> = {
  name: 'string',
  labels: optional(recordOf('string')),
  taints: optional(arrayOf(shape<NodeTaint>({ key: 'string', value: optional('string'), effect: oneOf(TaintEffect, 'TaintEffect') }, 'a taint ({ key, value, effect })'))),
  capacityType: optional(oneOf(CapacityType, 'CapacityType')),
  minSize: optional('number'),
  maxSize: optional('number'),
  instanceType: optional('string'),
  cpuPerNode: optional('number'),
  memoryPerNode: optional(instanceOf(Size, 'Size.gibibytes(n)')),
};
const GPU_POOL_CHECKS: PropChecks<GpuNodePoolOptions> = {
  ...POOL_CHECKS,
  accelerator: instanceOf(Accelerator, 'Accelerator.NVIDIA_L4, Accelerator.NVIDIA_A100_80GB, ... or Accelerator.custom(...)'),
  gpusPerNode: 'number',
  allocation: optional(instanceOf(GpuAllocation, 'GpuAllocation.DEVICE_PLUGIN or GpuAllocation.dra()')),
  sharing: optional(instanceOf(GpuSharing, 'GpuSharing.NONE, .timeSlicing(n), .mps(n) or .mig(profile)')),
  interconnect: optional(instanceOf(Interconnect, 'Interconnect.NONE, .efa() or .GPUDIRECT')),
  disks: optional(shape<NonNullable<GpuNodePoolOptions['disks']>>({ root: optional(instanceOf(Size, 'Size.gibibytes(n)')), localNvmeForEphemeralStorage: optional('boolean') }, 'disks ({ root, localNvmeForEphemeralStorage })')),
  reservation: optional(instanceOf(CapacityReservation, 'CapacityReservation.ec2(id), .ec2CapacityBlock(id), .gke(name) or .gkeFlexStart()')),
  topologyLevels: optional(arrayOf('string')),
  compactPlacement: optional('boolean'),
};
const whereOf = (options: NodePoolOptions | undefined): Where => ({ kind: 'NodePool', path: typeof options?.name === 'string' ? options.name : '<unnamed>' });

/**
 * A group of identical nodes, and the single source of truth for how workloads land on it:
 * `nodeSelector()`, `tolerations()` and `gpuResources()` are derived here and nowhere else, so a job
 * and the nodes it needs cannot drift apart. The Pulumi stacks read `nodeLabels()`/`nodeTaints()`.
 */
export class NodePool implements PodPlacement {
  /** A CPU-only pool. */
  public static cpu(options: NodePoolOptions): NodePool {
    requireProps(whereOf(options), options, POOL_CHECKS);
    return new NodePool(options, undefined, 0);
  }

  /** A pool of GPU nodes; its nodes are tainted so only GPU workloads land there. */
  public static gpu(options: GpuNodePoolOptions): NodePool {
    requireProps(whereOf(options), options, GPU_POOL_CHECKS);
    return new NodePool(options, options.accelerator, options.gpusPerNode, options);
  }

  public readonly name: string;
  /** Undefined for CPU pools. */
  public readonly accelerator: Accelerator | undefined;
  /** 0 for CPU pools. */
  public readonly gpusPerNode: number;
  public readonly capacityType: CapacityType;
  /** Schedulable GPUs per node: physical GPUs, times the sharing's replicas or MIG instances. */
  public get gpuUnitsPerNode(): number {
    return this.gpu?.gpuUnitsPerNode ?? 0;
  }
  public readonly minSize: number;
  public readonly maxSize: number;
  public readonly instanceType: string;
  public readonly cpuPerNode: number;
  public readonly memoryPerNode: Size;
  /** GPU allocation, sharing, interconnect, disks, reservation and topology; undefined for CPU pools. */
  public readonly gpu: GpuPoolSpec | undefined;
  /** The DeviceClass its GPUs are claimed from when they are allocated through DRA; undefined for a device-plugin or CPU pool. */
  public get draDeviceClass(): string | undefined {
    return this.gpu?.allocation.mode === 'dra' ? this.gpu.allocation.deviceClassName : undefined;
  }
  /**
   * The EFA devices one node offers pods (`vpc.amazonaws.com/efa`, through the EFA device plugin);
   * 0 for a pool without EFA. What pods request, node stand-ins and Kueue's exclusion derive from it.
   */
  public get efaDevicesPerNode(): number {
    return this.gpu?.interconnect.kind === 'efa' ? this.gpu.efaInterfaces : 0;
  }
  private readonly extraLabels: Record<string, string>;
  private readonly taints: readonly NodeTaint[];

  private constructor(options: NodePoolOptions, accelerator: Accelerator | undefined, gpusPerNode: number, features?: GpuFeatureOptions) {
    const where = { kind: 'NodePool', path: options.name };
    this.name = validateName(where, 'name', options.name, NameRule.DNS_LABEL);
    this.accelerator = accelerator;
    if (accelerator) {
      requireInteger(where, 'gpusPerNode', gpusPerNode, 1, 16);
    }
    this.gpusPerNode = gpusPerNode;
    if (options.capacityType === CapacityType.RESERVED || options.capacityType === CapacityType.FLEX_START) {
      throw propError(where, 'capacityType', options.capacityType, 'it is derived from `reservation`; give a CapacityReservation instead');
    }
    this.capacityType = options.capacityType ?? DEFAULTS.capacityType;
    this.minSize = requireInteger(where, 'minSize', options.minSize ?? DEFAULTS.minSize, 0);
    this.maxSize = requireInteger(where, 'maxSize', options.maxSize ?? DEFAULTS.maxSize, 1);
    if (this.minSize > this.maxSize) {
      throw propError(where, 'minSize', this.minSize, `it exceeds maxSize ${this.maxSize}; use minSize <= maxSize`);
    }
    // Default: the smallest known shape with exactly gpusPerNode GPUs of the accelerator, AWS's
    // first (the stacks set the type of their cloud explicitly).
    const instanceType = options.instanceType ?? (accelerator
      ? (instanceTypeFor('aws', accelerator.name, gpusPerNode) ?? instanceTypeFor('gcp', accelerator.name, gpusPerNode))?.name ?? accelerator.awsInstanceType
      : DEFAULTS.cpuInstanceType);
    if (!instanceType) throw propError(where, 'instanceType', instanceType, `accelerator '${accelerator?.name}' has no default instance type; set instanceType`);
    this.instanceType = instanceType;
    const shape = instanceType ? knownType(instanceType) : undefined;
    if (shape && accelerator && (shape.gpus !== gpusPerNode || (shape.accelerator && shape.accelerator !== accelerator.name))) {
      const fitting = knownInstanceTypes().filter((t) => t.accelerator === accelerator.name).map((t) => `${t.name} (${t.gpus})`);
      throw propError(where, options.instanceType ? 'instanceType' : 'gpusPerNode', options.instanceType ?? gpusPerNode,
        `${instanceType} has ${shape.gpus} x ${shape.accelerator ?? 'no GPU'}, but the pool has ${gpusPerNode} x ${accelerator.name} per node; types with ${accelerator.name}: ${fitting.join(', ') || 'none known'}`);
    }
    this.gpu = accelerator ? resolveGpuSpec(where, accelerator.name, gpusPerNode, instanceType, shape, features ?? {}, this.capacityType === CapacityType.SPOT) : undefined;
    const reservation = this.gpu?.reservation;
    if (reservation) this.capacityType = reservation.kind.startsWith('gke-flex-start') ? CapacityType.FLEX_START : CapacityType.RESERVED;
    const derived = shape ? allocatable(shape) : undefined;
    if (!derived && (options.cpuPerNode === undefined || options.memoryPerNode === undefined)) {
      throw propError(where, options.cpuPerNode === undefined ? 'cpuPerNode' : 'memoryPerNode', undefined,
        `instance type '${instanceType}' is not in the instance-type table (constructs/cluster/instance-types.ts); give cpuPerNode and memoryPerNode (allocatable per node)`);
    }
    this.cpuPerNode = options.cpuPerNode ?? derived!.cpu;
    if (!(this.cpuPerNode > 0)) throw propError(where, 'cpuPerNode', this.cpuPerNode, 'use a positive number of cores');
    this.memoryPerNode = options.memoryPerNode ?? derived!.memory;
    if (!(this.memoryPerNode.toMebibytes() > 0)) throw propError(where, 'memoryPerNode', `${this.memoryPerNode.toMebibytes()}Mi`, 'use a positive size');
    this.extraLabels = validateLabels(where, 'labels', options.labels ?? {});
    for (const key of Object.keys(this.extraLabels)) {
      if (key in this.derivedLabels()) throw propError(where, 'labels', options.labels, `'${key}' is set by the pool itself; remove it`);
    }
    const queued = reservation?.kind === 'gke-flex-start-queued';
    const taints = [...(accelerator ? [GPU_TAINT] : []), ...(queued ? [GKE_QUEUED_TAINT] : []), ...(options.taints ?? [])];
    const keys = new Set<string>();
    for (const t of taints) {
      const id = `${t.key}:${t.effect}`;
      if (keys.has(id)) throw propError(where, 'taints', options.taints, `taint '${id}' appears twice (GPU pools add ${GPU_TAINT.key}=${GPU_TAINT.value}:${GPU_TAINT.effect} themselves${queued ? `, queued-provisioning pools ${GKE_QUEUED_TAINT.key}=${GKE_QUEUED_TAINT.value}:${GKE_QUEUED_TAINT.effect}` : ''})`);
      keys.add(id);
    }
    this.taints = taints;
  }

  /** True when the nodes carry GPUs. */
  public get isGpu(): boolean {
    return this.gpusPerNode > 0;
  }

  /** Labels every node of the pool carries. */
  public nodeLabels(): Record<string, string> {
    return { ...this.derivedLabels(), ...this.extraLabels };
  }

  /** Taints every node of the pool carries. */
  public nodeTaints(): NodeTaint[] {
    return this.taints.map((t) => ({ ...t }));
  }

  /** The nodeSelector that lands a pod on this pool. */
  public nodeSelector(): Record<string, string> {
    return { [Labels.NODE_POOL]: this.name };
  }

  /** Tolerations for exactly this pool's taints (empty for an untainted pool). */
  public tolerations(): k8s.Toleration[] {
    return this.taints.map((t) => (t.value === undefined
      ? { key: t.key, operator: 'Exists', effect: t.effect }
      : { key: t.key, operator: 'Equal', value: t.value, effect: t.effect }));
  }

  /**
   * GPU requests and limits for `count` GPUs on one node of this pool.
   * @param owner construct path and prop for the error message
   * @throws when the pool has no GPUs or fewer than `count` per node.
   */
  public gpuResources(count: number, owner: { scope: Where; prop: string } = { scope: { kind: 'NodePool', path: this.name }, prop: 'gpus' }): GpuResources {
    this.checkGpuCount(count, owner);
    if (this.draDeviceClass) {
      throw propError(owner.scope, owner.prop, count, `pool '${this.name}' allocates GPUs through DRA (${this.gpu!.allocation}), and this pod is rendered without a pod-level claim (a workflow step or a cache fill); run it on a device-plugin pool (training jobs, InferenceServices and the serving and ingestion workloads claim DRA GPUs)`);
    }
    const own = { [NVIDIA_GPU_RESOURCE]: k8s.Quantity.fromNumber(count), ...this.interconnectResources(count) };
    return { requests: { ...own }, limits: { ...own } };
  }

  /**
   * What a pod with `gpus` GPUs requests besides them to reach the pool's interconnect: on an EFA
   * pool its share of the node's EFA devices, in proportion to its GPUs and at least one, as the
   * EFA device plugin's extended resource `vpc.amazonaws.com/efa` (each device is dedicated to one
   * pod). Karpenter gives a node it makes for pods requesting it all its interfaces as EFA (Amazon
   * EKS user guide, "Manage EFA devices on Amazon EKS"). `{}` elsewhere.
   */
  public interconnectResources(gpus: number): Record<string, k8s.Quantity> {
    const interfaces = this.efaDevicesPerNode;
    if (!interfaces || gpus <= 0) return {};
    return { [EFA_RESOURCE]: k8s.Quantity.fromNumber(Math.max(1, Math.floor((interfaces * gpus) / this.gpusPerNode))) };
  }

  /**
   * Environment a container with `gpus` GPUs needs for NCCL to use the pool's interconnect, beside
   * `interconnectResources`: on an EFA pool `FI_PROVIDER=efa`, plus `FI_EFA_USE_DEVICE_RDMA=1` on
   * types whose EFA does RDMA (p4d, p4de, p5); `{}` on GPUDirect and other pools, and for no GPUs.
   * Settings, sources and what is left out: `interconnect-env.ts`.
   */
  public interconnectEnv(gpus: number): Record<string, string> {
    return gpus > 0 ? interconnectEnvOf(this.gpu) : {};
  }

  /** Throws unless `count` GPUs fit on one node of this pool. */
  public checkGpuCount(count: number, owner: { scope: Where; prop: string }): void {
    if (!this.isGpu) {
      throw propError(owner.scope, owner.prop, count, `pool '${this.name}' has no GPUs; use a GPU pool (NodePool.gpu) or request 0 GPUs`);
    }
    const max = this.gpu?.maxGpusPerContainer ?? this.gpusPerNode;
    if (!Number.isInteger(count) || count < 1 || count > max) {
      const shared = this.gpu && this.gpu.sharing.kind !== 'none' ? ` (${this.gpu.sharing}: ${this.gpuUnitsPerNode} shares per node)` : '';
      throw propError(owner.scope, owner.prop, count, max < this.gpusPerNode || shared
        ? `pool '${this.name}' shares its GPUs${shared}; use a value from 1 to ${max}, or a pool without sharing`
        : `pool '${this.name}' has ${this.gpusPerNode} GPUs per node; use a value from 1 to ${this.gpusPerNode}, or choose a pool with more GPUs per node`);
    }
  }

  /**
   * The DRA claim for `count` GPUs of one node (undefined on a device-plugin pool): one
   * ResourceClaimTemplate per pool and count, `<pool>-gpus-<count>`, requesting exactly `count`
   * devices of the pool's DeviceClass (resource.k8s.io/v1 `DeviceRequest.exactly`, Kubernetes 1.34).
   */
  public gpuClaim(count: number, owner: { scope: Where; prop: string }): GpuClaim | undefined {
    const deviceClassName = this.draDeviceClass;
    if (!deviceClassName) return undefined;
    this.checkGpuCount(count, owner);
    const templateName = `${this.name}-gpus-${count}`;
    return {
      name: 'gpus',
      templateName,
      template: {
        apiVersion: 'resource.k8s.io/v1',
        kind: 'ResourceClaimTemplate',
        metadata: { name: templateName, labels: { [Labels.NODE_POOL]: this.name } },
        spec: { spec: { devices: { requests: [{ name: 'gpus', exactly: { deviceClassName, allocationMode: 'ExactCount', count } }] } } },
      },
    };
  }

  /** Total allocatable capacity of `nodes` of the pool's nodes (GPUs as the shares pods request). @param nodes @default maxSize */
  public capacity(nodes = this.maxSize): { cpu: number; memory: Size; gpus: number } {
    return {
      cpu: this.cpuPerNode * nodes,
      memory: Size.mebibytes(this.memoryPerNode.toMebibytes() * nodes),
      gpus: this.gpuUnitsPerNode * nodes,
    };
  }

  public toString(): string {
    return this.name;
  }

  private derivedLabels(): Record<string, string> {
    return {
      [Labels.NODE_POOL]: this.name,
      [Labels.ACCELERATOR]: this.accelerator?.name ?? 'none',
      [Labels.CAPACITY_TYPE]: this.capacityType,
      ...this.gpu?.nodeLabels,
    };
  }
}

/** Run-time check of a `pool` prop (see core/required-props.ts), beside the class it checks. */
export const NODE_POOL = instanceOf(NodePool, 'NodePool.cpu() or NodePool.gpu()');
