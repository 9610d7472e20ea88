import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, PYTORCH, STEP, synthOk, teamChart, teams } from './harness';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { NodePool } from '../../constructs/cluster/node-pool';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { AccessMode } from '../../constructs/core/volume-types';
import { StorageProfiles } from '../../constructs/core/storage-profile';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { MemoryDatasetCache } from '../../constructs/ingestion/memory-dataset-cache';
import { ShardedIngestionJob } from '../../constructs/ingestion/sharded-job';
import { DisruptionBudget } from '../../constructs/serving/disruption-budget';
import { ReplicatedModelService } from '../../constructs/serving/replicated-service';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';

// Sizes: negative, zero, fractional where whole numbers are needed, more than a node has,
// memory that shared memory or an in-memory cache would eat.

describe('user mistakes: sizes', () => {
  test('the fixture platform with one valid job of each kind synthesizes (the mistakes below are the only problems)', () => {
    const files = synthOk((app) => {
      const { a } = teams(app);
      const chart = teamChart(app, 'jobs', a);
      new BatchProcessingJob(chart, 'prep', { container: STEP, pool: pools.cpu, parallelism: 2, completions: 4 });
      const out = new SharedVolume(chart, 'out', { accessModes: [AccessMode.READ_WRITE_MANY], storageClass: StorageProfiles.LOCAL.shared });
      new ShardedIngestionJob(chart, 'shard', { container: STEP, pool: pools.cpu, shards: 4, output: out });
      new AllReduceTrainingJob(chart, 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, workers: 1, command: ['python', '-c', 'import torch'],
        // The teams book the whole GPU pool: work there goes through a team's queue.
        resources: { cpu: Cpu.units(32), memory: Size.gibibytes(256) }, scheduling: GangScheduling.kueue({ queue: a.queue }),
      });
      new ReplicatedModelService(chart, 'serve', { container: STEP, pool: pools.cpu, minReplicas: 2 });
    });
    expect(files).toEqual(['jobs.k8s.yaml', 'teams.k8s.yaml']);
  });

  test('a GPU pool with zero GPUs per node', () => {
    expectMistake(() => {
      NodePool.gpu({ name: 'gpu-none', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 0 });
    }, { path: "NodePool 'gpu-none'", prop: "prop 'gpusPerNode'", value: 'is 0' });
  });

  test('a negative parallelism', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new BatchProcessingJob(chart, 'prep', { container: STEP, pool: pools.cpu, parallelism: -2 });
    }, { path: "BatchProcessingJob 'jobs/prep'", prop: "prop 'parallelism'", value: 'is -2' });
  });

  test('a fractional shard count', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new ShardedIngestionJob(chart, 'shard', { container: STEP, pool: pools.cpu, shards: 2.5, output: new SharedVolume(chart, 'out') });
    }, { path: "ShardedIngestionJob 'jobs/shard'", prop: "prop 'shards'", value: 'is 2.5' });
  });

  test('more GPUs per worker than a node of the pool has', () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new AllReduceTrainingJob(chart, 'ddp', { framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, gpusPerWorker: 16 });
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'gpusPerWorker'", value: 'is 16' });
    expect(message).toMatch(/pool 'gpu-a100' has 8 GPUs per node/);
  });

  test('shared memory as large as the memory limit it counts against', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new AllReduceTrainingJob(chart, 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, workers: 1,
        resources: { cpu: Cpu.units(8), memory: Size.gibibytes(4) }, sharedMemory: Size.gibibytes(8),
      });
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'sharedMemory'", value: "is '8192Mi'" });
  });

  test('an in-memory dataset cache larger than the memory limit of its consumer', () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      const cache = new MemoryDatasetCache(chart, 'mnist', { warmUp: STEP, pool: pools.cpu, size: Size.gibibytes(2) });
      new BatchProcessingJob(chart, 'prep', { container: STEP, pool: pools.cpu, cache });
    }, { path: "'jobs/prep'", prop: "prop 'cache'", value: "is 'mnist'" });
    expect(message).toMatch(/takes 2048Mi of the container's 1024Mi memory limit/);
  });

  test('a pod larger than any node of its pool (semantic check at synth)', () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new BatchProcessingJob(chart, 'prep', { container: { ...STEP, resources: { cpu: Cpu.units(40), memory: Size.gibibytes(8) } }, pool: pools.cpu });
    }, { path: '[jobs/prep/Resource]', prop: 'spec.template.spec.containers[*].resources', value: 'cpu 40' });
    expect(message).toMatch(/pool 'cpu'/);
  });

  test('a disruption budget that keeps every replica, so no node could ever be drained', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'serving', teams(app).a);
      new ReplicatedModelService(chart, 'serve', { container: STEP, pool: pools.cpu, minReplicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) });
    }, { path: "ReplicatedModelService 'serving/serve'", prop: "prop 'disruptionBudget'", value: "is 'minAvailable 2'" });
  });
});
