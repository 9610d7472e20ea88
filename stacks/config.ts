/**
 * Stack configuration: every key the stacks read, typed and documented, parsed in one place (the
 * pools and teams sections in config-pools.ts, config-teams.ts). `parseStackConfig` is pure (tests
 * call it with tables) but for `chartsDir`, whose chart folders it reads and checks; `loadStackConfig`
 * is the only reader of Pulumi config. Bad config throws `StackConfigError` naming the key and the value, before
 * any resource is registered.
 */
import * as pulumi from '@pulumi/pulumi';
import type { NodePool } from '../constructs/cluster/node-pool';
import { NameRule, nameProblem } from '../constructs/core/names';
import { ContainerImage } from '../constructs/core/image';
import { KUBERNETES_MINOR } from '../constructs/core/versions';
import { DefaultPools, defaultPoolsFor, parsePools } from './config-pools';
import { efaNotes, gpuAllocationNotes } from './operators/gpu-stack-notes';
import { usesGpuClusterStack } from './operators/gpu-dra-values';
import { checkManagedNodeGroupPools } from './config-gpu';
import { parseTeams } from './config-teams';
import { CONFIG_NAMESPACE, dnsLabel, int, obj, oneOf, StackConfigError, str, strList } from './config-values';
import type { PlatformTeamSpec } from './platform/teams';
import { CLUSTER_KINDS, ClusterKind, GANG_SCHEDULERS, GangSchedulerChoice, NODE_AUTOSCALERS, NodeAutoscaler } from './cluster/kinds';
import { LocalChart, resolveLocalCharts } from './operators/local-charts';
import { installedReleases, selectedReleases } from './operators/selection';
import { defaultOperators, kubernetesMinorOf, OPT_IN_OPERATORS, SELECTABLE_OPERATORS, SelectableOperatorName } from './operators/versions';

export type { ClusterKind, GangSchedulerChoice, NodeAutoscaler } from './cluster/kinds';
export type { AmountsConfig, QuotaConfig, TeamConfig } from './config-teams';
export { CONFIG_NAMESPACE, StackConfigError } from './config-values';
export { type PoolConfig, poolsConfigOf } from './config-pools';

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
  /** What the stack chose for pools the config did not give (an instance type of another cloud replaced), and what it cannot install for them (a DRA driver next to the device plugin): printed as warnings. */
  readonly poolNotes: readonly string[];
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
  /** Install the operators from `<chartsDir>/<chart>-<version>/` instead of their repositories (operators/local-charts.ts). */
  readonly chartsDir?: string;
  /** With `chartsDir`: the checked local chart of every operator the stack installs, in install order. */
  readonly localCharts?: readonly LocalChart[];
  /** Registry the project's own images were pushed to; their pods pull from there (platform/image-registry.ts). */
  readonly imageRegistry?: string;
  /** 'external': NVIDIA's DRA driver is installed out of band (operators/gpu-dra-values.ts). */
  readonly draDriver?: 'external';
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
  pools: 'node pools: [{name, accelerator, gpusPerNode, minSize, maxSize, instanceType, capacityType, nodes}]; GPU pools also allocation, sharing, interconnect, disks, reservation, topologyLevels, compactPlacement',
  operators: `operators to install (default: every one that runs on the cluster kind but the opt-in ${OPT_IN_OPERATORS.join(', ')}; local also the NFS provisioner, local and eks metrics-server)`,
  operatorInstall: "'stack' (default): the stack installs `operators`; 'external': they are already installed out of band, the stack installs none but still checks versions and charts against them",
  autoscaler: "eks: node autoscaler, 'cluster-autoscaler' (default) or 'karpenter'",
  charts: 'chart names from buildPlatform() to deploy (default: all)',
  teams: 'tenant teams: [{name, group, fairSharingWeight, quotas: [{pool, cpu, memory, gpus, borrowingLimit, lendingLimit}]}]',
  domain: "domain for inference hostnames (default 'example.com')",
  gangScheduler: "training-operator gang scheduler: 'none' (default), 'volcano' (needs the volcano operator) or 'scheduler-plugins' (coscheduling second scheduler installed out of band)",
  localSharedStorageClass: "local: existing ReadWriteMany StorageClass for shared volumes (default: the stack installs the NFS provisioner, class 'nfs')",
  imageRegistry: "registry (host and optional path) the project's own images (the book's multi-worker-strategy:v0.1, :v0.1-gpu) were pushed to; their pods pull <imageRegistry>/multi-worker-strategy:<tag> (default: the references as built, which only a local cluster that loaded them can run)",
  draDriver: "'external': NVIDIA's DRA driver (kubernetes-sigs/dra-driver-nvidia-gpu) is installed out of band and serves the DRA pools' DeviceClasses (gpu.nvidia.com, mig.nvidia.com, ...); for DRA pools beside device-plugin pools, where the gpu-operator cannot install it (default: only what the stack installs)",
  chartsDir: 'directory of local charts, one <chart>-<version>/ folder per operator (training-operator-<version>/: its manifests tree): installs from there instead of the repositories (default: the repositories)',
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
export function parseStackConfig(raw: RawStackConfig, defaultPools: DefaultPools = [], provider: ProviderConfig = {}): StackConfig {
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
  const { pools, poolNodes, notes: poolNotes = [] } = raw.pools === undefined
    ? defaultPoolsFor(cluster, defaultPools)
    : { ...parsePools(cluster, raw.pools), notes: [] };
  const localSharedStorageClass = parseLocalSharedStorageClass(cluster, raw.localSharedStorageClass, raw.operators);
  const operators = raw.operators === undefined
    ? defaultOperators(cluster).filter((o) => !(localSharedStorageClass && o === 'nfs-provisioner'))
    : strList('operators', raw.operators).map((o, i) => oneOf(`operators[${i}]`, o, SELECTABLE_OPERATORS, NODE_AUTOSCALERS.includes(o as NodeAutoscaler)
      ? `; the node autoscaler is chosen with the 'autoscaler' key (eks only), not listed here`
      : ''));
  const operatorInstall = oneOf('operatorInstall', raw.operatorInstall ?? 'stack', OPERATOR_INSTALL_MODES);
  const gangScheduler = parseGangScheduler(raw.gangScheduler, operators);
  const { autoscaler, awsRegion } = parseAutoscaling(cluster, raw.autoscaler, provider);
  if (autoscaler === 'cluster-autoscaler') checkManagedNodeGroupPools(pools, raw.pools !== undefined);
  const charts = raw.charts === undefined ? undefined : strList('charts', raw.charts);
  const teams = parseTeams(raw.teams, pools);
  if (teams.length && !operators.includes('kueue')) {
    throw new StackConfigError('operators', operators, "teams need 'kueue' (their ClusterQueues, LocalQueues and ResourceFlavors are Kueue objects); add it or remove 'teams'");
  }
  const domain = str('domain', raw.domain ?? DEFAULTS.domain);
  if (nameProblem(domain, NameRule.DNS_SUBDOMAIN)) throw new StackConfigError('domain', domain, 'use a DNS domain such as ml.example.com');
  const chartsDir = raw.chartsDir === undefined ? undefined : str('chartsDir', raw.chartsDir);
  const imageRegistry = parseImageRegistry(raw.imageRegistry);
  const draDriver = parseDraDriver(raw.draDriver, pools, operators);
  const selection = { kubernetesVersion, cluster, autoscaler, operators, operatorInstall };
  const localCharts = chartsDir === undefined ? undefined : resolveLocalCharts(chartsDir, installedReleases(selection, selectedReleases(selection)));
  return {
    cluster, clusterName, kubernetesVersion, kubeconfigContext, subnetIds, location, systemPool, pools, poolNodes, operators, operatorInstall, autoscaler, awsRegion, charts, teams, domain,
    gangScheduler, localSharedStorageClass, chartsDir, localCharts, imageRegistry, draDriver,
    poolNotes: [...poolNotes, ...(draDriver ? [] : gpuAllocationNotes(pools, operators.includes('gpu-operator'))), ...efaNotes(pools)],
  };
}

/**
 * `draDriver: external`: only for DRA pools the gpu-operator leaves to another driver (beside
 * device-plugin pools, or with no gpu-operator); where it installs its own, two drivers would serve
 * one DeviceClass.
 */
function parseDraDriver(raw: unknown, pools: readonly NodePool[], operators: readonly SelectableOperatorName[]): 'external' | undefined {
  if (raw === undefined) return undefined;
  const choice = oneOf('draDriver', raw, ['external'] as const);
  const dra = pools.filter((p) => p.draDeviceClass !== undefined);
  if (!dra.length) throw new StackConfigError('draDriver', raw, "no pool allocates its GPUs through DRA ('allocation: dra'); remove draDriver");
  if (operators.includes('gpu-operator') && usesGpuClusterStack(pools)) {
    throw new StackConfigError('draDriver', raw, `every GPU pool allocates through DRA, so the gpu-operator installs NVIDIA's DRA driver itself (GPUCluster); remove draDriver, or leave 'gpu-operator' out of 'operators'`);
  }
  return choice;
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

/** `imageRegistry`: a registry host with an optional path (`<account>.dkr.ecr.<region>.amazonaws.com/ml`), no scheme, tag or trailing slash. */
function parseImageRegistry(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  const registry = str('imageRegistry', raw);
  const hint = "use a registry host and optional path, without scheme, tag or trailing '/', e.g. '123456789012.dkr.ecr.us-west-2.amazonaws.com/ml' or 'us-docker.pkg.dev/my-project/ml'";
  if (!/^[a-z0-9.-]+(:[0-9]+)?(\/|$)/.test(registry)) throw new StackConfigError('imageRegistry', registry, hint);
  try {
    ContainerImage.of(`${registry}/image:tag`, 'imageRegistry', 'imageRegistry');
  } catch {
    throw new StackConfigError('imageRegistry', registry, hint);
  }
  return registry;
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

/**
 * Reads this project's config keys from the Pulumi runtime: the only place that does.
 * Structured values (lists, objects, numbers) arrive as JSON text and are parsed here.
 */
export function loadStackConfig(defaultPools: DefaultPools): StackConfig {
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
    // Other namespaces (aws:, gcp:) are read below by name, not as project keys.
    if (!fullKey.startsWith(prefix)) continue;
    const key = fullKey.slice(prefix.length);
    raw[key] = parseValue(text);
  }
  const all = pulumi.runtime.allConfig();
  const config = parseStackConfig(raw, defaultPools, { awsRegion: all['aws:region'] });
  for (const warning of [...config.poolNotes, ...(config.localCharts ?? []).flatMap((c) => c.warnings)]) pulumi.log.warn(warning);
  return config;
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
