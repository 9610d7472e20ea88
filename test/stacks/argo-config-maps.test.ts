import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { NodePool } from '../../constructs/cluster/node-pool';
import { argoControllerWritesConfigMaps, platformTarget } from '../../stacks/operators/platform-target';
import { operatorValues } from '../../stacks/operators/values';
import { defaultOperators, installOrder, releasesFor } from '../../stacks/operators/versions';

// Memoization saves its caches with the controller's own client; argo-helm grants configmaps
// create/update only with controller.rbac.writeConfigMaps (../shared/charts/argo-workflows-1.0.18).
const CHART = path.resolve(__dirname, '../../../shared/charts/argo-workflows-1.0.18');
const releases = installOrder(releasesFor('1.36'), defaultOperators('local'));
const ctx = { cluster: 'local' as const, pools: [NodePool.cpu({ name: 'cpu' })], operators: releases.map((r) => r.name), releases, domain: 'example.com' };

/** The stack's values with `controller.rbac` replaced. */
const withRbac = (rbac: Record<string, unknown>): typeof operatorValues => (name, c) => {
  const v = operatorValues(name, c) as any;
  return name === 'argo-workflows' ? { ...v, controller: { ...v.controller, rbac } } : v;
};

test('the stack\'s argo-workflows values let the controller write ConfigMaps', () => {
  expect((operatorValues('argo-workflows', ctx) as any).controller.rbac).toEqual({ writeConfigMaps: true });
});

test('the target says so, read from those values', () => {
  expect(platformTarget({ cluster: 'local' }, releases).argo).toEqual({ artifactRepository: false, controllerWritesConfigMaps: true });
});

test.each([
  ['writeConfigMaps false', { writeConfigMaps: false }],
  ['writeConfigMaps unset (the chart default, false)', {}],
  ['no controller RBAC at all', { writeConfigMaps: true, create: false }],
])('turned off in the values (%s), the target follows', (_label, rbac) => {
  expect(platformTarget({ cluster: 'local' }, releases, withRbac(rbac)).argo?.controllerWritesConfigMaps).toBe(false);
});

test('no Argo, no Argo settings', () => {
  expect(platformTarget({ cluster: 'local' }, installOrder(releasesFor('1.36'), ['kueue', 'cert-manager'])).argo).toBeUndefined();
  expect(argoControllerWritesConfigMaps(undefined)).toBe(false);
});

const withChart = fs.existsSync(CHART) ? test : test.skip;
withChart('the chart has the value, default false, gating configmaps create/update in the controller role (skipped without ../shared/charts)', () => {
  const values = parse(fs.readFileSync(path.join(CHART, 'values.yaml'), 'utf8'));
  expect(values.controller.rbac.writeConfigMaps).toBe(false);
  const role = fs.readFileSync(path.join(CHART, 'templates/controller/workflow-controller-cluster-roles.yaml'), 'utf8');
  expect(role).toMatch(/\{\{- if \.Values\.controller\.rbac\.writeConfigMaps \}\}\s*- apiGroups:\s*- ""\s*resources:\s*- configmaps\s*verbs:\s*- create\s*- update/);
});

test("the stack's argo-workflows values install the CRDs as plain templates, not through the chart's hook Job", () => {
  // crds.full (the chart default) renders only templates/crds-install-job.yaml: a pre-install hook
  // Job running kubectl against GitHub; crds.full false renders templates/crds.yaml.
  expect((operatorValues('argo-workflows', ctx) as any).crds).toEqual({ install: true, keep: true, full: false });
  if (!fs.existsSync(CHART)) return console.warn(`skipped the chart half: ${CHART} is absent`);
  expect(fs.readFileSync(path.join(CHART, 'templates/crds.yaml'), 'utf8')).toContain('{{- if and .Values.crds.install (not .Values.crds.full) }}');
  expect(fs.readFileSync(path.join(CHART, 'templates/crds-install-job.yaml'), 'utf8')).toContain('"helm.sh/hook": pre-install,pre-upgrade');
});
