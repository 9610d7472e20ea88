import { Cron, Duration, Size } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { BatchProcessingJob, ConcurrencyPolicy } from '../../../constructs/ingestion/batch-job';
import { MemoryDatasetCache } from '../../../constructs/ingestion/memory-dataset-cache';
import { ArgoWorkflow } from '../../../constructs/workflow/argo-workflow';
import { byKindName, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const container = { image: ContainerImage.of('python:3.12-slim'), command: ['python', '/ingest.py'] };

describe('BatchProcessingJob', () => {
  test('default output: one Job, batch size in BATCH_SIZE, 3 retries, restartPolicy Never', () => {
    const chart = testChart('data');
    const job = new BatchProcessingJob(chart, 'ingest', { container, pool });
    const obj = byKindName(synth(chart), 'Job', 'ingest');
    expect(obj).toMatchSnapshot();
    expect(job.apiObject.kind).toBe('Job');
    expect(obj.spec).toMatchObject({ parallelism: 1, backoffLimit: 3 });
    expect(obj.spec.completions).toBeUndefined();
    expect(obj.spec.template.spec.restartPolicy).toBe('Never');
    expect(obj.spec.template.spec.containers[0].env).toContainEqual({ name: 'BATCH_SIZE', value: '128' });
    expect(obj.spec.template.spec.nodeSelector).toEqual(pool.nodeSelector());
  });

  test('batchSize, parallelism, completions, retries, deadline and TTL reach the spec', () => {
    const chart = testChart();
    new BatchProcessingJob(chart, 'ingest', { container, pool, batchSize: 512, parallelism: 3, completions: 6, retries: 1, activeDeadline: Duration.hours(1), ttlAfterFinished: Duration.minutes(30) });
    const spec = byKindName(synth(chart), 'Job', 'ingest').spec;
    expect(spec).toMatchObject({ parallelism: 3, completions: 6, backoffLimit: 1, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 1800 });
    expect(spec.template.spec.containers[0].env).toContainEqual({ name: 'BATCH_SIZE', value: '512' });
  });

  test('workflow conditions derive from completions and retries', () => {
    const chart = testChart();
    const queueJob = new BatchProcessingJob(chart, 'a', { container, pool, parallelism: 4, retries: 5 });
    const fixed = new BatchProcessingJob(chart, 'b', { container, pool, completions: 3, retries: 2 });
    expect([queueJob.successCondition, queueJob.failureCondition]).toEqual(['status.succeeded > 0', 'status.failed > 5']);
    expect([fixed.successCondition, fixed.failureCondition]).toEqual(['status.succeeded > 2', 'status.failed > 2']);
  });

  test('schedule emits a CronJob (Forbid by default) around the same Job spec, with no workflow conditions', () => {
    const chart = testChart();
    const job = new BatchProcessingJob(chart, 'nightly', { container, pool, schedule: Cron.daily(), batchSize: 64 });
    const cron = byKindName(synth(chart), 'CronJob', 'nightly');
    expect(cron.spec.schedule).toBe(Cron.daily().expressionString);
    expect(cron.spec.concurrencyPolicy).toBe('Forbid');
    expect(cron.spec.jobTemplate.spec.template.spec.containers[0].env).toContainEqual({ name: 'BATCH_SIZE', value: '64' });
    expect(job.successCondition).toBeUndefined();
    const replace = testChart();
    new BatchProcessingJob(replace, 'n', { container, pool, schedule: Cron.daily(), concurrencyPolicy: ConcurrencyPolicy.REPLACE });
    expect(byKindName(synth(replace), 'CronJob', 'n').spec.concurrencyPolicy).toBe('Replace');
  });

  test('queue and priority class are taken by object', () => {
    const chart = testChart('data');
    new BatchProcessingJob(chart, 'ingest', { container, pool, queue: SchedulingRefs.localQueue('team-a', 'data'), priorityClass: SchedulingRefs.priorityClass('batch-low', 100) });
    const obj = byKindName(synth(chart), 'Job', 'ingest');
    expect(obj.metadata.labels['kueue.x-k8s.io/queue-name']).toBe('team-a');
    expect(obj.spec.template.spec.priorityClassName).toBe('batch-low');
  });

  test('runs as an Argo resource step with its own conditions', () => {
    const chart = testChart('data');
    const wf = new ArgoWorkflow(chart, 'wf', { pool });
    const job = new BatchProcessingJob(wf.manifests, 'ingest', { container, pool, completions: 2 });
    wf.addResourceTask('ingest', { resource: job });
    const template = byKindName(synth(chart), 'Workflow', 'wf').spec.templates.find((t: any) => t.name === 'ingest');
    expect(template.resource.successCondition).toBe('status.succeeded > 1');
    expect(template.resource.failureCondition).toBe('status.failed > 3');
    expect(template.resource.manifest).toContain('kind: Job');
  });

  test('fails when batchSize is not a positive integer', () => {
    expect(() => new BatchProcessingJob(testChart(), 'j', { container, pool, batchSize: 0 })).toThrow(/'test\/j': prop 'batchSize' is 0; use an integer >= 1/);
  });

  test('fails when parallelism exceeds completions', () => {
    expect(() => new BatchProcessingJob(testChart(), 'j', { container, pool, parallelism: 5, completions: 2 })).toThrow(/prop 'parallelism' is 5; it exceeds completions 2/);
  });

  test('fails when retries is negative', () => {
    expect(() => new BatchProcessingJob(testChart(), 'j', { container, pool, retries: -1 })).toThrow(/prop 'retries' is -1/);
  });

  test('fails when concurrencyPolicy is set without schedule', () => {
    expect(() => new BatchProcessingJob(testChart(), 'j', { container, pool, concurrencyPolicy: ConcurrencyPolicy.ALLOW })).toThrow(/prop 'concurrencyPolicy' is 'Allow'; it only applies to scheduled jobs/);
  });

  test('fails when activeDeadline is zero', () => {
    expect(() => new BatchProcessingJob(testChart(), 'j', { container, pool, activeDeadline: Duration.seconds(0) })).toThrow(/prop 'activeDeadline' is '0s'; use a whole number of seconds >= 1/);
  });

  test('fails when the name is not a DNS label', () => {
    expect(() => new BatchProcessingJob(testChart(), 'j', { container, pool, name: 'Bad_Name' })).toThrow(/prop 'name' is 'Bad_Name'/);
  });

  test('fails when an in-memory cache leaves no memory for the step', () => {
    const chart = testChart();
    const cache = new MemoryDatasetCache(chart, 'ram', { pool, size: Size.gibibytes(2), warmUp: container });
    expect(() => new BatchProcessingJob(chart, 'j', { container, pool, cache })).toThrow(/'test\/j': prop 'cache' is 'ram'; the in-memory cache takes 2048Mi of the container's 1024Mi/);
  });
});
