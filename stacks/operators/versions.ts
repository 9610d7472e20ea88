/**
 * THE pinned operator versions: one static map keyed by Kubernetes minor version. Nothing is
 * looked up over the network; an unknown Kubernetes minor is an error listing the supported ones.
 * Versions match the CRDs the constructs are generated from (see ../shared/crds/SOURCES.md).
 * Which pins were checked against upstream, and how: stacks/README.md "Pinned operators".
 */
import { ANY_CLUSTER, ClusterKind, NodeAutoscaler } from '../cluster/kinds';

/** Operators the stacks can install, in the order they are documented. */
export const OPERATOR_NAMES = [
  'cert-manager', 'gpu-operator', 'kube-prometheus-stack', 'metrics-server', 'nfs-provisioner', 'training-operator',
  'kubeflow-trainer', 'argo-workflows', 'kserve-crd', 'kserve', 'kueue', 'keda', 'volcano',
  'cluster-autoscaler', 'karpenter',
] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

/**
 * Operators the cluster itself brings (chosen by `cluster` + `autoscaler`, never listed under
 * `operators`): the node autoscaler of an EKS cluster.
 */
export const CLUSTER_OPERATORS = ['cluster-autoscaler', 'karpenter'] as const satisfies readonly NodeAutoscaler[];

/** Operators the `operators` config key may list. */
export type SelectableOperatorName = Exclude<OperatorName, NodeAutoscaler>;
export const SELECTABLE_OPERATORS: readonly SelectableOperatorName[] = OPERATOR_NAMES.filter(
  (o): o is SelectableOperatorName => !(CLUSTER_OPERATORS as readonly string[]).includes(o),
);

/** Operators installed only when the `operators` key lists them. */
export const OPT_IN_OPERATORS: readonly SelectableOperatorName[] = ['volcano', 'kubeflow-trainer'];

/**
 * Operators installed when the stack config does not list them: every selectable one that runs on
 * the cluster kind (`OperatorRelease.clusters`: GKE brings its own metrics-server, only the local
 * stack needs the NFS provisioner), but the opt-in ones.
 */
export function defaultOperators(cluster: ClusterKind, table: ReleaseTable = FOR_1_34): SelectableOperatorName[] {
  return SELECTABLE_OPERATORS.filter((o) => !OPT_IN_OPERATORS.includes(o) && table[o].clusters.includes(cluster));
}

/**
 * The operators a cluster kind needs for itself: on EKS the chosen node autoscaler (managed node
 * groups do not scale without one); none on GKE (node-pool autoscaling is built in) or local.
 */
export function clusterOperators(cluster: ClusterKind, autoscaler: NodeAutoscaler | undefined): OperatorName[] {
  switch (cluster) {
    case 'eks':
      return [autoscaler ?? 'cluster-autoscaler'];
    case 'gke':
    case 'local':
      return [];
  }
}

/** A chart from a Helm repository (`https://…`) or an OCI registry (`oci://…`), pinned exactly. */
export interface HelmSource {
  readonly kind: 'helm';
  /** Repository URL; for OCI the chart reference is `${repository}/${chart}`. */
  readonly repository: string;
  readonly chart: string;
  /** Exact chart version (never a range). */
  readonly version: string;
}

/** A kustomization at a pinned git ref, where upstream ships no Helm chart. */
export interface KustomizeSource {
  readonly kind: 'kustomize';
  /** Browsable URL of the pinned folder (docs, outputs). */
  readonly url: string;
  /** The same folder as a kustomize remote target (`https://github.com/<org>/<repo>//<path>?ref=<tag>`), the base the stack's own kustomization builds on. */
  readonly remote: string;
  readonly version: string;
}

/** Inclusive range of Kubernetes minors an operator release supports (`'1.31'`). */
export interface KubernetesRange {
  readonly min: string;
  readonly max: string;
}

/** One pinned operator release. */
export interface OperatorRelease {
  readonly name: OperatorName;
  /** Component type token; part of the URN, never renamed. */
  readonly token: string;
  readonly source: HelmSource | KustomizeSource;
  /** The operator's own version (the chart's appVersion). */
  readonly appVersion: string;
  /** Namespace the operator runs in. */
  readonly namespace: string;
  /** Kubernetes minors the release supports. */
  readonly kubernetes: KubernetesRange;
  /** Cluster kinds the release can run on (`ANY_CLUSTER` unless cloud-specific). */
  readonly clusters: readonly ClusterKind[];
  /** Operators that must be installed and ready first (webhooks, CRDs); selecting without them is an error. */
  readonly requires: readonly OperatorName[];
  /** Operators that, when also selected, go first (e.g. ServiceMonitor CRDs for metrics). */
  readonly after: readonly OperatorName[];
  /** True when the release installs CRDs: deleting it would delete every custom resource. */
  readonly bringsCrds: boolean;
  /** True when the chart needs Helm hooks (so it must be a Helm Release, not helm.v4.Chart). */
  readonly usesHooks: boolean;
  /**
   * True when the install must create its namespace (no other release or the cluster provides it):
   * a Helm Release with `createNamespace` (helm.v4.Chart creates none). @default false
   */
  readonly ownNamespace?: boolean;
  /**
   * API groups whose CRDs the install brings (read by scripts/verify-pulumi, which installs them
   * from ../shared/crds when the operators are external). @default - its table in scripts/verify-pulumi/lib.cjs
   */
  readonly crdGroups?: readonly string[];
}

/** Pinned release of every operator. */
export type ReleaseTable = { readonly [N in OperatorName]: OperatorRelease };

const OCI_KSERVE = 'oci://ghcr.io/kserve/charts';

/**
 * cluster-autoscaler is released per Kubernetes minor and supports only that minor. Chart 9.53.0
 * carries app 1.34.2 (kubernetes/autoscaler gh-pages index.yaml); installed on EKS only.
 */
const CLUSTER_AUTOSCALER_1_34: OperatorRelease = {
  name: 'cluster-autoscaler', token: 'mlp:operators:ClusterAutoscaler', appVersion: '1.34.2', namespace: 'kube-system',
  source: { kind: 'helm', repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: '9.53.0' },
  kubernetes: { min: '1.34', max: '1.34' }, clusters: ['eks'], requires: [], after: [], bringsCrds: false, usesHooks: false,
};

/** Releases pinned for Kubernetes 1.34 (the platform's target). */
const FOR_1_34: ReleaseTable = {
  'cert-manager': {
    name: 'cert-manager', token: 'mlp:operators:CertManager', appVersion: 'v1.19.2', namespace: 'cert-manager',
    source: { kind: 'helm', repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.19.2' },
    kubernetes: { min: '1.31', max: '1.35' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
  },
  'gpu-operator': {
    name: 'gpu-operator', token: 'mlp:operators:GpuOperator', appVersion: 'v25.10.0', namespace: 'gpu-operator',
    source: { kind: 'helm', repository: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator', version: 'v25.10.0' },
    // DCGM exporter ServiceMonitors need the prometheus-operator CRDs when monitoring is installed.
    kubernetes: { min: '1.29', max: '1.34' }, clusters: ANY_CLUSTER, requires: [], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: true,
  },
  'kube-prometheus-stack': {
    name: 'kube-prometheus-stack', token: 'mlp:operators:KubePrometheusStack', appVersion: 'v0.93.0', namespace: 'monitoring',
    source: { kind: 'helm', repository: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.2.0' },
    kubernetes: { min: '1.25', max: '1.35' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
  },
  'metrics-server': {
    name: 'metrics-server', token: 'mlp:operators:MetricsServer', appVersion: 'v0.8.1', namespace: 'kube-system',
    // Serves metrics.k8s.io, which every CPU/memory HPA reads. GKE runs its own (a second one
    // would fight over the APIService), so it is installed on local and EKS only.
    source: { kind: 'helm', repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1' },
    kubernetes: { min: '1.31', max: '1.35' }, clusters: ['local', 'eks'], requires: [], after: [], bringsCrds: false, usesHooks: false, crdGroups: [],
  },
  'nfs-provisioner': {
    name: 'nfs-provisioner', token: 'mlp:operators:NfsProvisioner', appVersion: 'v4.0.8', namespace: 'nfs-provisioner',
    // The local storage profile's ReadWriteMany class `nfs` (kind's local-path class is node-local).
    source: {
      kind: 'helm', repository: 'https://kubernetes-sigs.github.io/nfs-ganesha-server-and-external-provisioner/', chart: 'nfs-server-provisioner', version: '1.8.0',
    },
    kubernetes: { min: '1.25', max: '1.35' }, clusters: ['local'], requires: [], after: [], bringsCrds: false, usesHooks: false, ownNamespace: true, crdGroups: [],
  },
  'training-operator': {
    name: 'training-operator', token: 'mlp:operators:TrainingOperator', appVersion: 'v1.9.4', namespace: 'kubeflow',
    source: {
      kind: 'kustomize', version: 'v1.9.4',
      url: 'https://github.com/kubeflow/trainer/tree/v1.9.4/manifests/overlays/standalone',
      remote: 'https://github.com/kubeflow/trainer//manifests/overlays/standalone?ref=v1.9.4',
    },
    kubernetes: { min: '1.27', max: '1.34' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: false,
  },
  'kubeflow-trainer': {
    name: 'kubeflow-trainer', token: 'mlp:operators:KubeflowTrainer', appVersion: 'v2.3.0', namespace: 'kubeflow-system',
    // Trainer v2 (TrainJob, TrainingRuntime); the chart also installs JobSet, which TrainJobs run as.
    // Same release as the trainer.kubeflow.org CRDs in ../shared/crds/_released (tag v2.3.0). Opt-in.
    source: { kind: 'helm', repository: 'oci://ghcr.io/kubeflow/charts', chart: 'kubeflow-trainer', version: '2.3.0' },
    kubernetes: { min: '1.29', max: '1.35' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
    crdGroups: ['trainer.kubeflow.org', 'jobset.x-k8s.io'],
  },
  'argo-workflows': {
    name: 'argo-workflows', token: 'mlp:operators:ArgoWorkflows', appVersion: 'v4.1.2', namespace: 'argo',
    // Chart 2.x carries Argo v4.1; the values pin the images to appVersion whatever the chart's default.
    source: { kind: 'helm', repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-workflows', version: '2.0.4' },
    // After monitoring: the chart renders its controller ServiceMonitor only when the
    // monitoring.coreos.com/v1 API is already served (`.Capabilities` check in the template).
    kubernetes: { min: '1.31', max: '1.35' }, clusters: ANY_CLUSTER, requires: [], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: false,
  },
  'kserve-crd': {
    name: 'kserve-crd', token: 'mlp:operators:KServeCrds', appVersion: 'v0.20.0', namespace: 'kserve',
    source: { kind: 'helm', repository: OCI_KSERVE, chart: 'kserve-crd', version: 'v0.20.0' },
    kubernetes: { min: '1.30', max: '1.35' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: false,
  },
  kserve: {
    name: 'kserve', token: 'mlp:operators:KServe', appVersion: 'v0.20.0', namespace: 'kserve',
    // Published as `kserve-resources` since v0.17 (the chart was `kserve` up to v0.15).
    source: { kind: 'helm', repository: OCI_KSERVE, chart: 'kserve-resources', version: 'v0.20.0' },
    // The webhook certificate comes from cert-manager; its CRDs from the kserve-crd release.
    kubernetes: { min: '1.30', max: '1.35' }, clusters: ANY_CLUSTER, requires: ['cert-manager', 'kserve-crd'], after: [], bringsCrds: false, usesHooks: false,
  },
  kueue: {
    name: 'kueue', token: 'mlp:operators:Kueue', appVersion: 'v0.19.2', namespace: 'kueue-system',
    source: { kind: 'helm', repository: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', version: '0.19.2' },
    kubernetes: { min: '1.29', max: '1.35' }, clusters: ANY_CLUSTER, requires: ['cert-manager'], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: false,
  },
  keda: {
    name: 'keda', token: 'mlp:operators:Keda', appVersion: 'v2.20.2', namespace: 'keda',
    // ScaledObjects, and external.metrics.k8s.io for the HPAs KEDA creates. Same release as the
    // keda.sh CRDs in ../shared/crds; KEDA 2.20 is tested on Kubernetes 1.33-1.35 (keda.sh/docs/2.20/operate/cluster).
    source: { kind: 'helm', repository: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.20.2' },
    kubernetes: { min: '1.33', max: '1.35' }, clusters: ANY_CLUSTER, requires: [], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: false,
    crdGroups: ['keda.sh'],
  },
  volcano: {
    name: 'volcano', token: 'mlp:operators:Volcano', appVersion: 'v1.15.1', namespace: 'volcano-system',
    source: { kind: 'helm', repository: 'https://volcano-sh.github.io/helm-charts', chart: 'volcano', version: '1.15.1' },
    kubernetes: { min: '1.28', max: '1.34' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
  },
  'cluster-autoscaler': CLUSTER_AUTOSCALER_1_34,
  karpenter: {
    name: 'karpenter', token: 'mlp:operators:Karpenter', appVersion: '1.14.1', namespace: 'kube-system',
    // Same release as the karpenter.sh / karpenter.k8s.aws CRDs in ../shared/crds/_released (tag v1.14.1).
    source: { kind: 'helm', repository: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', version: '1.14.1' },
    kubernetes: { min: '1.29', max: '1.34' }, clusters: ['eks'], requires: [], after: [], bringsCrds: true, usesHooks: false,
  },
};

/** Default operators of the local stack (see `defaultOperators`). */
export const DEFAULT_OPERATORS: readonly SelectableOperatorName[] = defaultOperators('local');

/** cluster-autoscaler for Kubernetes 1.33: its minor must equal the cluster's. */
const FOR_1_33: ReleaseTable = {
  ...FOR_1_34,
  'cluster-autoscaler': {
    ...CLUSTER_AUTOSCALER_1_34, appVersion: '1.33.0',
    source: { ...CLUSTER_AUTOSCALER_1_34.source, version: '9.51.0' } as HelmSource,
    kubernetes: { min: '1.33', max: '1.33' },
  },
};

/**
 * Pinned releases by Kubernetes minor. 1.33 runs the same releases (all their ranges include it)
 * but its own cluster-autoscaler minor; a new minor is a new row, checked by `checkCompatibility` before anything is created.
 */
export const OPERATOR_VERSIONS: Readonly<Record<string, ReleaseTable>> = Object.freeze({
  '1.33': FOR_1_33,
  '1.34': FOR_1_34,
});

/** Minors the map has releases for, ascending. */
export function supportedKubernetesMinors(table: Readonly<Record<string, ReleaseTable>> = OPERATOR_VERSIONS): string[] {
  return Object.keys(table).sort((a, b) => compareMinor(a, b));
}

/** `'1.34.4'` or `'1.34'` → `'1.34'`; throws on anything else. */
export function kubernetesMinorOf(version: string): string {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version);
  if (!m) throw new Error(`Kubernetes version '${version}' is not of the form 1.34 or 1.34.4`);
  return `${Number(m[1])}.${Number(m[2])}`;
}

/** Orders `'1.9'` before `'1.10'`. */
export function compareMinor(a: string, b: string): number {
  const [aMajor, aMinor] = a.split('.').map(Number);
  const [bMajor, bMinor] = b.split('.').map(Number);
  return aMajor - bMajor || aMinor - bMinor;
}

/** The pinned release table for a Kubernetes version; throws listing the supported minors. */
export function releasesFor(kubernetesVersion: string, table: Readonly<Record<string, ReleaseTable>> = OPERATOR_VERSIONS): ReleaseTable {
  const minor = kubernetesMinorOf(kubernetesVersion);
  const releases = table[minor];
  if (!releases) {
    throw new Error(`no pinned operator versions for Kubernetes ${minor}; supported: ${supportedKubernetesMinors(table).join(', ')}`);
  }
  return releases;
}

/**
 * Checks, before anything is created, that every selected release supports the cluster's
 * Kubernetes minor and that every required companion is selected. Returns all problems at once.
 */
export function compatibilityProblems(kubernetesVersion: string, selected: readonly OperatorRelease[], cluster?: ClusterKind): string[] {
  const minor = kubernetesMinorOf(kubernetesVersion);
  const names = new Set(selected.map((r) => r.name));
  const problems: string[] = [];
  for (const r of selected) {
    if (cluster && !r.clusters.includes(cluster)) problems.push(`${r.name} runs on ${r.clusters.join(', ')} clusters only, not ${cluster}`);
    if (compareMinor(minor, r.kubernetes.min) < 0 || compareMinor(minor, r.kubernetes.max) > 0) {
      problems.push(`${r.name} ${r.appVersion} supports Kubernetes ${r.kubernetes.min} to ${r.kubernetes.max}, not ${minor}`);
    }
    for (const dep of r.requires) {
      if (!names.has(dep)) problems.push(`${r.name} requires ${dep}; add '${dep}' to the operators list`);
    }
  }
  return problems;
}

/** Throws `compatibilityProblems` as one error. */
export function checkCompatibility(kubernetesVersion: string, selected: readonly OperatorRelease[]): void {
  const problems = compatibilityProblems(kubernetesVersion, selected);
  if (problems.length) throw new Error(`incompatible operator selection for Kubernetes ${kubernetesMinorOf(kubernetesVersion)}:\n  ${problems.join('\n  ')}`);
}

/**
 * The releases for `names` in install order: every release after what it requires (stable:
 * otherwise in `OPERATOR_NAMES` order). Assumes `checkCompatibility` passed.
 */
export function installOrder(releases: ReleaseTable, names: readonly OperatorName[]): OperatorRelease[] {
  const wanted = OPERATOR_NAMES.filter((n) => names.includes(n));
  const done = new Set<OperatorName>();
  const ordered: OperatorRelease[] = [];
  const visit = (n: OperatorName, trail: OperatorName[]): void => {
    if (done.has(n)) return;
    if (trail.includes(n)) throw new Error(`operator dependency cycle: ${[...trail, n].join(' -> ')}`);
    for (const dep of dependenciesOf(releases[n], wanted)) visit(dep, [...trail, n]);
    done.add(n);
    ordered.push(releases[n]);
  };
  for (const n of wanted) visit(n, []);
  return ordered;
}

/** What `release` waits for among the `selected` operators: its requirements and its `after` list. */
export function dependenciesOf(release: OperatorRelease, selected: readonly OperatorName[]): OperatorName[] {
  return [...release.requires, ...release.after].filter((d) => selected.includes(d));
}
