// Unit tests for the pure helpers of scripts/verify-apiserver (no apiserver needed).
describe('verify-apiserver helpers', () => {
  // CommonJS helper module shared with the plain-Node runner (declared here, not at top level,
  // so this file stays a script without exports and declares no globals).
  const lib = require('../../scripts/verify-apiserver/lib.cjs');

  test('parseArgs: defaults, --flag value and --flag=value', () => {
    const d = lib.parseArgs([]);
    expect(d.dist).toBe('dist');
    expect(d.crds).toBe('../shared/crds');
    expect(d.build).toBe(true);
    expect(d.fieldValidation).toBe('Strict');
    const o = lib.parseArgs(['--dist', 'x', '--crds=y', '--etcd-port', '2379', '--no-build', '--field-validation=warn']);
    expect(o).toMatchObject({ dist: 'x', crds: 'y', etcdPort: 2379, build: false, fieldValidation: 'Warn' });
  });

  test('parseArgs rejects unknown options and bad values', () => {
    expect(() => lib.parseArgs(['--nope'])).toThrow(lib.UsageError);
    expect(() => lib.parseArgs(['--etcd-port', '70000'])).toThrow(/not a port/);
    expect(() => lib.parseArgs(['--etcd-timeout', '0'])).toThrow(/positive/);
    expect(() => lib.parseArgs(['--dist'])).toThrow(/needs a value/);
  });

  test('splitApiVersion', () => {
    expect(lib.splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(lib.splitApiVersion('kueue.x-k8s.io/v1beta2')).toEqual({ group: 'kueue.x-k8s.io', version: 'v1beta2' });
  });

  test('documentsToObjects skips empty documents and records chart + position', () => {
    const { objects, errors } = lib.documentsToObjects('dist/a.yaml', [
      null,
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ns' } },
      { apiVersion: 'v1', kind: 'List', items: [] },
    ]);
    expect(objects).toHaveLength(1);
    expect(objects[0]).toMatchObject({ chart: 'dist/a.yaml', index: 2, group: '', version: 'v1', kind: 'ConfigMap', name: 'c', namespace: 'ns' });
    expect(errors[0]).toMatch(/document 3: kind List/);
  });

  const header = [
    'apiVersion: apiextensions.k8s.io/v1',
    'kind: CustomResourceDefinition',
    'metadata:',
    '  name: localqueues.kueue.x-k8s.io',
    'spec:',
    '  group: kueue.x-k8s.io',
    '  names:',
    '    kind: LocalQueue',
    '    plural: localqueues',
    '  scope: Namespaced',
    '  versions:',
    '  - name: v1beta2',
  ].join('\n');

  test('crdHeaderText cuts before spec.versions', () => {
    const h = lib.crdHeaderText(header);
    expect(h).toContain('scope: Namespaced');
    expect(h).not.toContain('versions');
    expect(lib.crdHeaderText('kind: ConfigMap\n')).toBeNull();
  });

  const info = (file: string, group: string, kind: string) => lib.crdInfo({
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: { group, names: { kind, plural: `${kind.toLowerCase()}s` }, scope: 'Namespaced' },
  }, file);

  test('crdInfo + buildCrdIndex prefer <group>/<plural>.yaml over other copies', () => {
    expect(lib.crdInfo({ kind: 'ConfigMap' }, 'x')).toBeNull();
    const book = info('crds/book/kubeflow.org_tfjobs.yaml', 'kubeflow.org', 'TFJob');
    const main = info('crds/kubeflow.org/tfjobs.yaml', 'kubeflow.org', 'TFJob');
    const { index, duplicates } = lib.buildCrdIndex([book, main]);
    expect(index.get('kubeflow.org/TFJob').file).toBe('crds/kubeflow.org/tfjobs.yaml');
    expect(duplicates).toHaveLength(1);
    expect(index.get('kubeflow.org/TFJob').conversion).toBe('None');
  });

  test('resolveKinds: built-in, CRD-backed, missing and not-applied kinds', () => {
    const { index } = lib.buildCrdIndex([info('crds/monitoring.coreos.com/servicemonitors.yaml', 'monitoring.coreos.com', 'ServiceMonitor')]);
    const { objects } = lib.documentsToObjects('dist/m.yaml', [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 's' } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' } },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'w' } },
    ]);
    const { needed, missing } = lib.resolveKinds(objects, index);
    expect([...needed.keys()]).toEqual(['monitoring.coreos.com/ServiceMonitor']);
    expect([...missing.keys()]).toEqual(['monitoring.coreos.com/PrometheusRule']);
    const msg = lib.missingCrdMessage(missing.get('monitoring.coreos.com/PrometheusRule'), '../shared/crds');
    expect(msg).toContain('PrometheusRule');
    expect(msg).toContain('dist/m.yaml');
    expect(lib.notAppliedReason(objects[3])).toMatch(/webhook/);
  });

  test('sortForApply: namespaces first, custom resources after built-ins', () => {
    const mk = (apiVersion: string, kind: string) => ({ ...lib.splitApiVersion(apiVersion), kind });
    const sorted = lib.sortForApply([
      mk('v1', 'ResourceQuota'), mk('kubeflow.org/v1', 'TFJob'), mk('apps/v1', 'Deployment'),
      mk('v1', 'Namespace'), mk('v1', 'PersistentVolumeClaim'),
    ]).map((o: { kind: string }) => o.kind);
    expect(sorted).toEqual(['Namespace', 'ResourceQuota', 'PersistentVolumeClaim', 'Deployment', 'TFJob']);
  });

  test('parseWarnings and isPodSecurityWarning', () => {
    const w = lib.parseWarnings(['299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true"', '299 - "other"']);
    expect(w).toEqual(['would violate PodSecurity "restricted:latest": runAsNonRoot != true', 'other']);
    expect(lib.isPodSecurityWarning(w[0])).toBe(true);
    expect(lib.isPodSecurityWarning(w[1])).toBe(false);
    expect(lib.parseWarnings(undefined)).toEqual([]);
  });

  test('namespacesNotRestricted', () => {
    const { objects } = lib.documentsToObjects('d', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
    ]);
    expect(lib.namespacesNotRestricted(objects)).toEqual(['b']);
  });

  test('psaProbePods: bad pod is privileged, good pod meets restricted', () => {
    const { bad, good } = lib.psaProbePods('ns');
    expect(bad.spec.containers[0].securityContext.privileged).toBe(true);
    expect(good.spec.securityContext.runAsNonRoot).toBe(true);
    expect(good.spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    expect(good.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(lib.psaProbeNamespace('x').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('diffPaths ignores resourceVersion and managedFields timestamps only', () => {
    const mf = (time: string, fields: object) => [{ manager: 'm', operation: 'Apply', time, fieldsV1: fields }];
    const a = { metadata: { resourceVersion: '1', generation: 1, managedFields: mf('t1', { 'f:spec': {} }) }, spec: { replicas: 1, x: [1, 2] } };
    const b = { metadata: { resourceVersion: '2', generation: 1, managedFields: mf('t2', { 'f:spec': {} }) }, spec: { replicas: 1, x: [1, 2] } };
    expect(lib.diffPaths(a, b)).toEqual([]);
    const c = { metadata: { resourceVersion: '3', generation: 2, managedFields: mf('t3', { 'f:spec': { 'f:replicas': {} } }) }, spec: { replicas: 2, x: [1, 3] } };
    expect(lib.diffPaths(a, c)).toEqual(['metadata.generation', 'metadata.managedFields[0].fieldsV1.f:spec.f:replicas', 'spec.replicas', 'spec.x[1]']);
  });

  test('formatChartTable and summaryLine', () => {
    const t = lib.formatChartTable([
      { chart: 'dist/a.yaml', objects: 3, accepted: 2, rejected: 1, notApplied: 0 },
      { chart: 'dist/bb.yaml', objects: 1, accepted: 0, rejected: 0, notApplied: 1 },
    ]);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^chart file\s+objects\s+accepted\s+rejected\s+not applied$/);
    expect(lines[lines.length - 1]).toMatch(/^total\s+4\s+2\s+1\s+1$/);
    expect(lib.summaryLine(2, 1)).toBe('apiserver: 2 objects accepted, 1 rejected');
  });
});
