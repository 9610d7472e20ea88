import { metadataConventionProblems } from '../../constructs/operations/metadata-convention';
import { formatViolations, validateObjects } from '../validation/validator';
import { installMocks, named, promiseOf, Registered, settle, urnName } from './mocks';

// A local pool is its listed nodes: the teams' nominal quotas must fit them.
const POOLS = [
  { name: 'cpu', maxSize: 2, nodes: ['kind-worker', 'kind-worker2'] },
  { name: 'gpu-l4', accelerator: 'nvidia-l4', gpusPerNode: 1, maxSize: 4, instanceType: 'g6.2xlarge', nodes: ['kind-worker3', 'kind-worker4', 'kind-worker5', 'kind-worker6'] },
];
const TEAMS = [
  { name: 'research', group: 'ml-research', fairSharingWeight: 2, quotas: [
    { pool: 'cpu', cpu: 8, memory: 32 },
    { pool: 'gpu-l4', cpu: 12, memory: '48Gi', gpus: 2, borrowingLimit: { cpu: 8, memory: 32, gpus: 1 } },
  ] },
  { name: 'recsys', group: 'ml-recsys', quotas: [{ pool: 'gpu-l4', cpu: 12, memory: 48, gpus: 2, lendingLimit: { cpu: 6, memory: 24, gpus: 1 } }] },
];

jest.setTimeout(60_000);

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  // charts: [] — only the stack's own charts; the example operations chart books the same pools.
  registered = installMocks({ cluster: 'local', pools: JSON.stringify(POOLS), teams: JSON.stringify(TEAMS), charts: JSON.stringify([]) });
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

const teamObjects = () => named(registered, 'charts-platform-teams').inputs.objs as Record<string, any>[];
const find = (kind: string, name: string, namespace?: string) => {
  const o = teamObjects().find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === namespace);
  if (!o) throw new Error(`no ${kind} ${namespace ?? '-'}/${name} in platform-teams`);
  return o;
};

test('each configured team is an operations Team: restricted namespace, quota, limits, queues', () => {
  for (const t of TEAMS) {
    expect(find('Namespace', t.name).metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(find('ResourceQuota', 'team-quota', t.name).spec.hard).toHaveProperty(['requests.nvidia.com/gpu']);
    expect(find('LimitRange', 'container-defaults', t.name).spec.limits[0].type).toBe('Container');
    expect(find('LocalQueue', 'default', t.name).spec.clusterQueue).toBe(t.name);
    expect(find('ClusterQueue', t.name).spec.cohortName).toBe('platform-teams');
  }
  // Research: GPU quota = nominal 2 + borrowing limit 1 (capped at the pool's 4).
  expect(find('ResourceQuota', 'team-quota', 'research').spec.hard['requests.nvidia.com/gpu']).toBe('3');
  // A quantity string, as Kueue stores it (a number would diff on every apply).
  expect(find('ClusterQueue', 'research').spec.fairSharing.weight).toBe('2');
});

test('the cohort has one ResourceFlavor per stack pool, derived from the same pool model', () => {
  const flavors = teamObjects().filter((o) => o.kind === 'ResourceFlavor');
  expect(flavors.map((f) => f.metadata.name)).toEqual(['cpu', 'gpu-l4']);
  expect(flavors[1].spec.nodeLabels).toEqual({ 'mlpatterns.dev/node-pool': 'gpu-l4' });
  expect(flavors[1].spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
});

test('each team\'s group gets edit in its namespace only; traffic is denied by default', () => {
  for (const t of TEAMS) {
    const rb = find('RoleBinding', 'team-editors', t.name);
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
    expect(rb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: t.group }]);
    expect(find('ServiceAccount', 'workflow', t.name)).toBeDefined();
    const policies = teamObjects().filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === t.name);
    expect(policies.some((p) => JSON.stringify(p.spec.podSelector) === '{}' && p.spec.policyTypes.includes('Ingress') && p.spec.policyTypes.includes('Egress') && !p.spec.ingress && !p.spec.egress)).toBe(true);
  }
  expect(teamObjects().some((o) => o.kind === 'ClusterRoleBinding')).toBe(false);
});

test('the teams chart follows the metadata convention and is valid against the Kubernetes and Kueue schemas', () => {
  expect(metadataConventionProblems(teamObjects())).toEqual([]);
  expect(find('ClusterQueue', 'recsys').metadata.labels['mlpatterns.dev/team']).toBe('recsys');
  expect(formatViolations(validateObjects('platform-teams', teamObjects()))).toBe('');
});

test('the teams are deployed as a ConfigGroup after the operators, Kueue included', () => {
  const group = named(registered, 'charts-platform-teams');
  expect(group.type).toBe('kubernetes:yaml/v2:ConfigGroup');
  expect(group.dependencies.map(urnName)).toEqual(expect.arrayContaining(['operators-kueue-release', 'operators-cert-manager-release']));
  expect(program.charts).toEqual(['platform-teams']);
});

test('fails when a selected chart defines the same objects as the teams (the example cohort has queues of the same names)', () => {
  const { parseStackConfig } = require('../../stacks/config');
  const { planPlatform } = require('../../stacks/program');
  const { buildPlatform } = require('../../charts');
  const config = parseStackConfig({ pools: POOLS.map(({ nodes: _, ...p }) => p), teams: TEAMS });
  expect(() => planPlatform(config, buildPlatform())).toThrow(
    /config 'ml-platform-patterns:charts' is undefined; chart 'ml-platform-operations' also defines kueue.x-k8s.io\/ClusterQueue -\/research.*made by chart 'platform-teams'.*Leave 'ml-platform-operations' out of 'charts'/,
  );
});
