// Unit tests for KServe in the cluster rung: the manager's command line, what the harness takes
// from the rendered kserve-resources chart, and when an InferenceService counts as ready.
import { kserveManagerArgs, servingCertificateOf } from '../../../scripts/verify/cluster/kserve-manager';
import { webhookServiceOf } from '../../../scripts/verify/cluster/chart-render';
import type { RenderedChart } from '../../../scripts/verify/cluster/chart-render';
import { assertionOf, evaluate } from '../../../scripts/verify/cluster/workloads';

const release = { operator: 'kserve', chartDir: 'kserve-resources-v0.20.0', release: 'kserve', namespace: 'kserve', values: {} };
const chart = (objects: any[], webhooks: any[] = []): RenderedChart => ({ release, hooks: [], crds: [], webhooks, objects });
const webhookConfig = (...services: string[]) => ({
  kind: 'ValidatingWebhookConfiguration',
  metadata: { name: 'v' },
  webhooks: services.map((name, i) => ({ name: `w${i}`, clientConfig: { service: { name, namespace: 'kserve', path: `/validate-${i}` } } })),
});

describe('verify-cluster: the KServe manager as the chart runs it', () => {
  test('the chart args keep their own flags; process fields are replaced and named', () => {
    const { args, replaced } = kserveManagerArgs(['--metrics-addr=127.0.0.1:8080', '--leader-elect', '--zap-log-level=debug'], { metrics: 1, health: 2, webhook: 3 }, 'kc.yaml');
    expect(args).toEqual(['--zap-log-level=debug', '--metrics-addr=127.0.0.1:1', '--health-probe-addr=127.0.0.1:2', '--webhook-port=3', '--kubeconfig=kc.yaml']);
    expect(replaced).toEqual(['--metrics-addr', '--leader-elect', '--health-probe-addr', '--webhook-port', '--kubeconfig']);
  });

  test('the webhook Service is the one every webhook names; two are refused', () => {
    expect(webhookServiceOf(chart([], [webhookConfig('kserve-webhook-server-service', 'kserve-webhook-server-service')]))).toBe('kserve-webhook-server-service');
    expect(() => webhookServiceOf(chart([], [webhookConfig('a', 'b')]))).toThrow(/name 2 services \(a, b\)/);
    expect(() => webhookServiceOf(chart([]))).toThrow(/name 0 services/);
  });

  test("the serving certificate's Secret and names come from the chart's cert-manager Certificate", () => {
    const cert = { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'serving-cert' }, spec: { secretName: 'kserve-webhook-server-cert', dnsNames: ['kserve-webhook-server-service.kserve.svc'] } };
    const issuer = { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'selfsigned-issuer' }, spec: { selfSigned: {} } };
    expect(servingCertificateOf(chart([cert, issuer, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }]))).toEqual({
      secretName: 'kserve-webhook-server-cert',
      dnsNames: ['kserve-webhook-server-service.kserve.svc'],
      left: ['Certificate serving-cert', 'Issuer selfsigned-issuer'],
    });
    expect(() => servingCertificateOf(chart([issuer]))).toThrow(/renders no cert-manager Certificate/);
  });
});

describe('verify-cluster: InferenceService verdicts (KServe v0.20.0 status)', () => {
  const isvc = { group: 'serving.kserve.io', kind: 'InferenceService' };
  const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });

  test('InferenceServices are run-asserted', () => {
    expect(assertionOf('serving.kserve.io', 'InferenceService')).toBe('run');
    expect(assertionOf('serving.kserve.io', 'ServingRuntime')).toBe('none');
  });

  test('Ready True is ready; otherwise PredictorReady speaks, and InvalidSpec is final', () => {
    const ready = { status: { conditions: [cond('PredictorReady', 'True'), cond('Ready', 'True')], modelStatus: { transitionStatus: 'UpToDate', states: { activeModelState: 'Loaded' } } } };
    expect(evaluate(isvc, ready)).toEqual({ state: 'ready', detail: 'Ready, model UpToDate/Loaded' });
    const pending = { status: { conditions: [cond('PredictorReady', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'), cond('Ready', 'False', '', 'Predictor ingress not created')], modelStatus: { transitionStatus: 'InProgress', states: { activeModelState: 'Pending' } } } };
    expect(evaluate(isvc, pending)).toEqual({ state: 'waiting', detail: 'PredictorReady False: MinimumReplicasUnavailable: Deployment does not have minimum availability., model InProgress/Pending' });
    const invalid = { status: { modelStatus: { transitionStatus: 'InvalidSpec', lastFailureInfo: { reason: 'NoSupportingRuntime', message: 'Specified runtime does not support specified framework/version' } } } };
    expect(evaluate(isvc, invalid)).toEqual({ state: 'failed', detail: 'Ready unknown: no status yet, model InvalidSpec/?; NoSupportingRuntime: Specified runtime does not support specified framework/version' });
  });
});
