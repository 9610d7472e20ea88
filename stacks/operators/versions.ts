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
  'kubeflow-trainer', 'argo-workflows', 'kserve-crd', 'kserve', 'kserve-runtime-configs', 'kueue', 'keda', 'volcano',
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
export const OPT_IN_OPERATORS: readonly SelectableOperatorName[] = ['volcano'];

/**
 * Operators installed when the stack config does not list them: every selectable one that runs on
 * the cluster kind (`OperatorRelease.clusters`: GKE brings its own metrics-server, only the local
 * stack needs the NFS provisioner), but the opt-in ones.
 */
export function defaultOperators(cluster: ClusterKind, table: ReleaseTable = FOR_1_36): SelectableOperatorName[] {
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
  /** The same folder inside a local copy of the repository's manifests tree (`chartsDir`: `<name>-<version>/<overlay>`). */
  readonly overlay: string;
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
   * API groups whose CRDs the install brings (read by scripts/verify/pulumi, which installs them
   * from ../shared/crds when the operators are external). @default - its table in scripts/verify/pulumi/operator-crds.ts
   */
  readonly crdGroups?: readonly string[];
}

/** Pinned release of every operator. */
export type ReleaseTable = { readonly [N in OperatorName]: OperatorRelease };

const OCI_KSERVE = 'oci://ghcr.io/kserve/charts';

/**
 * cluster-autoscaler is released per Kubernetes minor and supports only that minor; installed on EKS
 * only. The values pin the image to `v<appVersion>` whatever the chart's default (`clusterAutoscalerValues`).
 */
function clusterAutoscaler(minor: string, appVersion: string, chartVersion: string): OperatorRelease {
  return {
    name: 'cluster-autoscaler', token: 'mlp:operators:ClusterAutoscaler', appVersion, namespace: 'kube-system',
    source: { kind: 'helm', repository: 'https://kubernetes.github.io/autoscaler', chart: 'cluster-autoscaler', version: chartVersion },
    kubernetes: { min: minor, max: minor }, clusters: ['eks'], requires: [], after: [], bringsCrds: false, usesHooks: false,
  };
}

/**
 * Releases pinned for Kubernetes 1.36 (the platform's target). Every `kubernetes` range names its
 * source; "UNVERIFIED" means no stored upstream source states the range (stacks/README.md lists them).
 */
const FOR_1_36: ReleaseTable = {
  'cert-manager': {
    name: 'cert-manager', token: 'mlp:operators:CertManager', appVersion: 'v1.21.1', namespace: 'cert-manager',
    // v1.19 supports 1.31-1.35 only (cert-manager/website PR #2007, releases table). 1.21 covers 1.33-1.36
    // per a third-party reading of cert-manager's supported-releases table (Rusty-Gopher/kupre v0.3.0
    // notes); the first-party table for 1.21 is not in the stored sources. v1.21.1: newest tag in the
    // stored cert-manager repo (../shared/charts/SOURCES.md); no vendored chart at that tag.
    source: { kind: 'helm', repository: 'https://charts.jetstack.io', chart: 'cert-manager', version: 'v1.21.1' },
    kubernetes: { min: '1.33', max: '1.36' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
  },
  'gpu-operator': {
    name: 'gpu-operator', token: 'mlp:operators:GpuOperator', appVersion: 'v26.7.0', namespace: 'gpu-operator',
    // 26.7.x is NVIDIA's supported line (25.10.x End of Support: cloud-native-docs "Platform Support",
    // review build pr-512). Range: Chart.yaml at v26.7.0 says kubeVersion ">= 1.16.0-0" (../shared/charts/
    // gpu-operator-v26.7.0); Kubernetes 1.36 support arrived in 26.3.2 (release notes, review build
    // pr-428); 1.37 is not confirmed by any stored source.
    source: { kind: 'helm', repository: 'https://helm.ngc.nvidia.com/nvidia', chart: 'gpu-operator', version: 'v26.7.0' },
    // DCGM exporter ServiceMonitors need the prometheus-operator CRDs when monitoring is installed.
    kubernetes: { min: '1.16', max: '1.36' }, clusters: ANY_CLUSTER, requires: [], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: true,
  },
  'kube-prometheus-stack': {
    name: 'kube-prometheus-stack', token: 'mlp:operators:KubePrometheusStack', appVersion: 'v0.93.0', namespace: 'monitoring',
    source: { kind: 'helm', repository: 'https://prometheus-community.github.io/helm-charts', chart: 'kube-prometheus-stack', version: '88.2.0' },
    // Chart.yaml kubeVersion ">=1.25.0-0" (../shared/charts/kube-prometheus-stack-88.2.0): no upper
    // bound; UNVERIFIED above 1.35 (no tested matrix in the stored sources).
    kubernetes: { min: '1.25', max: '1.37' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
  },
  'metrics-server': {
    name: 'metrics-server', token: 'mlp:operators:MetricsServer', appVersion: 'v0.8.1', namespace: 'kube-system',
    // Serves metrics.k8s.io, which every CPU/memory HPA reads. GKE runs its own (a second one
    // would fight over the APIService), so it is installed on local and EKS only.
    source: { kind: 'helm', repository: 'https://kubernetes-sigs.github.io/metrics-server/', chart: 'metrics-server', version: '3.13.1' },
    // UNVERIFIED: the chart (../shared/charts/metrics-server-3.13.1) declares no kubeVersion and no
    // stored source states a range for v0.8.1.
    kubernetes: { min: '1.31', max: '1.37' }, clusters: ['local', 'eks'], requires: [], after: [], bringsCrds: false, usesHooks: false, crdGroups: [],
  },
  'nfs-provisioner': {
    name: 'nfs-provisioner', token: 'mlp:operators:NfsProvisioner', appVersion: 'v4.0.8', namespace: 'nfs-provisioner',
    // The local storage profile's ReadWriteMany class `nfs` (kind's local-path class is node-local).
    source: {
      kind: 'helm', repository: 'https://kubernetes-sigs.github.io/nfs-ganesha-server-and-external-provisioner/', chart: 'nfs-server-provisioner', version: '1.8.0',
    },
    // UNVERIFIED: no kubeVersion in the chart (../shared/charts/nfs-server-provisioner-1.8.0), which
    // uses only GA APIs (v1, apps/v1, rbac/v1, storage/v1, scheduling/v1); no stated range upstream.
    kubernetes: { min: '1.25', max: '1.37' }, clusters: ['local'], requires: [], after: [], bringsCrds: false, usesHooks: false, ownNamespace: true, crdGroups: [],
  },
  'training-operator': {
    name: 'training-operator', token: 'mlp:operators:TrainingOperator', appVersion: 'v1.9.4', namespace: 'kubeflow',
    source: {
      kind: 'kustomize', version: 'v1.9.4',
      url: 'https://github.com/kubeflow/trainer/tree/v1.9.4/manifests/overlays/standalone',
      remote: 'https://github.com/kubeflow/trainer//manifests/overlays/standalone?ref=v1.9.4',
      overlay: 'overlays/standalone',
    },
    // Max: v1.9.4 follows "[release-1.9] Bump v1 Kubernetes dependencies to 1.36 (#3924)" (kubeflow/trainer,
    // ../shared/docs/upstream-2026-12.md §1); maintenance-only branch, nothing says 1.37. Min UNVERIFIED.
    kubernetes: { min: '1.27', max: '1.36' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: false,
  },
  'kubeflow-trainer': {
    name: 'kubeflow-trainer', token: 'mlp:operators:KubeflowTrainer', appVersion: 'v2.3.0', namespace: 'kubeflow-system',
    // Trainer v2 (TrainJob, TrainingRuntime); the chart also installs JobSet, which TrainJobs run as.
    // Same release as the trainer.kubeflow.org CRDs in ../shared/crds/_released (tag v2.3.0). Opt-in.
    source: { kind: 'helm', repository: 'oci://ghcr.io/kubeflow/charts', chart: 'kubeflow-trainer', version: '2.3.0' },
    // "Kubernetes >= 1.31" (README.md of ../shared/charts/kubeflow-trainer-2.3.0): no upper bound stated.
    kubernetes: { min: '1.31', max: '1.37' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
    crdGroups: ['trainer.kubeflow.org', 'jobset.x-k8s.io'],
  },
  'argo-workflows': {
    name: 'argo-workflows', token: 'mlp:operators:ArgoWorkflows', appVersion: 'v4.1.2', namespace: 'argo',
    // Chart 2.x carries Argo v4.1; the values pin the images to appVersion whatever the chart's default.
    source: { kind: 'helm', repository: 'https://argoproj.github.io/argo-helm', chart: 'argo-workflows', version: '2.0.4' },
    // After monitoring: the chart renders its controller ServiceMonitor only when the
    // monitoring.coreos.com/v1 API is already served (`.Capabilities` check in the template).
    // UNVERIFIED: no stored source states a Kubernetes range for Argo Workflows v4.1.
    kubernetes: { min: '1.31', max: '1.37' }, clusters: ANY_CLUSTER, requires: [], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: false,
  },
  'kserve-crd': {
    name: 'kserve-crd', token: 'mlp:operators:KServeCrds', appVersion: 'v0.20.0', namespace: 'kserve',
    source: { kind: 'helm', repository: OCI_KSERVE, chart: 'kserve-crd', version: 'v0.20.0' },
    // UNVERIFIED: no kubeVersion in ../shared/charts/kserve-crd-v0.20.0, no stated range upstream.
    kubernetes: { min: '1.30', max: '1.37' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: false,
  },
  kserve: {
    name: 'kserve', token: 'mlp:operators:KServe', appVersion: 'v0.20.0', namespace: 'kserve',
    // Published as `kserve-resources` since v0.17 (the chart was `kserve` up to v0.15).
    source: { kind: 'helm', repository: OCI_KSERVE, chart: 'kserve-resources', version: 'v0.20.0' },
    // The webhook certificate comes from cert-manager; its CRDs from the kserve-crd release.
    // UNVERIFIED: no kubeVersion in ../shared/charts/kserve-resources-v0.20.0, no stated range upstream.
    kubernetes: { min: '1.30', max: '1.37' }, clusters: ANY_CLUSTER, requires: ['cert-manager', 'kserve-crd'], after: [], bringsCrds: false, usesHooks: false,
  },
  'kserve-runtime-configs': {
    name: 'kserve-runtime-configs', token: 'mlp:operators:KServeRuntimeConfigs', appVersion: 'v0.20.0', namespace: 'kserve',
    // The ClusterServingRuntimes, a chart of their own since v0.17 (kserve-resources has none); rendered only with
    // kserve.servingruntime.enabled. Upstream installs it as release `kserve-runtime-configs` from the same OCI
    // repository and version once the controller is ready (hack/setup/infra/manage.kserve-helm.sh, tag v0.20.0).
    source: { kind: 'helm', repository: OCI_KSERVE, chart: 'kserve-runtime-configs', version: 'v0.20.0' },
    // After kserve: the ClusterServingRuntime CRD (kserve-crd) and KServe's webhooks must exist. Same range as kserve.
    kubernetes: { min: '1.30', max: '1.37' }, clusters: ANY_CLUSTER, requires: ['kserve'], after: [], bringsCrds: false, usesHooks: false, crdGroups: [],
  },
  kueue: {
    name: 'kueue', token: 'mlp:operators:Kueue', appVersion: 'v0.19.2', namespace: 'kueue-system',
    source: { kind: 'helm', repository: 'oci://registry.k8s.io/kueue/charts', chart: 'kueue', version: '0.19.2' },
    // UNVERIFIED: no kubeVersion in ../shared/charts/kueue-0.19.2 and no stated range upstream (CI's
    // verify:cluster runs v0.19.2 against kube-apiserver v1.36.3, which shows it works, not support).
    kubernetes: { min: '1.29', max: '1.37' }, clusters: ANY_CLUSTER, requires: ['cert-manager'], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: false,
  },
  keda: {
    name: 'keda', token: 'mlp:operators:Keda', appVersion: 'v2.21.0', namespace: 'keda',
    // ScaledObjects, and external.metrics.k8s.io for the HPAs KEDA creates. KEDA 2.20 is tested on
    // 1.33-1.35 only, 2.21 on 1.34-1.36 (keda.sh/docs/2.22/operate/cluster, "Kubernetes Compatibility").
    // 2.21.0: Chainguard advisory CGA-f5h7-22pc-mrvp (package keda-2.21, 2026-10); chart version =
    // app version by the KEDA chart's convention, not seen (the vendored chart is 2.20.2). The
    // keda.sh CRDs in ../shared/crds are v2.20.2's.
    source: { kind: 'helm', repository: 'https://kedacore.github.io/charts', chart: 'keda', version: '2.21.0' },
    kubernetes: { min: '1.34', max: '1.36' }, clusters: ANY_CLUSTER, requires: [], after: ['kube-prometheus-stack'], bringsCrds: true, usesHooks: false,
    crdGroups: ['keda.sh'],
  },
  volcano: {
    name: 'volcano', token: 'mlp:operators:Volcano', appVersion: 'v1.15.1', namespace: 'volcano-system',
    source: { kind: 'helm', repository: 'https://volcano-sh.github.io/helm-charts', chart: 'volcano', version: '1.15.1' },
    // UNVERIFIED: no kubeVersion in ../shared/charts/volcano-1.15.1 and no stored compatibility table
    // for v1.15 (v1.15.1 is the newest stable tag there).
    kubernetes: { min: '1.28', max: '1.37' }, clusters: ANY_CLUSTER, requires: [], after: [], bringsCrds: true, usesHooks: true,
  },
  // App 1.36.1 (kubernetes/autoscaler PR #10169: release cluster-autoscaler-1.36.1 published 2026-07-23).
  // No chart defaults to 1.36 (PR #10091 open, #10169 closed): chart 9.59.0, the newest tag (app 1.35.0,
  // ../shared/charts/SOURCES.md), runs the 1.36.1 image by value. UNVERIFIED pairing (chart RBAC/args for 1.36).
  'cluster-autoscaler': clusterAutoscaler('1.36', '1.36.1', '9.59.0'),
  karpenter: {
    name: 'karpenter', token: 'mlp:operators:Karpenter', appVersion: '1.14.1', namespace: 'kube-system',
    // Same release as the karpenter.sh / karpenter.k8s.aws CRDs in ../shared/crds/_released (tag v1.14.1).
    source: { kind: 'helm', repository: 'oci://public.ecr.aws/karpenter', chart: 'karpenter', version: '1.14.1' },
    // MinK8sVersion "1.26" / MaxK8sVersion "1.36", enforced at start (aws/karpenter-provider-aws tag
    // v1.14.1, pkg/providers/version/version.go; hack/docs/compatibilitymatrix_gen/compatibility.yaml).
    // 1.15 (DRA) exists (karpenter.sh v1.15 docs, 2026-10-10) but no stored chart or CRDs.
    kubernetes: { min: '1.26', max: '1.36' }, clusters: ['eks'], requires: [], after: [], bringsCrds: true, usesHooks: false,
  },
};

/** Default operators of the local stack (see `defaultOperators`). */
export const DEFAULT_OPERATORS: readonly SelectableOperatorName[] = defaultOperators('local');

/**
 * Kubernetes 1.35: the same releases, but cluster-autoscaler 1.35.0 (chart 9.59.0 carries app
 * 1.35.0: kubernetes/autoscaler gh-pages index.yaml, 9.54+ = 1.35.0; ../shared/charts/SOURCES.md).
 */
const FOR_1_35: ReleaseTable = { ...FOR_1_36, 'cluster-autoscaler': clusterAutoscaler('1.35', '1.35.0', '9.59.0') };

/**
 * Kubernetes 1.37: the same releases. No cluster-autoscaler 1.37 and no release of cert-manager,
 * KEDA, the GPU operator, training-operator or Karpenter that states 1.37 was found, so their ranges
 * end at 1.36 and `compatibilityProblems` names each of them on 1.37; only a selection without them runs.
 */
const FOR_1_37: ReleaseTable = FOR_1_36;

/**
 * Pinned releases by Kubernetes minor; a new minor is a new row, checked by `checkCompatibility`
 * before anything is created. 1.33 and 1.34 are gone: both left EKS standard support (`RETIRED_MINORS`).
 */
export const OPERATOR_VERSIONS: Readonly<Record<string, ReleaseTable>> = Object.freeze({
  '1.35': FOR_1_35,
  '1.36': FOR_1_36,
  '1.37': FOR_1_37,
});

/**
 * Minors the stacks refuse because they are out of EKS standard support (endoflife.date "Amazon EKS";
 * docs.aws.amazon.com/eks/latest/userguide/kubernetes-versions.html; ../shared/docs/upstream-2026-12.md §0).
 */
export const RETIRED_MINORS: Readonly<Record<string, string>> = Object.freeze({
  '1.34': 'EKS standard support ended 2026-12-02',
  '1.33': 'EKS standard support ended 2026-07-29',
});

/** Minors the map has releases for, ascending. */
export function supportedKubernetesMinors(table: Readonly<Record<string, ReleaseTable>> = OPERATOR_VERSIONS): string[] {
  return Object.keys(table).sort((a, b) => compareMinor(a, b));
}

/** `'1.36.3'` or `'1.36'` → `'1.36'`; throws on anything else. */
export function kubernetesMinorOf(version: string): string {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(version);
  if (!m) throw new Error(`Kubernetes version '${version}' is not of the form 1.36 or 1.36.3`);
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
    const supported = supportedKubernetesMinors(table);
    const retired = RETIRED_MINORS[minor] ?? (compareMinor(minor, supported[0]) < 0 ? 'older than every supported minor, past EKS standard support' : undefined);
    const why = retired ? `Kubernetes ${minor} is no longer supported (${retired})` : `no pinned operator versions for Kubernetes ${minor}`;
    throw new Error(`${why}; supported: ${supported.join(', ')}`);
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
