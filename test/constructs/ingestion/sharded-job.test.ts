import { Duration } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { ShardedIngestionJob, ShardEnv } from '../../../constructs/ingestion/sharded-job';
import { byKindName, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const container = { image: ContainerImage.of('python:3.12-slim'), command: ['python', '/shard.py'] };

function make(props: Partial<ConstructorParameters<typeof ShardedIngestionJob>[2]> = {}) {
  const chart = testChart('data');
  const output = new SharedVolume(chart, 'out');
  const job = new ShardedIngestionJob(chart, 'prep', { container, pool, output, shards: 8, ...props });
  return { job, obj: byKindName(synth(chart), 'Job', 'prep') };
}

describe('ShardedIngestionJob', () => {
  test('default output: Indexed Job, completions = shards, parallelism min(shards, 4), 2 retries per shard', () => {
    const { obj } = make();
    expect(obj).toMatchSnapshot();
    expect(obj.spec).toMatchObject({ completionMode: 'Indexed', completions: 8, parallelism: 4, backoffLimitPerIndex: 2 });
    expect(obj.spec.backoffLimit).toBeUndefined();
    expect(obj.spec.maxFailedIndexes).toBeUndefined();
    expect(obj.spec.template.spec.restartPolicy).toBe('Never');
  });

  test('each pod gets its shard index (downward API, listed first), the count and its own output dir', () => {
    const env = make().obj.spec.template.spec.containers[0].env;
    expect(env[0]).toEqual({ name: ShardEnv.INDEX, valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } });
    expect(env).toContainEqual({ name: ShardEnv.COUNT, value: '8' });
    expect(env).toContainEqual({ name: ShardEnv.OUTPUT_DIR, value: '/output/prep/shard-$(SHARD_INDEX)' });
  });

  test('output volume is mounted writable at outputMountPath, under outputDir', () => {
    const { obj, job } = make({ outputDir: 'fmnist/v1', outputMountPath: '/data' });
    expect(obj.spec.template.spec.containers[0].volumeMounts).toContainEqual({ name: 'out', mountPath: '/data' });
    expect(job.outputRoot).toBe('/data/fmnist/v1');
  });

  test('parallelism, retriesPerShard, maxFailedShards and deadline reach the spec; conditions follow them', () => {
    const { obj, job } = make({ shards: 3, parallelism: 3, retriesPerShard: 1, maxFailedShards: 1, activeDeadline: Duration.hours(1) });
    expect(obj.spec).toMatchObject({ parallelism: 3, backoffLimitPerIndex: 1, maxFailedIndexes: 1, activeDeadlineSeconds: 3600 });
    expect(job.successCondition).toBe('status.succeeded > 2');
    expect(job.failureCondition).toBe('status.failed > 4');
  });

  test('parallelism never exceeds a small shard count by default', () => {
    expect(make({ shards: 2 }).obj.spec.parallelism).toBe(2);
  });

  test('fails when shards is below 1', () => {
    expect(() => make({ shards: 0 })).toThrow(/'test\/prep': prop 'shards' is 0; use an integer from 1 to 100000/);
  });

  test('fails when parallelism exceeds shards', () => {
    expect(() => make({ shards: 2, parallelism: 3 })).toThrow(/prop 'parallelism' is 3; it exceeds shards 2/);
  });

  test('fails when maxFailedShards exceeds shards', () => {
    expect(() => make({ shards: 2, maxFailedShards: 3 })).toThrow(/prop 'maxFailedShards' is 3; use an integer from 0 to 2/);
  });

  test('fails when retriesPerShard is negative', () => {
    expect(() => make({ retriesPerShard: -1 })).toThrow(/prop 'retriesPerShard' is -1/);
  });

  test('fails when outputDir escapes the volume', () => {
    expect(() => make({ outputDir: '../etc' })).toThrow(/prop 'outputDir' is '..\/etc'; use a relative path without/);
  });

  test('fails when outputMountPath is relative', () => {
    expect(() => make({ outputMountPath: 'out' })).toThrow(/prop 'outputMountPath' is 'out'; use an absolute path/);
  });
});
