/**
 * What a stack's cluster provides, as the semantic checks read it (`PlatformTarget`): which
 * installed operator serves which custom resource kinds, how the operators are configured (the
 * same functions configure the installs), the schedulers, metrics APIs, storage and Prometheus.
 * Derived from the stack config and the selected pinned releases only, so the plan can check the
 * charts against it before anything is created.
 */
import { PlatformTarget, poolShapes } from '../../constructs/checks/platform-target';
import { kueueExcludedResourcePrefixes } from '../../constructs/operations/kueue-gpu-resources';
import { EXTERNAL_NVIDIA_DRA_DRIVER, GPU_CLUSTER_DRA_DRIVER, usesGpuClusterStack } from './gpu-dra-values';
import { propError } from '../../constructs/core/errors';
import type { NodePool } from '../../constructs/cluster/node-pool';
import { AccessMode } from '../../constructs/core/volume-types';
import { StorageProfile, StorageProfiles } from '../../constructs/core/storage-profile';
import { KUBERNETES_MINOR } from '../../constructs/core/versions';
import { COSCHEDULING_SCHEDULER_NAME } from '../../constructs/training/gang-scheduling';
import type { ClusterKind, GangSchedulerChoice } from '../cluster/kinds';
import { EXPORTED_METRICS } from './exported-metrics';
import { clusterServingRuntimesOf } from './kserve-runtimes';
import { gangSchedulerName, kueueFrameworks } from './operator-config';
import { ArgoWorkflowsValues, operatorValues } from './values';
import type { ValuesContext } from './values-context';
import { clusterOperators, defaultOperators, installOrder, OperatorName, OperatorRelease, releasesFor, SELECTABLE_OPERATORS, SelectableOperatorName } from './versions';

/**
 * The custom resource kinds (`group/Kind`) each operator's controller acts on, beside the version
 * map: a kind is served only when its operator is installed. Kinds from each release's CRDs:
 * ../shared/crds (SOURCES.md) for the training-operator v1.9.4, Argo v4.1.2, KServe v0.20.0, Kueue
 * v0.19.2, Volcano v1.15.1, KEDA v2.20.2 (the pin is 2.21.0; no stored 2.21 CRDs), Trainer v2.3.0 + JobSet, Karpenter v1.14.1 and the
 * prometheus-operator; cert-manager and the GPU operator from their documented APIs.
 */
export const OPERATOR_KINDS: Readonly<Partial<Record<OperatorName, readonly string[]>>> = {
  'cert-manager': ['cert-manager.io/Certificate', 'cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer', 'cert-manager.io/CertificateRequest'],
  'gpu-operator': ['nvidia.com/ClusterPolicy', 'nvidia.com/NVIDIADriver'],
  'kube-prometheus-stack': [
    'monitoring.coreos.com/ServiceMonitor', 'monitoring.coreos.com/PodMonitor', 'monitoring.coreos.com/PrometheusRule', 'monitoring.coreos.com/Probe',
    'monitoring.coreos.com/ScrapeConfig', 'monitoring.coreos.com/Prometheus', 'monitoring.coreos.com/PrometheusAgent', 'monitoring.coreos.com/Alertmanager',
    'monitoring.coreos.com/AlertmanagerConfig', 'monitoring.coreos.com/ThanosRuler',
  ],
  'training-operator': ['kubeflow.org/TFJob', 'kubeflow.org/PyTorchJob', 'kubeflow.org/MPIJob', 'kubeflow.org/XGBoostJob', 'kubeflow.org/PaddleJob', 'kubeflow.org/JAXJob'],
  'kubeflow-trainer': ['trainer.kubeflow.org/TrainJob', 'trainer.kubeflow.org/TrainingRuntime', 'trainer.kubeflow.org/ClusterTrainingRuntime', 'jobset.x-k8s.io/JobSet'],
  'argo-workflows': [
    'argoproj.io/Workflow', 'argoproj.io/WorkflowTemplate', 'argoproj.io/ClusterWorkflowTemplate', 'argoproj.io/CronWorkflow',
    'argoproj.io/WorkflowEventBinding', 'argoproj.io/WorkflowTaskSet', 'argoproj.io/WorkflowTaskResult', 'argoproj.io/WorkflowArtifactGCTask',
  ],
  // The kserve-crd release only brings these CRDs; the kserve controller is what acts on them.
  kserve: [
    'serving.kserve.io/InferenceService', 'serving.kserve.io/ServingRuntime', 'serving.kserve.io/ClusterServingRuntime', 'serving.kserve.io/InferenceGraph',
    'serving.kserve.io/TrainedModel', 'serving.kserve.io/ClusterStorageContainer', 'serving.kserve.io/LocalModelCache',
  ],
  kueue: [
    'kueue.x-k8s.io/ClusterQueue', 'kueue.x-k8s.io/LocalQueue', 'kueue.x-k8s.io/ResourceFlavor', 'kueue.x-k8s.io/WorkloadPriorityClass', 'kueue.x-k8s.io/Workload',
    'kueue.x-k8s.io/AdmissionCheck', 'kueue.x-k8s.io/Cohort', 'kueue.x-k8s.io/Topology', 'kueue.x-k8s.io/ProvisioningRequestConfig',
    'kueue.x-k8s.io/MultiKueueCluster', 'kueue.x-k8s.io/MultiKueueConfig',
  ],
  keda: ['keda.sh/ScaledObject', 'keda.sh/ScaledJob', 'keda.sh/TriggerAuthentication', 'keda.sh/ClusterTriggerAuthentication'],
  volcano: ['scheduling.volcano.sh/PodGroup', 'scheduling.volcano.sh/Queue', 'batch.volcano.sh/Job'],
  karpenter: ['karpenter.sh/NodePool', 'karpenter.sh/NodeClaim', 'karpenter.k8s.aws/EC2NodeClass'],
};

/**
 * scheduler-plugins (coscheduling as a second scheduler) has no published Helm chart to pin
 * (kubernetes-sigs/scheduler-plugins `manifests/install/charts/as-a-second-scheduler` is installed
 * from a clone), so `gangScheduler: scheduler-plugins` means it is installed out of band; its
 * controller serves these kinds and its scheduler `scheduler-plugins-scheduler`.
 */
export const SCHEDULER_PLUGINS = { operator: 'scheduler-plugins', kinds: ['scheduling.x-k8s.io/PodGroup', 'scheduling.x-k8s.io/ElasticQuota'] } as const;

/** What of the stack config the target depends on. */
export interface TargetConfig {
  readonly cluster: ClusterKind;
  /** @default 'none' */
  readonly gangScheduler?: GangSchedulerChoice;
  /** local: an existing ReadWriteMany class to use instead of the NFS provisioner's. */
  readonly localSharedStorageClass?: string;
  /** Row of the version map the hints for uninstalled operators come from. @default KUBERNETES_MINOR */
  readonly kubernetesVersion?: string;
  /** The cluster's node pools (sizes and counts for the capacity and placement checks). @default - unknown */
  readonly pools?: readonly NodePool[];
  /** 'external': NVIDIA's DRA driver is installed out of band (`StackConfig.draDriver`). @default - none */
  readonly draDriver?: 'external';
  /** local: the existing nodes named per pool (a local pool has exactly those). @default - none */
  readonly poolNodes?: Readonly<Record<string, readonly string[]>>;
  /** KServe's ingress domain (values context). @default 'example.com' */
  readonly domain?: string;
}

/** The operators' Helm values (`operatorValues`; tests pass a variant to see the target follow them). */
export type OperatorValuesFn = (name: OperatorName, ctx: ValuesContext) => Record<string, unknown> | undefined;

/**
 * Whether argo-workflows values give the controller configmaps create/update: `controller.rbac.
 * writeConfigMaps` with the controller's RBAC rendered at all (`rbac.create`, default true; argo-helm
 * templates/controller/workflow-controller-cluster-roles.yaml).
 */
export function argoControllerWritesConfigMaps(values: Record<string, unknown> | undefined): boolean {
  const rbac = (values as Partial<ArgoWorkflowsValues> | undefined)?.controller?.rbac as { writeConfigMaps?: boolean; create?: boolean } | undefined;
  return rbac?.writeConfigMaps === true && rbac.create !== false;
}

/** `group/Kind` → operator, for the operators installed (KServe needs its controller, not only its CRDs). */
export function servedKinds(operators: readonly string[], gangScheduler: GangSchedulerChoice = 'none'): Map<string, string> {
  const served = new Map<string, string>();
  for (const [operator, kinds] of Object.entries(OPERATOR_KINDS)) {
    if (!operators.includes(operator)) continue;
    if (operator === 'kserve' && !operators.includes('kserve-crd')) continue;
    for (const kind of kinds!) served.set(kind, operator);
  }
  if (gangScheduler === 'scheduler-plugins') for (const kind of SCHEDULER_PLUGINS.kinds) served.set(kind, SCHEDULER_PLUGINS.operator);
  return served;
}

/** Kinds an operator of the version map would serve if added to `operators` (hints in messages). */
export function installableKinds(config: TargetConfig, installed: readonly string[]): Map<string, string> {
  const table = releasesFor(config.kubernetesVersion ?? KUBERNETES_MINOR);
  const hints = new Map<string, string>();
  for (const [operator, kinds] of Object.entries(OPERATOR_KINDS)) {
    const release = table[operator as OperatorName];
    if (installed.includes(operator) || !release.clusters.includes(config.cluster)) continue;
    for (const kind of kinds!) hints.set(kind, operator);
  }
  return hints;
}

/**
 * The storage profile of the cluster kind: what the stack installs (EKS: EBS + EFS CSI add-ons and
 * their classes, stacks/cluster/eks-storage.ts; GKE: the Filestore CSI add-on, gke-storage.ts;
 * local: the NFS provisioner, or the configured existing class).
 */
export function storageProfileFor(config: TargetConfig): StorageProfile {
  switch (config.cluster) {
    case 'eks':
      return StorageProfiles.EKS;
    case 'gke':
      return StorageProfiles.GKE;
    case 'local':
      return config.localSharedStorageClass
        ? { ...StorageProfiles.LOCAL, shared: { name: config.localSharedStorageClass, accessModes: [AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY, AccessMode.READ_WRITE_ONCE] } }
        : StorageProfiles.LOCAL;
  }
}

/**
 * The target of a stack: its config and the releases it installs (or checks against, when external).
 * What the operators are configured with is read from their values (`valuesOf`, the stack's own).
 */
export function platformTarget(config: TargetConfig, releases: readonly OperatorRelease[], valuesOf: OperatorValuesFn = operatorValues): PlatformTarget {
  const operators = releases.map((r) => r.name);
  const has = (o: OperatorName) => operators.includes(o);
  const ctx: ValuesContext = {
    cluster: config.cluster, pools: config.pools ?? [], operators, releases, domain: config.domain ?? 'example.com', gangScheduler: config.gangScheduler,
  };
  const values = (o: OperatorName) => (has(o) ? valuesOf(o, ctx) : undefined);
  const gangScheduler = config.gangScheduler ?? 'none';
  const schedulers = new Set(['default-scheduler']);
  if (has('volcano')) schedulers.add('volcano');
  if (gangScheduler === 'scheduler-plugins') schedulers.add(COSCHEDULING_SCHEDULER_NAME);
  const prometheus = releases.find((r) => r.name === 'kube-prometheus-stack');
  return {
    source: `the ${config.cluster} stack's config`,
    nodePools: config.pools ? poolShapes(config.pools.map((p) => (config.poolNodes?.[p.name] ? { ...poolFields(p), maxSize: config.poolNodes[p.name].length } : poolFields(p)))) : undefined,
    servedKinds: servedKinds(operators, gangScheduler),
    installableKinds: installableKinds(config, operators),
    operators: gangScheduler === 'scheduler-plugins' ? [...operators, SCHEDULER_PLUGINS.operator] : operators,
    schedulers,
    trainingOperator: has('training-operator')
      ? { gangScheduler: gangSchedulerName(gangScheduler), restrictedPyTorchInitContainer: true }
      : undefined,
    kueue: has('kueue') ? { frameworks: kueueFrameworks({ operators }), fairSharing: true, excludedResourcePrefixes: kueueExcludedResourcePrefixes(config.pools ?? []) } : undefined,
    // operator values: kserve.controller.deploymentMode 'Standard'; the stack installs no Knative.
    kserve: has('kserve')
      ? { defaultDeploymentMode: 'Standard', knative: false, clusterServingRuntimes: clusterServingRuntimesOf(values('kserve-runtime-configs')) }
      : undefined,
    // values.ts configures no artifact repository for the argo-workflows chart.
    argo: has('argo-workflows') ? { artifactRepository: false, controllerWritesConfigMaps: argoControllerWritesConfigMaps(values('argo-workflows')) } : undefined,
    metricsApis: {
      // GKE serves metrics.k8s.io itself; elsewhere the stack's metrics-server does.
      resource: config.cluster === 'gke' || has('metrics-server'),
      // No Prometheus adapter is installed: nothing serves custom.metrics.k8s.io.
      custom: false,
      external: has('keda'),
    },
    storage: storageProfileFor(config),
    prometheus: prometheus
      ? { namespace: prometheus.namespace, exportedMetrics: operators.flatMap((o) => EXPORTED_METRICS[o] ?? []) }
      : undefined,
    // The gpu-operator installs the DRA driver when every GPU pool allocates through DRA (gpu-dra-values.ts);
    // else the config may say one is installed out of band.
    draDriver: config.draDriver === 'external' ? EXTERNAL_NVIDIA_DRA_DRIVER
      : has('gpu-operator') && usesGpuClusterStack(config.pools ?? []) ? GPU_CLUSTER_DRA_DRIVER : undefined,
  };
}

/** Options of `defaultPlatformTarget`. */
export interface DefaultTargetOptions {
  /**
   * Operators installed beside the cluster's defaults, as the config's `operators` would add them:
   * the opt-in ones (`volcano`) or any other the version map offers on the cluster.
   * @default - none: the cluster's default operators only
   */
  readonly operators?: readonly string[];
  /** The stack's `gangScheduler` (e.g. 'volcano' with `operators: ['volcano']`). @default 'none' */
  readonly gangScheduler?: GangSchedulerChoice;
  /** The stack's `draDriver`. @default - none */
  readonly draDriver?: 'external';
}

/**
 * The target of a stack at its defaults for `cluster` (default operators, no gang scheduler)
 * plus `options.operators`: what `npm run synth` builds and checks the example charts for (the
 * local stack's), or a synth target for charts that use an opt-in operator.
 * @throws naming `options.operators[i]` and the value for an operator the version map does not
 * offer on the cluster.
 */
export function defaultPlatformTarget(cluster: ClusterKind = 'local', pools?: readonly NodePool[], options: DefaultTargetOptions = {}): PlatformTarget {
  const table = releasesFor(KUBERNETES_MINOR);
  const where = { kind: 'defaultPlatformTarget', path: cluster };
  const extra = (options.operators ?? []).map((o, i) => {
    const offered = SELECTABLE_OPERATORS.filter((s) => table[s].clusters.includes(cluster));
    if (!offered.includes(o as SelectableOperatorName)) throw propError(where, `options.operators[${i}]`, o, `not an operator the ${cluster} stack installs; use one of ${offered.join(', ')}`);
    return o as SelectableOperatorName;
  });
  const operators = [...new Set([...clusterOperators(cluster, undefined), ...defaultOperators(cluster), ...extra])];
  return platformTarget({ cluster, pools, gangScheduler: options.gangScheduler, draDriver: options.draDriver }, installOrder(table, operators));
}

/** The fields of a pool the shapes are computed from. */
function poolFields(p: NodePool) {
  return { name: p.name, maxSize: p.maxSize, cpuPerNode: p.cpuPerNode, memoryPerNode: p.memoryPerNode, gpusPerNode: p.gpusPerNode, gpuUnitsPerNode: p.gpuUnitsPerNode };
}
