import { problemsOf, testTarget } from './check-helpers';
import { monitoringTargets } from '../../../constructs/checks/rules/monitoring-targets';

const serviceMonitor = (name: string, spec: Record<string, any>) => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name, namespace: 'ops' }, spec,
});
const podMonitor = (name: string, spec: Record<string, any>) => ({
  apiVersion: 'monitoring.coreos.com/v1', kind: 'PodMonitor', metadata: { name, namespace: 'ops' }, spec,
});
const deployment = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'model', namespace: 'serve' },
  spec: { template: { metadata: { labels: { app: 'model' } }, spec: { containers: [{ name: 'm', image: 'x:1', ports: [{ name: 'http', containerPort: 8080 }] }] } } },
};
const service = {
  apiVersion: 'v1', kind: 'Service', metadata: { name: 'model', namespace: 'serve', labels: { app: 'model' } },
  spec: { selector: { app: 'model' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
};
const target = (operators: string[]) => testTarget({ operators });

describe('rule monitoring-targets', () => {
  test('a ServiceMonitor selecting the pods\' labels instead of the Service\'s is an error naming the labels to use', () => {
    // The training-operator Service is labelled app=training-operator; control-plane=... is its pod selector.
    const problems = problemsOf(monitoringTargets, [serviceMonitor('to', {
      namespaceSelector: { matchNames: ['kubeflow'] }, selector: { matchLabels: { 'control-plane': 'kubeflow-training-operator' } }, endpoints: [{ port: 'monitoring-port' }],
    })], target(['training-operator']));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/spec\.selector is 'control-plane=kubeflow-training-operator'; selects no Service in namespace\(s\) kubeflow/);
    expect(problems[0]).toMatch(/Service kubeflow\/training-operator there is labelled app=training-operator: select those labels/);
  });

  test('the training-operator Service on its port and scheme passes', () => {
    expect(problemsOf(monitoringTargets, [serviceMonitor('to', {
      namespaceSelector: { matchNames: ['kubeflow'] }, selector: { matchLabels: { app: 'training-operator' } }, endpoints: [{ port: 'monitoring-port', scheme: 'http' }],
    })], target(['training-operator']))).toEqual([]);
  });

  test('https on a plain-HTTP port, and a port name the Service lacks, are errors', () => {
    const problems = problemsOf(monitoringTargets, [serviceMonitor('argo', {
      namespaceSelector: { matchNames: ['argo'] }, selector: { matchLabels: { 'app.kubernetes.io/name': 'argo-workflows-workflow-controller' } },
      endpoints: [{ port: 'metrics', scheme: 'https' }, { port: 'telemetry' }],
    })], target(['argo-workflows']));
    expect(problems.find((p) => p.includes('.scheme'))).toMatch(/spec\.endpoints\[0\]\.scheme is 'https'; port 'metrics' serves http.*use scheme http/);
    expect(problems.find((p) => p.includes('.port'))).toMatch(/spec\.endpoints\[1\]\.port is 'telemetry'; .*declares a Service port named 'telemetry'.*they declare 'metrics'/);
  });

  test('a monitor of a component the target does not install is an error', () => {
    const problems = problemsOf(monitoringTargets, [serviceMonitor('to', {
      namespaceSelector: { matchNames: ['kubeflow'] }, selector: { matchLabels: { app: 'training-operator' } }, endpoints: [{ port: 'monitoring-port' }],
    })], target([]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/it would select the training-operator metrics, but test target does not install training-operator/);
  });

  test('a second DCGM monitor next to the GPU operator\'s own is an error; without monitoring installed it is needed, with honorLabels', () => {
    const dcgm = serviceMonitor('dcgm', {
      namespaceSelector: { matchNames: ['gpu-operator'] }, selector: { matchLabels: { app: 'nvidia-dcgm-exporter' } }, endpoints: [{ port: 'gpu-metrics' }],
    });
    const withMonitoring = problemsOf(monitoringTargets, [dcgm], target(['gpu-operator', 'kube-prometheus-stack']));
    expect(withMonitoring.find((p) => p.includes('twice'))).toMatch(/already scrapes with its own ServiceMonitor 'nvidia-dcgm-exporter'/);
    const alone = problemsOf(monitoringTargets, [dcgm], target(['gpu-operator']));
    expect(alone).toHaveLength(1);
    expect(alone[0]).toMatch(/spec\.endpoints\[0\]\.honorLabels is undefined; set honorLabels: true/);
    expect(problemsOf(monitoringTargets, [{ ...dcgm, spec: { ...dcgm.spec, endpoints: [{ port: 'gpu-metrics', honorLabels: true }] } }], target(['gpu-operator']))).toEqual([]);
  });

  test('ServiceMonitors and PodMonitors of the charts\' own Services and pods resolve ports by name', () => {
    const ok = [
      serviceMonitor('svc', { namespaceSelector: { matchNames: ['serve'] }, selector: { matchLabels: { app: 'model' } }, endpoints: [{ port: 'http' }] }),
      podMonitor('pods', { namespaceSelector: { matchNames: ['serve'] }, selector: { matchLabels: { app: 'model' } }, podMetricsEndpoints: [{ port: 'http' }] }),
    ];
    expect(problemsOf(monitoringTargets, [deployment, service, ...ok])).toEqual([]);
    const bad = podMonitor('pods', { namespaceSelector: { matchNames: ['serve'] }, selector: { matchLabels: { app: 'model' } }, podMetricsEndpoints: [{ port: 'metrics' }] });
    expect(problemsOf(monitoringTargets, [deployment, bad])[0]).toMatch(/podMetricsEndpoints\[0\]\.port is 'metrics'; none of what it selects \(pods of Deployment serve\/model\) declares a container port named 'metrics'.*they declare 'http'/);
  });

  test('a PodMonitor on team namespaces without pods selects nothing', () => {
    const problems = problemsOf(monitoringTargets, [deployment, podMonitor('p', {
      namespaceSelector: { matchNames: ['team-a'] }, selector: { matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }] }, podMetricsEndpoints: [{ port: 'http-usermetric' }],
    })]);
    expect(problems[0]).toMatch(/selects no pod in namespace\(s\) team-a.*no chart deploys pods in team-a/);
  });

  test('the queue-proxy port exists only on Knative-mode predictors', () => {
    const isvc = (mode: string) => ({
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'serve', annotations: { 'serving.kserve.io/deploymentMode': mode } },
      spec: { predictor: { model: { modelFormat: { name: 'tensorflow' } } } },
    });
    const monitor = podMonitor('kserve', {
      namespaceSelector: { matchNames: ['serve'] }, selector: { matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }] }, podMetricsEndpoints: [{ port: 'http-usermetric' }],
    });
    expect(problemsOf(monitoringTargets, [isvc('Knative'), monitor])).toEqual([]);
    expect(problemsOf(monitoringTargets, [isvc('Standard'), monitor])[0]).toMatch(/port named 'http-usermetric'/);
  });
});
