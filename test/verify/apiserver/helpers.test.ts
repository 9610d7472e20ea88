// Unit tests for the pure helpers of verify:apiserver and the core it shares (no apiserver needed).
import { diffPaths, embeddedSummaryLine, formatChartTable, summaryLine } from '../../../scripts/verify/apiserver/chart-table';
import { crdProblem, missingCrdMessage, namespacesNotRestricted, resolveKinds, servedResource } from '../../../scripts/verify/apiserver/kinds';
import { parseArgs } from '../../../scripts/verify/apiserver/options';
import { psaProbeNamespace, psaProbePods } from '../../../scripts/verify/apiserver/pod-security-probe';
import { applyUrl, collectionPath, dryRunApplyUrl, dryRunCreateUrl, isPodSecurityWarning, parseWarnings } from '../../../scripts/verify/core/api-paths';
import { UsageError } from '../../../scripts/verify/core/args';
import { buildCrdIndex, crdHeaderText, crdInfo } from '../../../scripts/verify/core/crd-index';
import { describeEmbedded, embeddedNamespace, extractAllEmbedded, extractEmbedded } from '../../../scripts/verify/core/embedded';
import { notAppliedReason, sortForApply } from '../../../scripts/verify/core/kinds';
import { documentsToObjects, splitApiVersion } from '../../../scripts/verify/core/objects';

describe('verify-apiserver helpers', () => {
  test('parseArgs: defaults, --flag value and --flag=value', () => {
    const d = parseArgs([]);
    expect(d.dist).toBe('dist');
    expect(d.crds).toBe('../shared/crds');
    expect(d.build).toBe(true);
    expect(d.fieldValidation).toBe('Strict');
    const o = parseArgs(['--dist', 'x', '--crds=y', '--etcd-port', '2379', '--no-build', '--field-validation=warn']);
    expect(o).toMatchObject({ dist: 'x', crds: 'y', etcdPort: 2379, build: false, fieldValidation: 'Warn' });
  });

  test('parseArgs rejects unknown options and bad values', () => {
    expect(() => parseArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseArgs(['--etcd-port', '70000'])).toThrow(/not a port/);
    expect(() => parseArgs(['--etcd-timeout', '0'])).toThrow(/positive/);
    expect(() => parseArgs(['--dist'])).toThrow(/needs a value/);
  });

  test('splitApiVersion', () => {
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
    expect(splitApiVersion('kueue.x-k8s.io/v1beta2')).toEqual({ group: 'kueue.x-k8s.io', version: 'v1beta2' });
  });

  test('documentsToObjects skips empty documents and records chart + position', () => {
    const { objects, errors } = documentsToObjects('dist/a.yaml', [
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
    const h = crdHeaderText(header);
    expect(h).toContain('scope: Namespaced');
    expect(h).not.toContain('versions');
    expect(crdHeaderText('kind: ConfigMap\n')).toBeNull();
  });

  const info = (file: string, group: string, kind: string) => crdInfo({
    kind: 'CustomResourceDefinition',
    metadata: { name: `${kind.toLowerCase()}s.${group}` },
    spec: { group, names: { kind, plural: `${kind.toLowerCase()}s` }, scope: 'Namespaced' },
  }, file);

  test('crdInfo + buildCrdIndex prefer <group>/<plural>.yaml over other copies', () => {
    expect(crdInfo({ kind: 'ConfigMap' }, 'x')).toBeNull();
    const book = info('crds/book/kubeflow.org_tfjobs.yaml', 'kubeflow.org', 'TFJob');
    const main = info('crds/kubeflow.org/tfjobs.yaml', 'kubeflow.org', 'TFJob');
    const { index, duplicates } = buildCrdIndex([book, main]);
    expect(index.get('kubeflow.org/TFJob')!.file).toBe('crds/kubeflow.org/tfjobs.yaml');
    expect(duplicates).toHaveLength(1);
    expect(index.get('kubeflow.org/TFJob')!.conversion).toBe('None');
  });

  test('resolveKinds: built-in, CRD-backed, missing and not-applied kinds', () => {
    const { index } = buildCrdIndex([info('crds/monitoring.coreos.com/servicemonitors.yaml', 'monitoring.coreos.com', 'ServiceMonitor')]);
    const { objects } = documentsToObjects('dist/m.yaml', [
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'ServiceMonitor', metadata: { name: 's' } },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r' } },
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'w' } },
    ]);
    const { needed, missing } = resolveKinds(objects, index);
    expect([...needed.keys()]).toEqual(['monitoring.coreos.com/ServiceMonitor']);
    expect([...missing.keys()]).toEqual(['monitoring.coreos.com/PrometheusRule']);
    const msg = missingCrdMessage(missing.get('monitoring.coreos.com/PrometheusRule')!, '../shared/crds');
    expect(msg).toContain('PrometheusRule');
    expect(msg).toContain('dist/m.yaml');
    expect(notAppliedReason(objects[3])).toMatch(/webhook/);
  });

  test('sortForApply: namespaces first, custom resources after built-ins', () => {
    const mk = (apiVersion: string, kind: string) => ({ ...splitApiVersion(apiVersion), kind });
    const sorted = sortForApply([
      mk('v1', 'ResourceQuota'), mk('kubeflow.org/v1', 'TFJob'), mk('apps/v1', 'Deployment'),
      mk('v1', 'Namespace'), mk('v1', 'PersistentVolumeClaim'),
    ]).map((o: { kind: string }) => o.kind);
    expect(sorted).toEqual(['Namespace', 'ResourceQuota', 'PersistentVolumeClaim', 'Deployment', 'TFJob']);
  });

  test('parseWarnings and isPodSecurityWarning', () => {
    const w = parseWarnings(['299 - "would violate PodSecurity \\"restricted:latest\\": runAsNonRoot != true"', '299 - "other"']);
    expect(w).toEqual(['would violate PodSecurity "restricted:latest": runAsNonRoot != true', 'other']);
    expect(isPodSecurityWarning(w[0])).toBe(true);
    expect(isPodSecurityWarning(w[1])).toBe(false);
    expect(parseWarnings(undefined)).toEqual([]);
  });

  test('namespacesNotRestricted', () => {
    const { objects } = documentsToObjects('d', [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } },
    ]);
    expect(namespacesNotRestricted(objects)).toEqual(['b']);
  });

  test('psaProbePods: bad pod is privileged, good pod meets restricted', () => {
    const { bad, good } = psaProbePods('ns');
    expect(bad.spec.containers[0].securityContext.privileged).toBe(true);
    expect(good.spec.securityContext.runAsNonRoot).toBe(true);
    expect(good.spec.securityContext.seccompProfile.type).toBe('RuntimeDefault');
    expect(good.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    expect(psaProbeNamespace('x').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('diffPaths ignores resourceVersion and managedFields timestamps only', () => {
    const mf = (time: string, fields: object) => [{ manager: 'm', operation: 'Apply', time, fieldsV1: fields }];
    const a = { metadata: { resourceVersion: '1', generation: 1, managedFields: mf('t1', { 'f:spec': {} }) }, spec: { replicas: 1, x: [1, 2] } };
    const b = { metadata: { resourceVersion: '2', generation: 1, managedFields: mf('t2', { 'f:spec': {} }) }, spec: { replicas: 1, x: [1, 2] } };
    expect(diffPaths(a, b)).toEqual([]);
    const c = { metadata: { resourceVersion: '3', generation: 2, managedFields: mf('t3', { 'f:spec': { 'f:replicas': {} } }) }, spec: { replicas: 2, x: [1, 3] } };
    expect(diffPaths(a, c)).toEqual(['metadata.generation', 'metadata.managedFields[0].fieldsV1.f:spec.f:replicas', 'spec.replicas', 'spec.x[1]']);
  });

  test('formatChartTable and summaryLine', () => {
    const t = formatChartTable([
      { chart: 'dist/a.yaml', objects: 3, accepted: 2, rejected: 1, notApplied: 0 },
      { chart: 'dist/bb.yaml', objects: 1, accepted: 0, rejected: 0, notApplied: 1 },
    ]);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^chart file\s+objects\s+accepted\s+rejected\s+not applied$/);
    expect(lines[lines.length - 1]).toMatch(/^total\s+4\s+2\s+1\s+1$/);
    expect(summaryLine(2, 1)).toBe('apiserver: 2 objects accepted, 1 rejected');
  });

  test('formatChartTable with embedded columns and embeddedSummaryLine', () => {
    const t = formatChartTable([
      { chart: 'dist/a.yaml', objects: 3, accepted: 3, rejected: 0, notApplied: 0, embedded: 4, embeddedAccepted: 3, embeddedRejected: 1 },
      { chart: 'dist/b.yaml', objects: 1, accepted: 1, rejected: 0, notApplied: 0, embedded: 0, embeddedAccepted: 0, embeddedRejected: 0 },
    ]);
    const lines = t.split('\n');
    expect(lines[0]).toMatch(/^chart file\s+objects\s+accepted\s+rejected\s+not applied\s+embedded\s+emb\. accepted\s+emb\. rejected$/);
    expect(lines[lines.length - 1]).toMatch(/^total\s+4\s+4\s+0\s+0\s+4\s+3\s+1$/);
    expect(embeddedSummaryLine(4, 1)).toBe('embedded in workflow steps: 4 checked (dry-run), 1 rejected');
  });

  // -------------------------------------------------------------------------------------------
  // Manifests embedded in Argo workflow steps

  const tfjob = [
    'apiVersion: kubeflow.org/v1',
    'kind: TFJob',
    'metadata:',
    '  generateName: train-',
    'spec:',
    '  tfReplicaSpecs: {}',
  ].join('\n');
  const job = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: ingest\n  namespace: other\nspec: {}\n';
  const steps = (templates: object[]) => templates;
  const argo = (kind: string, spec: object, meta: object = { name: 'wf', namespace: 'ml' }) => documentsToObjects('dist/w.yaml', [
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'first' } },
    { apiVersion: 'argoproj.io/v1alpha1', kind, metadata: meta, spec },
  ]).objects[1];

  test.each([
    {
      what: 'Workflow: resource templates only, container/dag templates ignored',
      obj: argo('Workflow', { templates: steps([
        { name: 'main', dag: { tasks: [] } },
        { name: 'train', resource: { action: 'create', manifest: tfjob } },
        { name: 'run', container: { image: 'x' } },
        { name: 'ingest', resource: { action: 'apply', manifest: job } },
      ]) }),
      expected: [
        { kind: 'TFJob', group: 'kubeflow.org', version: 'v1', name: undefined, generateName: 'train-', namespace: 'ml', template: 'train', field: 'spec.templates[1].resource.manifest' },
        { kind: 'Job', group: 'batch', version: 'v1', name: 'ingest', generateName: undefined, namespace: 'other', template: 'ingest', field: 'spec.templates[3].resource.manifest' },
      ],
    },
    {
      what: 'WorkflowTemplate',
      obj: argo('WorkflowTemplate', { templates: [{ name: 't', resource: { action: 'replace', manifest: tfjob } }] }),
      expected: [{ kind: 'TFJob', group: 'kubeflow.org', version: 'v1', name: undefined, generateName: 'train-', namespace: 'ml', template: 't', field: 'spec.templates[0].resource.manifest' }],
    },
    {
      what: 'CronWorkflow: spec.workflowSpec.templates',
      obj: argo('CronWorkflow', { schedules: ['0 3 * * 1'], workflowSpec: { templates: [{ name: 'retrain', resource: { action: 'create', manifest: tfjob } }] } }),
      expected: [{ kind: 'TFJob', group: 'kubeflow.org', version: 'v1', name: undefined, generateName: 'train-', namespace: 'ml', template: 'retrain', field: 'spec.workflowSpec.templates[0].resource.manifest' }],
    },
    {
      what: 'ClusterWorkflowTemplate: no namespace of its own -> default',
      obj: argo('ClusterWorkflowTemplate', { templates: [{ name: 'c', resource: { action: 'create', manifest: tfjob } }] }, { name: 'cwt' }),
      expected: [{ kind: 'TFJob', group: 'kubeflow.org', version: 'v1', name: undefined, generateName: 'train-', namespace: 'default', template: 'c', field: 'spec.templates[0].resource.manifest' }],
    },
    {
      what: 'Workflow without templates',
      obj: argo('Workflow', { workflowTemplateRef: { name: 'x' } }),
      expected: [],
    },
    {
      what: 'non-argo object with a look-alike spec.templates',
      obj: documentsToObjects('dist/x.yaml', [{ apiVersion: 'example.com/v1', kind: 'Workflow', metadata: { name: 'w' }, spec: { templates: [{ resource: { action: 'create', manifest: tfjob } }] } }]).objects[0],
      expected: [],
    },
    {
      what: 'built-in object',
      obj: documentsToObjects('dist/x.yaml', [{ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j' }, spec: {} }]).objects[0],
      expected: [],
    },
  ])('extractEmbedded: $what', ({ obj, expected }) => {
    const { embedded, skipped, errors } = extractEmbedded(obj);
    expect(errors).toEqual([]);
    expect(skipped).toEqual([]);
    expect(embedded.map((e: any) => ({
      kind: e.kind, group: e.group, version: e.version, name: e.name, generateName: e.generateName,
      namespace: e.namespace, template: e.embeddedIn.template, field: e.embeddedIn.field,
    }))).toEqual(expected);
    for (const e of embedded) {
      expect(e).toMatchObject({ chart: obj.chart, index: obj.index, embeddedIn: { kind: obj.kind, name: obj.name } });
      expect(e.body.kind).toBe(e.kind);
    }
  });

  test('extractEmbedded: patch/get/delete and manifestFrom are skipped with a reason', () => {
    const obj = argo('Workflow', { templates: [
      { name: 'p', resource: { action: 'patch', mergeStrategy: 'merge', manifest: tfjob } },
      { name: 'g', resource: { action: 'get', manifest: tfjob } },
      { name: 'a', resource: { action: 'create', manifestFrom: { artifact: { name: 'm' } } } },
    ] });
    const { embedded, skipped, errors } = extractEmbedded(obj);
    expect(embedded).toEqual([]);
    expect(errors).toEqual([]);
    expect(skipped.map((s: any) => [s.embeddedIn.template, s.reason])).toEqual([
      ['p', 'action patch: the manifest is a patch, not a whole object'],
      ['g', 'action get: the manifest is only used to find an object'],
      ['a', 'manifest comes from an artifact at run time (manifestFrom)'],
    ]);
  });

  test.each([
    { what: 'broken YAML', manifest: 'apiVersion: v1\nkind: Job\nmetadata:\n  name: [unclosed\n', error: /manifest is not valid YAML: / },
    { what: 'two objects', manifest: `${tfjob}\n---\n${job}`, error: /exactly one object, found 2/ },
    { what: 'empty', manifest: '', error: /exactly one object, found 0/ },
    { what: 'a list', manifest: '- a\n- b\n', error: /not a mapping/ },
    { what: 'no kind', manifest: 'apiVersion: v1\nmetadata: {}\n', error: /no apiVersion\/kind/ },
    { what: 'not a string', manifest: { kind: 'Job' }, error: /must be a YAML string, got object/ },
  ])('extractEmbedded: $what -> error naming chart, workflow and template', ({ manifest, error }) => {
    const obj = argo('Workflow', { templates: [{ name: 'ok', resource: { action: 'create', manifest: tfjob } }, { name: 'bad-step', resource: { action: 'create', manifest } }] });
    const { embedded, errors } = extractEmbedded(obj);
    expect(embedded).toHaveLength(1);
    expect(errors).toHaveLength(1);
    const { message } = errors[0];
    expect(message).toMatch(error);
    expect(message).toContain('dist/w.yaml document 2: Workflow ml/wf template "bad-step" (spec.templates[1].resource.manifest): ');
    expect(errors[0]).toMatchObject({ chart: 'dist/w.yaml', index: 2, embeddedIn: { template: 'bad-step' } });
  });

  test('extractEmbedded flags Argo expressions; extractAllEmbedded concatenates', () => {
    const withExpr = tfjob.replace('generateName: train-', 'generateName: "train-{{inputs.parameters.rate}}-"');
    const a = argo('Workflow', { templates: [{ name: 'x', resource: { action: 'create', manifest: withExpr } }] });
    const b = argo('CronWorkflow', { workflowSpec: { templates: [{ name: 'y', resource: { action: 'create', manifest: tfjob } }] } });
    const all = extractAllEmbedded([a, b]);
    expect(all.embedded.map((e: any) => [e.embeddedIn.template, e.expressions])).toEqual([['x', true], ['y', false]]);
  });

  test('embeddedNamespace: manifest, then workflow, then default', () => {
    expect(embeddedNamespace({ metadata: { namespace: 'own' } }, { namespace: 'wf' })).toBe('own');
    expect(embeddedNamespace({ metadata: {} }, { namespace: 'wf' })).toBe('wf');
    expect(embeddedNamespace({}, {})).toBe('default');
    expect(embeddedNamespace(undefined, undefined)).toBe('default');
  });

  test('describeEmbedded uses generateName', () => {
    const [e] = extractEmbedded(argo('Workflow', { templates: [{ name: 'train', resource: { action: 'create', manifest: tfjob } }] })).embedded;
    expect(describeEmbedded(e)).toBe('TFJob.kubeflow.org ml/train-* (embedded in Workflow ml/wf template "train")');
  });

  test('resolveKinds: a missing CRD of an embedded kind names kind, workflow and chart', () => {
    const wf = argo('Workflow', { templates: [{ name: 'train', resource: { action: 'create', manifest: tfjob } }, { name: 'ingest', resource: { action: 'create', manifest: job } }] });
    const { embedded } = extractEmbedded(wf);
    const { needed, missing } = resolveKinds(embedded, new Map());
    expect(needed.size).toBe(0);
    expect([...missing.keys()]).toEqual(['kubeflow.org/TFJob']); // Job is built in
    const msg = missingCrdMessage(missing.get('kubeflow.org/TFJob')!, '../shared/crds');
    expect(msg).toBe('no CRD for kind TFJob (apiVersion kubeflow.org/v1) in ../shared/crds: 1 embedded in workflow steps: Workflow ml/wf template "train" in dist/w.yaml');
    const { index } = buildCrdIndex([info('crds/kubeflow.org/tfjobs.yaml', 'kubeflow.org', 'TFJob')]);
    expect([...resolveKinds(embedded, index).needed.keys()]).toEqual(['kubeflow.org/TFJob']);
  });

  test('crdProblem and servedResource', () => {
    const [e] = extractEmbedded(argo('Workflow', { templates: [{ name: 'train', resource: { action: 'create', manifest: tfjob } }] })).embedded;
    expect(crdProblem(e, new Map([['kubeflow.org/TFJob', 'no CRD']]), new Map())).toBe('no CRD');
    expect(crdProblem(e, new Map(), new Map([['kubeflow.org/TFJob', { ok: false, message: 'not Established' }]]))).toBe('not Established');
    expect(crdProblem(e, new Map(), new Map())).toBeUndefined();
    const res = { plural: 'tfjobs', namespaced: true };
    expect(servedResource(e, new Map([['kubeflow.org/v1/TFJob', res]]), new Map())).toEqual({ res });
    expect(servedResource(e, new Map([['kubeflow.org/v2/TFJob', res]]), new Map()).reason).toBe('apiVersion kubeflow.org/v1 kind TFJob is not served (served versions: v2)');
  });

  test('request paths: apply, dry-run create (collection, generateName), dry-run apply', () => {
    const [e] = extractEmbedded(argo('Workflow', { templates: [{ name: 'train', resource: { action: 'create', manifest: tfjob } }] })).embedded;
    const res = { plural: 'tfjobs', namespaced: true };
    expect(dryRunCreateUrl(e, res, 'Strict')).toBe('/apis/kubeflow.org/v1/namespaces/ml/tfjobs?dryRun=All&fieldManager=verify-apiserver&fieldValidation=Strict');
    const cm = documentsToObjects('d', [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }]).objects[0];
    const cmRes = { plural: 'configmaps', namespaced: true };
    expect(applyUrl(cm, cmRes, 'Strict')).toBe('/api/v1/namespaces/default/configmaps/c?fieldManager=verify-apiserver&force=true&fieldValidation=Strict');
    expect(dryRunApplyUrl(cm, cmRes, 'Warn')).toBe('/api/v1/namespaces/default/configmaps/c?dryRun=All&fieldManager=verify-apiserver&force=true&fieldValidation=Warn');
    expect(collectionPath({ group: 'rbac.authorization.k8s.io', version: 'v1' }, { plural: 'clusterroles', namespaced: false }, 'x')).toBe('/apis/rbac.authorization.k8s.io/v1/clusterroles');
  });
});
