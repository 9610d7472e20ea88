// Unit tests for the pure helpers of verify:pulumi (no engine, no apiserver needed).
import fs from 'node:fs';
import path from 'node:path';
import { UsageError } from '../../../scripts/verify/core/args';
import { changeCounts, changeLines, changedObjects, comparableState, errorDiagnostics, opsByUrn, patchLeftovers, slowestSteps, stateObjects, summaryLine, valueAt } from '../../../scripts/verify/pulumi/engine-results';
import { objectPath, pickHalfwayTarget, rejectOnePolicy } from '../../../scripts/verify/pulumi/halfway';
import { crdGroupsFor, isBuiltinGroup, kindsWithoutCrd, selectCrds } from '../../../scripts/verify/pulumi/operator-crds';
import { parseArgs } from '../../../scripts/verify/pulumi/options';
import { asProgramConfig, projectConfig, stackSettings } from '../../../scripts/verify/pulumi/stack-settings';

describe('verify-pulumi helpers', () => {
  const root = path.resolve(__dirname, '../../..');
  const cm = (ns: string, name: string, data: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data });

  test('parseArgs: defaults and options; bad input is a UsageError', () => {
    expect(parseArgs([])).toEqual({ crds: '../shared/crds', build: true, stepTimeout: 900, keep: false, help: false });
    expect(parseArgs(['--crds', 'x', '--no-build', '--step-timeout', '60', '--keep'])).toMatchObject({ crds: 'x', build: false, stepTimeout: 60, keep: true });
    expect(() => parseArgs(['--nope'])).toThrow(UsageError);
    expect(() => parseArgs(['--step-timeout', '5'])).toThrow(/>= 30/);
    expect(() => parseArgs(['--crds'])).toThrow(/needs a value/);
  });

  test('the pinned toolchain matches the npm SDKs the program loads', () => {
    const env = Object.fromEntries(fs.readFileSync(path.join(root, 'tools/go/versions.env'), 'utf8').split('\n')
      .filter((l) => /^[A-Z0-9_]+=/.test(l)).map((l) => l.split('=') as [string, string]));
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(env.PULUMI_VERSION).toBe(`v${pkg.dependencies['@pulumi/pulumi']}`);
    expect(env.K8S_PROVIDER_PLUGIN_VERSION).toBe(pkg.dependencies['@pulumi/kubernetes']);
    // The pseudo-version names the provider commit the README cites.
    expect(env.K8S_PROVIDER_MODULE_VERSION).toMatch(/^v4\.0\.0-\d{14}-[0-9a-f]{12}$/);
  });

  test.each([
    [[{ name: 'kueue' }, { name: 'argo-workflows' }], ['argoproj.io', 'kueue.x-k8s.io'], []],
    [[{ name: 'cert-manager' }, { name: 'kserve' }], [], []],
    [[{ name: 'volcano' }, { name: 'keda' }], ['batch.volcano.sh', 'scheduling.volcano.sh'], ['keda']],
    // A release's own crdGroups (version table) win over the runner's map.
    [[{ name: 'keda', crdGroups: ['keda.sh'] }, { name: 'kueue', crdGroups: [] }], ['keda.sh'], []],
  ])('crdGroupsFor(%j) = %j, unknown %j', (releases, groups, unknown) => {
    expect(crdGroupsFor(releases)).toEqual({ groups, unknown });
  });

  test('every operator of the version table has CRD groups (its own crdGroups or the runner\'s map)', () => {
    const { OPERATOR_VERSIONS } = require('../../../stacks/operators/versions');
    for (const table of Object.values(OPERATOR_VERSIONS) as Record<string, { name: string }>[]) {
      expect(crdGroupsFor(Object.values(table)).unknown).toEqual([]);
    }
  });

  test('selectCrds prefers the released copy and keeps only the wanted groups', () => {
    const info = (group: string, kind: string, file: string) => ({ group, kind, file });
    const sel = selectCrds(
      [info('kueue.x-k8s.io', 'ResourceFlavor', 'head'), info('kueue.x-k8s.io', 'LocalQueue', 'head'), info('keda.sh', 'ScaledObject', 'head')],
      [info('kueue.x-k8s.io', 'ResourceFlavor', 'released'), info('karpenter.sh', 'NodePool', 'released')],
      ['kueue.x-k8s.io'],
    );
    expect([...sel.entries()].map(([k, v]: [string, any]) => `${k}@${v.file}`)).toEqual(['kueue.x-k8s.io/ResourceFlavor@released', 'kueue.x-k8s.io/LocalQueue@head']);
  });

  test.each([
    ['', true], ['apps', true], ['rbac.authorization.k8s.io', true], ['scheduling.k8s.io', true],
    ['kueue.x-k8s.io', false], ['scheduling.x-k8s.io', false], ['keda.sh', false], ['kubeflow.org', false],
  ])('isBuiltinGroup(%j) = %s', (group, builtin) => {
    expect(isBuiltinGroup(group)).toBe(builtin);
  });

  test('kindsWithoutCrd names the kind, its group and the charts using it', () => {
    const manifests = [
      { name: 'a', objects: [cm('x', 'c'), { apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 's' } }] },
      { name: 'b', objects: [{ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 't' } }, { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'q' } }] },
    ];
    expect(kindsWithoutCrd(manifests, new Set(['kueue.x-k8s.io/LocalQueue']))).toEqual([{ kind: 'ScaledObject (keda.sh/v1alpha1)', group: 'keda.sh', charts: ['a', 'b'] }]);
  });

  test('stack settings: repo config kept, project keys namespaced, other namespaces untouched', () => {
    const repo = { config: { 'ml-platform-patterns:cluster': 'local', 'aws:region': 'x' }, secretsprovider: 'passphrase' };
    const s = stackSettings(repo, 'ml-platform-patterns', { operatorInstall: 'external', 'gcp:project': 'p' });
    expect(s).toEqual({ secretsprovider: 'passphrase', config: { 'ml-platform-patterns:cluster': 'local', 'aws:region': 'x', 'ml-platform-patterns:operatorInstall': 'external', 'gcp:project': 'p' } });
    expect(repo.config).not.toHaveProperty('ml-platform-patterns:operatorInstall');
    expect(projectConfig(s, 'ml-platform-patterns')).toEqual({ cluster: 'local', operatorInstall: 'external' });
  });

  test('asProgramConfig: scalars become text as Pulumi passes them, structures stay', () => {
    expect(asProgramConfig({ kubernetesVersion: 1.34, teams: [{ name: 'a', quotas: [{ gpus: 2 }] }] })).toEqual({ kubernetesVersion: '1.34', teams: [{ name: 'a', quotas: [{ gpus: 2 }] }] });
  });

  test('changedObjects: changed, added and removed objects by identity', () => {
    const before = [{ name: 'c', objects: [cm('a', 'same'), cm('a', 'changed', { k: '1' }), cm('a', 'removed')] }];
    const after = [{ name: 'c', objects: [cm('a', 'same'), cm('a', 'changed', { k: '2' }), cm('b', 'added')] }];
    expect(changedObjects(before, after)).toEqual(['/ConfigMap a/changed', '/ConfigMap a/removed', '/ConfigMap b/added']);
  });

  test('changeCounts and opsByUrn', () => {
    expect(changeCounts({ create: 2, same: 5, replace: 1, 'create-replacement': 1 })).toEqual({ create: 2, update: 0, delete: 0, replace: 2, same: 5, changed: 4 });
    expect(changeCounts(undefined).changed).toBe(0);
    const pre = (urn: string, op: string, type = 'kubernetes:core/v1:ConfigMap') => ({ resourcePreEvent: { metadata: { urn, op, type } } });
    const ops = opsByUrn([pre('s', 'create', 'pulumi:pulumi:Stack'), pre('a', 'same'), pre('b', 'update'), pre('b', 'same')]);
    expect([...ops.entries()]).toEqual([['a', 'same'], ['b', 'update']]);
  });

  test('changeLines names the op, the URN and the changed paths', () => {
    const pre = (urn: string, op: string, extra: Record<string, unknown> = {}) => ({ resourcePreEvent: { metadata: { urn, op, type: 't', ...extra } } });
    expect(changeLines([pre('a', 'same'), pre('b', 'update', { detailedDiff: { 'spec.x': {}, 'spec.y': {} }, diffs: ['spec'] }), pre('c', 'create'), pre('d', 'update', { diffs: ['metadata'] })]))
      .toEqual(['update b (changed: spec.x: undefined -> undefined; spec.y: undefined -> undefined)', 'create c', 'update d (changed: metadata: undefined -> undefined)']);
    const weight = pre('q', 'update', { detailedDiff: { 'spec.fairSharing.weight': {} }, old: { outputs: { spec: { fairSharing: { weight: '2' } } } }, new: { inputs: { spec: { fairSharing: { weight: 2 } } } } });
    expect(changeLines([weight])).toEqual(['update q (changed: spec.fairSharing.weight: "2" -> 2)']);
  });

  test('valueAt follows dotted, indexed and quoted paths', () => {
    const o = { spec: { a: [{ b: 1 }] }, metadata: { labels: { 'x.io/y': 'v' } } };
    expect(valueAt(o, 'spec.a[0].b')).toBe(1);
    expect(valueAt(o, 'metadata.labels["x.io/y"]')).toBe('v');
    expect(valueAt(o, 'spec.missing.deeper')).toBeUndefined();
  });

  test('patchLeftovers: the labels and taints a patch wrote that the object still has', () => {
    const patch = { labels: { pool: 'gpu', acc: 'l4' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] };
    expect(patchLeftovers(patch, { metadata: { labels: { pool: 'gpu', acc: 'other' } }, spec: { taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] } }))
      .toEqual(['label pool=gpu', 'taint nvidia.com/gpu=present:NoSchedule']);
    expect(patchLeftovers(patch, { metadata: { labels: {} } })).toEqual([]);
    expect(patchLeftovers(patch, undefined)).toEqual([]);
  });

  test('errorDiagnostics strips colour codes and keeps the URN', () => {
    expect(errorDiagnostics([{ diagnosticEvent: { severity: 'error', urn: 'u', message: '\u001b[31mboom\u001b[0m\n' } }, { diagnosticEvent: { severity: 'info', message: 'x' } }])).toEqual(['u: boom']);
  });

  test('slowestSteps names the slowest resource steps of an operation, slowest first', () => {
    const urn = (name: string) => `urn:pulumi:local::ml::kubernetes:core/v1:Namespace::${name}`;
    const steps = [{ urn: urn('a'), op: 'delete', seconds: 1 }, { urn: urn('b'), op: 'delete', seconds: 31.04 }, { urn: urn('c'), op: 'create', seconds: 5 }];
    expect(slowestSteps(steps, 2)).toBe('delete kubernetes:core/v1:Namespace::b 31.0s, create kubernetes:core/v1:Namespace::c 5.0s');
    expect(slowestSteps([], 3)).toBe('none');
  });

  test('stateObjects and comparableState', () => {
    const deployment = { resources: [
      { urn: 's', type: 'pulumi:pulumi:Stack' },
      { urn: 'p', type: 'pulumi:providers:kubernetes', outputs: {} },
      { urn: 'c', type: 'kubernetes:core/v1:PersistentVolumeClaim', retainOnDelete: true, outputs: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', namespace: 'n' } }, modified: 't1' },
    ] };
    expect(stateObjects({ resources: [{ urn: 'n', type: 'kubernetes:core/v1:NodePatch', inputs: { metadata: { name: 'x', labels: { a: 'b' } }, spec: { taints: [] } }, outputs: { apiVersion: 'v1', kind: 'Node', metadata: { name: 'x' } } }] })[0].patch)
      .toEqual({ labels: { a: 'b' }, taints: [] });
    const withReplicas = (spec: Record<string, unknown>) => stateObjects({ resources: [{ urn: 'd', type: 'kubernetes:apps/v1:Deployment', inputs: { spec }, outputs: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'n' } } }] })[0].replicas;
    expect(withReplicas({ replicas: 3 })).toBe(3);
    expect(withReplicas({})).toBeUndefined();
    expect(stateObjects(deployment)).toEqual([{ urn: 'c', type: 'kubernetes:core/v1:PersistentVolumeClaim', id: '/PersistentVolumeClaim n/d', object: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'd', namespace: 'n' } }, retainOnDelete: true }]);
    const later = { resources: deployment.resources.map((r) => ({ ...r, modified: 't2' })) };
    expect(comparableState(later)).toBe(comparableState(deployment));
    expect(comparableState({ resources: deployment.resources.slice(1) })).not.toBe(comparableState(deployment));
  });

  test('pickHalfwayTarget: a ConfigMap of a chart in the second half of the order', () => {
    const ms = [{ name: 'a', objects: [cm('a', 'x')] }, { name: 'b', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b' } }] }, { name: 'c', objects: [cm('c', 'y')] }];
    expect(pickHalfwayTarget(ms)).toMatchObject({ chart: 'c', id: '/ConfigMap c/y' });
    expect(pickHalfwayTarget([{ name: 'a', objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } }] }])).toBeUndefined();
  });

  test('rejectOnePolicy denies exactly the target and the probe', () => {
    const [policy, binding] = rejectOnePolicy(cm('ns', 'target'), 'configmaps');
    expect(policy.spec.matchConstraints.resourceRules).toEqual([{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }]);
    expect(policy.spec.validations[0].expression).toBe("!((object.metadata.namespace == 'ns' && object.metadata.name == 'target') || object.metadata.name == 'verify-pulumi-probe')");
    expect(binding.spec).toEqual({ policyName: policy.metadata.name, validationActions: ['Deny'] });
  });

  test('objectPath for core, grouped, namespaced and cluster-scoped objects', () => {
    expect(objectPath(cm('n', 'c'), { plural: 'configmaps', namespaced: true })).toBe('/api/v1/namespaces/n/configmaps/c');
    expect(objectPath({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'q' } }, { plural: 'clusterqueues', namespaced: false })).toBe('/apis/kueue.x-k8s.io/v1beta2/clusterqueues/q');
  });

  test('summary line', () => {
    expect(summaryLine({ created: 155, secondChanged: 0, updateChanged: 2, deleted: 150, retained: 5, refreshChanged: 0 }))
      .toBe('pulumi: up 155 created, second up 0 changed, update 2 changed, destroy 150 deleted, 5 retained, refresh 0 changed');
  });
});
