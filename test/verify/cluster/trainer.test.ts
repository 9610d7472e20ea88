// Unit tests for Kubeflow Trainer v2 and JobSet in the cluster rung: the chart's Configuration
// with only the process fields replaced, what cert management names, and TrainJob verdicts.
import type { RenderedChart } from '../../../scripts/verify/cluster/chart-render';
import { configurationOf } from '../../../scripts/verify/cluster/chart-render';
import { certManagementOf, controllerProcessConfiguration } from '../../../scripts/verify/cluster/trainer-controllers';
import { assertionOf, evaluate } from '../../../scripts/verify/cluster/workloads';

const TRAINER_CONFIG = {
  apiVersion: 'config.trainer.kubeflow.org/v1alpha1',
  kind: 'Configuration',
  health: { healthProbeBindAddress: ':8081', readinessEndpointName: 'readyz' },
  metrics: { bindAddress: ':8443', secureServing: true },
  webhook: { port: 9443, host: '' },
  leaderElection: { leaderElect: true, resourceName: 'trainer.kubeflow.org' },
  controller: { groupKindConcurrency: { 'TrainJob.trainer.kubeflow.org': 5 } },
  certManagement: { enable: true, webhookServiceName: 'kubeflow-trainer-controller-manager', webhookSecretName: 'kubeflow-trainer-webhook-cert' },
  statusServer: { port: 10443, qps: 5 },
};

describe('verify-cluster: Trainer and JobSet as the chart configures them', () => {
  test('process fields are replaced and named; the platform fields stay the chart\'s', () => {
    const { configuration, replaced } = controllerProcessConfiguration(TRAINER_CONFIG, { health: 1, webhook: 2, status: 3 });
    expect(configuration.health).toEqual({ healthProbeBindAddress: '127.0.0.1:1', readinessEndpointName: 'readyz' });
    expect(configuration.webhook).toEqual({ port: 2, host: '127.0.0.1' });
    expect(configuration.metrics).toEqual({ bindAddress: '0', secureServing: true });
    expect(configuration.leaderElection).toEqual({ leaderElect: false, resourceName: 'trainer.kubeflow.org' });
    expect(configuration.statusServer).toEqual({ port: 3, qps: 5 });
    expect(configuration.controller).toEqual(TRAINER_CONFIG.controller);
    expect(configuration.certManagement).toEqual(TRAINER_CONFIG.certManagement);
    expect(replaced).toEqual(['health.healthProbeBindAddress', 'metrics.bindAddress', 'webhook.host', 'webhook.port', 'leaderElection.leaderElect', 'statusServer.port']);
    // JobSet's Configuration has no status server: none is added.
    expect(controllerProcessConfiguration({ apiVersion: 'config.jobset.x-k8s.io/v1alpha1' }, { health: 1, webhook: 2, status: 3 }).configuration.statusServer).toBeUndefined();
  });

  test('cert management: Trainer\'s certManagement, JobSet\'s internalCertManagement; none is refused', () => {
    expect(certManagementOf(TRAINER_CONFIG)).toEqual({ service: 'kubeflow-trainer-controller-manager', secret: 'kubeflow-trainer-webhook-cert' });
    expect(certManagementOf({ internalCertManagement: { enable: true, webhookServiceName: 'jobset-webhook-service', webhookSecretName: 'jobset-webhook-server-cert' } }))
      .toEqual({ service: 'jobset-webhook-service', secret: 'jobset-webhook-server-cert' });
    expect(() => certManagementOf({ apiVersion: 'x/v1', certManagement: { enable: false, webhookServiceName: 's', webhookSecretName: 's' } })).toThrow(/no internal certificate management/);
  });

  test('the Configuration is the ConfigMap key mounted at the --config path', () => {
    const deployment = {
      metadata: { name: 'kubeflow-trainer-controller-manager' },
      spec: { template: { spec: {
        containers: [{ name: 'manager', args: ['--config=/controller_manager_config.yaml'], volumeMounts: [{ name: 'cfg', mountPath: '/controller_manager_config.yaml', subPath: 'controller_manager_config.yaml' }] }],
        volumes: [{ name: 'cfg', configMap: { name: 'kubeflow-trainer-config' } }],
      } } },
    };
    const cm = { kind: 'ConfigMap', metadata: { name: 'kubeflow-trainer-config' }, data: { 'controller_manager_config.yaml': 'kind: Configuration\nwebhook:\n  port: 9443\n' } };
    const chart = (objects: any[]): RenderedChart => ({ release: { operator: 'kubeflow-trainer', chartDir: 'c', release: 'r', namespace: 'kubeflow-system', values: {} }, hooks: [], crds: [], webhooks: [], objects });
    const found = configurationOf(chart([cm]), deployment);
    expect(found.configPath).toBe('/controller_manager_config.yaml');
    expect(found.configuration).toEqual({ kind: 'Configuration', webhook: { port: 9443 } });
    expect(() => configurationOf(chart([]), deployment)).toThrow(/no --config file from a ConfigMap of the chart/);
  });

  test('TrainJobs are run-asserted: Complete, Failed with its reason, suspended while Kueue holds it', () => {
    const w = { group: 'trainer.kubeflow.org', kind: 'TrainJob' };
    const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });
    expect(assertionOf(w.group, w.kind)).toBe('run');
    expect(evaluate(w, { spec: {}, status: { conditions: [cond('Complete', 'True', 'JobsCompleted')] } })).toEqual({ state: 'ready', detail: 'Complete' });
    expect(evaluate(w, { spec: {}, status: { conditions: [cond('Failed', 'True', 'TrainingRuntimeNotSupported', 'runtime x is not supported')] } }))
      .toEqual({ state: 'failed', detail: 'Failed: TrainingRuntimeNotSupported: runtime x is not supported' });
    expect(evaluate(w, { spec: { suspend: true }, status: {} }).detail).toBe('suspended (waiting for admission)');
    expect(evaluate(w, { spec: {}, status: {} })).toEqual({ state: 'waiting', detail: 'no status yet' });
  });
});
