import { exampleFeatures, ExampleFeatures } from '../../charts/example-features';
import { MlPlatformOperations } from '../../charts/operations-example';
import { TrainingExamples } from '../../charts/training-examples';
import { TRAINING_SCRIPTS } from '../../charts/scripts/training-scripts';
import { examplePools } from '../../charts';
import { PlatformApp } from '../../constructs/app/platform-app';
import { KUEUE_QUEUE_LABEL } from '../../constructs/core/scheduling';
import { GangScheduler } from '../../constructs/training/gang-scheduling';
import { formatViolations, validateObjects } from '../validation/validator';
import { byKindName, Manifest, ofKind } from '../helpers';

const { cpu, gpu } = examplePools;
const NAMESPACES = ['training-examples', 'training-examples-gpu'];

/** Both variants in one app with the operations chart they are admitted through, as buildPlatform() builds them. */
function synthExamples(features: ExampleFeatures = exampleFeatures(undefined)): Map<string, Manifest[]> {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const ops = new MlPlatformOperations(app, 'ops', { cpuPool: cpu, gpuPool: gpu, features, exampleNamespaces: NAMESPACES });
  const shared = { features, clusterQueue: ops.examplesQueue, priorities: ops.priorities };
  new TrainingExamples(app, 'training-examples', { namespace: NAMESPACES[0], pool: cpu, ...shared });
  new TrainingExamples(app, 'training-examples-gpu', { namespace: NAMESPACES[1], pool: gpu, ...shared });
  return new Map(app.synthManifests().map((m) => [m.name, m.objects]));
}

const JOB_KINDS = ['TFJob', 'PyTorchJob', 'MPIJob'];
const replicaSpecsOf = (job: Manifest): Record<string, Manifest> => job.spec.tfReplicaSpecs ?? job.spec.pytorchReplicaSpecs ?? job.spec.mpiReplicaSpecs;

/** Every pod spec of every training object in the charts, with the object it belongs to. */
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
  const withMpi = (name: string) => [...all.get(name)!, ...all.get(`${name}-mpi`)!];

  test('a CPU and a GPU variant, each with its MPI namespace; Trainer v2 only where the cluster runs it', () => {
    expect([...all.keys()]).toEqual(['ops', 'training-examples', 'training-examples-mpi', 'training-examples-gpu', 'training-examples-gpu-mpi']);
    for (const name of NAMESPACES) {
      expect(ofKind(all.get(name)!, 'TFJob').map((j) => j.metadata.name)).toEqual(['tf-parameter-server', 'tf-allreduce']);
      expect(ofKind(all.get(name)!, 'PyTorchJob').map((j) => j.metadata.name)).toEqual(['pytorch-ddp', 'pytorch-elastic']);
      expect(ofKind(all.get(`${name}-mpi`)!, 'MPIJob').map((j) => j.metadata.name)).toEqual(['horovod']);
      expect(ofKind(all.get(name)!, 'TrainJob')).toEqual([]);
    }
    const v2 = synthExamples({ ...exampleFeatures(undefined), trainerV2: true });
    expect(ofKind(v2.get('training-examples')!, 'TrainJob').map((j) => j.metadata.name)).toEqual(['pytorch-trainer-v2', 'tf-parameter-server-v2', 'tf-allreduce-v2', 'jax-allreduce-v2', 'horovod-v2']);
  });

  test.each([...NAMESPACES, ...NAMESPACES.map((n) => `${n}-mpi`)])('%s snapshot', (name) => {
    expect(all.get(name)).toMatchSnapshot();
  });

  test.each(NAMESPACES)('%s: every object validates strictly against its schema', (name) => {
    expect(formatViolations(validateObjects(`${name}.k8s.yaml`, withMpi(name)))).toBe('');
  });

  test.each([
    ['training-examples', cpu],
    ['training-examples-gpu', gpu],
  ] as const)('%s: pods land on the pool; GPU tolerations exactly when the pool is tainted', (name, pool) => {
    const specs = podSpecs(withMpi(name));
    expect(specs.length).toBeGreaterThan(9);
    for (const { spec } of specs) {
      expect(spec.nodeSelector).toEqual(pool.nodeSelector());
      if (pool.nodeTaints().length) expect(spec.tolerations).toEqual(pool.tolerations());
      else expect(spec.tolerations).toBeUndefined();
    }
  });

  test('GPU variant: GPUs on training replicas only, CUDA images, a memory-backed /dev/shm', () => {
    const specs = podSpecs(withMpi('training-examples-gpu'));
    const gpuSpecs = specs.filter(({ owner }) => !/\/(PS|Evaluator|Launcher|Chief)$/.test(owner));
    expect(gpuSpecs.length).toBeGreaterThan(5);
    for (const { spec } of gpuSpecs) {
      const res = spec.containers[0].resources;
      expect(res.requests['nvidia.com/gpu']).toBe(gpu.gpusPerNode);
      expect(res.limits['nvidia.com/gpu']).toBe(gpu.gpusPerNode);
      expect(spec.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '2Gi' } });
      expect(spec.containers[0].image).not.toBe('tensorflow/tensorflow:2.16.1');
    }
    for (const { spec } of specs.filter(({ owner }) => /\/(PS|Evaluator|Launcher|Chief)$/.test(owner))) {
      expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    }
  });

  test('default platform: Kueue admits every TF and PyTorch job whole, through the chart\'s LocalQueue on the examples ClusterQueue', () => {
    for (const name of NAMESPACES) {
      const objects = all.get(name)!;
      expect(byKindName(objects, 'LocalQueue', 'training').spec.clusterQueue).toBe('ml-examples');
      for (const job of [...ofKind(objects, 'TFJob'), ...ofKind(objects, 'PyTorchJob')]) {
        expect(job.metadata.labels[KUEUE_QUEUE_LABEL]).toBe('training');
        expect(job.spec.runPolicy.suspend).toBe(true);
        expect(job.spec.runPolicy.schedulingPolicy).toBeUndefined();
      }
    }
    expect(byKindName(all.get('training-examples')!, 'PyTorchJob', 'pytorch-ddp').metadata.labels['kueue.x-k8s.io/priority-class']).toBe('batch-low');
  });

  test('Horovod: MPIJob v1 in a baseline namespace (kubectl-delivery), not queued by Kueue, workers idle for mpirun', () => {
    const objects = all.get('training-examples-mpi')!;
    const ns = byKindName(objects, 'Namespace', 'training-examples-mpi');
    expect(ns.metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted' });
    expect(ns.metadata.annotations['mlpatterns.dev/pod-security-exception']).toMatch(/kubectl-delivery/);
    const job = byKindName(objects, 'MPIJob', 'horovod');
    expect(job.metadata.labels?.[KUEUE_QUEUE_LABEL]).toBeUndefined();
    expect(job.spec.mpiReplicaSpecs.Worker.template.spec.containers[0].command).toBeUndefined();
    expect(job.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].command.join(' ')).toMatch(/^mpirun -np 2 .* python \/workspace\/horovod_train\.py$/);
  });

  test('with Volcano as the training-operator\'s gang scheduler, jobs gang-schedule through it (MPI too)', () => {
    const volcano = synthExamples({ ...exampleFeatures(undefined), gang: GangScheduler.VOLCANO, volcano: true });
    const ps = byKindName(volcano.get('training-examples')!, 'TFJob', 'tf-parameter-server');
    expect(ps.spec.runPolicy.schedulingPolicy).toEqual({ minAvailable: 2 + 2 + 1, priorityClass: 'training-high' });
    expect(ps.spec.tfReplicaSpecs.Worker.template.spec).toMatchObject({ schedulerName: 'volcano', priorityClassName: 'training-high' });
    expect(byKindName(volcano.get('training-examples-mpi')!, 'MPIJob', 'horovod').spec.runPolicy.schedulingPolicy.minAvailable).toBe(3);
    expect(ofKind(volcano.get('training-examples')!, 'LocalQueue')).toEqual([]);
  });

  test('every job runs its program from the chart\'s script bundle and checkpoints to the shared claim', () => {
    for (const name of NAMESPACES) {
      const objects = withMpi(name);
      for (const cm of ofKind(objects, 'ConfigMap')) expect(Object.keys(cm.data).sort()).toEqual(Object.keys(TRAINING_SCRIPTS).sort());
      for (const pvc of ofKind(objects, 'PersistentVolumeClaim')) expect(pvc.spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs' });
      for (const { owner, spec } of podSpecs(objects)) {
        expect({ owner, claims: spec.volumes.map((v: Manifest) => v.persistentVolumeClaim?.claimName).filter(Boolean) }).toEqual({ owner, claims: ['training-checkpoints'] });
        expect(spec.volumes).toContainEqual({ name: 'training-scripts', configMap: { name: 'training-scripts', defaultMode: 0o444 } });
        expect(spec.containers[0].env).toContainEqual({ name: 'CHECKPOINT_DIR', value: '/checkpoints' });
      }
    }
  });

  test('every container runs restricted with requests and limits', () => {
    for (const { spec } of podSpecs(withMpi('training-examples-gpu'))) {
      const c = spec.containers[0];
      expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
      expect(Object.keys(c.resources.requests)).toEqual(expect.arrayContaining(['cpu', 'memory']));
      expect(Object.keys(c.resources.limits)).toEqual(expect.arrayContaining(['cpu', 'memory']));
      expect(c.image).not.toMatch(/:latest$/);
    }
  });
});
