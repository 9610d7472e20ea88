import { Accelerator } from '../../constructs/cluster/accelerator';
import { NodePool } from '../../constructs/cluster/node-pool';
import { PlatformApp } from '../../constructs/core/platform-app';
import { KUEUE_QUEUE_LABEL } from '../../constructs/core/scheduling';
import { TrainingExamples } from '../../charts/training-examples';
import { formatViolations, validateObjects } from '../validation/validator';
import { byKindName, Manifest } from '../helpers';

const cpu = NodePool.cpu({ name: 'cpu', maxSize: 3 });
const gpu = NodePool.gpu({ name: 'gpu-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 4 });

/** Both variants in one app, as buildPlatform() registers them. */
function synthExamples(): Map<string, Manifest[]> {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  new TrainingExamples(app, 'training-examples', { namespace: 'training-examples', pool: cpu });
  new TrainingExamples(app, 'training-examples-gpu', { namespace: 'training-examples-gpu', pool: gpu });
  return new Map(app.synthManifests().map((m) => [m.name, m.objects]));
}

const JOB_KINDS = ['TFJob', 'PyTorchJob', 'MPIJob'];
const replicaSpecsOf = (job: Manifest): Record<string, Manifest> => job.spec.tfReplicaSpecs ?? job.spec.pytorchReplicaSpecs ?? job.spec.mpiReplicaSpecs;

/** Every pod spec of every training object in the chart, with the object it belongs to. */
function podSpecs(objects: Manifest[]): { owner: string; spec: Manifest }[] {
  const out: { owner: string; spec: Manifest }[] = [];
  for (const o of objects) {
    if (JOB_KINDS.includes(o.kind)) {
      for (const [type, r] of Object.entries(replicaSpecsOf(o))) out.push({ owner: `${o.kind}/${o.metadata.name}/${type}`, spec: r.template.spec });
    }
    if (o.kind === 'TrainingRuntime') {
      for (const j of o.spec.template.spec.replicatedJobs) out.push({ owner: `TrainingRuntime/${o.metadata.name}/${j.name}`, spec: j.template.spec.template.spec });
    }
  }
  return out;
}

describe('TrainingExamples', () => {
  const all = synthExamples();

  test('synthesizes a CPU and a GPU variant with every training kind', () => {
    expect([...all.keys()]).toEqual(['training-examples', 'training-examples-gpu']);
    for (const objects of all.values()) {
      expect(objects.map((o) => o.kind).sort()).toEqual([
        'MPIJob', 'Namespace', 'PersistentVolumeClaim', 'PersistentVolumeClaim', 'PyTorchJob', 'PyTorchJob', 'TFJob', 'TFJob', 'TrainJob', 'TrainingRuntime',
      ]);
    }
  });

  test.each(['training-examples', 'training-examples-gpu'])('%s snapshot', (name) => {
    expect(all.get(name)).toMatchSnapshot();
  });

  test.each(['training-examples', 'training-examples-gpu'])('%s: every object validates strictly against its schema', (name) => {
    expect(formatViolations(validateObjects(`${name}.k8s.yaml`, all.get(name)!))).toBe('');
  });

  test.each([
    ['training-examples', cpu],
    ['training-examples-gpu', gpu],
  ] as const)('%s: pods land on the pool; GPU tolerations exactly when the pool is tainted', (name, pool) => {
    const specs = podSpecs(all.get(name)!);
    expect(specs.length).toBeGreaterThan(10);
    for (const { spec } of specs) {
      expect(spec.nodeSelector).toEqual(pool.nodeSelector());
      if (pool.nodeTaints().length) expect(spec.tolerations).toEqual(pool.tolerations());
      else expect(spec.tolerations).toBeUndefined();
    }
  });

  test('GPU variant: GPU requests = limits = the pool\'s GPUs per node on training nodes, with a memory-backed /dev/shm', () => {
    const specs = podSpecs(all.get('training-examples-gpu')!);
    const gpuSpecs = specs.filter(({ owner }) => !/\/(PS|Evaluator|Launcher)$/.test(owner));
    expect(gpuSpecs.length).toBeGreaterThan(5);
    for (const { spec } of gpuSpecs) {
      const res = spec.containers[0].resources;
      expect(res.requests['nvidia.com/gpu']).toBe(gpu.gpusPerNode);
      expect(res.limits['nvidia.com/gpu']).toBe(gpu.gpusPerNode);
      expect(spec.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '4Gi' } });
    }
    for (const { spec } of specs.filter(({ owner }) => /\/(PS|Evaluator|Launcher)$/.test(owner))) {
      expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    }
  });

  test('CPU variant: no GPU resources and no /dev/shm anywhere', () => {
    for (const { spec } of podSpecs(all.get('training-examples')!)) {
      expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
      expect(spec.volumes.map((v: Manifest) => v.name)).not.toContain('dshm');
    }
  });

  test.each(['training-examples', 'training-examples-gpu'])('%s: gang minAvailable equals the replicas that train together', (name) => {
    const objects = all.get(name)!;
    for (const o of objects.filter((x) => JOB_KINDS.includes(x.kind))) {
      const policy = o.spec.runPolicy.schedulingPolicy;
      if (!policy) continue; // Kueue admits whole workloads: no minAvailable
      const specs = replicaSpecsOf(o);
      const total = Object.entries(specs).filter(([t]) => t !== 'Evaluator').reduce((n, [, r]) => n + r.replicas, 0);
      expect({ job: o.metadata.name, min: policy.minAvailable }).toEqual({
        job: o.metadata.name,
        min: o.spec.elasticPolicy ? o.spec.elasticPolicy.minReplicas : total,
      });
    }
    expect(byKindName(objects, 'TFJob', 'tf-parameter-server').spec.runPolicy.schedulingPolicy.minAvailable).toBe(1 + 2 + 3);
  });

  test('every gang scheduler is exercised: Volcano, coscheduling and Kueue (v1 and v2)', () => {
    const objects = all.get('training-examples')!;
    const ps = byKindName(objects, 'TFJob', 'tf-parameter-server');
    expect(ps.spec.runPolicy.schedulingPolicy).toMatchObject({ queue: 'training', priorityClass: 'training-high' });
    expect(ps.spec.tfReplicaSpecs.Worker.template.spec).toMatchObject({ schedulerName: 'volcano', priorityClassName: 'training-high' });
    const tf = byKindName(objects, 'TFJob', 'tf-allreduce');
    expect(tf.spec.runPolicy.schedulingPolicy).toEqual({ minAvailable: 3, scheduleTimeoutSeconds: 300 });
    expect(tf.spec.tfReplicaSpecs.Worker.template.spec.schedulerName).toBe('scheduler-plugins-scheduler');
    const ddp = byKindName(objects, 'PyTorchJob', 'pytorch-ddp');
    expect(ddp.metadata.labels[KUEUE_QUEUE_LABEL]).toBe('training');
    expect(ddp.spec.runPolicy.suspend).toBe(true);
    const v2 = byKindName(objects, 'TrainJob', 'pytorch-trainer-v2');
    expect(v2.metadata.labels[KUEUE_QUEUE_LABEL]).toBe('training');
    expect(v2.spec.suspend).toBe(true);
  });

  test('every job mounts the checkpoint claim and tells the program where it is', () => {
    for (const { owner, spec } of podSpecs(all.get('training-examples')!)) {
      expect({ owner, claims: spec.volumes.map((v: Manifest) => v.persistentVolumeClaim?.claimName).filter(Boolean) })
        .toEqual({ owner, claims: ['training-data', 'training-checkpoints'] });
      expect(spec.containers[0].env).toContainEqual({ name: 'CHECKPOINT_DIR', value: '/checkpoints' });
    }
  });

  test('every container runs restricted with requests and limits', () => {
    for (const { spec } of podSpecs(all.get('training-examples-gpu')!)) {
      const c = spec.containers[0];
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(Object.keys(c.resources.requests)).toEqual(expect.arrayContaining(['cpu', 'memory']));
      expect(Object.keys(c.resources.limits)).toEqual(expect.arrayContaining(['cpu', 'memory']));
      expect(c.image).not.toMatch(/:latest$/);
    }
  });
});
