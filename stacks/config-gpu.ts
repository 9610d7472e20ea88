/**
 * The GPU feature keys of a `pools` entry (issue 26): allocation, sharing, interconnect, disks,
 * reservation, topologyLevels and compactPlacement, parsed into `NodePool.gpu`'s `GpuFeatureOptions`
 * and written back from a pool (`gpuFeaturesConfigOf`). The shapes follow the construct factories:
 * a string for a fixed choice (`'dra'`, `'efa'`), a one-key object for a factory with an argument
 * (`{mig: '3g.40gb'}`, `{ec2CapacityBlock: 'cr-...'}`). Errors name `pools[i].<key>` and the value.
 */
import { CapacityReservation, Cloud, GpuAllocation, GpuSharing, Interconnect } from '../constructs/cluster/gpu-features';
import type { GpuFeatureOptions, GpuPoolSpec } from '../constructs/cluster/gpu-pool-spec';
import type { NodePool } from '../constructs/cluster/node-pool';
import { PropError } from '../constructs/core/errors';
import { parseMemory } from './config-teams';
import { obj, onlyFields, StackConfigError, str, strList } from './config-values';

/** `allocation`: the device plugin (default), DRA with `gpu.nvidia.com`, or DRA with a DeviceClass of your own. */
export type AllocationConfig = 'device-plugin' | 'dra' | { readonly dra: string };
/** `sharing`: none (default), time-slicing or MPS with N replicas per GPU, or MIG slices of one profile. */
export type SharingConfig = 'none' | { readonly timeSlicing: number } | { readonly mps: number } | { readonly mig: string };
/** `interconnect`: none (default), EFA with every interface the type takes or N of them, or GKE GPUDirect-TCPX(O). */
export type InterconnectConfig = 'none' | 'efa' | { readonly efa: number } | 'gpudirect';
/** `disks`: root disk in GiB (or `'500Gi'`), and local NVMe for the kubelet's ephemeral storage. */
export interface DisksConfig {
  readonly root?: number | string;
  readonly localNvmeForEphemeralStorage?: boolean;
}
/** `reservation`: an EC2 reservation or Capacity Block id, a GKE reservation name, or GKE flex-start. */
export type ReservationConfig =
  | { readonly ec2: string }
  | { readonly ec2CapacityBlock: string }
  | { readonly gke: string }
  | { readonly gkeFlexStart: { readonly queuedProvisioning?: boolean } };

/** The GPU feature keys of a pool as written in config. */
export interface GpuFeaturesConfig {
  /** @default 'device-plugin' */
  readonly allocation?: AllocationConfig;
  /** @default 'none' */
  readonly sharing?: SharingConfig;
  /** @default 'none' */
  readonly interconnect?: InterconnectConfig;
  /** @default - 200 GiB root, no local NVMe */
  readonly disks?: DisksConfig;
  /** @default - on-demand or spot, as capacityType says */
  readonly reservation?: ReservationConfig;
  /** Node label keys of the network topology, widest first. @default - none */
  readonly topologyLevels?: readonly string[];
  /** GKE compact placement. @default false */
  readonly compactPlacement?: boolean;
}

/** The pool keys this file parses. */
export const GPU_FEATURE_FIELDS = ['allocation', 'sharing', 'interconnect', 'disks', 'reservation', 'topologyLevels', 'compactPlacement'] as const;

const SHAPES = {
  allocation: "'device-plugin', 'dra' or {dra: '<DeviceClass>'}",
  sharing: "'none', {timeSlicing: <replicas>}, {mps: <replicas>} or {mig: '<profile>'}",
  interconnect: "'none', 'efa', {efa: <interfaces>} or 'gpudirect'",
  reservation: "{ec2: 'cr-...'}, {ec2CapacityBlock: 'cr-...'}, {gke: '<reservation>'} or {gkeFlexStart: {queuedProvisioning?: true}}",
} as const;

/**
 * The GPU feature keys of `p` (at `key`, e.g. `pools[2]`) as `GpuFeatureOptions`; `isGpu` false
 * (a CPU pool) refuses any of them.
 */
export function parseGpuFeatures(key: string, p: { readonly [F in (typeof GPU_FEATURE_FIELDS)[number]]?: unknown }, isGpu: boolean, cloud?: Cloud): GpuFeatureOptions {
  const given = GPU_FEATURE_FIELDS.filter((f) => p[f] !== undefined);
  if (!isGpu && given.length) {
    throw new StackConfigError(`${key}.${given[0]}`, p[given[0]], 'a CPU pool has no GPUs to allocate, share, interconnect or reserve; set accelerator and gpusPerNode too, or remove it');
  }
  const reservation = p.reservation === undefined ? undefined : parseReservation(`${key}.reservation`, p.reservation);
  if (reservation && cloud && reservation.cloud !== cloud) {
    const what = { 'ec2-reservation': 'an EC2 reservation', 'ec2-capacity-block': 'an EC2 Capacity Block', 'gke-reservation': 'a GKE reservation', 'gke-flex-start': 'GKE flex-start', 'gke-flex-start-queued': 'GKE flex-start' }[reservation.kind];
    const shapes = cloud === 'aws' ? "{ec2: 'cr-...'} or {ec2CapacityBlock: 'cr-...'}" : "{gke: '<reservation>'} or {gkeFlexStart: {queuedProvisioning?: true}}";
    throw new StackConfigError(`${key}.reservation`, p.reservation, `${what}; ${cloud === 'aws' ? 'eks' : 'gke'} pools take ${shapes}`);
  }
  return {
    ...(p.allocation !== undefined ? { allocation: parseAllocation(`${key}.allocation`, p.allocation) } : {}),
    ...(p.sharing !== undefined ? { sharing: parseSharing(`${key}.sharing`, p.sharing) } : {}),
    ...(p.interconnect !== undefined ? { interconnect: parseInterconnect(`${key}.interconnect`, p.interconnect) } : {}),
    ...(p.disks !== undefined ? { disks: parseDisks(`${key}.disks`, p.disks) } : {}),
    ...(reservation ? { reservation } : {}),
    ...(p.topologyLevels !== undefined ? { topologyLevels: strList(`${key}.topologyLevels`, p.topologyLevels) } : {}),
    ...(p.compactPlacement !== undefined ? { compactPlacement: bool(`${key}.compactPlacement`, p.compactPlacement) } : {}),
  };
}

/** The config keys that rebuild a pool's GPU features: only what differs from the defaults. */
export function gpuFeaturesConfigOf(g: GpuPoolSpec | undefined): GpuFeaturesConfig {
  if (!g) return {};
  const r = g.reservation;
  const disks: DisksConfig = {
    ...(g.rootDiskGiB !== 200 ? { root: g.rootDiskGiB } : {}),
    ...(g.localNvmeForEphemeralStorage ? { localNvmeForEphemeralStorage: true } : {}),
  };
  return {
    ...(g.allocation.mode === 'dra' ? { allocation: g.allocation.deviceClassName === GpuAllocation.dra().deviceClassName ? 'dra' : { dra: g.allocation.deviceClassName! } } : {}),
    ...(g.sharing.kind === 'time-slicing' ? { sharing: { timeSlicing: g.sharing.replicas } } : {}),
    ...(g.sharing.kind === 'mps' ? { sharing: { mps: g.sharing.replicas } } : {}),
    ...(g.sharing.kind === 'mig' ? { sharing: { mig: g.sharing.migProfile! } } : {}),
    ...(g.interconnect.kind === 'efa' ? { interconnect: g.interconnect.efaInterfaces ? { efa: g.interconnect.efaInterfaces } : 'efa' } : {}),
    ...(g.interconnect.kind === 'gpudirect' ? { interconnect: 'gpudirect' } : {}),
    ...(Object.keys(disks).length ? { disks } : {}),
    ...(r ? { reservation: reservationConfigOf(r) } : {}),
    ...(g.topologyLevels.length ? { topologyLevels: [...g.topologyLevels] } : {}),
    ...(g.compactPlacement ? { compactPlacement: true } : {}),
  };
}

/**
 * The GPU feature of `pool` an EKS managed node group without a launch template cannot carry: EFA
 * interfaces, a capacity reservation or Capacity Block (`CAPACITY_BLOCK` needs a launch template with
 * the reservation; aws.eks.NodeGroup, @pulumi/aws 7.48), local NVMe as ephemeral storage. Karpenter
 * derives all of them (stacks/platform/karpenter-node-pools.ts).
 */
export function launchTemplateFeature(pool: NodePool): { prop: string; value: unknown } | undefined {
  const g = pool.gpu;
  if (g?.interconnect.kind && g.interconnect.kind !== 'none') return { prop: 'interconnect', value: String(g.interconnect) };
  if (g?.reservation) return { prop: 'reservation', value: String(g.reservation) };
  if (g?.localNvmeForEphemeralStorage) return { prop: 'disks.localNvmeForEphemeralStorage', value: true };
  return undefined;
}

/** With cluster-autoscaler the EKS pools are managed node groups: refuse, at config time, what they cannot carry. */
export function checkManagedNodeGroupPools(pools: readonly NodePool[], given: boolean): void {
  pools.forEach((pool, i) => {
    const f = launchTemplateFeature(pool);
    if (!f) return;
    const why = "EKS managed node groups (autoscaler 'cluster-autoscaler') cannot carry it without a launch template, which the stack does not make; set autoscaler: karpenter, or remove it";
    throw new StackConfigError(given ? `pools[${i}].${f.prop}` : 'pools', given ? f.value : pool.name, why);
  });
}

function reservationConfigOf(r: CapacityReservation): ReservationConfig {
  switch (r.kind) {
    case 'ec2-reservation': return { ec2: r.id! };
    case 'ec2-capacity-block': return { ec2CapacityBlock: r.id! };
    case 'gke-reservation': return { gke: r.id! };
    case 'gke-flex-start': return { gkeFlexStart: {} };
    case 'gke-flex-start-queued': return { gkeFlexStart: { queuedProvisioning: true } };
  }
}

function parseAllocation(key: string, v: unknown): GpuAllocation {
  if (v === 'device-plugin') return GpuAllocation.DEVICE_PLUGIN;
  if (v === 'dra') return GpuAllocation.dra();
  const [k, arg] = oneKey(key, v, ['dra'], SHAPES.allocation);
  return factory(`${key}.${k}`, arg, () => GpuAllocation.dra(str(`${key}.${k}`, arg)));
}

function parseSharing(key: string, v: unknown): GpuSharing {
  if (v === 'none') return GpuSharing.NONE;
  const [k, arg] = oneKey(key, v, ['timeSlicing', 'mps', 'mig'], SHAPES.sharing);
  const at = `${key}.${k}`;
  if (k === 'mig') return factory(at, arg, () => GpuSharing.mig(str(at, arg)));
  if (typeof arg !== 'number') throw new StackConfigError(at, arg, 'use the number of pods that share each GPU, an integer from 2');
  return factory(at, arg, () => (k === 'mps' ? GpuSharing.mps(arg) : GpuSharing.timeSlicing(arg)));
}

function parseInterconnect(key: string, v: unknown): Interconnect {
  if (v === 'none') return Interconnect.NONE;
  if (v === 'efa') return Interconnect.efa();
  if (v === 'gpudirect') return Interconnect.GPUDIRECT;
  const [k, arg] = oneKey(key, v, ['efa'], SHAPES.interconnect);
  if (typeof arg !== 'number') throw new StackConfigError(`${key}.${k}`, arg, "use the number of EFA interfaces per node, an integer from 1 (or 'efa' for all the type takes)");
  return factory(`${key}.${k}`, arg, () => Interconnect.efa(arg));
}

function parseDisks(key: string, v: unknown): GpuFeatureOptions['disks'] {
  const o = obj(key, v);
  onlyFields(key, o, ['root', 'localNvmeForEphemeralStorage'], 'disks');
  return {
    ...(o.root !== undefined ? { root: parseMemory(`${key}.root`, o.root) } : {}),
    ...(o.localNvmeForEphemeralStorage !== undefined ? { localNvmeForEphemeralStorage: bool(`${key}.localNvmeForEphemeralStorage`, o.localNvmeForEphemeralStorage) } : {}),
  };
}

function parseReservation(key: string, v: unknown): CapacityReservation {
  const [k, arg] = oneKey(key, v, ['ec2', 'ec2CapacityBlock', 'gke', 'gkeFlexStart'], SHAPES.reservation);
  const at = `${key}.${k}`;
  if (k === 'gkeFlexStart') {
    const o = obj(at, arg);
    onlyFields(at, o, ['queuedProvisioning'], 'gkeFlexStart');
    const queuedProvisioning = o.queuedProvisioning === undefined ? false : bool(`${at}.queuedProvisioning`, o.queuedProvisioning);
    return CapacityReservation.gkeFlexStart({ queuedProvisioning });
  }
  const id = str(at, arg);
  return factory(at, id, () => (k === 'ec2' ? CapacityReservation.ec2(id) : k === 'ec2CapacityBlock' ? CapacityReservation.ec2CapacityBlock(id) : CapacityReservation.gke(id)));
}

/** A one-key object `{<k>: arg}` with `k` among `keys`. */
function oneKey(key: string, v: unknown, keys: readonly string[], shape: string): [string, unknown] {
  const entries = v && typeof v === 'object' && !Array.isArray(v) ? Object.entries(v) : [];
  if (entries.length !== 1 || !keys.includes(entries[0][0])) throw new StackConfigError(key, v, `use ${shape}`);
  return entries[0];
}

/** Runs a construct factory; its prop error becomes a config error at `key` (the part after the value says what to use). */
function factory<T>(key: string, value: unknown, make: () => T): T {
  try {
    return make();
  } catch (e) {
    if (!(e instanceof PropError)) throw e;
    throw new StackConfigError(key, value, e.message.slice(e.message.indexOf('; ') + 2));
  }
}

function bool(key: string, v: unknown): boolean {
  if (typeof v !== 'boolean') throw new StackConfigError(key, v, 'use true or false');
  return v;
}
