/**
 * Metric names the operators the stack installs export to Prometheus (besides the charts' own
 * targets): what an autoscaler or alert may query and find. Only names read from each project's
 * docs or sources are listed; each group says where from and what is unconfirmed. A name missing
 * here is not proof it does not exist, so checks should treat the list as "known to exist".
 */
import type { OperatorName } from './versions';

export const EXPORTED_METRICS: Readonly<Partial<Record<OperatorName, readonly string[]>>> = {
  // kube-prometheus-stack scrapes the kubelet/cAdvisor, kube-state-metrics and node-exporter (its
  // default ServiceMonitors); names from those projects' metric docs.
  'kube-prometheus-stack': [
    'up',
    'container_cpu_usage_seconds_total', 'container_memory_working_set_bytes',
    'container_network_receive_bytes_total', 'container_network_transmit_bytes_total',
    'kube_pod_status_phase', 'kube_pod_container_status_restarts_total', 'kube_deployment_status_replicas_available',
    'kube_job_status_succeeded', 'kube_job_status_failed', 'kube_node_status_allocatable',
    'node_cpu_seconds_total', 'node_memory_MemAvailable_bytes', 'node_filesystem_avail_bytes',
  ],
  // DCGM exporter default counters (NVIDIA/dcgm-exporter `etc/default-counters.csv`; the exact
  // list shipped with gpu-operator v26.7.0 is unconfirmed).
  'gpu-operator': [
    'DCGM_FI_DEV_GPU_UTIL', 'DCGM_FI_DEV_MEM_COPY_UTIL', 'DCGM_FI_DEV_FB_FREE', 'DCGM_FI_DEV_FB_USED',
    'DCGM_FI_DEV_POWER_USAGE', 'DCGM_FI_DEV_GPU_TEMP', 'DCGM_FI_DEV_SM_CLOCK', 'DCGM_FI_DEV_MEM_CLOCK', 'DCGM_FI_DEV_XID_ERRORS',
  ],
  // Kubeflow docs "Prometheus Metrics for Training Operator" (job counters per framework).
  'training-operator': [
    'training_operator_jobs_created_total', 'training_operator_jobs_deleted_total', 'training_operator_jobs_successful_total',
    'training_operator_jobs_failed_total', 'training_operator_jobs_restarted_total',
  ],
  // Kueue docs `reference/metrics`; the ClusterQueue resource metrics need
  // `metrics.enableClusterQueueResources`, which kueueConfiguration sets.
  kueue: [
    'kueue_pending_workloads', 'kueue_admitted_active_workloads', 'kueue_admitted_workloads_total', 'kueue_quota_reserved_workloads_total',
    'kueue_evicted_workloads_total', 'kueue_cluster_queue_resource_usage', 'kueue_cluster_queue_nominal_quota',
  ],
  // Argo Workflows v3.6+ metric names (`docs/metrics.md`; not re-read for v4.1.2).
  'argo-workflows': ['argo_workflows_gauge', 'argo_workflows_queue_depth_gauge', 'argo_workflows_pods_gauge'],
  // KEDA operator metrics (keda.sh docs `integrations/prometheus`).
  keda: ['keda_scaler_metrics_value', 'keda_scaler_active', 'keda_scaler_metrics_latency_seconds'],
};
