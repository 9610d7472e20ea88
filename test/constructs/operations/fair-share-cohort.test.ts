import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { amounts, cohortChart, cpuPool, gpuPool, twoPoolQuota } from './fixtures';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { poolCapacity } from '../../../constructs/operations/resource-amounts';
import { resourceFlavorName } from '../../../constructs/operations/resource-flavor';
import { byKindName, ofKind, synth, testChart } from '../../helpers';

describe('FairShareCohort', () => {
  test('derives one ResourceFlavor per pool from the pool object', () => {
    const { chart } = cohortChart();
    const objects = synth(chart);
    expect(ofKind(objects, 'ResourceFlavor')).toMatchSnapshot();
    for (const pool of [cpuPool, gpuPool]) {
      const flavor = byKindName(objects, 'ResourceFlavor', resourceFlavorName(pool));
      expect(flavor.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
      expect(flavor.spec.nodeLabels).toEqual(pool.nodeSelector());
      expect(flavor.spec.tolerations ?? []).toEqual(pool.tolerations());
    }
  });

  test('the GPU flavor tolerates the GPU taint; the CPU flavor has no tolerations', () => {
    const objects = synth(cohortChart().chart);
    expect(byKindName(objects, 'ResourceFlavor', gpuPool.name).spec.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(byKindName(objects, 'ResourceFlavor', cpuPool.name).spec.tolerations).toBeUndefined();
  });

  test('books nominal quota per pool across members', () => {
    const { chart, cohort } = cohortChart();
    cohort.reserve(chart, 'a', twoPoolQuota(8, 1));
    cohort.reserve(chart, 'b', twoPoolQuota(4, 2));
    expect(cohort.reservedOn(cpuPool)).toEqual({ cpuMillis: 12_000, memoryMebibytes: 48 * 1024, gpus: 0 });
    expect(cohort.reservedOn(gpuPool)).toEqual({ cpuMillis: 18_000, memoryMebibytes: 72 * 1024, gpus: 3 });
    expect(cohort.memberNames).toEqual(['a', 'b']);
  });

  test('accepts quotas that exactly fill a pool', () => {
    const { chart, cohort } = cohortChart();
    const cap = gpuPool.capacity();
    expect(() => cohort.reserve(chart, 'all', [{ pool: gpuPool, nominal: { cpu: Cpu.units(cap.cpu), memory: cap.memory, gpus: cap.gpus } }])).not.toThrow();
    expect(cohort.reservedOn(gpuPool)).toEqual(poolCapacity(gpuPool));
  });

  test('fails when one team quota exceeds the pool capacity', () => {
    const { chart, cohort } = cohortChart();
    expect(() => cohort.reserve(chart, 'big', [{ pool: gpuPool, nominal: amounts(8, 32, 5) }]))
      .toThrow(/prop 'quotas\[0\]\.nominal' is .*"nvidia.com\/gpu":"5".*pool 'gpu-l4' exceeds its capacity at maxSize 4 \(gpus 5 > 4\)/);
  });

  test('fails when the sum of team quotas exceeds the pool capacity, and books nothing', () => {
    const { chart, cohort } = cohortChart();
    cohort.reserve(chart, 'a', twoPoolQuota(20, 2));
    expect(() => cohort.reserve(chart, 'b', twoPoolQuota(8, 1))).toThrow(/prop 'quotas\[0\]\.nominal' .*pool 'cpu' exceeds its capacity .*cpu 28 > 23730m/);
    expect(cohort.reservedOn(gpuPool).gpus).toBe(2);
    expect(cohort.memberNames).toEqual(['a']);
  });

  test('fails when a quota names a pool outside the cohort', () => {
    const { chart, cohort } = cohortChart();
    const other = NodePool.cpu({ name: 'highmem' });
    expect(() => cohort.reserve(chart, 'a', [{ pool: other, nominal: amounts(1, 1) }])).toThrow(/prop 'quotas\[0\]\.pool' is 'highmem'; pool 'highmem' is not shared by cohort 'ml-teams'; use one of 'cpu', 'gpu-l4'/);
  });

  test('fails when a different pool object reuses a cohort pool name', () => {
    const { chart, cohort } = cohortChart();
    const impostor = NodePool.cpu({ name: 'cpu', maxSize: 100 });
    expect(() => cohort.reserve(chart, 'a', [{ pool: impostor, nominal: amounts(50, 1) }])).toThrow(/prop 'quotas\[0\]\.pool' is 'cpu'; cohort 'ml-teams' shares another NodePool object named 'cpu'/);
  });

  test('fails when two members share a name', () => {
    const { chart, cohort } = cohortChart();
    cohort.reserve(chart, 'research', twoPoolQuota(1, 0));
    expect(() => cohort.reserve(chart, 'research', twoPoolQuota(1, 0))).toThrow(/prop 'name' is 'research'; cohort 'ml-teams' already has a member named 'research'/);
  });

  test('fails when a pool appears twice in one quota list', () => {
    const { chart, cohort } = cohortChart();
    expect(() => cohort.reserve(chart, 'a', [{ pool: cpuPool, nominal: amounts(1, 1) }, { pool: cpuPool, nominal: amounts(1, 1) }])).toThrow(/prop 'quotas\[1\]\.pool' is 'cpu'; the pool appears twice/);
  });

  test('fails when the lending limit exceeds the nominal quota', () => {
    const { chart, cohort } = cohortChart();
    expect(() => cohort.reserve(chart, 'a', [{ pool: gpuPool, nominal: amounts(4, 16, 1), lendingLimit: amounts(4, 16, 2) }])).toThrow(/prop 'quotas\[0\]\.lendingLimit' is .*"nvidia.com\/gpu":"2".*gpus 2 > 1/);
  });

  test('fails when a quota is negative', () => {
    const { chart, cohort } = cohortChart();
    expect(() => cohort.reserve(chart, 'a', [{ pool: gpuPool, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1), gpus: -1 } }])).toThrow(/prop 'quotas\[0\]\.nominal\.gpus' is -1/);
  });

  test('fails when a team has no quota', () => {
    const { chart, cohort } = cohortChart();
    expect(() => cohort.reserve(chart, 'a', [])).toThrow(/prop 'quotas' is '\[\]'/);
  });

  test('fails when no pools are given or a pool is listed twice', () => {
    expect(() => new FairShareCohort(testChart(), 'c', { pools: [] })).toThrow(/'test\/c': prop 'pools' is '\[\]'/);
    expect(() => new FairShareCohort(testChart(), 'c', { pools: [cpuPool, cpuPool] })).toThrow(/prop 'pools' is '\[cpu, cpu\]'; pool 'cpu' appears twice/);
  });
});
