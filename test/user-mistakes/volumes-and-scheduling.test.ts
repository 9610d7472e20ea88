import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, localTarget, pools, PYTORCH, STEP, teamChart, teams } from './harness';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { AccessMode } from '../../constructs/core/volume-types';
import { StorageProfiles } from '../../constructs/core/storage-profile';
import { DatasetCache } from '../../constructs/ingestion/dataset-cache';
import { ShardedIngestionJob } from '../../constructs/ingestion/sharded-job';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { ParameterServerTrainingJob } from '../../constructs/training/parameter-server-job';
import { ReplicaRestartPolicy } from '../../constructs/training/policies';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';
import { TrainingApi } from '../../constructs/training/trainer-v2';

// Volumes (access modes the class does not provide, ReadWriteOnce shared across nodes, paths) and
// scheduling (mixed gang schedulers, schedulers the cluster does not run, restart policies).

const ddp = { framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINING_OPERATOR_V1, image: PYTORCH, pool: pools.gpu, command: ['python', '-c', 'import torch'], resources: { cpu: Cpu.units(16), memory: Size.gibibytes(128) } };

describe('user mistakes: volumes', () => {
  test('an access mode the storage class does not provide', () => {
    const message = expectMistake((app) => {
      new SharedVolume(teamChart(app, 'data', teams(app).a), 'models', { accessModes: [AccessMode.READ_WRITE_MANY], storageClass: StorageProfiles.LOCAL.default });
    }, { path: "SharedVolume 'data/models'", prop: "prop 'accessModes'", value: "is 'ReadWriteMany'" });
    expect(message).toMatch(/storage class 'standard' provides ReadWriteOnce, ReadWriteOncePod, not ReadWriteMany; the claim would never bind/);
  });

  test('a ReadWriteOnce volume mounted by workers on several nodes (semantic check at synth)', () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      const data = new SharedVolume(chart, 'data', { storage: Size.gibibytes(10) });
      new AllReduceTrainingJob(chart, 'ddp', { ...ddp, workers: 2, volumes: [data.mount('/data')] });
    }, { path: '[jobs/data/Resource]', prop: 'spec.accessModes', value: "'ReadWriteOnce'" });
    expect(message).toMatch(/Multi-Attach/);
    expect(message).toMatch(/jobs\/ddp\/Resource/);
  });

  test('a dataset cache with an access mode that is no access mode (JavaScript)', () => {
    expectMistake((app) => {
      new DatasetCache(teamChart(app, 'data', teams(app).a), 'mnist', { warmUp: STEP, pool: pools.cpu, accessMode: 'RWX' as any });
    }, { path: "DatasetCache 'data/mnist'", prop: "prop 'accessMode'", value: "is 'RWX'; use one of AccessMode" });
  });

  test('access modes given as one string (JavaScript): it would be spread into letters', () => {
    expectMistake((app) => {
      new SharedVolume(teamChart(app, 'data', teams(app).a), 'models', { accessModes: 'ReadWriteMany' as any });
    }, { path: "SharedVolume 'data/models'", prop: "prop 'accessModes'", value: "is 'ReadWriteMany'; use a list" });
  });

  test('a shard output directory that climbs out of the volume', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      const out = new SharedVolume(chart, 'out', { accessModes: [AccessMode.READ_WRITE_MANY], storageClass: StorageProfiles.LOCAL.shared });
      new ShardedIngestionJob(chart, 'shard', { container: STEP, pool: pools.cpu, shards: 2, output: out, outputDir: '../other-team' });
    }, { path: "ShardedIngestionJob 'jobs/shard'", prop: "prop 'outputDir'", value: "is '../other-team'" });
  });

  test('a relative mount path', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      const data = new SharedVolume(chart, 'data');
      new ArgoWorkflow(chart, 'wf', { pool: pools.cpu, volumes: [data.mount('data')] });
    }, { path: "SharedVolume 'jobs/data'", prop: "prop 'mountPath'", value: "is 'data'" });
  });
});

describe('user mistakes: scheduling', () => {
  test('mixing gang schedulers: a Volcano gang on a cluster whose training-operator gang-schedules with coscheduling (semantic check)', () => {
    const base = localTarget();
    const target = {
      ...base,
      schedulers: new Set([...base.schedulers, 'scheduler-plugins-scheduler']),
      trainingOperator: { gangScheduler: 'scheduler-plugins-scheduler', restrictedPyTorchInitContainer: true },
    };
    const message = expectMistake((app) => {
      new AllReduceTrainingJob(teamChart(app, 'jobs', teams(app).a), 'ddp', { ...ddp, workers: 1, scheduling: GangScheduling.volcano() });
    }, { path: '[jobs/ddp/Resource]', prop: 'spec.runPolicy.schedulingPolicy', value: "'volcano'" }, { target });
    expect(message).toMatch(/gang-schedules with 'scheduler-plugins-scheduler' only/);
  });

  test('two gang schedulers at once (JavaScript: a list where one is allowed)', () => {
    expectMistake((app) => {
      const { a } = teams(app);
      new AllReduceTrainingJob(teamChart(app, 'jobs', a), 'ddp', { ...ddp, scheduling: [GangScheduling.kueue({ queue: a.queue }), GangScheduling.volcano()] as any });
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'scheduling'", value: 'use a GangScheduling' });
  });

  test('a scheduler the cluster does not run (semantic check at synth)', () => {
    const message = expectMistake((app) => {
      new AllReduceTrainingJob(teamChart(app, 'jobs', teams(app).a), 'ddp', { ...ddp, workers: 1, scheduling: GangScheduling.coscheduling() });
    }, { path: '[jobs/ddp/Resource]', prop: 'schedulerName', value: "'scheduler-plugins-scheduler'" });
    expect(message).toMatch(/runs no scheduler of that name/);
  });

  test('a coscheduling gang pointed at the volcano scheduler', () => {
    expectMistake(() => {
      GangScheduling.coscheduling({ schedulerName: 'volcano' });
    }, { path: "GangScheduling 'coscheduling'", prop: "prop 'schedulerName'", value: "is 'volcano'" });
  });

  test('a backoff limit the operator ignores (restart policy ExitCode)', () => {
    const message = expectMistake((app) => {
      new ParameterServerTrainingJob(teamChart(app, 'jobs', teams(app).a), 'ps', {
        output: TrainingApi.TRAINING_OPERATOR_V1, image: PYTORCH, pool: pools.cpu, ps: { replicas: 1 }, restartPolicy: ReplicaRestartPolicy.EXIT_CODE, backoffLimit: 3,
      });
    }, { path: "ParameterServerTrainingJob 'jobs/ps'", prop: "prop 'backoffLimit'", value: 'is 3' });
    expect(message).toMatch(/counts restarts only for OnFailure\/Always/);
  });

  test('a coscheduling timeout that is not whole seconds', () => {
    expectMistake(() => {
      GangScheduling.coscheduling({ scheduleTimeout: Duration.millis(1500) });
    }, { path: "GangScheduling 'coscheduling'", prop: "prop 'scheduleTimeout'", value: "is '1.5s'" });
  });
});
