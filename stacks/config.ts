/**
 * Stack configuration: every key the stacks read, typed and documented, parsed in one place.
 * `parseStackConfig` is pure (tests call it with tables); `loadStackConfig` is the only reader
 * of Pulumi config. Bad config throws `StackConfigError` naming the key and the value, before
 * any resource is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import { Size } from 'cdk8s';
import { Accelerator } from '../constructs/cluster/accelerator';
import { instanceType as lookupInstanceType, instanceTypeFor, knownInstanceTypes } from '../constructs/cluster/instance-types';
import { CapacityType, NodePool } from '../constructs/cluster/node-pool';
import { PropError } from '../constructs/core/errors';
import { NameRule, nameProblem } from '../constructs/core/names';
import { KUBERNETES_MINOR } from '../constructs/core/versions';
import { parseTeams } from './config-teams';
import { CONFIG_NAMESPACE, dnsLabel, int, obj, oneOf, StackConfigError, str, strList } from './config-values';
import type { PlatformTeamSpec } from './platform/teams';
import { GKE_CPU_MACHINE_TYPE, gkeGpuCounts, gkeMachineType } from './cluster/machine-types';
import { CLUSTER_KINDS, ClusterKind, GANG_SCHEDULERS, GangSchedulerChoice, NODE_AUTOSCALERS, NodeAutoscaler } from './cluster/kinds';
import { defaultOperators, kubernetesMinorOf, OPT_IN_OPERATORS, SELECTABLE_OPERATORS, SelectableOperatorName } from './operators/versions';

export type { ClusterKind, GangSchedulerChoice, NodeAutoscaler } from './cluster/kinds';
export type { AmountsConfig, QuotaConfig, TeamConfig } from './config-teams';
export { CONFIG_NAMESPACE, StackConfigError } from './config-values';

/** A node pool as written in config (`pools` key). */
export interface PoolConfig {
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
  /** @default 'on-demand' */
  readonly capacityType?: 'on-demand' | 'spot';
  /** local only: existing node names to label and taint as this pool. @default - none */
  readonly nodes?: readonly string[];
  /** Allocatable cores per node, for an instance type the instance-type table does not know. @default - from the table */
  readonly cpuPerNode?: number;
  /** Allocatable GiB per node, for an instance type the table does not know. @default - from the table */
  readonly memoryPerNode?: number;
}

/** The system (non-GPU, untainted) node group of EKS/GKE clusters (`systemPool` key). */
export interface SystemPoolConfig {
  /** @default 'm6i.xlarge' on EKS, 'e2-standard-4' on GKE */
  readonly instanceType?: string;
  /** @default 2 */
  readonly minSize?: number;
  /** @default 4 */
  readonly maxSize?: number;
}

/** Parsed, validated stack configuration. */
export interface StackConfig {
  readonly cluster: ClusterKind;
  /** Cluster (and cloud resource) name prefix. */
  readonly clusterName: string;
  readonly kubernetesVersion: string;
  /** local: kubeconfig context; undefined = the current context. */
  readonly kubeconfigContext?: string;
  /** eks: subnets of an existing VPC (at least two availability zones). */
  readonly subnetIds: readonly string[];
  /** gke: region or zone. */
  readonly location?: string;
  readonly systemPool: Required<SystemPoolConfig>;
  readonly pools: readonly NodePool[];
  /** local: node names per pool name. */
  readonly poolNodes: Readonly<Record<string, readonly string[]>>;
  readonly operators: readonly SelectableOperatorName[];
  /**
   * 'stack': the stack installs `operators`; 'external': they are installed out of band (the stack
   * installs none of them, but versions, compatibility and the charts are still checked against them).
   */
  readonly operatorInstall: OperatorInstallMode;
  /** eks: the node autoscaler installed (`cluster-autoscaler` unless set); undefined elsewhere. */
  readonly autoscaler?: NodeAutoscaler;
  /** eks: AWS region (Pulumi's `aws:region`), for the autoscaler's API calls. */
  readonly awsRegion?: string;
  /** Chart names to deploy; undefined = every chart of `buildPlatform()`. */
  readonly charts?: readonly string[];
  /** Tenants: one operations `Team` each, in one FairShareCohort over `pools` (needs the `kueue` operator). */
  readonly teams: readonly PlatformTeamSpec[];
  /** Domain KServe builds inference hostnames from. */
  readonly domain: string;
  /** The training-operator's gang scheduler (`--gang-scheduler-name`); 'none' turns PodGroups off. */
  readonly gangScheduler: GangSchedulerChoice;
  /** local: an existing ReadWriteMany StorageClass to use for shared volumes instead of the NFS provisioner's `nfs`. */
  readonly localSharedStorageClass?: string;
}

/** Who installs the selected operators: this stack, or someone else before it runs. */
export const OPERATOR_INSTALL_MODES = ['stack', 'external'] as const;
export type OperatorInstallMode = (typeof OPERATOR_INSTALL_MODES)[number];

/** Raw config values by key (structured keys already JSON-parsed). */
export type RawStackConfig = Readonly<Record<string, unknown>>;

/** Every key, with what it means (also the README table). */
export const CONFIG_KEYS: Readonly<Record<string, string>> = {
  cluster: "'local' (default), 'eks' or 'gke'",
  clusterName: "cluster and cloud resource name prefix (default 'mlp')",
  kubernetesVersion: `Kubernetes minor of the cluster (default '${KUBERNETES_MINOR}')`,
  kubeconfigContext: 'local: kubeconfig context (default: current context)',
  subnetIds: 'eks: subnet ids of an existing VPC, two or more availability zones (required)',
  location: 'gke: region or zone (required)',
  systemPool: '{instanceType, minSize, maxSize} of the untainted system nodes (eks, gke)',
  pools: 'node pools: [{name, accelerator, gpusPerNode, minSize, maxSize, instanceType, capacityType, nodes}]',
  operators: `operators to install (default: every one that runs on the cluster kind but the opt-in ${OPT_IN_OPERATORS.join(', ')}; local also the NFS provisioner, local and eks metrics-server)`,
  operatorInstall: "'stack' (default): the stack installs `operators`; 'external': they are already installed out of band, the stack installs none but still checks versions and charts against them",
  autoscaler: "eks: node autoscaler, 'cluster-autoscaler' (default) or 'karpenter'",
  charts: 'chart names from buildPlatform() to deploy (default: all)',
  teams: 'tenant teams: [{name, group, fairSharingWeight, quotas: [{pool, cpu, memory, gpus, borrowingLimit, lendingLimit}]}]',
  domain: "domain for inference hostnames (default 'example.com')",
  gangScheduler: "training-operator gang scheduler: 'none' (default), 'volcano' (needs the volcano operator) or 'scheduler-plugins' (coscheduling second scheduler installed out of band)",
  localSharedStorageClass: "local: existing ReadWriteMany StorageClass for shared volumes (default: the stack installs the NFS provisioner, class 'nfs')",
};

const SYSTEM_POOL_DEFAULTS: Readonly<Record<'eks' | 'gke' | 'local', string>> = { eks: 'm6i.xlarge', gke: 'e2-standard-4', local: 'none' };
const DEFAULTS = Object.freeze({
  cluster: 'local' as ClusterKind,
  clusterName: 'mlp',
  kubernetesVersion: KUBERNETES_MINOR,
  systemMinSize: 2,
  systemMaxSize: 4,
  domain: 'example.com',
});

/** Config of other namespaces the stacks read (filled by `loadStackConfig`). */
export interface ProviderConfig {
  /** Pulumi `aws:region`: required on eks. */
  readonly awsRegion?: string;
}

/** Validates raw config; throws the first problem as a `StackConfigError`. */
export function parseStackConfig(raw: RawStackConfig, defaultPools: readonly NodePool[] = [], provider: ProviderConfig = {}): StackConfig {
  for (const key of Object.keys(raw)) {
    if (!(key in CONFIG_KEYS)) throw new StackConfigError(key, raw[key], `unknown key; known keys: ${Object.keys(CONFIG_KEYS).join(', ')}`);
  }
  const cluster = oneOf('cluster', raw.cluster ?? DEFAULTS.cluster, CLUSTER_KINDS);
  const clusterName = dnsLabel('clusterName', raw.clusterName ?? DEFAULTS.clusterName);
  const kubernetesVersion = str('kubernetesVersion', raw.kubernetesVersion ?? DEFAULTS.kubernetesVersion);
  try {
    kubernetesMinorOf(kubernetesVersion);
  } catch {
    throw new StackConfigError('kubernetesVersion', kubernetesVersion, "use a Kubernetes minor such as '1.36'");
  }
  const kubeconfigContext = raw.kubeconfigContext === undefined ? undefined : str('kubeconfigContext', raw.kubeconfigContext);
  const subnetIds = raw.subnetIds === undefined ? [] : strList('subnetIds', raw.subnetIds);
  if (cluster === 'eks' && subnetIds.length < 2) {
    throw new StackConfigError('subnetIds', raw.subnetIds, 'EKS needs the ids of at least two subnets in different availability zones');
  }
  const location = raw.location === undefined ? undefined : str('location', raw.location);
  if (cluster === 'gke' && !location) throw new StackConfigError('location', raw.location, "GKE needs a region or zone, e.g. 'us-central1'");
  const systemPool = parseSystemPool(cluster, raw.systemPool);
  const { pools, poolNodes } = raw.pools === undefined
    ? defaultPoolsFor(cluster, defaultPools)
    : parsePools(cluster, raw.pools);
  const localSharedStorageClass = parseLocalSharedStorageClass(cluster, raw.localSharedStorageClass, raw.operators);
  const operators = raw.operators === undefined
    ? defaultOperators(cluster).filter((o) => !(localSharedStorageClass && o === 'nfs-provisioner'))
    : strList('operators', raw.operators).map((o, i) => oneOf(`operators[${i}]`, o, SELECTABLE_OPERATORS, NODE_AUTOSCALERS.includes(o as NodeAutoscaler)
      ? `; the node autoscaler is chosen with the 'autoscaler' key (eks only), not listed here`
      : ''));
  const operatorInstall = oneOf('operatorInstall', raw.operatorInstall ?? 'stack', OPERATOR_INSTALL_MODES);
  const gangScheduler = parseGangScheduler(raw.gangScheduler, operators);
  const { autoscaler, awsRegion } = parseAutoscaling(cluster, raw.autoscaler, provider);
  const charts = raw.charts === undefined ? undefined : strList('charts', raw.charts);
  const teams = parseTeams(raw.teams, pools);
  if (teams.length && !operators.includes('kueue')) {
    throw new StackConfigError('operators', operators, "teams need 'kueue' (their ClusterQueues, LocalQueues and ResourceFlavors are Kueue objects); add it or remove 'teams'");
  }
  const domain = str('domain', raw.domain ?? DEFAULTS.domain);
  if (nameProblem(domain, NameRule.DNS_SUBDOMAIN)) throw new StackConfigError('domain', domain, 'use a DNS domain such as ml.example.com');
  return {
    cluster, clusterName, kubernetesVersion, kubeconfigContext, subnetIds, location, systemPool, pools, poolNodes, operators, operatorInstall, autoscaler, awsRegion, charts, teams, domain,
    gangScheduler, localSharedStorageClass,
  };
}

/** `gangScheduler`: one per cluster (the flag takes one name); Volcano must be installed by this stack's list. */
function parseGangScheduler(raw: unknown, operators: readonly SelectableOperatorName[]): GangSchedulerChoice {
  const choice = oneOf('gangScheduler', raw ?? 'none', GANG_SCHEDULERS);
  if (choice === 'volcano' && !operators.includes('volcano')) {
    // The training-operator exits at start when the PodGroup CRD of its gang scheduler is missing.
    throw new StackConfigError('gangScheduler', choice, "needs the 'volcano' operator (its PodGroup CRD and scheduler); add it to 'operators' or use 'none'");
  }
  return choice;
}

/** `localSharedStorageClass`: local only, and instead of (not beside) the NFS provisioner. */
function parseLocalSharedStorageClass(cluster: ClusterKind, raw: unknown, rawOperators: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (cluster !== 'local') {
    throw new StackConfigError('localSharedStorageClass', raw, `only the local stack takes a shared class; ${cluster} shared volumes use the class its cluster stack installs`);
  }
  const name = str('localSharedStorageClass', raw);
  if (nameProblem(name, NameRule.DNS_SUBDOMAIN)) throw new StackConfigError('localSharedStorageClass', name, 'use a StorageClass name (DNS subdomain)');
  if (Array.isArray(rawOperators) && rawOperators.includes('nfs-provisioner')) {
    throw new StackConfigError('localSharedStorageClass', name, "'operators' also lists 'nfs-provisioner', whose class would go unused; remove one of them");
  }
  return name;
}

/** `autoscaler` applies to eks only (GKE scales node pools itself); eks also needs `aws:region`. */
function parseAutoscaling(cluster: ClusterKind, raw: unknown, provider: ProviderConfig): { autoscaler?: NodeAutoscaler; awsRegion?: string } {
  if (cluster !== 'eks') {
    if (raw !== undefined) {
      throw new StackConfigError('autoscaler', raw, `only eks installs a node autoscaler; ${cluster === 'gke' ? 'GKE autoscales its node pools itself' : 'a local cluster has fixed nodes'}, remove the key`);
    }
    return {};
  }
  const autoscaler = oneOf('autoscaler', raw ?? 'cluster-autoscaler', NODE_AUTOSCALERS);
  if (!provider.awsRegion || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(provider.awsRegion)) {
    throw new StackConfigError('aws:region', provider.awsRegion, "EKS needs the AWS region, e.g. 'us-west-2' (pulumi config set aws:region us-west-2)");
  }
  return { autoscaler, awsRegion: provider.awsRegion };
}

function parseSystemPool(cluster: ClusterKind, raw: unknown): Required<SystemPoolConfig> {
  const o = obj('systemPool', raw ?? {});
  const minSize = int('systemPool.minSize', o.minSize ?? DEFAULTS.systemMinSize, 1);
  const maxSize = int('systemPool.maxSize', o.maxSize ?? DEFAULTS.systemMaxSize, 1);
  if (minSize > maxSize) throw new StackConfigError('systemPool.minSize', minSize, `it exceeds systemPool.maxSize ${maxSize}; use minSize <= maxSize`);
  return { instanceType: str('systemPool.instanceType', o.instanceType ?? SYSTEM_POOL_DEFAULTS[cluster]), minSize, maxSize };
}

const POOL_FIELDS = ['name', 'accelerator', 'gpusPerNode', 'minSize', 'maxSize', 'instanceType', 'cpuPerNode', 'memoryPerNode', 'capacityType', 'nodes'];

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
    capacityType: p.capacityType === CapacityType.SPOT ? 'spot' : 'on-demand',
  }));
}

function parsePools(cluster: ClusterKind, raw: unknown): { pools: NodePool[]; poolNodes: Record<string, string[]> } {
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

/** The cloud whose machines a cluster kind's node groups are made of (local: none; sizes only). */
const CLOUD_OF: Partial<Record<ClusterKind, 'aws' | 'gcp'>> = { eks: 'aws', gke: 'gcp' };

/**
 * The default pools on this cluster kind: as given on a local cluster; on a cloud, the same pools
 * with each instance type of another cloud replaced by this cloud's default for the pool's GPUs.
 */
function defaultPoolsFor(cluster: ClusterKind, defaults: readonly NodePool[]): { pools: readonly NodePool[]; poolNodes: Record<string, string[]> } {
  const cloud = CLOUD_OF[cluster];
  if (!cloud) return { pools: defaults, poolNodes: {} };
  const config = poolsConfigOf(defaults).map((p) => (p.instanceType && lookupInstanceType(p.instanceType)?.cloud !== cloud ? { ...p, instanceType: undefined } : p));
  return parsePools(cluster, config);
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
  return NodePool.gpu({ ...options, instanceType, accelerator, gpusPerNode });
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

/**
 * Reads this project's config keys from the Pulumi runtime: the only place that does.
 * Structured values (lists, objects, numbers) arrive as JSON text and are parsed here.
 */
export function loadStackConfig(defaultPools: readonly NodePool[]): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    // Other namespaces (aws:, gcp:) are read below by name, not as project keys.
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = parseValue(text);
  }
  const all = pulumi.runtime.allConfig();
  return parseStackConfig(raw, defaultPools, { awsRegion: all['aws:region'] });
}

/** Lists and objects are JSON; everything else (even `1.36`) stays the string it was set as. */
function parseValue(text: string): unknown {
  if (!/^\s*[[{]/.test(text)) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
