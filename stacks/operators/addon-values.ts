/**
 * Helm values of the operators that give the platform what its charts assume of a cluster beyond
 * the ML operators: resource metrics (metrics-server), event-driven autoscaling (KEDA), shared
 * storage on a local cluster (NFS provisioner), Kubeflow Trainer v2; and the monitoring endpoints
 * the installed charts expose (what the charts' monitors must select, and must not duplicate).
 */
import { StorageProfiles } from '../../constructs/core/storage-profile';
import type { ValuesContext } from './values-context';
import { OperatorRelease } from './versions';

/** The release of `name` among the context's releases (its pinned appVersion tags the images). */
function appVersionOf(ctx: ValuesContext, name: OperatorRelease['name'], fallback: string): string {
  return ctx.releases?.find((r) => r.name === name)?.appVersion ?? fallback;
}

/**
 * A metrics endpoint an installed chart exposes and scrapes with its own ServiceMonitor: the
 * charts must not add a second monitor for it (Prometheus would ingest every series twice).
 */
export interface OperatorMetricsEndpoint {
  readonly operator: OperatorRelease['name'];
  readonly namespace: string;
  readonly service: string;
  /** Labels of the Service (what a ServiceMonitor's selector matches). */
  readonly serviceLabels: Readonly<Record<string, string>>;
  readonly portName: string;
  readonly port: number;
  readonly scheme: 'http' | 'https';
  /** Name of the ServiceMonitor the chart or operator creates for it. */
  readonly serviceMonitor: string;
}

/**
 * NVIDIA DCGM exporter, deployed and monitored by the GPU operator itself when
 * `dcgmExporter.serviceMonitor.enabled` (NVIDIA/gpu-operator `assets/state-dcgm-exporter/0600_service.yaml`
 * and `0500_service_monitor.yaml`; ClusterPolicy `DCGMExporterServiceMonitorConfig`). The Helm value
 * names mirror the ClusterPolicy fields; `dcgmExporter.serviceMonitor.{enabled,honorLabels}` are in the v26.7.0
 * chart's values.yaml (../shared/charts/gpu-operator-v26.7.0).
 */
export const DCGM_EXPORTER_METRICS: OperatorMetricsEndpoint = {
  operator: 'gpu-operator', namespace: 'gpu-operator', service: 'nvidia-dcgm-exporter', serviceLabels: { app: 'nvidia-dcgm-exporter' },
  portName: 'gpu-metrics', port: 9400, scheme: 'http', serviceMonitor: 'nvidia-dcgm-exporter',
};

/**
 * gpu-operator values on GKE with Google's driver installer (NVIDIA cloud-native-docs
 * `gpu-operator/google-gke.rst`, "Using the Google Driver Installer": `driver.enabled=false`,
 * `hostPaths.driverInstallDir` and `toolkit.installDir` = `/home/kubernetes/bin/nvidia`, the
 * writable, stateful place GKE's installer puts the driver; `cdi.enabled=true`). The page's
 * `cdi.default` is not a value of the pinned v26.7.0 chart (its values.yaml has `cdi.enabled`, on
 * by default, and `cdi.nriPluginEnabled` only), so it is left out. The node label and the
 * PriorityClass quota are the cluster's (stacks/cluster/gke-gpu-operator.ts).
 */
export const GKE_GPU_OPERATOR_VALUES = Object.freeze({
  driver: { enabled: false },
  toolkit: { enabled: true, installDir: '/home/kubernetes/bin/nvidia' },
  hostPaths: { driverInstallDir: '/home/kubernetes/bin/nvidia' },
  cdi: { enabled: true },
});

/**
 * Argo Workflows controller metrics (argo-helm `charts/argo-workflows`: Service
 * `templates/controller/workflow-controller-service.yaml`, rendered when `controller.metricsConfig.enabled`;
 * ServiceMonitor `…/workflow-controller-servicemonitor.yaml`; the release is named `argo-workflows`,
 * so the chart's fullname is the release name). Read from argo-helm 2.0.1's templates, not 2.0.4's.
 */
export const ARGO_CONTROLLER_METRICS: OperatorMetricsEndpoint = {
  operator: 'argo-workflows', namespace: 'argo', service: 'argo-workflows-workflow-controller',
  serviceLabels: {
    'app.kubernetes.io/name': 'argo-workflows-workflow-controller', 'app.kubernetes.io/instance': 'argo-workflows',
    'app.kubernetes.io/component': 'workflow-controller', 'app.kubernetes.io/part-of': 'argo-workflows',
  },
  portName: 'metrics', port: 8080, scheme: 'http', serviceMonitor: 'argo-workflows-workflow-controller',
};

/**
 * Kueue controller metrics (kubernetes-sigs/kueue `charts/kueue`: Service
 * `<fullname>-controller-manager-metrics-service` port `https` 8443, ServiceMonitor
 * `<fullname>-controller-manager-metrics-monitor` when `enablePrometheus`; release `kueue`).
 */
export const KUEUE_CONTROLLER_METRICS: OperatorMetricsEndpoint = {
  operator: 'kueue', namespace: 'kueue-system', service: 'kueue-controller-manager-metrics-service',
  serviceLabels: { 'control-plane': 'controller-manager' },
  portName: 'https', port: 8443, scheme: 'https', serviceMonitor: 'kueue-controller-manager-metrics-monitor',
};

/** The endpoints the installed operators monitor themselves, given the selection. */
export function operatorMetricsEndpoints(operators: readonly string[]): OperatorMetricsEndpoint[] {
  if (!operators.includes('kube-prometheus-stack')) return [];
  return [DCGM_EXPORTER_METRICS, ARGO_CONTROLLER_METRICS, KUEUE_CONTROLLER_METRICS].filter((e) => operators.includes(e.operator));
}

/**
 * metrics-server (kubernetes-sigs/metrics-server `charts/metrics-server`): serves metrics.k8s.io
 * for CPU/memory HPAs. kind's kubelets serve self-signed certificates, so the local stack passes
 * `--kubelet-insecure-tls` (the metrics-server README's advice for kind); EKS kubelets' serving
 * certificates are signed by the cluster CA.
 */
export function metricsServerValues(ctx: ValuesContext): Record<string, unknown> {
  return {
    image: { tag: appVersionOf(ctx, 'metrics-server', 'v0.8.1') },
    args: ctx.cluster === 'local' ? ['--kubelet-insecure-tls'] : [],
  };
}

/**
 * NFS server provisioner (kubernetes-sigs/nfs-ganesha-server-and-external-provisioner
 * `charts/nfs-server-provisioner`): one NFS server whose exports live on a claim of the cluster's
 * default class (persistence on, as the chart README recommends: without it the shared volumes sit
 * in the pod's emptyDir and vanish with it), and the StorageClass the local storage profile names.
 * kind's node image ships nfs-common (kind PR #1548), so kubelets can mount it.
 */
export function nfsProvisionerValues(ctx: ValuesContext): Record<string, unknown> {
  const profile = StorageProfiles.LOCAL;
  return {
    image: { tag: appVersionOf(ctx, 'nfs-provisioner', 'v4.0.8') },
    persistence: { enabled: true, storageClass: profile.default.name, accessMode: 'ReadWriteOnce', size: '100Gi' },
    storageClass: { create: true, name: profile.shared.name, defaultClass: false, reclaimPolicy: 'Delete', allowVolumeExpansion: true },
  };
}

/**
 * KEDA (kedacore/charts `keda`): images at the pinned appVersion, Prometheus metrics and
 * ServiceMonitors of the operator and the metrics API server when monitoring is installed.
 * Value names from the KEDA chart's values.yaml (`image.{keda,metricsApiServer,webhooks}.tag`,
 * `prometheus.{operator,metricServer}.{enabled,serviceMonitor.enabled}`), read from the vendored 2.20.2
 * chart (../shared/charts/keda-2.20.2); not re-read for the pinned 2.21.0 (no stored chart).
 */
export function kedaValues(ctx: ValuesContext): Record<string, unknown> {
  const monitoring = ctx.operators.includes('kube-prometheus-stack');
  const tag = appVersionOf(ctx, 'keda', 'v2.21.0').replace(/^v/, '');
  return {
    image: { keda: { tag }, metricsApiServer: { tag }, webhooks: { tag } },
    prometheus: {
      operator: { enabled: monitoring, serviceMonitor: { enabled: monitoring } },
      metricServer: { enabled: monitoring, serviceMonitor: { enabled: monitoring } },
    },
  };
}

/**
 * Kubeflow Trainer v2 (kubeflow/trainer `charts/kubeflow-trainer`): JobSet installed with it (its
 * `jobset.install` default), no ClusterTrainingRuntimes (the charts bring their own namespaced
 * TrainingRuntimes), the controller's own webhook certificate management.
 */
export function kubeflowTrainerValues(_ctx: ValuesContext): Record<string, unknown> {
  return {
    jobset: { install: true },
    runtimes: { defaultEnabled: false },
  };
}

/** Values of the kserve-runtime-configs chart (kserve/kserve `charts/kserve-runtime-configs`, v0.20.0). */
export interface KServeRuntimeConfigsValues {
  readonly kserve: {
    /** Default tag of the KServe-built runtime images (`tag | default .Values.kserve.version`): the pinned appVersion. */
    readonly version: string;
    /** Render the ClusterServingRuntimes (`templates/runtimes/resources.yaml:1`; default false, values.yaml:5-6). */
    readonly servingruntime: { readonly enabled: boolean };
    /** LLMInferenceServiceConfigs: for the llmisvc controller and CRDs, which the stack does not install. */
    readonly llmisvcConfigs: { readonly enabled: boolean };
  };
  readonly [k: string]: unknown;
}

/**
 * The runtimes every InferenceService of the charts is served by (constructs/imports/
 * kserve-cluster-serving-runtimes.ts, generated for exactly these values: no per-runtime override),
 * as upstream's installer sets them (`--set kserve.version=… kserve.servingruntime.enabled=…
 * kserve.llmisvcConfigs.enabled=…`, hack/setup/infra/manage.kserve-helm.sh at v0.20.0).
 */
export function kserveRuntimeConfigsValues(ctx: ValuesContext): KServeRuntimeConfigsValues {
  return {
    kserve: { version: appVersionOf(ctx, 'kserve-runtime-configs', 'v0.20.0'), servingruntime: { enabled: true }, llmisvcConfigs: { enabled: false } },
  };
}
