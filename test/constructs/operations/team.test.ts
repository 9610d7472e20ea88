import { amounts, cohortChart, cpuPool, gpuPool, twoPoolQuota } from './fixtures';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { KUEUE_QUEUE_LABEL } from '../../../constructs/core/scheduling';
import { MetadataLabels, metadataTagsOf } from '../../../constructs/operations/metadata-convention';
import { addAmounts, cpuText, memoryText, poolCapacity, quantities } from '../../../constructs/operations/resource-amounts';
import { TEAM_OBJECT_NAMES, Team } from '../../../constructs/operations/team';
import { TEAM_POLICY_NAMES } from '../../../constructs/operations/team-network-policies';
import { byKindName, ofKind, synth } from '../../helpers';

const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterQueue', 'ResourceFlavor', 'Queue']);

function researchTeam() {
  const { chart, cohort } = cohortChart('platform');
  const team = new Team(chart, 'research', {
    namespace: 'team-research',
    group: 'ml-research',
    cohort,
    quotas: [
      { pool: cpuPool, nominal: amounts(8, 32) },
      { pool: gpuPool, nominal: amounts(12, 48, 2), borrowingLimit: amounts(8, 32, 1) },
    ],
  });
  return { chart, cohort, team, objects: synth(chart) };
}

describe('Team', () => {
  test('default output', () => {
    const { objects } = researchTeam();
    expect(objects.filter((o) => o.kind !== 'ResourceFlavor')).toMatchSnapshot();
  });

  test('the namespace enforces Pod Security restricted and carries the team tag', () => {
    const { objects } = researchTeam();
    const ns = byKindName(objects, 'Namespace', 'team-research');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
  });

  test('every namespaced object lives in the team namespace', () => {
    const { objects, team } = researchTeam();
    const namespaced = objects.filter((o) => !CLUSTER_SCOPED.has(o.kind));
    expect(namespaced.length).toBeGreaterThan(5);
    for (const o of namespaced) expect(`${o.kind}/${o.metadata.namespace}`).toBe(`${o.kind}/${team.namespace}`);
  });

  test('ResourceQuota = per pool nominal + borrowing limit, unlimited borrowing capped at the pool', () => {
    const { objects, team } = researchTeam();
    const hard = byKindName(objects, 'ResourceQuota', TEAM_OBJECT_NAMES.QUOTA).spec.hard;
    // CPU pool: no borrowing limit, so the whole pool; GPU pool: nominal + limit (below capacity).
    const expected = addAmounts(poolCapacity(cpuPool), { cpuMillis: 20_000, memoryMebibytes: 80 * 1024, gpus: 3 });
    expect(team.quotaLimit).toEqual(expected);
    expect(hard).toEqual({
      'requests.cpu': cpuText(expected.cpuMillis),
      'limits.cpu': cpuText(expected.cpuMillis),
      'requests.memory': memoryText(expected.memoryMebibytes),
      'limits.memory': memoryText(expected.memoryMebibytes),
      'requests.nvidia.com/gpu': String(expected.gpus),
    });
  });

  test('a CPU-only team gets a GPU quota of 0', () => {
    const { chart, cohort } = cohortChart();
    new Team(chart, 'etl', { group: 'etl', cohort, quotas: [{ pool: cpuPool, nominal: amounts(2, 4), borrowingLimit: amounts(0, 0) }] });
    expect(byKindName(synth(chart), 'ResourceQuota', TEAM_OBJECT_NAMES.QUOTA).spec.hard).toMatchObject({ 'requests.cpu': '2', 'requests.nvidia.com/gpu': '0' });
  });

  test('LimitRange defaults containers and caps them at the largest node of the team pools', () => {
    const { objects } = researchTeam();
    const [limit] = byKindName(objects, 'LimitRange', TEAM_OBJECT_NAMES.LIMITS).spec.limits;
    // The largest node's allocatable (the instance-type table: capacity minus kubelet reservations).
    const biggest = Math.max(cpuPool.cpuPerNode, gpuPool.cpuPerNode);
    expect(limit.type).toBe('Container');
    expect(limit.max).toEqual({ cpu: `${Math.round(biggest * 1000)}m`, memory: `${Math.max(cpuPool.memoryPerNode.toMebibytes(), gpuPool.memoryPerNode.toMebibytes())}Mi` });
    expect(limit.default).toEqual(limit.defaultRequest);
  });

  test('the group gets the built-in edit ClusterRole through a RoleBinding in its namespace only', () => {
    const { objects } = researchTeam();
    expect(ofKind(objects, 'ClusterRoleBinding')).toEqual([]);
    const rb = byKindName(objects, 'RoleBinding', TEAM_OBJECT_NAMES.EDITORS);
    expect(rb.metadata.namespace).toBe('team-research');
    expect(rb.roleRef).toEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' });
    expect(rb.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ml-research' }]);
  });

  test('the workflow ServiceAccount may only report Argo task results', () => {
    const { objects, team } = researchTeam();
    expect(byKindName(objects, 'ServiceAccount', team.workflowServiceAccountName).metadata.namespace).toBe(team.namespace);
    const role = byKindName(objects, 'Role', team.workflowServiceAccountName);
    expect(role.rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }]);
    expect(JSON.stringify(role.rules)).not.toContain('*');
    expect(byKindName(objects, 'RoleBinding', team.workflowServiceAccountName).subjects).toEqual([{ kind: 'ServiceAccount', name: 'workflow', namespace: 'team-research' }]);
  });

  test('the LocalQueue is an ILocalQueue in the team namespace feeding the team ClusterQueue', () => {
    const { objects, team } = researchTeam();
    expect([team.queue.name, team.queue.namespace]).toEqual([TEAM_OBJECT_NAMES.QUEUE, 'team-research']);
    expect(byKindName(objects, 'LocalQueue', team.queue.name).spec.clusterQueue).toBe(team.name);
    expect(byKindName(objects, 'ClusterQueue', team.name).spec.namespaceSelector.matchExpressions[0].values).toEqual([team.namespace]);
    expect(team.queue.queueLabel()).toEqual({ [KUEUE_QUEUE_LABEL]: 'default' });
  });

  test('the namespace is default-deny', () => {
    const { objects } = researchTeam();
    const deny = byKindName(objects, 'NetworkPolicy', TEAM_POLICY_NAMES.DEFAULT_DENY);
    expect(deny.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('tags its subtree with the team for the metadata convention', () => {
    const { team } = researchTeam();
    expect(metadataTagsOf(team.queue)).toEqual({ [MetadataLabels.TEAM]: 'research' });
  });

  test('addVolcanoQueue derives capability, deserved share and weight from the team', () => {
    const { chart, cohort } = cohortChart();
    const team = new Team(chart, 'research', { group: 'g', cohort, fairSharingWeight: 3, quotas: twoPoolQuota(4, 1) });
    const queue = team.addVolcanoQueue();
    const q = byKindName(synth(chart), 'Queue', queue.name);
    expect(q.spec.weight).toBe(3);
    expect(q.spec.reclaimable).toBe(true);
    // Capability = the namespace quota; deserved = the nominal quota (the same share as in Kueue).
    expect(q.spec.capability).toEqual(quantities(team.quotaLimit, true));
    expect(q.spec.capability['nvidia.com/gpu']).toBe(byKindName(synth(chart), 'ResourceQuota', TEAM_OBJECT_NAMES.QUOTA).spec.hard['requests.nvidia.com/gpu']);
    expect(q.spec.deserved).toEqual(quantities(team.nominalTotal, true));
    expect(q.spec.deserved['nvidia.com/gpu']).toBe('1');
    expect(team.volcano).toBe(queue);
  });

  test('fails when addVolcanoQueue is called twice', () => {
    const { chart, cohort } = cohortChart();
    const team = new Team(chart, 'a', { group: 'g', cohort, quotas: twoPoolQuota(1, 0) });
    team.addVolcanoQueue();
    expect(() => team.addVolcanoQueue()).toThrow(/'test\/a': prop 'addVolcanoQueue' is 'a'; the team already has a Volcano queue/);
  });

  test('fails when the team quota exceeds a pool', () => {
    const { chart, cohort } = cohortChart();
    expect(() => new Team(chart, 'big', { group: 'g', cohort, quotas: [{ pool: gpuPool, nominal: amounts(4, 8, 8) }] }))
      .toThrow(/KueueClusterQueue 'test\/big\/ClusterQueue': prop 'quotas\[0\]\.nominal' .*gpus 8 > 4/);
  });

  test('fails when a quota names a pool outside the cohort', () => {
    const { chart, cohort } = cohortChart();
    const spot = NodePool.cpu({ name: 'spot' });
    expect(() => new Team(chart, 'a', { group: 'g', cohort, quotas: [{ pool: spot, nominal: amounts(1, 1) }] })).toThrow(/prop 'quotas\[0\]\.pool' is 'spot'; pool 'spot' is not shared by cohort 'ml-teams'/);
  });

  test('fails when two teams share a name', () => {
    const { chart, cohort } = cohortChart();
    new Team(chart, 'research', { group: 'g', cohort, quotas: twoPoolQuota(1, 0) });
    expect(() => new Team(chart, 'research-2', { name: 'research', namespace: 'research-2', group: 'g', cohort, quotas: twoPoolQuota(1, 0) }))
      .toThrow(/prop 'name' is 'research'; cohort 'ml-teams' already has a member named 'research'/);
  });

  test('fails when the name is not a DNS label', () => {
    const { chart, cohort } = cohortChart();
    expect(() => new Team(chart, 'x', { name: 'Research', group: 'g', cohort, quotas: twoPoolQuota(1, 0) })).toThrow(/'test\/x': prop 'name' is 'Research'/);
  });

  test('fails when the group is empty', () => {
    const { chart, cohort } = cohortChart();
    expect(() => new Team(chart, 'x', { group: ' ', cohort, quotas: twoPoolQuota(1, 0) })).toThrow(/prop 'group' is ' '; name the identity-provider group/);
  });
});
