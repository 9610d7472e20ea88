/**
 * The `pools` section of the stack config: the node pools as written (`PoolConfig`), parsed into
 * `NodePool`s per cluster kind (instance types of the right cloud, GKE machine types derived from
 * accelerator x GPUs, local pools sized by their listed nodes). Errors name the pool's key.
 */
import { Size } from 'cdk8s';
import { Accelerator } from '../constructs/cluster/accelerator';
import { instanceType as lookupInstanceType, instanceTypeFor, knownInstanceTypes } from '../constructs/cluster/instance-types';
import { CapacityType, NodePool } from '../constructs/cluster/node-pool';
import { PropError } from '../constructs/core/errors';
import { GKE_CPU_MACHINE_TYPE, gkeGpuCounts, gkeMachineType } from './cluster/machine-types';
import type { ClusterKind } from './cluster/kinds';
import { GPU_FEATURE_FIELDS, GpuFeaturesConfig, gpuFeaturesConfigOf, parseGpuFeatures } from './config-gpu';
import { int, obj, oneOf, StackConfigError, str, strList } from './config-values';

/** A node pool as written in config (`pools` key); GPU pools also take the GPU feature keys (config-gpu.ts). */
export interface PoolConfig extends GpuFeaturesConfig {
  readonly name: string;
  /** Accelerator preset name (`nvidia-l4`); omit for a CPU pool. */
  readonly accelerator?: string;
  /** Required with `accelerator`. */
  readonly gpusPerNode?: number;
  /** @default 0 */
  readonly minSize?: number;
  /** @default 3 */
  readonly maxSize?: number;
  /** @default - the accelerator's EC2 type on EKS, its GKE machine type on GKE */
  readonly instanceType?: string;
  /** @default 'on-demand' ('reserved' / 'flex-start' follow from `reservation`) */
  readonly capacityType?: 'on-demand' | 'spot';
  /** local only: existing node names to label and taint as this pool. @default - none */
  readonly nodes?: readonly string[];
  /** Allocatable cores per node, for an instance type the instance-type table does not know. @default - from the table */
  readonly cpuPerNode?: number;
  /** Allocatable GiB per node, for an instance type the table does not know. @default - from the table */
  readonly memoryPerNode?: number;
}

const POOL_FIELDS = ['name', 'accelerator', 'gpusPerNode', 'minSize', 'maxSize', 'instanceType', 'cpuPerNode', 'memoryPerNode', 'capacityType', 'nodes', ...GPU_FEATURE_FIELDS];

function positive(key: string, value: unknown): number {
  if (typeof value !== 'number' || !(value > 0)) throw new StackConfigError(key, value, 'use a positive number');
  return value;
}

/**
 * The `pools` config that yields `pools` again, each listing `nodes[pool]` (when given) as its
 * existing nodes: what a user writes to have the local stack label a cluster's nodes. A pool with
 * nodes has their count as its size, so minSize and maxSize are left out.
 */
export function poolsConfigOf(pools: readonly NodePool[], nodes: Readonly<Record<string, readonly string[]>> = {}): PoolConfig[] {
  return pools.map((p) => ({
    name: p.name,
    ...(p.accelerator ? { accelerator: p.accelerator.name, gpusPerNode: p.gpusPerNode } : {}),
    ...(nodes[p.name]?.length ? { nodes: [...nodes[p.name]] } : { minSize: p.minSize, maxSize: p.maxSize }),
    instanceType: p.instanceType,
    // Reserved and flex-start capacity follow from the reservation below.
    ...(p.capacityType === CapacityType.SPOT || p.capacityType === CapacityType.ON_DEMAND ? { capacityType: p.capacityType === CapacityType.SPOT ? 'spot' as const : 'on-demand' as const } : {}),
    ...gpuFeaturesConfigOf(p.gpu),
  }));
}

/** `pools`: each entry checked and built into a NodePool for the cluster kind; local pools keep their listed nodes. */
export function parsePools(cluster: ClusterKind, raw: unknown): { pools: NodePool[]; poolNodes: Record<string, string[]> } {
  if (!Array.isArray(raw)) throw new StackConfigError('pools', raw, 'use a list of pools');
  const pools: NodePool[] = [];
  const poolNodes: Record<string, string[]> = {};
  raw.forEach((entry, i) => {
    const key = `pools[${i}]`;
    const p = obj(key, entry) as PoolConfig & Record<string, unknown>;
    for (const k of Object.keys(p)) {
      if (!POOL_FIELDS.includes(k)) {
        throw new StackConfigError(`${key}.${k}`, p[k], `unknown pool field; use ${POOL_FIELDS.join(', ')}`);
      }
    }
    const name = str(`${key}.name`, p.name);
    if (pools.some((q) => q.name === name)) throw new StackConfigError(`${key}.name`, name, 'another pool has this name; pool names must be unique');
    const capacityType = p.capacityType === undefined ? undefined : oneOf(`${key}.capacityType`, p.capacityType, ['on-demand', 'spot'] as const);
    const options = {
      name,
      minSize: p.minSize === undefined ? undefined : int(`${key}.minSize`, p.minSize, 0),
      maxSize: p.maxSize === undefined ? undefined : int(`${key}.maxSize`, p.maxSize, 1),
      instanceType: p.instanceType === undefined ? undefined : str(`${key}.instanceType`, p.instanceType),
      capacityType: capacityType === 'spot' ? CapacityType.SPOT : capacityType === 'on-demand' ? CapacityType.ON_DEMAND : undefined,
      // Allocatable per node, for an instance type the table does not know (cores; GiB).
      cpuPerNode: p.cpuPerNode === undefined ? undefined : positive(`${key}.cpuPerNode`, p.cpuPerNode),
      memoryPerNode: p.memoryPerNode === undefined ? undefined : Size.gibibytes(positive(`${key}.memoryPerNode`, p.memoryPerNode)),
    };
    if (options.minSize !== undefined && options.maxSize !== undefined && options.minSize > options.maxSize) {
      throw new StackConfigError(`${key}.minSize`, options.minSize, `it exceeds ${key}.maxSize ${options.maxSize}; use minSize <= maxSize`);
    }
    if (p.nodes !== undefined) {
      if (cluster !== 'local') throw new StackConfigError(`${key}.nodes`, p.nodes, `only the local stack labels existing nodes; on ${cluster} the pool's nodes are created`);
      const nodes = strList(`${key}.nodes`, p.nodes);
      // A local pool has exactly its listed nodes: its size is theirs, so team quotas and the
      // capacity checks measure the cluster that exists, not a maxSize nothing scales to.
      for (const field of ['minSize', 'maxSize'] as const) {
        const size = options[field];
        if (size !== undefined && size !== nodes.length) {
          throw new StackConfigError(`${key}.${field}`, size, `a local pool has exactly its ${nodes.length} listed node(s); remove ${field} or list ${size} nodes`);
        }
      }
      poolNodes[name] = nodes;
      options.minSize = nodes.length;
      options.maxSize = nodes.length;
    }
    pools.push(wrapPoolErrors(key, () => buildPool(cluster, key, p, options)));
  });
  return { pools, poolNodes };
}

/**
 * The pools a stack has when its config lists none: the same on every cluster kind, or one list
 * for the local stack (which only labels nodes) and one for the clouds (where every pool is a node
 * group or a Karpenter NodePool someone pays for).
 */
export type DefaultPools = readonly NodePool[] | { readonly local: readonly NodePool[]; readonly cloud: readonly NodePool[] };

const isPerClusterKind = (d: DefaultPools): d is { readonly local: readonly NodePool[]; readonly cloud: readonly NodePool[] } => !Array.isArray(d);

/** The cloud whose machines a cluster kind's node groups are made of (local: none; sizes only). */
const CLOUD_OF: Partial<Record<ClusterKind, 'aws' | 'gcp'>> = { eks: 'aws', gke: 'gcp' };

/**
 * The default pools on this cluster kind: as given on a local cluster; on a cloud, the same pools
 * with each instance type of another cloud replaced by this cloud's default for the pool's GPUs.
 * Each replacement is a note (the stack prints it as a warning): the nodes are not the ones the
 * defaults name, and `pools` is the key that chooses them.
 */
export function defaultPoolsFor(cluster: ClusterKind, given: DefaultPools): { pools: readonly NodePool[]; poolNodes: Record<string, string[]>; notes: string[] } {
  const cloud = CLOUD_OF[cluster];
  const defaults = isPerClusterKind(given) ? (cloud ? given.cloud : given.local) : given;
  if (!cloud) return { pools: defaults, poolNodes: {}, notes: [] };
  const config = poolsConfigOf(defaults).map((p) => (p.instanceType && lookupInstanceType(p.instanceType)?.cloud !== cloud ? { ...p, instanceType: undefined } : p));
  const parsed = parsePools(cluster, config);
  const notes = defaults.flatMap((d) => {
    const chosen = parsed.pools.find((p) => p.name === d.name)?.instanceType;
    return d.instanceType && chosen !== d.instanceType
      ? [`pool '${d.name}': the default instance type '${d.instanceType}' is not a ${cloud.toUpperCase()} type, so the ${cluster} stack uses '${chosen}' instead; set 'pools' to choose the machines`]
      : [];
  });
  return { ...parsed, notes };
}

/** An instance type of another cloud fails at node-group creation: refuse it at config time. */
function checkInstanceCloud(cluster: ClusterKind, key: string, name: string | undefined, accelerator?: Accelerator, gpusPerNode = 0): void {
  const cloud = CLOUD_OF[cluster];
  const known = name ? lookupInstanceType(name) : undefined;
  if (!cloud || !known || known.cloud === cloud) return;
  const alternative = accelerator ? instanceTypeFor(cloud, accelerator.name, gpusPerNode)?.name : cloud === 'gcp' ? GKE_CPU_MACHINE_TYPE : undefined;
  const kinds = { aws: 'an AWS EC2 instance type', gcp: 'a GCP machine type' };
  throw new StackConfigError(`${key}.instanceType`, name, `${kinds[known.cloud]}; ${cluster} node pools need ${kinds[cloud]}${alternative ? ` (e.g. '${alternative}')` : ''}, or leave instanceType out for the default`);
}

function buildPool(cluster: ClusterKind, key: string, p: PoolConfig, options: { name: string; instanceType?: string } & Record<string, unknown>): NodePool {
  const named = p.accelerator === undefined ? undefined : Accelerator.fromName(String(p.accelerator));
  checkInstanceCloud(cluster, key, options.instanceType, named, typeof p.gpusPerNode === 'number' ? p.gpusPerNode : 0);
  if (p.accelerator === undefined) {
    if (p.gpusPerNode !== undefined) throw new StackConfigError(`${key}.gpusPerNode`, p.gpusPerNode, 'a CPU pool has no GPUs; set accelerator too, or remove gpusPerNode');
    parseGpuFeatures(key, p, false);
    const instanceType = options.instanceType ?? (cluster === 'gke' ? GKE_CPU_MACHINE_TYPE : undefined);
    return NodePool.cpu({ ...options, instanceType });
  }
  const accelerator = Accelerator.fromName(str(`${key}.accelerator`, p.accelerator));
  if (!accelerator) {
    throw new StackConfigError(`${key}.accelerator`, p.accelerator, `unknown accelerator; use one of ${Accelerator.all().map((a) => a.name).join(', ')}`);
  }
  if (p.gpusPerNode === undefined) {
    throw new StackConfigError(`${key}.gpusPerNode`, undefined, `a GPU pool (accelerator '${accelerator.name}') needs gpusPerNode, an integer from 1 to 16`);
  }
  const gpusPerNode = int(`${key}.gpusPerNode`, p.gpusPerNode, 1, 16);
  let instanceType = options.instanceType;
  if (cluster === 'gke') {
    if (!accelerator.gkeAcceleratorType) {
      throw new StackConfigError(`${key}.accelerator`, accelerator.name, `GKE offers no '${accelerator.name}'; use one of ${Accelerator.all().filter((a) => a.gkeAcceleratorType).map((a) => a.name).join(', ')}`);
    }
    instanceType ??= gkeMachineType(accelerator, gpusPerNode);
    if (!instanceType) {
      throw new StackConfigError(`${key}.gpusPerNode`, gpusPerNode, `GKE machines carry ${gkeGpuCounts(accelerator).join(', ')} x ${accelerator.name}; use one of those or set instanceType`);
    }
  }
  if (cluster === 'eks' && !instanceType) {
    instanceType = instanceTypeFor('aws', accelerator.name, gpusPerNode)?.name;
    if (!instanceType) {
      const counts = knownInstanceTypes().filter((t) => t.cloud === 'aws' && t.accelerator === accelerator.name).map((t) => `${t.gpus} (${t.name})`);
      throw new StackConfigError(`${key}.gpusPerNode`, gpusPerNode, `EC2 instances carry ${counts.join(', ') || 'no'} x ${accelerator.name}; use one of those counts or set instanceType`);
    }
  }
  return NodePool.gpu({ ...options, ...parseGpuFeatures(key, p, true, CLOUD_OF[cluster]), instanceType, accelerator, gpusPerNode });
}

/** NodePool's own checks (min > max, GPU count) become config errors naming the pool's key. */
function wrapPoolErrors(key: string, build: () => NodePool): NodePool {
  try {
    return build();
  } catch (e) {
    if (e instanceof PropError) throw new StackConfigError(`${key}.${e.prop}`, e.value, e.message);
    throw e;
  }
}
