import { Size } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { AccessMode } from '../../../constructs/core/volume-types';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { DatasetCache } from '../../../constructs/ingestion/dataset-cache';
import { CACHE_READY_MARKER } from '../../../constructs/ingestion/dataset-cache-ref';
import { byKindName, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const warmUp = { image: ContainerImage.of('python:3.12-slim'), command: ['python', '/download.py'] };

describe('DatasetCache', () => {
  test('default output: a 10Gi RWO claim and a warm-up Job that fills it then writes the marker', () => {
    const chart = testChart('data');
    const cache = new DatasetCache(chart, 'mnist', { pool, warmUp });
    const objects = synth(chart);
    expect(objects).toMatchSnapshot();
    expect(cache.apiObject.kind).toBe('PersistentVolumeClaim');
    const pvc = byKindName(objects, 'PersistentVolumeClaim', 'mnist');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Gi' } } });
    const pod = byKindName(objects, 'Job', 'mnist-warm-up').spec.template.spec;
    expect(pod.initContainers[0]).toMatchObject({ name: 'fill', command: warmUp.command, env: [{ name: 'DATASET_CACHE_DIR', value: '/cache' }] });
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'mnist', mountPath: '/cache' }]);
    expect(pod.containers[0].command.join(' ')).toContain(`/cache/${CACHE_READY_MARKER}`);
  });

  test('size, storage class, access mode, mount path and retries reach the objects', () => {
    const chart = testChart();
    new DatasetCache(chart, 'c', { pool, warmUp, size: Size.gibibytes(50), storageClassName: 'efs', accessMode: AccessMode.READ_WRITE_MANY, mountPath: '/datasets', warmUpRetries: 5 });
    const objects = synth(chart);
    expect(byKindName(objects, 'PersistentVolumeClaim', 'c').spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'efs', resources: { requests: { storage: '50Gi' } } });
    const job = byKindName(objects, 'Job', 'c-warm-up');
    expect(job.spec.backoffLimit).toBe(5);
    expect(job.spec.template.spec.initContainers[0].env).toEqual([{ name: 'DATASET_CACHE_DIR', value: '/datasets' }]);
  });

  test('consumers refer to the cache object: read-only mount, DATASET_CACHE_DIR, and a wait for the marker', () => {
    const chart = testChart();
    const cache = new DatasetCache(chart, 'c', { pool, warmUp });
    new BatchProcessingJob(chart, 'use', { pool, cache, container: warmUp });
    const pod = byKindName(synth(chart), 'Job', 'use').spec.template.spec;
    expect(pod.volumes).toContainEqual({ name: 'c', persistentVolumeClaim: { claimName: 'c', readOnly: true } });
    expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'c', mountPath: '/cache', readOnly: true });
    expect(pod.containers[0].env).toContainEqual({ name: 'DATASET_CACHE_DIR', value: '/cache' });
    expect(pod.initContainers).toHaveLength(1);
    expect(pod.initContainers[0].command.join(' ')).toContain(`until [ -f "/cache/${CACHE_READY_MARKER}" ]`);
    expect(pod.initContainers[0].volumeMounts).toEqual([{ name: 'c', mountPath: '/cache', readOnly: true }]);
  });

  test('fails when size is zero', () => {
    expect(() => new DatasetCache(testChart(), 'c', { pool, warmUp, size: Size.gibibytes(0) })).toThrow(/'test\/c': prop 'size' is '0Mi'; use a positive whole number of mebibytes/);
  });

  test('fails when mountPath is relative', () => {
    expect(() => new DatasetCache(testChart(), 'c', { pool, warmUp, mountPath: 'cache' })).toThrow(/prop 'mountPath' is 'cache'; use an absolute path/);
  });

  test('fails when warmUpRetries is out of range', () => {
    expect(() => new DatasetCache(testChart(), 'c', { pool, warmUp, warmUpRetries: 21 })).toThrow(/prop 'warmUpRetries' is 21; use an integer from 0 to 20/);
  });

  test('fails when the claim name is not a DNS label', () => {
    expect(() => new DatasetCache(testChart(), 'c', { pool, warmUp, claimName: 'a.b' })).toThrow(/prop 'claimName' is 'a.b'/);
  });
});
