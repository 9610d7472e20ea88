import type { PlatformTarget } from './platform-target';

/**
 * Metrics endpoints of components the stacks install (not objects of the charts): what the charts'
 * ServiceMonitors may select, with the labels, port names and schemes of their upstream manifests,
 * and the metrics they export. Stand-in for the proposed `PlatformTarget.operatorMetrics` (the
 * stack knows its values; until the target carries them, `installed`/`monitoredByInstall` mirror
 * stacks/operators/values.ts and addon-values.ts `operatorMetricsEndpoints`).
 */
export interface OperatorMetricsComponent {
  /** Component, for messages (`training-operator metrics`). */
  readonly id: string;
  /** Operator (version-map name) that installs it. */
  readonly operator: string;
  /** Namespace the stack installs it in (stacks/operators/versions.ts). */
  readonly namespace: string;
  /** The metrics Service: name, labels, named ports and their schemes. */
  readonly service: {
    readonly name: string;
    readonly labels: Readonly<Record<string, string>>;
    readonly ports: readonly { readonly name: string; readonly scheme: 'http' | 'https' }[];
  };
  /** Metric names it exports (`prefix*` for a family). */
  readonly metrics: readonly string[];
  /** Endpoint settings a monitor of it needs, and why. */
  readonly honorLabels?: string;
  /** True when the install already creates a ServiceMonitor for it (its name). */
  readonly ownMonitor?: (operators: readonly string[]) => string | undefined;
  /** Where the facts come from. */
  readonly source: string;
}

const monitoring = (operators: readonly string[]) => operators.includes('kube-prometheus-stack');

export const OPERATOR_METRICS: readonly OperatorMetricsComponent[] = [
  {
    id: 'training-operator metrics', operator: 'training-operator', namespace: 'kubeflow',
    service: { name: 'training-operator', labels: { app: 'training-operator' }, ports: [{ name: 'monitoring-port', scheme: 'http' }] },
    metrics: ['training_operator_jobs_created_total', 'training_operator_jobs_deleted_total', 'training_operator_jobs_successful_total',
      'training_operator_jobs_failed_total', 'training_operator_jobs_restarted_total'],
    // No ServiceMonitor in the v1 standalone overlay: only a monitor of the charts scrapes it.
    source: 'kubeflow/training-operator manifests/base/service.yaml @ a5d1ed03 (v1.7+ line: labels app=training-operator, port monitoring-port 8080, plain HTTP); metrics: kubeflow/trainer pkg/common/metrics.go (release-1.9 line). Whether the v1.9.4 standalone overlay adds commonLabels: UNCONFIRMED',
  },
  {
    id: 'Argo Workflows controller metrics', operator: 'argo-workflows', namespace: 'argo',
    service: {
      name: 'argo-workflows-workflow-controller',
      labels: {
        'app.kubernetes.io/name': 'argo-workflows-workflow-controller', 'app.kubernetes.io/instance': 'argo-workflows',
        'app.kubernetes.io/component': 'workflow-controller', 'app.kubernetes.io/part-of': 'argo-workflows',
      },
      ports: [{ name: 'metrics', scheme: 'http' }],
    },
    metrics: ['argo_workflows_*'],
    ownMonitor: (ops) => (monitoring(ops) ? 'argo-workflows-workflow-controller' : undefined),
    source: 'argo-helm charts/argo-workflows templates/controller/workflow-controller-service.yaml + _helpers.tpl (labels), README: metricsConfig.secure=false (plain HTTP), servicePortName=metrics; rendered only with controller.metricsConfig.enabled (chart 2.0.1 read, 2.0.4 pinned)',
  },
  {
    id: 'NVIDIA DCGM exporter', operator: 'gpu-operator', namespace: 'gpu-operator',
    service: { name: 'nvidia-dcgm-exporter', labels: { app: 'nvidia-dcgm-exporter' }, ports: [{ name: 'gpu-metrics', scheme: 'http' }] },
    metrics: ['DCGM_FI_*'],
    honorLabels: 'the exporter labels each GPU series with the namespace/pod using the GPU; without honorLabels Prometheus renames them exported_namespace/exported_pod and sets namespace/pod to the exporter\'s own',
    ownMonitor: (ops) => (monitoring(ops) ? 'nvidia-dcgm-exporter' : undefined),
    source: 'NVIDIA/gpu-operator assets/state-dcgm-exporter/0600_service.yaml and 0500_service_monitor.yaml (created when ClusterPolicy dcgmExporter.serviceMonitor.enabled, which the stack sets with monitoring)',
  },
  {
    id: 'Kueue controller metrics', operator: 'kueue', namespace: 'kueue-system',
    service: { name: 'kueue-controller-manager-metrics-service', labels: { 'control-plane': 'controller-manager' }, ports: [{ name: 'https', scheme: 'https' }] },
    metrics: ['kueue_*'],
    ownMonitor: (ops) => (monitoring(ops) ? 'kueue-controller-manager-metrics-monitor' : undefined),
    source: 'kubernetes-sigs/kueue charts/kueue (metricsService port https 8443; ServiceMonitor when enablePrometheus; chart values at 0.19.2 UNCONFIRMED)',
  },
];

/**
 * Exporters a monitoring install scrapes on its own, by metric family. kube-prometheus-stack
 * deploys and monitors kube-state-metrics, node-exporter, the kubelets (with cAdvisor) and the
 * apiserver (values.yaml defaults kubeStateMetrics/nodeExporter/kubelet.serviceMonitor.cAdvisor/
 * kubeApiServer enabled; stored values.yaml not the 88.2.0 tag). Prometheus itself writes `up`,
 * `scrape_*` for every target and `ALERTS*` for its alerts (docs "Jobs and instances", "Alerting rules").
 * At 88.2.0 (../shared/charts/kube-prometheus-stack-88.2.0 values.yaml) Prometheus, Alertmanager
 * and the operator monitor themselves (`selfMonitor: true`), coreDns, kubeScheduler, kubeEtcd,
 * kubeProxy and kubeControllerManager are enabled, and its default rules
 * (templates/prometheus/rules-1.14) record `level:metric:operation` series under the prefixes
 * listed. Every Go exporter also exports `go_*` and `process_*`.
 */
export const SELF_MONITORED_EXPORTERS: readonly { readonly id: string; readonly operator: string; readonly metrics: readonly string[] }[] = [
  { id: 'kube-state-metrics', operator: 'kube-prometheus-stack', metrics: ['kube_*'] },
  { id: 'node-exporter', operator: 'kube-prometheus-stack', metrics: ['node_*'] },
  { id: 'kubelet and cAdvisor', operator: 'kube-prometheus-stack', metrics: ['container_*', 'kubelet_*', 'machine_*'] },
  { id: 'kube-apiserver', operator: 'kube-prometheus-stack', metrics: ['apiserver_*'] },
  { id: 'Prometheus', operator: 'kube-prometheus-stack', metrics: ['up', 'scrape_*', 'ALERTS', 'ALERTS_FOR_STATE', 'prometheus_*', 'alertmanager_*', 'go_*', 'process_*'] },
  { id: 'the control plane (CoreDNS, scheduler, etcd, kube-proxy, controller-manager)', operator: 'kube-prometheus-stack', metrics: ['coredns_*', 'scheduler_*', 'etcd_*', 'kubeproxy_*', 'workqueue_*', 'rest_client_*'] },
  {
    id: 'the default recording rules of kube-prometheus-stack', operator: 'kube-prometheus-stack',
    metrics: ['instance:*', 'instance_device:*', 'node:*', 'node_quantile:*', ':node_*', 'cluster:*', 'cluster_quantile:*', 'cluster_verb_scope:*', 'cluster_verb_scope_le:*',
      'namespace_workload_pod:*', 'node_namespace_pod_container:*', 'namespace_pod_container:*', 'namespace_cpu:*', 'namespace_memory:*',
      'apiserver_request:*', 'code_verb:*', 'code_resource:*', 'code:*', 'count:*'],
  },
  // KEDA's chart values turn on its operator/metrics-server ServiceMonitors with monitoring (stacks/operators/addon-values.ts).
  { id: 'KEDA', operator: 'keda', metrics: ['keda_*'] },
];

/**
 * Operators the target installs. Without a target the rules assume every component above is
 * installed with monitoring (the default operator selection of every stack).
 */
export function installedOperators(target: PlatformTarget | undefined): readonly string[] {
  if (target) return target.operators;
  return [...new Set([...OPERATOR_METRICS.map((c) => c.operator), ...SELF_MONITORED_EXPORTERS.map((e) => e.operator)])];
}

/** True when `name` is one of `patterns` (exact, or `prefix*`). */
export function metricMatches(name: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('*') ? name.startsWith(p.slice(0, -1)) : name === p));
}
