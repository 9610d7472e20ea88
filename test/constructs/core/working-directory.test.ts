import { Size } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage, Images } from '../../../constructs/core/image';
import { ContainerSpec, renderPodSpec } from '../../../constructs/core/pod-template';
import { ScriptBundle } from '../../../constructs/core/script-bundle';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { VolumeAttachment } from '../../../constructs/core/volume-types';
import { derivedWorkingDirectory, unwritableRelativeWrites, WORKDIR_PATH } from '../../../constructs/core/working-directory';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { DatasetCache } from '../../../constructs/ingestion/dataset-cache';
import { MemoryDatasetCache } from '../../../constructs/ingestion/memory-dataset-cache';
import { ArgoWorkflow } from '../../../constructs/workflow/argo-workflow';
import { byKindName, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const BOOK = Images.BOOK_MULTI_WORKER;
const TRAIN = ['python', '/multi-worker-distributed-training.py', '--saved_model_dir', '/m/1', '--checkpoint_dir', '/m/c', '--model_type', 'cnn'];
const spec = (container: ContainerSpec, volumes: VolumeAttachment[] = []) => renderPodSpec({ owner: 'test', containerName: 'main', container, pool, volumes });

describe('derived working directory (core/working-directory.ts)', () => {
  test("a program writing relative paths into the image's root-owned / gets an emptyDir working directory", () => {
    const pod = spec({ image: BOOK, command: TRAIN });
    expect(pod.containers[0].workingDir).toBe(WORKDIR_PATH);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'workdir', mountPath: WORKDIR_PATH }]);
    expect(pod.volumes).toEqual([{ name: 'workdir', emptyDir: {} }]);
  });

  test('nothing is derived when the writes already land on a writable mount, or the program writes nothing relative', () => {
    const chart = testChart('ml');
    const models = new SharedVolume(chart, 'models', {});
    const select = spec({ image: BOOK, command: ['python', '/model-selection.py'] }, [models.mount('/trained_model')]);
    expect(select.containers[0].workingDir).toBeUndefined();
    expect(select.volumes?.map((v) => v.name)).toEqual(['models']);
    expect(spec({ image: BOOK, command: ['python', '/data-ingestion.py'] }).containers[0].workingDir).toBeUndefined();
    expect(spec({ image: Images.CACHE_HELPER, command: ['sh', '-c', 'echo ok'] }).containers[0].workingDir).toBeUndefined();
  });

  test('an image WORKDIR the non-root user owns needs nothing; a relative command or relative reads keep the working directory', () => {
    const programs = { '/app/train.py': { writes: ['logs/'] }, '/app/eval.py': { reads: ['data/'], writes: ['out/'] } };
    const owned = ContainerImage.of('test/derive-owned:1').withFacts({ cuda: false, workdir: '/app', workdirWritableBy: [1000], files: ['/app/'], programs, source: 'test' });
    expect(spec({ image: owned, command: ['python', '/app/train.py'] }).containers[0].workingDir).toBeUndefined();
    const rootOwned = ContainerImage.of('test/derive-root:1').withFacts({ cuda: false, workdir: '/app', files: ['/app/'], programs, source: 'test' });
    expect(spec({ image: rootOwned, command: ['python', '/app/train.py'] }).containers[0].workingDir).toBe(WORKDIR_PATH);
    // `python train.py` finds the script through the working directory: moving it would lose the script.
    expect(spec({ image: rootOwned, command: ['python', 'train.py'] }).containers[0].workingDir).toBeUndefined();
    // Its relative reads would move with it: the program-contract rule reports the writes instead.
    expect(spec({ image: rootOwned, command: ['python', '/app/eval.py'] }).containers[0].workingDir).toBeUndefined();
  });

  test("a ScriptBundle's program facts travel with its mount; `sh -c` commands are read too", () => {
    const chart = testChart('ml');
    const bundle = new ScriptBundle(chart, 'code', { files: { 'train.py': 'print(1)' }, programs: { 'train.py': { writes: ['runs/'] } } });
    const pod = spec({ image: Images.CACHE_HELPER, command: ['sh', '-c', 'python /code/train.py && echo done'] }, [bundle.mount('/code')]);
    expect(pod.containers[0].workingDir).toBe(WORKDIR_PATH);
    expect(pod.volumes?.map((v) => v.name)).toEqual(['code', 'workdir']);
  });

  test('a workflow step gets the emptyDir on its own template (the workflow volumes stay on the spec)', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'wf', { pool });
    wf.addContainerTask('train', { container: { image: BOOK, command: TRAIN, env: { TF_CONFIG: '{}' } } });
    const template = byKindName(synth(chart), 'Workflow', 'wf').spec.templates.find((t: any) => t.name === 'train');
    expect(template.container.workingDir).toBe(WORKDIR_PATH);
    expect(template.volumes).toEqual([{ name: 'workdir', emptyDir: {} }]);
  });

  test('ingestion: a cache fill (init container) and the job both get it, as one volume; a disk warm-up Job too', () => {
    const chart = testChart('ml');
    const image = ContainerImage.of('test/derive-ingest:1').withFacts({ cuda: false, files: ['/fill.py', '/batch.py'], programs: { '/fill.py': { writes: ['tmp/'] }, '/batch.py': { writes: ['out/'] } }, source: 'test' });
    const cache = new MemoryDatasetCache(chart, 'ram', { pool, warmUp: { image, command: ['python', '/fill.py'] } });
    new BatchProcessingJob(chart, 'use', { pool, cache, container: { image, command: ['python', '/batch.py'], resources: { memory: Size.gibibytes(4) } } });
    new DatasetCache(chart, 'disk', { pool, warmUp: { image, command: ['python', '/fill.py'] } });
    const objects = synth(chart);
    const pod = byKindName(objects, 'Job', 'use').spec.template.spec;
    expect([pod.initContainers[0].workingDir, pod.containers[0].workingDir]).toEqual([WORKDIR_PATH, WORKDIR_PATH]);
    expect(pod.volumes.filter((v: any) => v.name === 'workdir')).toEqual([{ name: 'workdir', emptyDir: {} }]);
    const warmUp = byKindName(objects, 'Job', 'disk-warm-up').spec.template.spec;
    expect(warmUp.initContainers[0].workingDir).toBe(WORKDIR_PATH);
    expect(warmUp.volumes).toContainEqual({ name: 'workdir', emptyDir: {} });
  });

  test('unwritableRelativeWrites: the deepest mount decides; absolute writes are not judged', () => {
    const facts = { writes: ['out/a/', '/tmp/x', 'logs/'] };
    const mounts = [{ mountPath: '/w', writable: true }, { mountPath: '/w/out', writable: false }];
    expect(unwritableRelativeWrites(facts, '/w', mounts, undefined, 1000)).toEqual([{ path: 'out/a/', resolved: '/w/out/a/', readOnlyMount: '/w/out' }]);
    expect(derivedWorkingDirectory({ image: BOOK, command: TRAIN }, [], 0)).toBeDefined();
  });
});
