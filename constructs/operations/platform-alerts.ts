import { Duration } from 'cdk8s';
import { PrometheusRuleEntry, RuleGroup, Severity } from './prometheus-rule';
import { propError, requireInteger, Where } from '../core/errors';

/** Thresholds of the platform alerts. */
export interface PlatformAlertThresholds {
  /**
   * A pod Pending longer than this alerts (quota exhausted, no node fits, image pull stuck).
   * @default Duration.minutes(15)
   */
  readonly podPendingFor?: Duration;
  /**
   * A GPU held by a pod at 0 % utilization for this long alerts.
   * @default Duration.minutes(30)
   */
  readonly gpuIdleFor?: Duration;
  /**
   * Average GPU utilization (percent) of a pod over an hour below this alerts as under-used.
   * @default 20
   */
  readonly gpuUnderusedPercent?: number;
  /**
   * p99 inference latency above this alerts.
   * @default Duration.millis(500)
   */
  readonly inferenceLatencyP99?: Duration;
  /**
   * Share of 5xx inference responses (percent) above this alerts.
   * @default 5
   */
  readonly inferenceErrorPercent?: number;
}

/** Names of the recording rules the dashboard reads. */
export const RecordingRules = {
  GPU_UTILIZATION_BY_NAMESPACE: 'namespace:dcgm_gpu_utilization:avg',
  INFERENCE_LATENCY_P99_MS: 'namespace_configuration:revision_request_latencies:p99_ms',
  INFERENCE_ERROR_RATIO: 'namespace_configuration:revision_request_errors:ratio_rate5m',
} as const;

/**
 * The platform's alerting and recording rules over the team namespaces. Metric names are the
 * upstream exporters': kube-state-metrics (`kube_pod_status_phase`, `kube_job_status_failed`),
 * the training operator (`training_operator_jobs_failed_total`), NVIDIA DCGM
 * (`DCGM_FI_DEV_GPU_UTIL`) and Knative's queue-proxy in KServe predictors
 * (`revision_request_count`, `revision_request_latencies_bucket`, milliseconds).
 */
export function platformAlertGroups(where: Where, namespaces: readonly string[], thresholds: PlatformAlertThresholds = {}, serving: { readonly knative: boolean } = { knative: false }): RuleGroup[] {
  if (namespaces.length === 0) throw propError(where, 'namespaces', '[]', 'give at least one team namespace to alert on');
  const pendingFor = thresholds.podPendingFor ?? Duration.minutes(15);
  const idleFor = thresholds.gpuIdleFor ?? Duration.minutes(30);
  const underused = requireInteger(where, 'gpuUnderusedPercent', thresholds.gpuUnderusedPercent ?? 20, 1, 100);
  const latencyMs = (thresholds.inferenceLatencyP99 ?? Duration.millis(500)).toMilliseconds();
  if (!(latencyMs > 0)) throw propError(where, 'inferenceLatencyP99', `${latencyMs}ms`, 'use a positive duration');
  const errorPercent = thresholds.inferenceErrorPercent ?? 5;
  if (!(errorPercent > 0 && errorPercent <= 100)) throw propError(where, 'inferenceErrorPercent', errorPercent, 'use a percentage above 0 and at most 100');

  const ns = `namespace=~"${[...namespaces].sort().join('|')}"`;
  const jobNs = `job_namespace=~"${[...namespaces].sort().join('|')}"`;
  const knNs = `namespace_name=~"${[...namespaces].sort().join('|')}"`;
  const alert = (o: Parameters<typeof PrometheusRuleEntry.alert>[0]) => PrometheusRuleEntry.alert(o, where);
  const record = (o: Parameters<typeof PrometheusRuleEntry.record>[0]) => PrometheusRuleEntry.record(o, where);

  // Knative predictors report requests through the queue-proxy; Standard-mode predictors (a
  // Deployment per InferenceService) are watched through kube-state-metrics.
  const knativeInference: RuleGroup = {
      name: 'ml-platform.inference',
      rules: [
        record({
          record: RecordingRules.INFERENCE_LATENCY_P99_MS,
          expr: `histogram_quantile(0.99, sum by (namespace_name, configuration_name, le) (rate(revision_request_latencies_bucket{${knNs}}[5m])))`,
        }),
        record({
          record: RecordingRules.INFERENCE_ERROR_RATIO,
          expr: `sum by (namespace_name, configuration_name) (rate(revision_request_count{${knNs}, response_code_class="5xx"}[5m])) / sum by (namespace_name, configuration_name) (rate(revision_request_count{${knNs}}[5m]))`,
        }),
        alert({
          alert: 'InferenceLatencyHigh', severity: Severity.CRITICAL, for: Duration.minutes(10),
          expr: `${RecordingRules.INFERENCE_LATENCY_P99_MS} > ${latencyMs}`,
          summary: 'Inference p99 latency is high',
          description: `p99 latency of {{ $labels.namespace_name }}/{{ $labels.configuration_name }} is {{ $value }} ms (threshold ${latencyMs} ms).`,
        }),
        alert({
          alert: 'InferenceErrorRateHigh', severity: Severity.CRITICAL, for: Duration.minutes(5),
          expr: `${RecordingRules.INFERENCE_ERROR_RATIO} > ${errorPercent / 100}`,
          summary: 'Inference requests are failing',
          description: `{{ $value | humanizePercentage }} of requests to {{ $labels.namespace_name }}/{{ $labels.configuration_name }} return 5xx (threshold ${errorPercent}%).`,
        }),
      ],
    };
  const standardServing: RuleGroup = {
    name: 'ml-platform.serving',
    rules: [
      alert({
        alert: 'ServingReplicasUnavailable', severity: Severity.CRITICAL, for: Duration.minutes(10),
        expr: `sum by (namespace, deployment) (kube_deployment_status_replicas_unavailable{${ns}}) > 0`,
        summary: 'Model-serving replicas are unavailable',
        description: '{{ $value }} replica(s) of {{ $labels.namespace }}/{{ $labels.deployment }} are unavailable: check the model load and the pods\' events.',
      }),
    ],
  };

  return [
    {
      name: 'ml-platform.jobs',
      rules: [
        alert({
          alert: 'TrainingJobFailed', severity: Severity.WARNING,
          expr: `sum by (job_namespace, framework) (increase(training_operator_jobs_failed_total{${jobNs}}[10m])) > 0`,
          summary: 'A distributed training job failed',
          description: '{{ $value }} {{ $labels.framework }} job(s) failed in namespace {{ $labels.job_namespace }} in the last 10 minutes.',
        }),
        alert({
          alert: 'KubeJobFailed', severity: Severity.WARNING,
          expr: `sum by (namespace, job_name) (kube_job_status_failed{${ns}}) > 0`,
          summary: 'A batch Job failed',
          description: 'Job {{ $labels.namespace }}/{{ $labels.job_name }} has failed pods.',
        }),
        alert({
          alert: 'PodPendingTooLong', severity: Severity.WARNING, for: pendingFor,
          expr: `sum by (namespace, pod) (kube_pod_status_phase{phase="Pending", ${ns}}) > 0`,
          summary: 'A pod cannot be scheduled',
          description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} is Pending: check the team quota, the Kueue admission and whether a node of its pool fits.',
        }),
      ],
    },
    {
      name: 'ml-platform.gpus',
      rules: [
        record({ record: RecordingRules.GPU_UTILIZATION_BY_NAMESPACE, expr: `avg by (namespace) (DCGM_FI_DEV_GPU_UTIL{${ns}, pod!=""})` }),
        alert({
          alert: 'GpuIdle', severity: Severity.WARNING, for: idleFor,
          expr: `max by (namespace, pod, Hostname, gpu) (DCGM_FI_DEV_GPU_UTIL{${ns}, pod!=""}) == 0`,
          summary: 'A GPU is allocated but idle',
          description: 'GPU {{ $labels.gpu }} on {{ $labels.Hostname }} held by {{ $labels.namespace }}/{{ $labels.pod }} has done no work: release it for other teams.',
        }),
        alert({
          alert: 'GpuUnderused', severity: Severity.INFO, for: Duration.minutes(15),
          expr: `avg by (namespace, pod) (avg_over_time(DCGM_FI_DEV_GPU_UTIL{${ns}, pod!=""}[1h])) < ${underused}`,
          summary: 'GPUs are under-used',
          description: 'Pod {{ $labels.namespace }}/{{ $labels.pod }} averaged {{ $value }}% GPU utilization over the last hour: check the input pipeline or request fewer GPUs.',
        }),
      ],
    },
    serving.knative ? knativeInference : standardServing,
  ];
}
