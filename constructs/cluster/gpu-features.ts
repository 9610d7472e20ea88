import { Size } from 'cdk8s';
import { propError, requireInteger, Where } from '../core/errors';
import { validateName, NameRule } from '../core/names';

/**
 * How a GPU pool's devices reach pods. Enum-like class: the device plugin (`nvidia.com/gpu`
 * extended resource) or DRA (`resource.k8s.io/v1` ResourceClaims against a DeviceClass).
 */
export class GpuAllocation {
  /** NVIDIA's device plugin (the gpu-operator's, or GKE's): pods request `nvidia.com/gpu`. */
  public static readonly DEVICE_PLUGIN = new GpuAllocation('device-plugin', undefined);

  /**
   * Dynamic Resource Allocation through NVIDIA's DRA driver: pods get a ResourceClaim from a
   * ResourceClaimTemplate. DeviceClasses the driver serves: `gpu.nvidia.com`, `mig.nvidia.com`
   * (kubernetes-sigs/dra-driver-nvidia-gpu v0.4.1 chart). Needs Kubernetes 1.34+ (resource.k8s.io/v1 GA).
   * @param deviceClassName @default 'gpu.nvidia.com'
   */
  public static dra(deviceClassName = 'gpu.nvidia.com'): GpuAllocation {
    const where = { kind: 'GpuAllocation', path: 'dra' };
    validateName(where, 'deviceClassName', deviceClassName, NameRule.DNS_SUBDOMAIN);
    // Kueue counts the class's devices under `dra.mlpatterns.dev/<class>`, a label-key-like name
    // whose part after the slash holds at most 63 characters (operations/kueue-gpu-resources.ts).
    if (deviceClassName.length > 63) throw propError(where, 'deviceClassName', deviceClassName, 'use a DeviceClass name of at most 63 characters (it names the Kueue quota resource of its devices)');
    return new GpuAllocation('dra', deviceClassName);
  }

  private constructor(public readonly mode: 'device-plugin' | 'dra', public readonly deviceClassName: string | undefined) {}

  public toString(): string {
    return this.deviceClassName ? `dra(${this.deviceClassName})` : this.mode;
  }
}

/**
 * MIG profiles per accelerator and how many instances of each fit one GPU (single strategy:
 * all GPUs of a node cut alike). NVIDIA MIG user guide "Supported MIG profiles"; the same table
 * as mig-parted's default config entries `all-<profile>` (A100-40GB: 1g.5gb x7 ... 7g.40gb x1;
 * A100-80GB and H100-80GB: 1g.10gb x7 ... 7g.80gb x1). UNCONFIRMED for +me / 1g.20gb variants: left out.
 */
const MIG_PROFILES: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  'nvidia-a100-40gb': { '1g.5gb': 7, '2g.10gb': 3, '3g.20gb': 2, '4g.20gb': 1, '7g.40gb': 1 },
  'nvidia-a100-80gb': { '1g.10gb': 7, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 },
  'nvidia-h100-80gb': { '1g.10gb': 7, '2g.20gb': 3, '3g.40gb': 2, '4g.40gb': 1, '7g.80gb': 1 },
};

/** The MIG profiles an accelerator offers, with instances per GPU (empty when it has no MIG). */
export function migProfilesOf(accelerator: string): Readonly<Record<string, number>> {
  return MIG_PROFILES[accelerator] ?? {};
}

/**
 * How one physical GPU is shared between pods, through the device plugin's config: time-slicing
 * or MPS with N replicas per GPU, or MIG slices of a profile. Each share is one `nvidia.com/gpu`.
 */
export class GpuSharing {
  public static readonly NONE = new GpuSharing('none', 1, undefined);

  /** Time-slicing: `replicas` pods take turns on each GPU (no memory isolation). */
  public static timeSlicing(replicas: number): GpuSharing {
    return new GpuSharing('time-slicing', requireInteger({ kind: 'GpuSharing', path: 'timeSlicing' }, 'replicas', replicas, 2, 64), undefined);
  }

  /** MPS: `replicas` pods run concurrently on each GPU, each with an equal share of memory. */
  public static mps(replicas: number): GpuSharing {
    return new GpuSharing('mps', requireInteger({ kind: 'GpuSharing', path: 'mps' }, 'replicas', replicas, 2, 48), undefined);
  }

  /** MIG: every GPU of the node cut into instances of `profile` (e.g. `1g.10gb`), by the MIG manager. */
  public static mig(profile: string): GpuSharing {
    if (!/^[1-7]g\.\d+gb$/.test(String(profile))) {
      throw propError({ kind: 'GpuSharing', path: 'mig' }, 'profile', profile, "use a MIG profile such as '1g.10gb' or '3g.40gb'");
    }
    return new GpuSharing('mig', 1, profile);
  }

  private constructor(public readonly kind: 'none' | 'time-slicing' | 'mps' | 'mig', public readonly replicas: number, public readonly migProfile: string | undefined) {}

  /** The name of this sharing's entry in the device plugin's ConfigMap (`nvidia.com/device-plugin.config`). */
  public get configName(): string | undefined {
    return this.kind === 'time-slicing' || this.kind === 'mps' ? `${this.kind}-${this.replicas}` : undefined;
  }

  public toString(): string {
    return this.kind === 'mig' ? `mig(${this.migProfile})` : this.kind === 'none' ? 'none' : `${this.kind}(${this.replicas})`;
  }
}

/** Multi-node GPU networking of a pool. */
export class Interconnect {
  public static readonly NONE = new Interconnect('none', 0);

  /**
   * AWS Elastic Fabric Adapter: `interfaces` EFA devices per node.
   * @param interfaces @default - all the instance type takes
   */
  public static efa(interfaces?: number): Interconnect {
    if (interfaces !== undefined) requireInteger({ kind: 'Interconnect', path: 'efa' }, 'interfaces', interfaces, 1, 32);
    return new Interconnect('efa', interfaces ?? 0);
  }

  /** GKE GPUDirect-TCPX (A3 High) or TCPXO (A3 Mega): the machine type decides which. */
  public static readonly GPUDIRECT = new Interconnect('gpudirect', 0);

  private constructor(public readonly kind: 'none' | 'efa' | 'gpudirect', public readonly efaInterfaces: number) {}

  public toString(): string {
    return this.kind === 'efa' ? `efa(${this.efaInterfaces || 'all'})` : this.kind;
  }
}

/** Which cloud a capacity source belongs to (checked against the pool's instance type). */
export type Cloud = 'aws' | 'gcp';

/**
 * Where a pool's nodes come from beyond on-demand and spot: a reservation on either cloud, an EC2
 * Capacity Block, or GKE flex-start (Dynamic Workload Scheduler). Static factories, one per shape.
 */
export class CapacityReservation {
  /** An EC2 On-Demand Capacity Reservation (`cr-...`). Karpenter: `capacityReservationSelectorTerms`, capacity type `reserved`. */
  public static ec2(id: string): CapacityReservation {
    return new CapacityReservation('ec2-reservation', 'aws', checkId('ec2', id, /^cr-[0-9a-f]{8,17}$/, "an EC2 capacity reservation id ('cr-0123456789abcdef0')"));
  }

  /** An EC2 Capacity Block for ML (also a `cr-...` id; EKS node groups use capacity type `CAPACITY_BLOCK`). */
  public static ec2CapacityBlock(id: string): CapacityReservation {
    return new CapacityReservation('ec2-capacity-block', 'aws', checkId('ec2CapacityBlock', id, /^cr-[0-9a-f]{8,17}$/, "a Capacity Block reservation id ('cr-0123456789abcdef0')"));
  }

  /** A specific Compute Engine reservation by name (GKE `reservationAffinity` SPECIFIC_RESERVATION). */
  public static gke(name: string): CapacityReservation {
    return new CapacityReservation('gke-reservation', 'gcp', checkId('gke', name, /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/, 'a Compute Engine reservation name (RFC 1035)'));
  }

  /**
   * GKE flex-start: nodes when capacity frees up, for at most 7 days. With `queuedProvisioning`, only
   * through Kueue ProvisioningRequests (`queued-provisioning.gke.io`), all nodes of a gang at once.
   */
  public static gkeFlexStart(options: { readonly queuedProvisioning?: boolean } = {}): CapacityReservation {
    return new CapacityReservation(options.queuedProvisioning ? 'gke-flex-start-queued' : 'gke-flex-start', 'gcp', undefined);
  }

  private constructor(
    public readonly kind: 'ec2-reservation' | 'ec2-capacity-block' | 'gke-reservation' | 'gke-flex-start' | 'gke-flex-start-queued',
    public readonly cloud: Cloud,
    /** The reservation id or name (none for flex-start). */
    public readonly id: string | undefined,
  ) {}

  public toString(): string {
    return this.id ? `${this.kind}(${this.id})` : this.kind;
  }
}

function checkId(factory: string, id: string, pattern: RegExp, expected: string): string {
  if (typeof id !== 'string' || !pattern.test(id)) throw propError({ kind: 'CapacityReservation', path: factory }, 'id', id, `use ${expected}`);
  return id;
}

/** Root and local disks of a pool's nodes. */
export interface NodeDisks {
  /**
   * Root volume size (EKS EBS gp3, GKE boot disk). EKS node groups default to 20 GiB, too small for CUDA images.
   * @default - 200 GiB on GPU pools, 80 GiB on CPU pools
   */
  readonly root?: Size;
  /**
   * Put the kubelet's ephemeral storage (emptyDir, image layers) on the type's local NVMe SSDs
   * (Karpenter `instanceStorePolicy: RAID0`; GKE `ephemeralStorageLocalSsdConfig`).
   * @default false
   */
  readonly localNvmeForEphemeralStorage?: boolean;
}

/** Root disk in whole GiB: at least 30 (room for the node image), at most 16 TiB (EBS gp3 and GCE pd-balanced limit). */
export function checkRootDisk(where: Where, root: Size): number {
  return requireInteger(where, 'disks.root', root.toMebibytes() / 1024, 30, 16384);
}
