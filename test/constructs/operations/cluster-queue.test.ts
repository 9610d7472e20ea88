import { amounts, cohortChart, cpuPool, gpuPool } from './fixtures';
import { KueueClusterQueue } from '../../../constructs/operations/cluster-queue';
import { PreemptionPolicy } from '../../../constructs/operations/preemption-policy';
import { ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort, ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue } from '../../../constructs/imports/kueue.x-k8s.io';
import { byKindName, synth } from '../../helpers';

const quotas = [
  { pool: gpuPool, nominal: amounts(12, 48, 2), borrowingLimit: amounts(4, 16, 1), lendingLimit: amounts(6, 24, 1) },
  { pool: cpuPool, nominal: amounts(8, 32) },
];

describe('KueueClusterQueue', () => {
  test('default output', () => {
    const { chart, cohort } = cohortChart();
    new KueueClusterQueue(chart, 'research', { cohort, quotas, namespaces: ['team-research'] });
    const cq = byKindName(synth(chart), 'ClusterQueue', 'research');
    expect(cq).toMatchSnapshot();
    expect(cq.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
  });

  test('joins the cohort and admits only its namespaces', () => {
    const { chart, cohort } = cohortChart();
    new KueueClusterQueue(chart, 'research', { cohort, quotas, namespaces: ['team-research'] });
    const spec = byKindName(synth(chart), 'ClusterQueue', 'research').spec;
    expect(spec.cohortName).toBe(cohort.name);
    expect(spec.namespaceSelector).toEqual({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['team-research'] }] });
  });

  test('lists CPU flavors before GPU flavors and covers nvidia.com/gpu on all of them', () => {
    const { chart, cohort } = cohortChart();
    new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: ['n'] });
    const [group] = byKindName(synth(chart), 'ClusterQueue', 'q').spec.resourceGroups;
    expect(group.coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu']);
    expect(group.flavors.map((f: any) => f.name)).toEqual([cpuPool.name, gpuPool.name]);
    for (const f of group.flavors) expect(f.resources.map((r: any) => r.name)).toEqual(group.coveredResources);
  });

  test('nominal quota, borrowing and lending limits come from the pool quotas', () => {
    const { chart, cohort } = cohortChart();
    new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: ['n'] });
    const flavors = byKindName(synth(chart), 'ClusterQueue', 'q').spec.resourceGroups[0].flavors;
    const gpu = Object.fromEntries(flavors.find((f: any) => f.name === gpuPool.name).resources.map((r: any) => [r.name, r]));
    expect(gpu['nvidia.com/gpu']).toEqual({ name: 'nvidia.com/gpu', nominalQuota: '2', borrowingLimit: '1', lendingLimit: '1' });
    expect(gpu.cpu.nominalQuota).toBe('12');
    expect(gpu.memory.nominalQuota).toBe('48Gi');
    const cpu = Object.fromEntries(flavors.find((f: any) => f.name === cpuPool.name).resources.map((r: any) => [r.name, r]));
    expect(cpu['nvidia.com/gpu']).toEqual({ name: 'nvidia.com/gpu', nominalQuota: '0' });
  });

  test('a CPU-only queue does not cover GPUs', () => {
    const { chart, cohort } = cohortChart();
    new KueueClusterQueue(chart, 'q', { cohort, quotas: [{ pool: cpuPool, nominal: amounts(2, 4) }], namespaces: ['n'] });
    expect(byKindName(synth(chart), 'ClusterQueue', 'q').spec.resourceGroups[0].coveredResources).toEqual(['cpu', 'memory']);
  });

  test('fair-sharing weight defaults to 1 and preemption to RECLAIM_QUOTA', () => {
    const { chart, cohort } = cohortChart();
    const q = new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: ['n'] });
    const spec = byKindName(synth(chart), 'ClusterQueue', 'q').spec;
    expect(spec.fairSharing).toEqual({ weight: '1' });
    expect(spec.preemption).toEqual(PreemptionPolicy.RECLAIM_QUOTA.toSpec());
    expect(spec.preemption).toEqual({ reclaimWithinCohort: 'Any', withinClusterQueue: 'LowerPriority' });
    expect(q.preemption).toBe(PreemptionPolicy.RECLAIM_QUOTA);
  });

  test('custom weight and preemption reach the spec', () => {
    const { chart, cohort } = cohortChart();
    const preemption = PreemptionPolicy.custom(ClusterQueueV1Beta2SpecPreemptionReclaimWithinCohort.LOWER_PRIORITY, ClusterQueueV1Beta2SpecPreemptionWithinClusterQueue.LOWER_OR_NEWER_EQUAL_PRIORITY);
    new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: ['n'], fairSharingWeight: 3, preemption });
    const spec = byKindName(synth(chart), 'ClusterQueue', 'q').spec;
    expect(spec.fairSharing.weight).toBe('3');
    expect(spec.preemption).toEqual({ reclaimWithinCohort: 'LowerPriority', withinClusterQueue: 'LowerOrNewerEqualPriority' });
  });

  test('fails when fairSharingWeight is not a whole number from 0 to 1000', () => {
    const { chart, cohort } = cohortChart();
    expect(() => new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: ['n'], fairSharingWeight: 1.5 })).toThrow(/'test\/q': prop 'fairSharingWeight' is 1.5; use an integer from 0 to 1000/);
  });

  test('fails when no namespace may submit', () => {
    const { chart, cohort } = cohortChart();
    expect(() => new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: [] })).toThrow(/prop 'namespaces' is '\[\]'; list the namespaces/);
  });

  test('fails when a namespace is not a DNS label', () => {
    const { chart, cohort } = cohortChart();
    expect(() => new KueueClusterQueue(chart, 'q', { cohort, quotas, namespaces: ['Team_A'] })).toThrow(/prop 'namespaces\[0\]' is 'Team_A'/);
  });
});
