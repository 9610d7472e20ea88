import { problemsOf, testTarget } from './check-helpers';
import { exportedMetrics } from '../../../constructs/checks/rules/exported-metrics';
import { ContainerImage } from '../../../constructs/core/image';

/** A TF Serving Deployment (+ Service) in `serve`, with or without its Prometheus monitoring config. */
function tfServing(monitoringConfig: boolean) {
  const args = ['--rest_api_port=8501', ...(monitoringConfig ? ['--monitoring_config_file=/config/monitoring.config'] : [])];
  return [
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'model', namespace: 'serve' },
      spec: { template: { metadata: { labels: { app: 'model' } }, spec: { containers: [{ name: 'm', image: 'tensorflow/serving:2.6.2', args, ports: [{ name: 'http', containerPort: 8501 }] }] } } },
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'model', namespace: 'serve', labels: { app: 'model' } }, spec: { selector: { app: 'model' }, ports: [{ name: 'http', port: 80 }] } },
  ];
}
const monitor = {
  apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 'model', namespace: 'serve' },
  spec: { selector: { matchLabels: { app: 'model' } }, endpoints: [{ port: 'http', path: '/monitoring/prometheus/metrics' }] },
};
const scaledObject = (query: string) => ({
  apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'model', namespace: 'serve' },
  spec: { scaleTargetRef: { name: 'model' }, triggers: [{ type: 'prometheus', metadata: { serverAddress: 'http://prometheus:9090', query, threshold: '20' } }] },
});
const hpa = (metric: Record<string, any>) => ({
  apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'model', namespace: 'serve' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'model' }, minReplicas: 1, maxReplicas: 3, metrics: [metric] },
});
const rules = (expr: string, record?: string) => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'ops' },
  spec: { groups: [{ name: 'g', rules: [...(record ? [{ record, expr: 'sum(kube_pod_info)' }] : []), { alert: 'A', expr }] }] },
});

describe('rule exported-metrics', () => {
  test('a KEDA query on http_requests_total, which TF Serving does not export, is an error naming what it does export', () => {
    const problems = problemsOf(exportedMetrics, [...tfServing(false), monitor, scaledObject('sum(rate(http_requests_total{service="model"}[2m]))')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/spec\.triggers\[0\]\.metadata\.query is 'sum\(rate\(http_requests_total.*reads 'http_requests_total', which nothing scraped in this deployment exports/);
    expect(problems[0]).toMatch(/tensorflow\/serving:2\.6\.2 exports only :tensorflow:serving:\*, :tensorflow:core:\* and only with --monitoring_config_file/);
  });

  test('TF Serving\'s own request counter, with its monitoring config on and scraped, passes', () => {
    expect(problemsOf(exportedMetrics, [...tfServing(true), monitor, scaledObject('sum(rate(:tensorflow:serving:request_count[2m]))')])).toEqual([]);
  });

  test('an exported metric nobody scrapes is still an error', () => {
    const problems = problemsOf(exportedMetrics, [...tfServing(true), scaledObject('sum(rate(:tensorflow:serving:request_count[2m]))')]);
    expect(problems[0]).toMatch(/and no ServiceMonitor or PodMonitor selects its pods/);
  });

  test('HPA Pods metrics must come from the pods it scales; the adapter\'s _total → _per_second rename is understood', () => {
    const problems = problemsOf(exportedMetrics, [...tfServing(false), monitor, hpa({ type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/spec\.metrics\[0\]\.pods\.metric\.name is 'http_requests_per_second'; no scraped target exports 'http_requests_per_second' \(nor 'http_requests_total'\) by the pods it scales/);
    const ok = hpa({ type: 'Pods', pods: { metric: { name: ':tensorflow:serving:request_count' }, target: { type: 'AverageValue', averageValue: '50' } } });
    expect(problemsOf(exportedMetrics, [...tfServing(true), monitor, ok])).toEqual([]);
    // An image declaring an http_requests_total counter serves http_requests_per_second through the adapter.
    const app = ContainerImage.of('example.org/app:1.0').withFacts({ cuda: false, metrics: { names: ['http_requests_total'] }, source: 'test image' });
    const [deployment, service] = tfServing(false);
    const appDeployment = { ...deployment, spec: { template: { ...deployment.spec.template, spec: { containers: [{ name: 'm', image: app.toString(), ports: [{ name: 'http', containerPort: 8080 }] }] } } } };
    const rps = hpa({ type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } });
    expect(problemsOf(exportedMetrics, [appDeployment, service, monitor, rps])).toEqual([]);
  });

  test('with a target, each HPA metric type needs the API that serves it', () => {
    const cpu = hpa({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } });
    expect(problemsOf(exportedMetrics, [...tfServing(false), cpu], testTarget({ metricsApis: { resource: true, custom: false, external: false } }))).toEqual([]);
    const problems = problemsOf(exportedMetrics, [...tfServing(false), cpu], testTarget({ metricsApis: { resource: false, custom: false, external: false } }));
    expect(problems[0]).toMatch(/spec\.metrics\[0\]\.type is 'Resource'; Resource metrics are read from metrics\.k8s\.io \(metrics-server\), which test target does not serve/);
  });

  test('alert expressions read installed exporters, scraped components and recording rules', () => {
    const ops = ['kube-prometheus-stack', 'training-operator', 'gpu-operator'];
    const prometheus = { namespace: 'monitoring', exportedMetrics: ['training_operator_jobs_failed_total', 'custom_exporter_metric'] };
    const target = testTarget({ operators: ops, prometheus });
    expect(problemsOf(exportedMetrics, [rules('x:kube_pods:sum > 0 and sum(DCGM_FI_DEV_GPU_UTIL) > 0', 'x:kube_pods:sum')], target)).toEqual([]);
    // The training-operator exports its job counters, but without a monitor on its Service they are never scraped.
    const problems = problemsOf(exportedMetrics, [rules('sum(increase(training_operator_jobs_failed_total[10m])) > 0')], target);
    expect(problems[0]).toMatch(/reads 'training_operator_jobs_failed_total'.*the training-operator metrics \(no monitor selects its Service kubeflow\/training-operator\) exports it: add a monitor that selects it/);
    expect(problemsOf(exportedMetrics, [rules('sum(DCGM_FI_DEV_GPU_UTIL) > 0')], testTarget({ operators: ['kube-prometheus-stack'], prometheus }))[0]).toMatch(/reads 'DCGM_FI_DEV_GPU_UTIL'/);
    // Names the target's exporters export count, but a component's only once scraped (above).
    expect(problemsOf(exportedMetrics, [rules('custom_exporter_metric > 0')], target)).toEqual([]);
    // No Prometheus at all: nothing is scraped.
    expect(problemsOf(exportedMetrics, [rules('up == 0')], testTarget({ operators: ops }))[0]).toMatch(/reads 'up'.*test target installs no Prometheus, so nothing is scraped: install kube-prometheus-stack/);
  });

  test('Knative queue-proxy metrics exist only when a PodMonitor scrapes Knative predictors on http-usermetric', () => {
    const isvc = (mode: string) => ({
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'serve', annotations: { 'serving.kserve.io/deploymentMode': mode } },
      spec: { predictor: { model: { modelFormat: { name: 'tensorflow' } } } },
    });
    const podMonitor = {
      apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name: 'kserve', namespace: 'serve' },
      spec: { selector: { matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }] }, podMetricsEndpoints: [{ port: 'http-usermetric' }] },
    };
    const query = rules('sum(rate(revision_request_count[5m])) > 1');
    expect(problemsOf(exportedMetrics, [isvc('Knative'), podMonitor, query])).toEqual([]);
    expect(problemsOf(exportedMetrics, [isvc('Standard'), podMonitor, query])[0]).toMatch(/reads 'revision_request_count'/);
  });
});
