import { ApiObject, App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, STEP, synthOk, synthWarns, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { NodePool } from '../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../constructs/operations/fair-share-cohort';
import { Team } from '../../constructs/operations/team';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';

// Node sizes and the hints of capacity mistakes (issue 23: F14 and the misleading hints).

describe('capacity: node sizes as the cloud computes them, hints that name the real cause', () => {
  const bigJob = (memoryGiB: number) => (app: PlatformApp) => {
    new BatchProcessingJob(teamChart(app, 'jobs', teams(app).a), 'etl', { pool: pools.cpu, container: { ...STEP, resources: { cpu: Cpu.units(8), memory: Size.gibibytes(memoryGiB) } } });
  };

  test('F14: a pod that fits EKS allocatable of an m6i.4xlarge (64 GiB - (11 x 234 + 255) MiB - 100 MiB) synthesizes', () => {
    // 60 GiB is above what the GKE formula leaves (59 824 MiB), below what the EKS AMI leaves (62 607 MiB).
    expect(pools.cpu.memoryPerNode.toMebibytes()).toBe(65536 - (11 * 234 + 255) - 100);
    expect(synthOk(bigJob(60))).toContain('jobs.k8s.yaml');
  });

  test('F14 twin: a pod above EKS allocatable is still an error naming both sides', () => {
    expectMistake(bigJob(62), { path: 'jobs/etl', prop: 'resources', value: 'memory 63488Mi' });
  });
});

describe('hints that name the real cause (issue 23)', () => {
  const RESTRICTED = { allowPrivilegeEscalation: false, runAsNonRoot: true, runAsUser: 1000, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } };
  const gpuJob = (chart: Chart, pool: NodePool, pods: number, gpus: number, queue?: string) => new ApiObject(chart, 'train', {
    apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'train', ...(queue ? { labels: { 'kueue.x-k8s.io/queue-name': queue } } : {}) },
    spec: { parallelism: pods, completions: pods, template: { spec: {
      restartPolicy: 'Never', nodeSelector: pool.nodeSelector(), tolerations: pool.tolerations(),
      containers: [{ name: 'c', image: 'busybox:1.36.1', command: ['sh', '-c', 'echo ok'], securityContext: RESTRICTED, resources: { requests: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': String(gpus) }, limits: { cpu: '1', memory: '1Gi', 'nvidia.com/gpu': String(gpus) } } }],
    } } },
  });

  test('GPU quota on a CPU pool: the pool has no GPUs (not "raise the pool\'s maxSize")', () => {
    const message = expectMistake((app) => {
      const chart = new Chart(app, 'teams', { disableResourceNameHashes: true });
      const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml', pools: [pools.cpu, pools.gpu] });
      new Team(chart, 'team-a', { group: 'ml-team-a', cohort, quotas: [{ pool: pools.cpu, nominal: { cpu: Cpu.units(8), memory: Size.gibibytes(32), gpus: 2 } }] });
    }, { path: 'teams/team-a', prop: 'quotas[0].nominal', value: 'nvidia.com/gpu' });
    expect(message).toMatch(/pool 'cpu' is a CPU pool and has no GPUs; give GPU quota on a GPU pool of cohort 'ml' \('gpu-a100'\)/);
    expect(message).not.toMatch(/maxSize/);
  });

  test('a GPU pod on a CPU pool: the pool has no GPUs (not "bigger nodes")', () => {
    const message = expectMistake((app) => { gpuJob(teamChart(app, 'jobs', teams(app).a), pools.cpu, 1, 1); }, { path: 'jobs/train', prop: 'resources', value: 'nvidia.com/gpu 1' });
    expect(message).toMatch(/pool 'cpu' has no GPUs: put the pod on a GPU pool or request no nvidia\.com\/gpu/);
  });

  test('two pool objects sharing a name: said so, in the cohort and in a quota', () => {
    const other = NodePool.cpu({ name: 'cpu', instanceType: 'm6i.xlarge', maxSize: 2 });
    expect(() => new FairShareCohort(new Chart(new App(), 'c'), 'Cohort', { name: 'ml', pools: [pools.cpu, other] }))
      .toThrow(/prop 'pools' is '\[cpu, cpu\]'; two different NodePool objects are named 'cpu' \(m6i\.4xlarge, no GPU, maxSize 4; m6i\.xlarge, no GPU, maxSize 2\)/);
    expectMistake((app) => {
      const chart = new Chart(app, 'teams', { disableResourceNameHashes: true });
      const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml', pools: [pools.cpu] });
      new Team(chart, 'team-a', { group: 'ml-team-a', cohort, quotas: [{ pool: other, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1) } }] });
    }, { path: 'teams/team-a', prop: 'quotas[0].pool', value: "'cpu'; cohort 'ml' shares another NodePool object named 'cpu'" });
  });

  test('a gang larger than its pool at maxSize: the pool, not the quota', () => {
    const message = expectMistake((app) => {
      const team = teams(app).a;
      gpuJob(teamChart(app, 'jobs', team), pools.gpu, 3, 8, team.queue.name);
    }, { path: 'jobs/train', prop: "metadata.labels['kueue.x-k8s.io/queue-name']", value: 'nvidia.com/gpu 24' });
    expect(message).toMatch(/more than pool\(s\) 'gpu-a100' 2 node\(s\) hold at maxSize .*whatever the queue's quota; give the pool more nodes \(maxSize\) or shrink the job/);
  });

  test('quotas above a pool: an error naming the opt-in; with overcommit the cohort books them and synth warns', () => {
    const overbooked = (overcommit?: boolean) => (app: PlatformApp) => {
      const chart = new Chart(app, 'teams', { disableResourceNameHashes: true });
      const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml', pools: [pools.gpu], overcommit });
      for (const t of ['a', 'b']) new Team(chart, `team-${t}`, { group: `ml-team-${t}`, cohort, quotas: [{ pool: pools.gpu, nominal: { cpu: Cpu.units(48), memory: Size.gibibytes(512), gpus: 12 } }] });
    };
    const message = expectMistake(overbooked(), { path: 'teams/team-b', prop: 'quotas[0].nominal', value: 'nvidia.com/gpu' });
    expect(message).toMatch(/exceeds its capacity at maxSize 2 .*or book above it deliberately with overcommit: true on the cohort/);
    expect(synthWarns(overbooked(true)).warnings).toEqual([expect.stringMatching(/ResourceFlavor gpu-a100: .*Kueue books .*nvidia\.com\/gpu 24 of pool 'gpu-a100' .* \(rule capacity-feasibility\)$/)]);
  });
});
