import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Cron } from 'cdk8s';
import { BUSYBOX, expectMistake, localTarget, pools, PYTORCH, STEP, teamChart, teams } from './harness';
import { NodePool } from '../../constructs/cluster/node-pool';
import { PlatformApp } from '../../constructs/app/platform-app';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { ShardedIngestionJob } from '../../constructs/ingestion/sharded-job';
import { tagMetadata } from '../../constructs/operations/metadata-convention';
import { Team } from '../../constructs/operations/team';
import { KServeInferenceService } from '../../constructs/serving/inference-service';
import { ModelFormat } from '../../constructs/serving/model-location';
import { ReplicatedModelService } from '../../constructs/serving/replicated-service';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';
import { Depends } from '../../constructs/workflow/depends';

// Missing and mistyped props, as a JavaScript caller (or an entry bundled without type-checking)
// writes them: `as any` stands for "the type checker never saw this call".

describe('user mistakes: missing and mistyped props (JavaScript callers)', () => {
  test('a job without its node pool', () => {
    expectMistake((app) => {
      new BatchProcessingJob(teamChart(app, 'jobs', teams(app).a), 'prep', { container: STEP } as any);
    }, { path: "BatchProcessingJob 'jobs/prep'", prop: "prop 'pool'", value: 'is undefined; it is required: give a NodePool (NodePool.cpu() or NodePool.gpu())' });
  });

  test('a construct called without props at all', () => {
    expectMistake((app) => {
      new (ShardedIngestionJob as any)(teamChart(app, 'jobs', teams(app).a), 'shard');
    }, { path: "ShardedIngestionJob 'jobs/shard'", prop: "prop 'props'", value: 'is undefined; pass a props object with container, pool, shards, output' });
  });

  test('an enum value spelled by hand (framework "pytorch" instead of CollectiveFramework.PYTORCH)', () => {
    expectMistake((app) => {
      new AllReduceTrainingJob(teamChart(app, 'jobs', teams(app).a), 'ddp', { framework: 'pytorch' as any, image: PYTORCH, pool: pools.gpu });
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'framework'", value: `is 'pytorch'; use one of CollectiveFramework ("TensorFlow", "PyTorch", "MPI", "JAX")` });
  });

  test('a node pool without a name', () => {
    expectMistake(() => {
      NodePool.cpu({} as any);
    }, { path: "NodePool '<unnamed>'", prop: "prop 'name'", value: 'is undefined; it is required: give a string' });
  });

  test('a team without its identity-provider group', () => {
    expectMistake((app) => {
      const { chart, cohort } = teams(app);
      new Team(chart, 'team-c', { cohort, quotas: [] } as any);
    }, { path: "Team 'teams/team-c'", prop: "prop 'group'", value: 'is undefined' });
  });

  test('a model location given as a URI string instead of a ModelLocation', () => {
    expectMistake((app) => {
      new KServeInferenceService(teamChart(app, 'serving', teams(app).a), 'classifier', {
        modelFormat: ModelFormat.TRITON, model: 's3://models/fashion' as any, pool: pools.cpu,
      });
    }, { path: "KServeInferenceService 'serving/classifier'", prop: "prop 'model'", value: "is 's3://models/fashion'; use a ModelLocation" });
  });

  test("a pool given by its name instead of the NodePool", () => {
    expectMistake((app) => {
      new ReplicatedModelService(teamChart(app, 'serving', teams(app).a), 'serve', { container: STEP, pool: 'cpu' as any });
    }, { path: "ReplicatedModelService 'serving/serve'", prop: "prop 'pool'", value: "is 'cpu'; use a NodePool" });
  });

  test('a misspelled optional prop, which JavaScript would ignore silently', () => {
    expectMistake((app) => {
      new AllReduceTrainingJob(teamChart(app, 'jobs', teams(app).a), 'ddp', { framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, wokers: 4 } as any);
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'wokers'", value: "is 4; there is no such prop; did you mean 'workers'?" });
  });

  test('a schedule given as a cron string instead of a Cron', () => {
    expectMistake((app) => {
      new BatchProcessingJob(teamChart(app, 'jobs', teams(app).a), 'nightly', { container: STEP, pool: pools.cpu, schedule: '0 3 * * *' as any });
    }, { path: "BatchProcessingJob 'jobs/nightly'", prop: "prop 'schedule'", value: "is '0 3 * * *'; use a Cron" });
    expect(Cron.daily()).toBeDefined();
  });

  test('a resource step without its resource', () => {
    expectMistake((app) => {
      new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'wf', { pool: pools.cpu }).addResourceTask('train', {} as any);
    }, { path: "'pipeline/wf/train'", prop: "prop 'resource'", value: 'is undefined; it is required' });
  });

  test('Kueue gang scheduling without its queue', () => {
    expectMistake(() => {
      (GangScheduling.kueue as any)();
    }, { path: "GangScheduling 'kueue'", prop: "prop 'props'", value: 'is undefined; pass a props object with queue' });
  });

  test('a depends term without its step', () => {
    expectMistake(() => {
      Depends.succeeded(undefined as any);
    }, { path: "Depends 'succeeded'", prop: "prop 'task'", value: 'is undefined; it is required: give a step' });
  });

  test('a hand-written platform target missing its storage', () => {
    expectMistake((app) => {
      const { storage: _dropped, ...target } = localTarget();
      new PlatformApp({ outdir: app.outdir, target: target as any });
    }, { path: "PlatformApp '<app>'", prop: "prop 'target.storage'", value: 'is undefined; it is required: give an object' });
  });

  test('a model version tag given as a number (label values are strings)', () => {
    expectMistake((app) => {
      tagMetadata(teamChart(app, 'serving', teams(app).a), { model: 'fashion', modelVersion: 3 as any });
    }, { path: "Chart 'serving'", prop: "prop 'modelVersion'", value: 'is 3; use a string' });
  });

  test('a CPU step container given the image a GPU job uses, as a string', () => {
    expectMistake((app) => {
      const wf = new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'wf', { pool: pools.cpu });
      wf.addContainerTask('eval', { container: { image: String(BUSYBOX) as any } });
    }, { path: "'pipeline/wf/eval'", prop: "prop 'container.image'", value: "is 'busybox:1.36.1'; use a ContainerImage" });
  });
});

describe('an unchecked JavaScript entry run by npm run synth', () => {
  const root = path.resolve(__dirname, '../..');
  const run = (entry: string, outdir: string) => spawnSync('node', ['scripts/synth.mjs', entry], { cwd: root, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });

  test('gets the same PropError as a typed caller, and the message names the real outdir it left alone', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-entry-'));
    try {
      const outdir = path.join(dir, 'out');
      fs.mkdirSync(outdir);
      fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kept');
      const result = run('test/user-mistakes/fixtures/job-without-pool.mjs', outdir);
      expect(result.status).toBe(1);
      expect(result.stderr).toContain(`synth failed, ${outdir}/ left as it was:`);
      expect(result.stderr).toContain("BatchProcessingJob 'jobs/prep': prop 'pool' is undefined; it is required: give a NodePool");
      expect(result.stderr).not.toMatch(/TypeError|Cannot read properties/);
      expect(fs.readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
      expect(fs.readdirSync(dir)).toEqual(['out']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('says nothing was written when the entry fails before it creates a PlatformApp', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-entry-'));
    try {
      const result = run('test/user-mistakes/fixtures/pool-before-app.mjs', path.join(dir, 'out'));
      expect(result.status).toBe(1);
      expect(result.stderr).toContain('synth failed before any PlatformApp was created, so nothing was written:');
      expect(result.stderr).toContain("NodePool 'CPU Pool': prop 'name' is 'CPU Pool'");
      expect(fs.readdirSync(dir)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
