// Unit tests for what the cluster rung takes from the operators' rendered charts and kustomization:
// the cert-manager Secrets it issues, Kueue's webhook certificate, the files a pod's ConfigMaps put
// under /etc, and the --config file the process reads.
import { certManagerSecrets, type RenderedChart, withConfigFile } from '../../../scripts/verify/cluster/chart-render';
import { webhookCertificate } from '../../../scripts/verify/cluster/kueue-chart';
import { etcFilesFromConfigMaps } from '../../../scripts/verify/cluster/training-operator-overlay';

const chart = (objects: any[]): RenderedChart => ({ release: { operator: 'kueue', chartDir: 'c', release: 'kueue', namespace: 'kueue-system', values: {} }, hooks: [], crds: [], webhooks: [], objects });
const certificate = (name: string, secretName: string, dnsNames: string[]) => ({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name }, spec: { secretName, dnsNames } });

describe('verify-cluster: operators as their charts install them', () => {
  test("the Secrets cert-manager would issue, and Kueue's webhook one by its Service's DNS name", () => {
    const objects = [
      certificate('kueue-metrics-cert', 'kueue-metrics-server-cert', ['kueue-controller-manager-metrics-service.kueue-system.svc']),
      certificate('kueue-serving-cert', 'kueue-webhook-server-cert', ['kueue-webhook-service.kueue-system.svc', 'kueue-webhook-service.kueue-system.svc.cluster.local']),
      { apiVersion: 'cert-manager.io/v1', kind: 'Issuer', metadata: { name: 'kueue-selfsigned-issuer' }, spec: { selfSigned: {} } },
    ];
    expect(certManagerSecrets(chart(objects)).map((c) => c.secretName)).toEqual(['kueue-metrics-server-cert', 'kueue-webhook-server-cert']);
    const { webhook, others } = webhookCertificate(chart(objects), 'kueue-webhook-service.kueue-system.svc');
    expect(webhook.secretName).toBe('kueue-webhook-server-cert');
    expect(others.map((c) => c.secretName)).toEqual(['kueue-metrics-server-cert']);
    expect(() => webhookCertificate(chart(objects.slice(0, 1)), 'kueue-webhook-service.kueue-system.svc')).toThrow(/no cert-manager Certificate for kueue-webhook-service/);
  });

  test('files the ConfigMap volumes mount under /etc come from the rendered ConfigMaps (kustomize hash suffix and all)', () => {
    const pod = {
      volumes: [
        { name: 'tpl', configMap: { name: 'restricted-pytorch-init-container-2hb8t699g5' } },
        { name: 'cert', secret: { secretName: 'training-operator-webhook-cert' } },
      ],
    };
    const container = { volumeMounts: [{ name: 'tpl', mountPath: '/etc/restricted-pytorch-init-container' }, { name: 'cert', mountPath: '/tmp/k8s-webhook-server/serving-certs' }] };
    const cm = { kind: 'ConfigMap', metadata: { name: 'restricted-pytorch-init-container-2hb8t699g5' }, data: { 'initContainer.yaml': '- name: init-pytorch\n' } };
    expect(etcFilesFromConfigMaps(pod, container, [cm])).toEqual({ 'restricted-pytorch-init-container/initContainer.yaml': '- name: init-pytorch\n' });
    expect(etcFilesFromConfigMaps(pod, container, [])).toEqual({});
  });

  test('--config points at the harness copy, in either flag form; other args stay', () => {
    expect(withConfigFile(['--config=/controller_manager_config.yaml', '--zap-log-level=2'], '/tmp/c.yaml')).toEqual(['--config=/tmp/c.yaml', '--zap-log-level=2']);
    expect(withConfigFile(['--v=2', '--config', '/controller_manager_config.yaml'], '/tmp/c.yaml')).toEqual(['--v=2', '--config=/tmp/c.yaml']);
    expect(withConfigFile(['--configmap', 'x'], '/tmp/c.yaml')).toEqual(['--configmap', 'x']);
  });
});
