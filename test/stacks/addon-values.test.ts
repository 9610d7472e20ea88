import { NodePool } from '../../constructs/cluster/node-pool';
import { StorageProfiles } from '../../constructs/core/storage-profile';
import { operatorMetricsEndpoints } from '../../stacks/operators/addon-values';
import { operatorValues } from '../../stacks/operators/values';
import { ValuesContext } from '../../stacks/operators/values-context';
import { defaultOperators, installOrder, OPERATOR_NAMES, releasesFor } from '../../stacks/operators/versions';

const table = releasesFor('1.36');
const ctx = (o: Partial<ValuesContext> = {}): ValuesContext => {
  const cluster = o.cluster ?? 'local';
  const operators = o.operators ?? defaultOperators(cluster);
  return { cluster, pools: [NodePool.cpu({ name: 'cpu' })], operators, releases: installOrder(table, operators), domain: 'example.com', ...o };
};

test.each([
  ['local', ['--kubelet-insecure-tls']],
  ['eks', []],
] as const)('metrics-server on %s: pinned image, kubelet TLS flags %j', (cluster, args) => {
  expect(operatorValues('metrics-server', ctx({ cluster }))).toEqual({ args, image: { tag: table['metrics-server'].appVersion } });
});

test('default operators per cluster kind: GKE brings its own metrics-server; only local gets the NFS provisioner; Trainer v2 everywhere', () => {
  expect(defaultOperators('local')).toEqual(expect.arrayContaining(['metrics-server', 'nfs-provisioner', 'keda']));
  expect(defaultOperators('eks')).toContain('metrics-server');
  expect(defaultOperators('eks')).not.toContain('nfs-provisioner');
  expect(defaultOperators('gke')).not.toContain('metrics-server');
  expect(defaultOperators('gke')).not.toContain('nfs-provisioner');
  for (const c of ['local', 'eks', 'gke'] as const) expect(defaultOperators(c)).not.toContain('volcano');
  // Trainer v2 (with JobSet) is the default training API on every cluster kind (issue 22).
  for (const c of ['local', 'eks', 'gke'] as const) expect(defaultOperators(c)).toContain('kubeflow-trainer');
});

test('NFS provisioner: the local profile\'s shared class, its exports on a claim of the default class (not an emptyDir)', () => {
  const values = operatorValues('nfs-provisioner', ctx()) as Record<string, any>;
  expect(values.storageClass).toMatchObject({ create: true, name: StorageProfiles.LOCAL.shared.name, defaultClass: false });
  expect(values.persistence).toMatchObject({ enabled: true, storageClass: StorageProfiles.LOCAL.default.name });
});

test('KEDA: every image at the pinned version, ServiceMonitors only with monitoring', () => {
  const values = operatorValues('keda', ctx()) as Record<string, any>;
  expect(values.image).toEqual({ keda: { tag: '2.21.0' }, metricsApiServer: { tag: '2.21.0' }, webhooks: { tag: '2.21.0' } });
  expect(values.prometheus.operator.serviceMonitor.enabled).toBe(true);
  const bare = operatorValues('keda', ctx({ operators: ['keda'] })) as Record<string, any>;
  expect(bare.prometheus.metricServer).toEqual({ enabled: false, serviceMonitor: { enabled: false } });
});

test('Trainer v2 brings JobSet and no cluster-wide runtimes', () => {
  expect(operatorValues('kubeflow-trainer', ctx())).toEqual({ jobset: { install: true }, runtimes: { defaultEnabled: false } });
});

describe('metrics endpoints the operators monitor themselves (the charts must add no second monitor)', () => {
  test('in each operator\'s own namespace, only when monitoring is installed', () => {
    const all = operatorMetricsEndpoints(OPERATOR_NAMES);
    expect(all.map((e) => e.operator).sort()).toEqual(['argo-workflows', 'gpu-operator', 'kueue']);
    for (const e of all) expect(e.namespace).toBe(table[e.operator].namespace);
    expect(operatorMetricsEndpoints(['gpu-operator', 'kueue'])).toEqual([]);
  });

  test('DCGM exporter: the GPU operator\'s Service, port gpu-metrics 9400', () => {
    const [dcgm] = operatorMetricsEndpoints(['kube-prometheus-stack', 'gpu-operator']);
    expect(dcgm).toMatchObject({ service: 'nvidia-dcgm-exporter', serviceLabels: { app: 'nvidia-dcgm-exporter' }, portName: 'gpu-metrics', port: 9400, scheme: 'http' });
  });
});
