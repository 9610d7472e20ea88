import { Size } from 'cdk8s';
import { checkRootDisk, CapacityReservation, GpuAllocation, GpuSharing, Interconnect, migProfilesOf, NodeDisks } from './gpu-features';
import { InstanceType, knownInstanceTypes } from './instance-types';
import { propError, Where } from '../core/errors';
import { validateLabels } from '../core/names';

/** What a GPU pool declares beyond accelerator and count (the `NodePool.gpu` options of issue 26). */
export interface GpuFeatureOptions {
  /** @default GpuAllocation.DEVICE_PLUGIN */
  readonly allocation?: GpuAllocation;
  /** @default GpuSharing.NONE */
  readonly sharing?: GpuSharing;
  /** @default Interconnect.NONE */
  readonly interconnect?: Interconnect;
  /** @default - 200 GiB root, no local NVMe for ephemeral storage */
  readonly disks?: NodeDisks;
  /**
   * Reserved or flex-start capacity; sets the capacity type (`reserved` / `flex-start`).
   * @default - on-demand or spot, as `capacityType` says
   */
  readonly reservation?: CapacityReservation;
  /**
   * Node label keys of the network topology, widest first (e.g. GKE
   * `cloud.google.com/gce-topology-block`, `...-subblock`, `kubernetes.io/hostname`), for Kueue Topology levels.
   * @default - none
   */
  readonly topologyLevels?: readonly string[];
  /**
   * Place nodes close together (GKE compact placement policy).
   * @default false
   */
  readonly compactPlacement?: boolean;
}

/** The resolved GPU features of a pool, checked against its accelerator and instance type. */
export interface GpuPoolSpec {
  readonly allocation: GpuAllocation;
  readonly sharing: GpuSharing;
  readonly interconnect: Interconnect;
  /** EFA devices per node (0 without EFA). */
  readonly efaInterfaces: number;
  /** EFA on a type whose EFA devices do RDMA (p4d, p4de, p5); false without EFA. */
  readonly efaDeviceRdma: boolean;
  readonly rootDiskGiB: number;
  readonly localNvmeForEphemeralStorage: boolean;
  /** Local NVMe SSDs of the type (0 when unknown or none). */
  readonly localNvmeCount: number;
  readonly reservation: CapacityReservation | undefined;
  readonly topologyLevels: readonly string[];
  readonly compactPlacement: boolean;
  /** Schedulable `nvidia.com/gpu` per node: GPUs x replicas (time-slicing, MPS) or x MIG instances. */
  readonly gpuUnitsPerNode: number;
  /** The most one container may request (1 for time-slicing and MPS: a share of one GPU). */
  readonly maxGpusPerContainer: number;
  /** Node labels the sharing and allocation mode need (read by the gpu-operator's operands). */
  readonly nodeLabels: Readonly<Record<string, string>>;
}

/** GiB of a Size. */
export const gibOf = (s: Size) => s.toMebibytes() / 1024;

const DEFAULT_ROOT_GIB = 200;

/**
 * Resolves and checks the GPU features of a pool; `type` is the instance-type table's entry
 * (undefined for a type it does not know: cloud facts then cannot be checked and are not assumed).
 */
export function resolveGpuSpec(where: Where, accelerator: string, gpusPerNode: number, typeName: string, type: InstanceType | undefined, o: GpuFeatureOptions, spot: boolean): GpuPoolSpec {
  const allocation = o.allocation ?? GpuAllocation.DEVICE_PLUGIN;
  const sharing = o.sharing ?? GpuSharing.NONE;
  const interconnect = o.interconnect ?? Interconnect.NONE;
  if (allocation.mode === 'dra' && sharing.kind !== 'none') {
    // NVIDIA's DRA kubelet plugin cannot run beside the device plugin on one node (dra-driver-nvidia-gpu
    // v0.4.1 templates/validation.yaml); time-slicing, MPS and MIG here are device-plugin configs.
    throw propError(where, 'sharing', String(sharing), `allocation is ${allocation}, and sharing is configured through the device plugin, which cannot run on a DRA node; use GpuSharing.NONE with DRA (share through the DeviceClass, e.g. mig.nvidia.com) or GpuAllocation.DEVICE_PLUGIN`);
  }
  let units = gpusPerNode;
  if (sharing.kind === 'mig') {
    const offered = migProfilesOf(accelerator);
    const perGpu = offered[sharing.migProfile!];
    if (!perGpu) {
      throw propError(where, 'sharing', String(sharing), `${accelerator} offers ${Object.keys(offered).length ? `the MIG profiles ${Object.keys(offered).join(', ')}` : 'no MIG (MIG needs A100 or H100)'}`);
    }
    units = gpusPerNode * perGpu;
  } else if (sharing.kind !== 'none') {
    units = gpusPerNode * sharing.replicas;
  }
  const extras = type?.extras;
  let efaInterfaces = 0;
  if (interconnect.kind === 'efa') {
    const max = extras?.efaInterfaces;
    if (!max) throw propError(where, 'interconnect', String(interconnect), `instance type ${typeName} has no EFA in the instance-type table; types with EFA: ${typesWith((t) => t.extras?.efaInterfaces)}`);
    if (interconnect.efaInterfaces > max) throw propError(where, 'interconnect', String(interconnect), `${typeName} takes at most ${max} EFA interfaces`);
    efaInterfaces = interconnect.efaInterfaces || max;
  }
  if (interconnect.kind === 'gpudirect' && !extras?.gpuDirect) {
    throw propError(where, 'interconnect', String(interconnect), `machine type ${typeName} has no GPUDirect-TCPX(O); types with it: ${typesWith((t) => t.extras?.gpuDirect)}`);
  }
  const reservation = o.reservation;
  if (reservation && spot) throw propError(where, 'reservation', String(reservation), "capacityType is 'spot'; reserved and flex-start capacity is not spot: drop one of them");
  if (reservation && type && reservation.cloud !== type.cloud) {
    throw propError(where, 'reservation', String(reservation), `instance type ${typeName} is a ${type.cloud} type; use a ${type.cloud === 'aws' ? 'CapacityReservation.ec2/ec2CapacityBlock' : 'CapacityReservation.gke/gkeFlexStart'} reservation`);
  }
  const localNvme = o.disks?.localNvmeForEphemeralStorage ?? false;
  if (localNvme && !extras?.localNvmeCount) {
    throw propError(where, 'disks.localNvmeForEphemeralStorage', true, `instance type ${typeName} has no local NVMe in the instance-type table; types with it: ${typesWith((t) => t.extras?.localNvmeCount)}`);
  }
  const topologyLevels = [...(o.topologyLevels ?? [])];
  validateLabels(where, 'topologyLevels', Object.fromEntries(topologyLevels.map((k) => [k, 'x'])));
  if (new Set(topologyLevels).size !== topologyLevels.length) throw propError(where, 'topologyLevels', topologyLevels, 'each level appears once');
  // The Kueue Topology CRD's rules (v1beta2, v0.19.2): 1 to 16 levels, kubernetes.io/hostname only as the last.
  if (topologyLevels.length > 16) throw propError(where, 'topologyLevels', topologyLevels, 'a Kueue Topology takes at most 16 levels');
  const host = topologyLevels.indexOf('kubernetes.io/hostname');
  if (host >= 0 && host !== topologyLevels.length - 1) throw propError(where, 'topologyLevels', topologyLevels, "kubernetes.io/hostname can only be the last (narrowest) level of a Kueue Topology");
  return {
    allocation, sharing, interconnect, efaInterfaces, reservation, topologyLevels,
    efaDeviceRdma: efaInterfaces > 0 && extras?.efaDeviceRdma === true,
    rootDiskGiB: o.disks?.root ? checkRootDisk(where, o.disks.root) : DEFAULT_ROOT_GIB,
    localNvmeForEphemeralStorage: localNvme,
    localNvmeCount: extras?.localNvmeCount ?? 0,
    compactPlacement: o.compactPlacement ?? false,
    gpuUnitsPerNode: units,
    maxGpusPerContainer: sharing.kind === 'time-slicing' || sharing.kind === 'mps' ? 1 : units,
    nodeLabels: sharingLabels(allocation, sharing),
  };
}

/**
 * Per-node labels the gpu-operator reads: `nvidia.com/device-plugin.config` picks the device plugin
 * config entry (time-slicing / MPS), `nvidia.com/mig.config` the MIG manager's `all-<profile>` layout
 * (NVIDIA GPU Operator docs "Time-Slicing GPUs in Kubernetes", "GPU Operator with MIG"), and on DRA
 * nodes `nvidia.com/gpu.deploy.device-plugin=false` keeps the operator's device plugin off
 * (operand-deploy label; UNCONFIRMED that the operator never resets a label set at node creation).
 */
function sharingLabels(allocation: GpuAllocation, sharing: GpuSharing): Record<string, string> {
  if (allocation.mode === 'dra') return { 'nvidia.com/gpu.deploy.device-plugin': 'false' };
  if (sharing.kind === 'mig') return { 'nvidia.com/mig.config': `all-${sharing.migProfile}` };
  if (sharing.configName) return { 'nvidia.com/device-plugin.config': sharing.configName };
  return {};
}

function typesWith(has: (t: InstanceType) => unknown): string {
  return knownInstanceTypes().filter(has).map((t) => t.name).join(', ');
}
