import { parse } from 'yaml';
import { buildPlatform, examplePools } from '../../../charts';
import { exampleFeatures } from '../../../charts/example-features';
import { BOOK_MODELS, FashionMnistPipeline } from '../../../charts/fashion-mnist-pipeline';
import { MlPlatformOperations } from '../../../charts/operations-example';
import { TrainingExamples } from '../../../charts/training-examples';
import { PlatformApp } from '../../../constructs/app/platform-app';
import { KUEUE_QUEUE_LABEL } from '../../../constructs/core/scheduling';
import { statusPaths } from '../../../constructs/checks/rules/status-paths';
import { TrainingApi } from '../../../constructs/training/trainer-v2';
import { platformTarget } from '../../../stacks/operators/platform-target';
import { defaultOperators, installOrder, releasesFor } from '../../../stacks/operators/versions';
import { byKindName, Manifest, ofKind } from '../../helpers';
import { formatViolations, validateObjects } from '../../validation/validator';
import { problemsOf } from '../checks/check-helpers';

const { cpu, gpu } = examplePools;
const NAMESPACES = ['training-examples', 'training-examples-gpu'];

/** The examples on a cluster that runs Trainer v2, with the semantic checks of a synth. */
function examplesOnTrainerV2(): Map<string, Manifest[]> {
  const features = { ...exampleFeatures(undefined), trainerV2: true };
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const ops = new MlPlatformOperations(app, 'ops', { cpuPool: cpu, gpuPool: gpu, features, exampleNamespaces: NAMESPACES });
  const shared = { features, clusterQueue: ops.examplesQueue, priorities: ops.priorities };
  new TrainingExamples(app, NAMESPACES[0], { namespace: NAMESPACES[0], pool: cpu, ...shared });
  new TrainingExamples(app, NAMESPACES[1], { namespace: NAMESPACES[1], pool: gpu, ...shared });
  return new Map(app.synthManifests().map((m) => [m.name, m.objects]));
}

const podsOf = (runtime: Manifest): Manifest[] => runtime.spec.template.spec.replicatedJobs.map((j: Manifest) => j.template.spec.template.spec);

describe('training examples on Trainer v2', () => {
  const all = examplesOnTrainerV2();

  test.each(NAMESPACES)('%s: PyTorch, both TensorFlow patterns, JAX and Horovod as TrainJobs, schema-valid, each on its own runtime', (name) => {
    const objects = all.get(name)!;
    expect(ofKind(objects, 'TrainJob').map((j) => j.metadata.name)).toEqual(['pytorch-trainer-v2', 'tf-parameter-server-v2', 'tf-allreduce-v2', 'jax-allreduce-v2', 'horovod-v2']);
    for (const job of ofKind(objects, 'TrainJob')) {
      expect(job.spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: job.metadata.name });
      // Kueue's trainer.kubeflow.org/trainjob integration: queue label on the TrainJob, created suspended
      expect(job.metadata.labels[KUEUE_QUEUE_LABEL]).toBe('training');
      expect(job.spec.suspend).toBe(true);
    }
    expect(formatViolations(validateObjects(`${name}.k8s.yaml`, objects))).toBe('');
  });

  test('GPU variant: GPUs only on the TF workers, never on the chief, parameter servers or evaluator (as the example asks)', () => {
    const runtime = byKindName(all.get('training-examples-gpu')!, 'TrainingRuntime', 'tf-parameter-server-v2');
    const gpus = Object.fromEntries(runtime.spec.template.spec.replicatedJobs.map((j: Manifest) => [j.name, j.template.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']]));
    expect(gpus).toEqual({ chief: undefined, ps: undefined, worker: gpu.gpusPerNode, evaluator: undefined });
    for (const pod of podsOf(runtime)) expect(pod.tolerations).toEqual(gpu.tolerations());
  });

  test('JAX on the jax runtime: the chart\'s program, gloo on CPU nodes, all GPUs of a node on GPU nodes', () => {
    const onCpu = byKindName(all.get('training-examples')!, 'TrainingRuntime', 'jax-allreduce-v2');
    const onGpu = byKindName(all.get('training-examples-gpu')!, 'TrainingRuntime', 'jax-allreduce-v2');
    expect(onCpu.spec.mlPolicy).toEqual({ numNodes: 2, jax: {} });
    expect(podsOf(onCpu)[0].containers[0].command).toEqual(['python', '/workspace/jax_allreduce.py']);
    expect(podsOf(onCpu)[0].containers[0].env).toContainEqual({ name: 'JAX_PLATFORMS', value: 'cpu' });
    expect(podsOf(onGpu)[0].containers[0].env?.find((e: Manifest) => e.name === 'JAX_PLATFORMS')).toBeUndefined();
    expect(podsOf(onGpu)[0].containers[0].resources.limits['nvidia.com/gpu']).toBe(gpu.gpusPerNode);
  });

  test('every TensorFlow role runs the launcher, then the chart\'s program, and checkpoints to the shared claim', () => {
    const objects = all.get('training-examples')!;
    for (const name of ['tf-parameter-server-v2', 'tf-allreduce-v2']) {
      expect(Object.keys(byKindName(objects, 'ConfigMap', `${name}-tf-launcher`).data)).toEqual(['tf_config_launcher.py']);
      for (const pod of podsOf(byKindName(objects, 'TrainingRuntime', name))) {
        expect(pod.containers[0].command.slice(0, 3)).toEqual(['python', '/opt/tf-launcher/tf_config_launcher.py', 'python']);
        expect(pod.containers[0].command[3]).toMatch(/^\/workspace\/tf_(parameter_server|multi_worker)\.py$/);
        expect(pod.containers[0].env).toContainEqual({ name: 'CHECKPOINT_DIR', value: '/checkpoints' });
        expect(pod.volumes.map((v: Manifest) => v.name)).toEqual(expect.arrayContaining(['training-scripts', `${name}-tf-launcher`]));
      }
    }
  });
});

test.each(['local', 'eks', 'gke'] as const)('%s stack with Kubeflow Trainer: the whole platform passes every semantic check, with TrainJobs in the examples', (cluster) => {
  const target = platformTarget({ cluster }, installOrder(releasesFor('1.36'), [...defaultOperators(cluster), 'kubeflow-trainer']));
  const charts = buildPlatform({ outdir: '/nonexistent', target }).synthManifests();
  const trainJobs = charts.flatMap((c) => ofKind(c.objects, 'TrainJob').map((j) => `${c.name}/${j.metadata.name}`));
  expect(trainJobs).toEqual(NAMESPACES.flatMap((n) => ['pytorch-trainer-v2', 'tf-parameter-server-v2', 'tf-allreduce-v2', 'jax-allreduce-v2', 'horovod-v2'].map((j) => `${n}/${j}`)));
});

describe('the book pipeline on Trainer v2 (trainingApi)', () => {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  new FashionMnistPipeline(app, 'book', { pool: cpu, namespace: 'book', trainingApi: TrainingApi.TRAINER_V2 });
  const objects = app.synthManifests()[0].objects;
  const wf = byKindName(objects, 'Workflow', 'fashion-mnist');
  const step = (name: string) => wf.spec.templates.find((t: Manifest) => t.name === name);

  test('each model trains as a fresh TrainJob per run; its step applies the launcher ConfigMap and the runtime first', () => {
    for (const model of BOOK_MODELS) {
      const id = `train-${model.replace('_', '-')}`;
      const job = parse(step(id).resource.manifest);
      expect(job.kind).toBe('TrainJob');
      // created under a generated name: a re-run never takes the last run's Complete TrainJob for its own
      expect(step(id).resource.action).toBe('create');
      expect(job.metadata).toMatchObject({ generateName: `${id}-` });
      expect(job.metadata.name).toBeUndefined();
      expect(step(`${id}-configmap`).resource.action).toBe('apply');
      expect(step(`${id}-trainingruntime`).resource.action).toBe('apply');
      expect(step(id).resource.successCondition).toBe('status.conditions.0.type = Complete,status.conditions.0.status = True');
      expect(step(id).resource.failureCondition).toBe('status.conditions.0.type = Failed');
      expect(parse(step(`${id}-configmap`).resource.manifest).metadata.name).toBe(`${id}-tf-launcher`);
      const runtime = parse(step(`${id}-trainingruntime`).resource.manifest);
      const pod = runtime.spec.template.spec.replicatedJobs[0].template.spec.template.spec;
      const command: string[] = pod.containers[0].command;
      expect(command.slice(0, 4)).toEqual(['python', '/opt/tf-launcher/tf_config_launcher.py', 'python', '/multi-worker-distributed-training.py']);
      expect(command[command.indexOf('--model_type') + 1]).toBe(model);
      // the book program writes logs/ relative: the working directory stays writable behind the launcher
      expect(pod.containers[0].workingDir).toBe('/workdir');
    }
  });

  test('status-paths holds the TrainJob conditions against the TrainJob status schema (and would catch a typo)', () => {
    expect(problemsOf(statusPaths, [wf])).toEqual([]);
    const typo = JSON.parse(JSON.stringify(wf));
    typo.spec.templates.find((t: Manifest) => t.name === 'train-cnn').resource.successCondition = 'status.condition.0.type = Complete';
    expect(problemsOf(statusPaths, [typo]).join('\n')).toMatch(/'status.condition.0.type' does not exist/);
  });

  test('the workflow Role covers exactly what the steps apply', () => {
    const role = ofKind(objects, 'Role')[0];
    expect(role.rules.map((r: Manifest) => r.resources[0]).sort()).toEqual(['configmaps', 'inferenceservices', 'trainingruntimes', 'trainjobs', 'workflowtaskresults']);
  });

  test('embedded objects are schema-valid', () => {
    const embedded = wf.spec.templates.filter((t: Manifest) => t.resource).map((t: Manifest) => parse(t.resource.manifest));
    expect(embedded.length).toBe(10);
    expect(formatViolations(validateObjects('book', [...objects, ...embedded]))).toBe('');
  });

  test('a trainingApi that is not a TrainingApi names the chart and the prop', () => {
    expect(() => new FashionMnistPipeline(new PlatformApp({ outdir: '/nonexistent' }), 'book', { pool: cpu, namespace: 'book', trainingApi: 'v2' as TrainingApi }))
      .toThrow(/FashionMnistPipeline 'book': prop 'trainingApi' is 'v2'; use TrainingApi.TRAINING_OPERATOR_V1 or TrainingApi.TRAINER_V2/);
  });
});
