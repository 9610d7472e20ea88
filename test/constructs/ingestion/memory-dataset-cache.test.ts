import { Size } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { MemoryDatasetCache } from '../../../constructs/ingestion/memory-dataset-cache';
import { byKindName, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const warmUp = { image: ContainerImage.of('python:3.12-slim'), command: ['python', '/download.py'] };
const step = { image: ContainerImage.of('python:3.12-slim'), command: ['python', '/batch.py'], resources: { memory: Size.gibibytes(4) } };

describe('MemoryDatasetCache', () => {
  test('emits nothing itself; a consumer gets a memory emptyDir (sizeLimit), a fill init container, a read-only mount', () => {
    const chart = testChart();
    const cache = new MemoryDatasetCache(chart, 'ram', { pool, warmUp, size: Size.mebibytes(1536) });
    const before = synth(chart);
    expect(before).toEqual([]);
    new BatchProcessingJob(chart, 'use', { pool, cache, container: step });
    const pod = byKindName(synth(chart), 'Job', 'use').spec.template.spec;
    expect(pod).toMatchSnapshot();
    expect(pod.volumes).toContainEqual({ name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '1536Mi' } });
    expect(pod.initContainers[0]).toMatchObject({ name: 'fill-ram', command: warmUp.command, volumeMounts: [{ name: 'ram', mountPath: '/cache' }] });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'ram', mountPath: '/cache', readOnly: true });
    expect(cache.size.toMebibytes()).toBe(1536);
  });

  test('default size is 1Gi and mountPath is honoured', () => {
    const chart = testChart();
    const cache = new MemoryDatasetCache(chart, 'ram', { pool, warmUp, mountPath: '/mem' });
    new BatchProcessingJob(chart, 'use', { pool, cache, container: step });
    const pod = byKindName(synth(chart), 'Job', 'use').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'ram', emptyDir: { medium: 'Memory', sizeLimit: '1Gi' } });
    expect(pod.containers[0].env).toContainEqual({ name: 'DATASET_CACHE_DIR', value: '/mem' });
  });

  test('fails when size is not a whole number of mebibytes', () => {
    expect(() => new MemoryDatasetCache(testChart(), 'ram', { pool, warmUp, size: Size.kibibytes(100) })).toThrow(/'test\/ram': prop 'size' is '0.09765625Mi'/);
  });

  test('fails when mountPath is relative', () => {
    expect(() => new MemoryDatasetCache(testChart(), 'ram', { pool, warmUp, mountPath: 'x' })).toThrow(/prop 'mountPath' is 'x'; use an absolute path/);
  });
});
