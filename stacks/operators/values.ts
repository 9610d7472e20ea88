/**
 * Typed Helm values for each operator. Known keys are typed; the open `[k: string]: unknown`
 * index is the escape hatch. Builders are pure and serialize with sorted keys (stable diffs).
 */
import { NodePool } from '../../constructs/cluster/node-pool';
import { Labels } from '../../constructs/core/labels';
import { KUBERNETES_MINOR } from '../../constructs/core/versions';
import { GKE_GPU_OPERATOR_VALUES, kedaValues, kserveRuntimeConfigsValues, kubeflowTrainerValues, metricsServerValues, nfsProvisionerValues } from './addon-values';
import { kueueConfigurationYaml } from './operator-config';
import { ValuesContext } from './values-context';
import { OperatorName, releasesFor } from './versions';
import { gpuDraValues } from './gpu-dra-values';
import { gpuSharingValues } from './gpu-sharing-values';

/** A Kubernetes toleration as Helm values carry it. */
export interface TolerationValue {
  readonly key: string;
  readonly operator: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect: string;
}

/** Values of the cert-manager chart. */
export interface CertManagerValues {
  /** Install and upgrade the CRDs from templates (Helm never upgrades a chart's crds/ folder). */
  readonly crds: { readonly enabled: boolean; readonly keep: boolean };
  readonly [k: string]: unknown;
}

/** Values of NVIDIA's gpu-operator chart. */
export interface GpuOperatorValues {
  /** Install the driver container; managed clusters (EKS NVIDIA AMI, GKE) ship the driver already. */
  readonly driver: { readonly enabled: boolean };
  /** GKE: enabled, installed under GKE's driver directory (`GKE_GPU_OPERATOR_VALUES`). */
  readonly toolkit: { readonly enabled: boolean; readonly installDir?: string };
  /**
   * DCGM exporter: GPU metrics, scraped through the ServiceMonitor the operator itself creates when
   * monitoring is installed (`DCGM_EXPORTER_METRICS`; the charts add none). `honorLabels` keeps the
   * exporter's own `pod`/`namespace` labels (the workload using the GPU) instead of Prometheus
   * overwriting them with the exporter pod's.
   */
  readonly dcgmExporter: { readonly enabled: boolean; readonly serviceMonitor: { readonly enabled: boolean; readonly honorLabels: boolean } };
  /** Tolerations of the operator's daemonsets: exactly the GPU pools' taints. */
  readonly daemonsets: { readonly tolerations: readonly TolerationValue[] };
  readonly [k: string]: unknown;
}

/** Values of the kube-prometheus-stack chart. */
export interface KubePrometheusStackValues {
  readonly crds: { readonly enabled: boolean };
  /** Pick up ServiceMonitors/PodMonitors from every namespace, not only the release's. */
  readonly prometheus: { readonly prometheusSpec: { readonly serviceMonitorSelectorNilUsesHelmValues: boolean; readonly podMonitorSelectorNilUsesHelmValues: boolean } };
  readonly [k: string]: unknown;
}

/** A container security context that Pod Security `restricted` admits on its own (no pod-level help needed). */
export interface RestrictedContainerContext {
  readonly runAsNonRoot: true;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly allowPrivilegeEscalation: false;
  readonly readOnlyRootFilesystem: true;
  readonly capabilities: { readonly drop: readonly ['ALL'] };
  readonly seccompProfile: { readonly type: 'RuntimeDefault' };
}

/**
 * UID/GID of every Argo Workflows image: workflow-controller, argocli (server) and
 * argoexec-nonroot declare `USER 8737` (argo-workflows `Dockerfile`); Argo's security-context
 * docs use 8737 for workflow pods. The default `argoexec` image declares no user (root), so the
 * executor needs the explicit `runAsUser`, or `runAsNonRoot` makes the kubelet refuse it.
 */
export const ARGO_UID = 8737;

/** Restricted context for Argo's containers; the init/wait executors and the server write only to emptyDirs. */
export const ARGO_RESTRICTED: RestrictedContainerContext = {
  runAsNonRoot: true,
  runAsUser: ARGO_UID,
  runAsGroup: ARGO_UID,
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ['ALL'] },
  seccompProfile: { type: 'RuntimeDefault' },
};

/** Pod-level part of `ARGO_RESTRICTED` for the controller and server Deployments. */
export const ARGO_RESTRICTED_POD = { runAsNonRoot: true, runAsUser: ARGO_UID, runAsGroup: ARGO_UID, seccompProfile: { type: 'RuntimeDefault' } } as const;

/**
 * Values of the argo-workflows chart (argoproj/argo-helm `charts/argo-workflows/values.yaml`).
 * Security keys used, as the chart's templates read them:
 * - `executor.securityContext` → the controller ConfigMap's `executor.securityContext`
 *   (`templates/controller/workflow-controller-config-map.yaml`), which the controller applies to
 *   the init and wait containers it injects into every workflow pod (emissary executor);
 * - `controller.podSecurityContext` / `controller.securityContext` → the workflow-controller
 *   Deployment's pod / container (`templates/controller/workflow-controller-deployment.yaml`);
 * - `server.podSecurityContext` / `server.securityContext` → the argo-server Deployment's pod /
 *   container (`templates/server/server-deployment.yaml`, which mounts an emptyDir at /tmp).
 * The chart's own defaults for the two containers lack `seccompProfile` (and the server's sets
 * `readOnlyRootFilesystem: false`); the executor's default is `{}`.
 */
export interface ArgoWorkflowsValues {
  /**
   * `full: false`: the CRDs are plain templates (`templates/crds.yaml`, the minimal CRDs of
   * `files/crds/minimal`). With the chart's default `full: true` they come only from a pre-install
   * hook Job (`templates/crds-install-job.yaml`) running kubectl against
   * raw.githubusercontent.com: nothing installs them where the cluster cannot reach GitHub (air-gapped,
   * `chartsDir`), and helm.v4.Chart does not run hooks as hooks. Seen by verify:cluster, which installs
   * what the chart renders with these values (argo-helm argo-workflows 1.0.18; UNCONFIRMED for the
   * pinned 2.0.4, which no stored source has).
   */
  readonly crds: { readonly install: boolean; readonly keep: boolean; readonly full: boolean };
  /** Image tag of controller, server and executor: the pinned appVersion, not the chart's default. */
  readonly images: { readonly tag: string };
  /**
   * Injected init/wait containers of every workflow pod: without a restricted context here Pod
   * Security `restricted` (every team and pipeline namespace) rejects each workflow pod.
   */
  readonly executor: { readonly securityContext: RestrictedContainerContext };
  /**
   * Controller pod/container security, plus its metrics: `metricsConfig.enabled` renders the metrics
   * Service, `serviceMonitor.enabled` its ServiceMonitor (`ARGO_CONTROLLER_METRICS`), both only
   * when monitoring is installed.
   */
  readonly controller: {
    readonly podSecurityContext: typeof ARGO_RESTRICTED_POD;
    readonly securityContext: RestrictedContainerContext;
    readonly metricsConfig: { readonly enabled: boolean };
    readonly serviceMonitor: { readonly enabled: boolean };
    /**
     * `writeConfigMaps` adds configmaps create/update to the controller's ClusterRole
     * (`templates/controller/workflow-controller-cluster-roles.yaml:168`, default false at values.yaml:155
     * of argo-helm argo-workflows 1.0.18): memoization saves its caches with the controller's own client.
     */
    readonly rbac: { readonly writeConfigMaps: boolean };
  };
  /** `client` auth: the UI acts with the caller's own Kubernetes token (no shared identity). */
  readonly server: {
    readonly authModes: readonly ('client' | 'server' | 'sso')[];
    readonly serviceType: 'ClusterIP';
    readonly podSecurityContext: typeof ARGO_RESTRICTED_POD;
    readonly securityContext: RestrictedContainerContext;
  };
  readonly [k: string]: unknown;
}

/** Values of the kserve chart. */
export interface KServeValues {
  readonly kserve: {
    readonly controller: {
      /**
       * Default for InferenceServices without the annotation: `Standard` (Deployment + HPA, no
       * Knative/Istio; called `RawDeployment` before KServe 0.16) or `Knative` (was `Serverless`).
       */
      readonly deploymentMode: 'Standard' | 'Knative';
      readonly gateway: { readonly domain: string };
    };
  };
  readonly [k: string]: unknown;
}

/** Values of the kueue chart. */
export interface KueueValues {
  readonly enableCertManager: boolean;
  /** The controller's ServiceMonitor (`KUEUE_CONTROLLER_METRICS`), in the monitoring namespace. */
  readonly enablePrometheus: boolean;
  /** The whole manager Configuration (`kueueConfiguration`), replacing the chart's default. */
  readonly managerConfig: { readonly controllerManagerConfigYaml: string };
  readonly metrics: { readonly prometheusNamespace: string };
  readonly [k: string]: unknown;
}

/** Restricted-profile security context of a controller pod and its container. */
export interface RestrictedSecurityContext {
  readonly pod: { readonly runAsNonRoot: true; readonly runAsUser: number; readonly runAsGroup: number; readonly fsGroup: number; readonly seccompProfile: { readonly type: 'RuntimeDefault' } };
  readonly container: { readonly allowPrivilegeEscalation: false; readonly readOnlyRootFilesystem: true; readonly capabilities: { readonly drop: readonly ['ALL'] } };
}

/** Pod Security `restricted` for the autoscaler controllers (both images run as 65532, distroless). */
export const RESTRICTED: RestrictedSecurityContext = {
  pod: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
  container: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
};

/** Name of the system node group; its nodes carry `mlpatterns.dev/node-pool: system`. */
export const SYSTEM_POOL_NAME = 'system';

/** ServiceAccount names the EKS Pod Identity associations bind the IAM roles to. */
export const AUTOSCALER_SERVICE_ACCOUNTS = { 'cluster-autoscaler': 'cluster-autoscaler', karpenter: 'karpenter' } as const;

/**
 * Values of the cluster-autoscaler chart (kubernetes/autoscaler `charts/cluster-autoscaler`).
 * @see https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/FAQ.md#what-are-the-parameters-to-ca
 */
export interface ClusterAutoscalerValues {
  readonly cloudProvider: 'aws';
  readonly awsRegion: string;
  /** ASGs tagged `k8s.io/cluster-autoscaler/enabled` + `k8s.io/cluster-autoscaler/<clusterName>` (EKS tags managed groups). */
  readonly autoDiscovery: { readonly clusterName: string };
  /** Image pinned to the release's appVersion, whatever the chart default. */
  readonly image: { readonly tag: string };
  /** The ServiceAccount the Pod Identity association names (no annotation: Pod Identity, not IRSA). */
  readonly rbac: { readonly serviceAccount: { readonly create: true; readonly name: string } };
  readonly extraArgs: {
    readonly 'balance-similar-node-groups': boolean;
    readonly expander: 'least-waste' | 'priority' | 'random' | 'most-pods';
    readonly 'skip-nodes-with-system-pods': boolean;
    readonly 'skip-nodes-with-local-storage': boolean;
    readonly 'scale-down-enabled': boolean;
    readonly 'scale-down-unneeded-time': string;
    readonly 'scale-down-delay-after-add': string;
    readonly 'scale-down-utilization-threshold': number;
    /** GPU nodes: capacity from the node-template tags/DescribeNodegroup until the device plugin reports. */
    readonly 'max-node-provision-time': string;
    readonly 'leader-elect': boolean;
  };
  readonly replicaCount: number;
  readonly priorityClassName: 'system-cluster-critical';
  readonly securityContext: RestrictedSecurityContext['pod'];
  readonly containerSecurityContext: RestrictedSecurityContext['container'];
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: readonly { key: string; operator: 'Exists' }[];
  readonly resources: { readonly requests: { cpu: string; memory: string }; readonly limits: { memory: string } };
  readonly [k: string]: unknown;
}

/** Values of the Karpenter chart (aws/karpenter-provider-aws `charts/karpenter`). */
export interface KarpenterValues {
  readonly settings: { readonly clusterName: string };
  readonly serviceAccount: { readonly name: string };
  readonly replicas: number;
  readonly priorityClassName: 'system-cluster-critical';
  readonly podSecurityContext: RestrictedSecurityContext['pod'];
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: readonly { key: string; operator: 'Exists' }[];
  readonly controller: { readonly resources: { readonly requests: { cpu: string; memory: string }; readonly limits: { memory: string } } };
  readonly [k: string]: unknown;
}

/** Tolerations for every taint of every GPU pool, deduplicated (derived from the pool model). */
export function gpuPoolTolerations(pools: readonly NodePool[]): TolerationValue[] {
  const seen = new Map<string, TolerationValue>();
  for (const pool of pools.filter((p) => p.isGpu)) {
    for (const t of pool.tolerations()) {
      const v: TolerationValue = t.value === undefined
        ? { key: t.key!, operator: 'Exists', effect: t.effect! }
        : { key: t.key!, operator: 'Equal', value: t.value, effect: t.effect! };
      seen.set(JSON.stringify(v), v);
    }
  }
  return [...seen.values()];
}

/** Helm values for `name` (undefined for kustomize-installed operators), keys sorted. */
export function operatorValues(name: OperatorName, ctx: ValuesContext): Record<string, unknown> | undefined {
  const monitoring = ctx.operators.includes('kube-prometheus-stack');
  const certManager = ctx.operators.includes('cert-manager');
  switch (name) {
    case 'cert-manager':
      return sortKeys({ crds: { enabled: true, keep: true } } satisfies CertManagerValues);
    case 'gpu-operator':
      return sortKeys({
        driver: { enabled: ctx.cluster === 'local' },
        toolkit: { enabled: ctx.cluster === 'local' },
        ...(ctx.cluster === 'gke' ? GKE_GPU_OPERATOR_VALUES : {}),
        dcgmExporter: { enabled: true, serviceMonitor: { enabled: monitoring, honorLabels: true } },
        daemonsets: { tolerations: gpuPoolTolerations(ctx.pools) },
        ...gpuSharingValues(ctx.pools),
        // After the base: with DRA pools the driver stays on where it was (local) but needs the NVIDIADriver CRD.
        ...gpuDraValues(ctx.pools, ctx.cluster === 'local'),
      } satisfies GpuOperatorValues);
    case 'kube-prometheus-stack':
      return sortKeys({
        crds: { enabled: true },
        prometheus: { prometheusSpec: { serviceMonitorSelectorNilUsesHelmValues: false, podMonitorSelectorNilUsesHelmValues: false } },
      } satisfies KubePrometheusStackValues);
    case 'argo-workflows':
      return sortKeys({
        crds: { install: true, keep: true, full: false },
        images: { tag: ctx.releases?.find((r) => r.name === 'argo-workflows')?.appVersion ?? releasesFor(KUBERNETES_MINOR)['argo-workflows'].appVersion },
        executor: { securityContext: ARGO_RESTRICTED },
        controller: {
          podSecurityContext: ARGO_RESTRICTED_POD, securityContext: ARGO_RESTRICTED,
          metricsConfig: { enabled: monitoring }, serviceMonitor: { enabled: monitoring },
          // Memoized steps (constructs/workflow `memoize`) fail without it; stacks/README.md on the scope.
          rbac: { writeConfigMaps: true },
        },
        server: { authModes: ['client'], serviceType: 'ClusterIP', podSecurityContext: ARGO_RESTRICTED_POD, securityContext: ARGO_RESTRICTED },
      } satisfies ArgoWorkflowsValues);
    case 'kserve':
      return sortKeys({
        kserve: { controller: { deploymentMode: 'Standard', gateway: { domain: ctx.domain } } },
      } satisfies KServeValues);
    case 'kserve-runtime-configs':
      return sortKeys(kserveRuntimeConfigsValues(ctx));
    case 'kueue':
      return sortKeys({
        enableCertManager: certManager,
        enablePrometheus: monitoring,
        managerConfig: { controllerManagerConfigYaml: kueueConfigurationYaml(ctx) },
        metrics: { prometheusNamespace: namespaceOf(ctx, 'kube-prometheus-stack') },
      } satisfies KueueValues);
    case 'metrics-server':
      return sortKeys(metricsServerValues(ctx));
    case 'nfs-provisioner':
      return sortKeys(nfsProvisionerValues(ctx));
    case 'keda':
      return sortKeys(kedaValues(ctx));
    case 'kubeflow-trainer':
      return sortKeys(kubeflowTrainerValues(ctx));
    case 'cluster-autoscaler':
      return sortKeys(clusterAutoscalerValues(ctx));
    case 'karpenter':
      return sortKeys({
        settings: { clusterName: required(ctx, 'clusterName', name) },
        serviceAccount: { name: AUTOSCALER_SERVICE_ACCOUNTS.karpenter },
        replicas: 2,
        priorityClassName: 'system-cluster-critical',
        podSecurityContext: RESTRICTED.pod,
        ...scheduling(),
        controller: { resources: { requests: { cpu: '500m', memory: '512Mi' }, limits: { memory: '1Gi' } } },
      } satisfies KarpenterValues);
    case 'kserve-crd':
    case 'volcano':
      return {};
    case 'training-operator':
      return undefined;
  }
}

/** cluster-autoscaler values: discovery by the cluster's tags, least-waste, balanced groups, system pool. */
export function clusterAutoscalerValues(ctx: ValuesContext): ClusterAutoscalerValues {
  const release = ctx.releases?.find((r) => r.name === 'cluster-autoscaler') ?? releasesFor(KUBERNETES_MINOR)['cluster-autoscaler'];
  return {
    cloudProvider: 'aws',
    awsRegion: required(ctx, 'awsRegion', 'cluster-autoscaler'),
    autoDiscovery: { clusterName: required(ctx, 'clusterName', 'cluster-autoscaler') },
    image: { tag: `v${release.appVersion}` },
    rbac: { serviceAccount: { create: true, name: AUTOSCALER_SERVICE_ACCOUNTS['cluster-autoscaler'] } },
    extraArgs: {
      'balance-similar-node-groups': true,
      // Picks the group wasting the least CPU/memory: the smallest GPU node that fits the pod.
      expander: 'least-waste',
      'skip-nodes-with-system-pods': false,
      // Training pods with emptyDir scratch must not pin an idle GPU node forever.
      'skip-nodes-with-local-storage': false,
      'scale-down-enabled': true,
      'scale-down-unneeded-time': '10m',
      'scale-down-delay-after-add': '10m',
      'scale-down-utilization-threshold': 0.5,
      'max-node-provision-time': '15m',
      'leader-elect': true,
    },
    replicaCount: 1,
    priorityClassName: 'system-cluster-critical',
    securityContext: RESTRICTED.pod,
    containerSecurityContext: RESTRICTED.container,
    ...scheduling(),
    resources: { requests: { cpu: '100m', memory: '300Mi' }, limits: { memory: '600Mi' } },
  };
}

function scheduling(): { nodeSelector: Record<string, string>; tolerations: { key: string; operator: 'Exists' }[] } {
  return { nodeSelector: { [Labels.NODE_POOL]: SYSTEM_POOL_NAME }, tolerations: [{ key: 'CriticalAddonsOnly', operator: 'Exists' }] };
}

/** Namespace of an operator in this selection (the pinned table's when the context has no releases). */
function namespaceOf(ctx: ValuesContext, name: OperatorName): string {
  return ctx.releases?.find((r) => r.name === name)?.namespace ?? releasesFor(KUBERNETES_MINOR)[name].namespace;
}

function required(ctx: ValuesContext, key: 'clusterName' | 'awsRegion', operator: OperatorName): string {
  const v = ctx[key];
  if (!v) throw new Error(`${operator} values need '${key}' (set for eks stacks by the program)`);
  return v;
}

/** Deep copy with object keys sorted, so serialized values never reorder between runs. */
export function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sortKeys(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value as object).sort()) out[k] = sortKeys((value as Record<string, unknown>)[k]);
    return out as T;
  }
  return value;
}
