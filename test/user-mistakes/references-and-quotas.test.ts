import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, PYTORCH, STEP, teamChart, teams } from './harness';
import { NodePool } from '../../constructs/cluster/node-pool';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { Team } from '../../constructs/operations/team';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';
import { Depends } from '../../constructs/workflow/depends';
import { OutputFrom } from '../../constructs/workflow/workflow-io';

// References across workflows and teams, and quotas that can never be honoured.

const quota = (cores: number, gib: number, gpus?: number) => ({ cpu: Cpu.units(cores), memory: Size.gibibytes(gib), gpus });

describe('user mistakes: references across workflows and teams', () => {
  test("a step that depends on another workflow's step", () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'pipeline', teams(app).a);
      const ingest = new ArgoWorkflow(chart, 'ingest', { pool: pools.cpu });
      const fetched = ingest.addContainerTask('fetch', { container: STEP });
      const train = new ArgoWorkflow(chart, 'train', { pool: pools.cpu });
      train.addContainerTask('fit', { container: STEP, dependsOn: [fetched] });
    }, { path: "'pipeline/train/fit'", prop: "prop 'dependsOn'", value: "is 'fetch'" });
  });

  test("a depends expression naming another workflow's step", () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'pipeline', teams(app).a);
      const fetched = new ArgoWorkflow(chart, 'ingest', { pool: pools.cpu }).addContainerTask('fetch', { container: STEP });
      new ArgoWorkflow(chart, 'train', { pool: pools.cpu }).addContainerTask('fit', { container: STEP, depends: Depends.succeeded(fetched) });
    }, { path: "'pipeline/train/fit'", prop: "prop 'dependsOn'", value: "is 'fetch'" });
  });

  test("a resource step whose construct was built outside the workflow's manifests scope", () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'pipeline', teams(app).a);
      const wf = new ArgoWorkflow(chart, 'wf', { pool: pools.cpu });
      const job = new BatchProcessingJob(chart, 'prep', { container: STEP, pool: pools.cpu });
      wf.addResourceTask('prep', { resource: job });
    }, { path: "'pipeline/wf/prep'", prop: "prop 'resource'", value: "is 'pipeline/prep'" });
    expect(message).toMatch(/build the resource in this workflow's 'manifests' scope \(pipeline\/wf\/Manifests\)/);
  });

  test("a training job queued on another team's LocalQueue", () => {
    const message = expectMistake((app) => {
      const { a, b } = teams(app);
      new AllReduceTrainingJob(teamChart(app, 'jobs', a), 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, workers: 1, scheduling: GangScheduling.kueue({ queue: b.queue }),
      });
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'scheduling'", value: "is 'kueue:team-b/default'" });
    expect(message).toMatch(/the LocalQueue is in namespace 'team-b' but the job is in 'team-a'/);
  });

  test("a batch job queued on another team's LocalQueue", () => {
    const message = expectMistake((app) => {
      const { a, b } = teams(app);
      new BatchProcessingJob(teamChart(app, 'jobs', a), 'prep', { container: STEP, pool: pools.cpu, queue: b.queue });
    }, { path: "BatchProcessingJob 'jobs/prep'", prop: "prop 'queue'", value: "is 'team-b/default'" });
    expect(message).toMatch(/namespace 'team-b' but the job is in 'team-a'/);
  });

  test("a workflow whose step pods are queued on another team's LocalQueue", () => {
    expectMistake((app) => {
      const { a, b } = teams(app);
      new ArgoWorkflow(teamChart(app, 'pipeline', a), 'wf', { pool: pools.cpu, queue: b.queue });
    }, { path: "ArgoWorkflow 'pipeline/wf'", prop: "prop 'queue'", value: "is 'default'" });
  });

  test('reading an output the step does not declare', () => {
    const message = expectMistake((app) => {
      const wf = new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'wf', { pool: pools.cpu });
      const train = wf.addContainerTask('train', { container: STEP, outputs: { parameters: { accuracy: OutputFrom.file('/tmp/accuracy') } } });
      wf.addContainerTask('report', { container: { ...STEP, args: [String(train.output('model'))] } });
    }, { path: "'pipeline/wf/train'", prop: "prop 'outputs.parameters'", value: "is 'model'" });
    expect(message).toMatch(/declared: accuracy/);
  });
});

describe('user mistakes: quotas', () => {
  test("team quotas that add up to more than the pool's capacity", () => {
    const message = expectMistake((app) => {
      const { chart, cohort } = teams(app);
      // teams() already books 16 of the pool's 16 GPUs (2 nodes x 8).
      new Team(chart, 'team-c', { group: 'ml-team-c', cohort, quotas: [{ pool: pools.gpu, nominal: quota(8, 64, 4) }] });
    }, { path: "KueueClusterQueue 'teams/team-c/ClusterQueue'", prop: "prop 'quotas[0].nominal'", value: 'nvidia.com/gpu' });
    expect(message).toMatch(/exceeds its capacity at maxSize 2 \(gpus 20 > 16\)/);
  });

  test('a quota on a pool the cohort does not share', () => {
    const message = expectMistake((app) => {
      const { chart, cohort } = teams(app);
      const spare = NodePool.cpu({ name: 'spare', maxSize: 2 });
      new Team(chart, 'team-c', { group: 'ml-team-c', cohort, quotas: [{ pool: spare, nominal: quota(1, 1) }] });
    }, { path: "KueueClusterQueue 'teams/team-c/ClusterQueue'", prop: "prop 'quotas[0].pool'", value: "is 'spare'" });
    expect(message).toMatch(/not shared by cohort 'ml-teams'; use one of 'cpu', 'gpu-a100'/);
  });

  test('lending more than the nominal quota', () => {
    expectMistake((app) => {
      const { chart, cohort } = teams(app);
      new Team(chart, 'team-c', { group: 'ml-team-c', cohort, quotas: [{ pool: pools.cpu, nominal: quota(2, 8), lendingLimit: quota(4, 8) }] });
    }, { path: "KueueClusterQueue 'teams/team-c/ClusterQueue'", prop: "prop 'quotas[0].lendingLimit'", value: 'cpu' });
  });

  test('a negative GPU quota', () => {
    expectMistake((app) => {
      const { chart, cohort } = teams(app);
      new Team(chart, 'team-c', { group: 'ml-team-c', cohort, quotas: [{ pool: pools.cpu, nominal: quota(1, 1, -1) }] });
    }, { path: "KueueClusterQueue 'teams/team-c/ClusterQueue'", prop: "prop 'quotas[0].nominal.gpus'", value: 'is -1' });
  });

  test('a quota given as plain numbers (JavaScript) instead of Cpu and Size', () => {
    expectMistake((app) => {
      const { chart, cohort } = teams(app);
      new Team(chart, 'team-c', { group: 'ml-team-c', cohort, quotas: [{ pool: pools.cpu, nominal: { cpu: 8, memory: 32 } as any }] });
    }, { path: "Team 'teams/team-c'", prop: "prop 'quotas[0].nominal.cpu'", value: 'is 8; use a Cpu' });
  });

  test("a gang larger than its team's ClusterQueue can ever admit (semantic check at synth)", () => {
    const message = expectMistake((app) => {
      const { a } = teams(app);
      // team-a has 8 GPUs nominal and may borrow team-b's 8: 16 at most; the job needs 3 x 8 at once.
      new AllReduceTrainingJob(teamChart(app, 'jobs', a), 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, workers: 3, command: ['python', '-c', 'import torch'],
        resources: { cpu: Cpu.units(16), memory: Size.gibibytes(128) }, scheduling: GangScheduling.kueue({ queue: a.queue }),
      });
    }, { path: '[jobs/ddp/Resource]', prop: 'kueue.x-k8s.io/queue-name', value: 'default' });
    expect(message).toMatch(/nvidia\.com\/gpu|gpus 16/);
  });

  test('a queued job in a namespace whose team has no quota on its pool (semantic check at synth)', () => {
    const message = expectMistake((app) => {
      const { chart, cohort } = teams(app);
      const cpuOnly = new Team(chart, 'team-c', { group: 'ml-team-c', cohort, quotas: [{ pool: pools.cpu, nominal: quota(2, 8) }] });
      new AllReduceTrainingJob(teamChart(app, 'jobs', cpuOnly), 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, workers: 1, gpusPerWorker: 1, command: ['python', '-c', 'pass'],
        scheduling: GangScheduling.kueue({ queue: cpuOnly.queue }),
      });
    }, { path: '[jobs/ddp/Resource]', prop: 'kueue.x-k8s.io/queue-name', value: 'default' });
    expect(message).toMatch(/gpu-a100/);
  });
});
