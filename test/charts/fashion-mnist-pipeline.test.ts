import { PlatformApp } from '../../constructs/app/platform-app';
import { BOOK_MODELS, FashionMnistPipeline } from '../../charts/fashion-mnist-pipeline';
import { buildPlatform, examplePools } from '../../charts';
import { byKindName, containersOf, Manifest, ofKind } from '../helpers';
import { parse } from 'yaml';
import { formatViolations, validateObjects } from '../validation/validator';
import { problemsOf } from '../constructs/checks/check-helpers';
import { programContract } from '../../constructs/checks/rules/program-contract';
import { TrainingApi } from '../../constructs/training/trainer-v2';

const manifests = () => new Map(buildPlatform({ outdir: '/nonexistent' }).synthManifests().map((m) => [m.name, m.objects]));

/** The book pipeline as the training-operator v1 opt-in builds it (the book's own TFJobs). */
function v1Charts(): Manifest[][] {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const trainingApi = TrainingApi.TRAINING_OPERATOR_V1;
  new FashionMnistPipeline(app, 'book-pipeline', { namespace: 'fashion-mnist', pool: examplePools.cpu, trainingApi });
  new FashionMnistPipeline(app, 'book-pipeline-gpu', { namespace: 'fashion-mnist-gpu', pool: examplePools.gpu, gpus: 1, trainingApi });
  return app.synthManifests().map((m) => m.objects);
}

/** The embedded objects of the pipeline's workflow whose manifest is of that kind. */
function embeddedOfKind(objects: Manifest[], kind: string): Manifest[] {
  const wf = byKindName(objects, 'Workflow', 'fashion-mnist');
  return wf.spec.templates.filter((t: any) => t.resource).map((t: any) => parse(t.resource.manifest)).filter((o: Manifest) => o.kind === kind);
}

/** Every pod spec in the objects, including those inside workflow templates and embedded manifests. */
function podSpecs(objects: Manifest[]): Manifest[] {
  const specs: Manifest[] = [];
  for (const o of objects) {
    if (o.kind === 'TFJob') specs.push(...Object.values<any>(o.spec.tfReplicaSpecs).map((r) => r.template.spec));
    if (o.kind === 'TrainingRuntime') specs.push(...o.spec.template.spec.replicatedJobs.map((j: any) => j.template.spec.template.spec));
    if (o.kind === 'InferenceService') specs.push({ containers: [o.spec.predictor.model], securityContext: o.spec.predictor.securityContext });
    if (o.kind === 'Workflow') {
      for (const t of o.spec.templates) {
        if (t.container) specs.push({ containers: [t.container], securityContext: o.spec.securityContext });
        if (t.resource) specs.push(...podSpecs([parse(t.resource.manifest)]));
      }
    }
  }
  return specs;
}

describe('FashionMnistPipeline', () => {
  const all = manifests();
  const bookCharts = () => ['book-pipeline', 'book-pipeline-gpu'].map((name) => all.get(name)!);

  test('synthesizes the CPU and GPU variants', () => {
    expect([...all.keys()]).toEqual(expect.arrayContaining(['book-pipeline', 'book-pipeline-gpu']));
  });

  test.each(['book-pipeline', 'book-pipeline-gpu'])('%s snapshot', (name) => {
    expect(all.get(name)).toMatchSnapshot();
  });

  test.each(['book-pipeline', 'book-pipeline-gpu'])('%s: every object, and every embedded manifest, is schema-valid', (name) => {
    const objects = all.get(name)!;
    const embedded = ofKind(objects, 'Workflow').flatMap((w) => w.spec.templates.filter((t: any) => t.resource).map((t: any) => parse(t.resource.manifest)));
    // three (launcher ConfigMap, TrainingRuntime, TrainJob) per model, and the InferenceService
    expect(embedded.length).toBe(10);
    expect(formatViolations(validateObjects(name, [...objects, ...embedded]))).toBe('');
  });

  test('three TrainJobs train cnn, dropout and batch_norm (the book trains dropout twice), each to its own version dir, as model-selection reads them', () => {
    const objects = all.get('book-pipeline')!;
    // a TrainJob is created afresh each run (generateName); its runtime keeps its name
    expect(embeddedOfKind(objects, 'TrainJob').map((j) => [j.metadata.generateName, j.metadata.name, j.spec.runtimeRef.name, j.spec.trainer.numNodes]))
      .toEqual(BOOK_MODELS.map((m) => [`train-${m.replace('_', '-')}-`, undefined, `train-${m.replace('_', '-')}`, 2]));
    const containers = embeddedOfKind(objects, 'TrainingRuntime').map((r) => r.spec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0]);
    const args = containers.map((c) => c.command);
    const modelTypes = args.map((a: string[]) => a[a.indexOf('--model_type') + 1]);
    const dirs = args.map((a: string[]) => a[a.indexOf('--saved_model_dir') + 1]);
    expect(modelTypes).toEqual([...BOOK_MODELS]);
    expect(dirs).toEqual(['1', '2', '3'].map((v) => `/trained_model/saved_model_versions/${v}/`));
    expect(containers.every((c) => c.image === 'kubeflow/multi-worker-strategy:v0.1')).toBe(true);
  });

  test('training starts after ingestion in parallel; selection waits for all three; serving follows selection', () => {
    const dag = byKindName(all.get('book-pipeline')!, 'Workflow', 'fashion-mnist').spec.templates.find((t: any) => t.name === 'main').dag.tasks;
    const depends = Object.fromEntries(dag.map((t: any) => [t.name, t.depends]));
    const train = (id: string) => ({
      [`${id}-configmap`]: 'data-ingestion.Succeeded',
      [`${id}-trainingruntime`]: 'data-ingestion.Succeeded',
      [id]: `data-ingestion.Succeeded && ${id}-configmap.Succeeded && ${id}-trainingruntime.Succeeded`,
    });
    expect(depends).toEqual({
      'data-ingestion': undefined,
      ...train('train-cnn'),
      ...train('train-dropout'),
      ...train('train-batch-norm'),
      'model-selection': 'train-cnn.Succeeded && train-dropout.Succeeded && train-batch-norm.Succeeded',
      serve: 'model-selection.Succeeded',
    });
  });

  test('ingestion is memoized in a ConfigMap cache with a key and maxAge', () => {
    const objects = all.get('book-pipeline')!;
    const ingest = byKindName(objects, 'Workflow', 'fashion-mnist').spec.templates.find((t: any) => t.name === 'data-ingestion');
    expect(ingest.memoize).toEqual({ key: expect.stringMatching(/^data-ingestion-fashion-mnist-[0-9a-f]{8}$/), maxAge: '3600s', cache: { configMap: { name: 'fashion-mnist-memo-cache' } } });
    byKindName(objects, 'ConfigMap', 'fashion-mnist-memo-cache');
  });

  test('serving loads the selected model from the shared claim; the GPU variant autoscales', () => {
    const isvc = (chart: string) => parse(byKindName(all.get(chart)!, 'Workflow', 'fashion-mnist').spec.templates.find((t: any) => t.name === 'serve').resource.manifest);
    expect(isvc('book-pipeline').spec.predictor.model.storageUri).toBe('pvc://strategy-volume/saved_model_versions');
    expect(isvc('book-pipeline').spec.predictor.scaleMetric).toBeUndefined();
    // Standard mode (no Knative on the default platform): the HPA scales the predictor on CPU.
    expect(isvc('book-pipeline-gpu').spec.predictor).toMatchObject({ scaleMetric: 'cpu', scaleTarget: 60 });
    expect(isvc('book-pipeline-gpu').spec.predictor.model.runtimeVersion).toBe('2.6.2-gpu');
  });

  test('serving outlives the run: the serve step does not make the Workflow its owner', () => {
    for (const chart of ['book-pipeline', 'book-pipeline-gpu']) {
      const serve = byKindName(all.get(chart)!, 'Workflow', 'fashion-mnist').spec.templates.find((t: any) => t.name === 'serve').resource;
      expect(serve).toMatchObject({ action: 'apply', setOwnerReference: false });
    }
  });

  test('the shared volume is ReadWriteMany on the shared class: ingestion, three TFJobs and serving mount it from several nodes', () => {
    for (const chart of ['book-pipeline', 'book-pipeline-gpu']) {
      expect(byKindName(all.get(chart)!, 'PersistentVolumeClaim', 'strategy-volume').spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs' });
    }
  });

  test('the GPU variant runs the CUDA build of the book image; the CPU one the book image itself', () => {
    const images = (chart: string) => new Set(byKindName(all.get(chart)!, 'Workflow', 'fashion-mnist').spec.templates.filter((t: any) => t.container).map((t: any) => t.container.image));
    expect(images('book-pipeline')).toEqual(new Set(['kubeflow/multi-worker-strategy:v0.1']));
    expect(images('book-pipeline-gpu')).toEqual(new Set(['kubeflow/multi-worker-strategy:v0.1-gpu']));
  });

  test('the workflow Role has no wildcards and only the resources the steps touch', () => {
    for (const objects of bookCharts()) {
      const role = ofKind(objects, 'Role')[0];
      const flat = role.rules.flatMap((r: any) => [...r.apiGroups, ...r.resources, ...r.verbs]);
      expect(flat).not.toContain('*');
      expect(role.rules.map((r: any) => r.resources[0]).sort()).toEqual(['configmaps', 'inferenceservices', 'trainingruntimes', 'trainjobs', 'workflowtaskresults']);
      // the configuration steps apply: create (first run), get and patch (later runs); TrainJobs are
      // only ever created (a fresh one per run), so the Role cannot patch one
      for (const r of role.rules.filter((x: any) => !['workflowtaskresults', 'trainjobs'].includes(x.resources[0]))) expect(r.verbs).toEqual(['create', 'get', 'patch']);
      expect(role.rules.find((x: any) => x.resources[0] === 'trainjobs').verbs).toEqual(['create', 'get']);
      expect(ofKind(objects, 'ClusterRoleBinding')).toEqual([]);
    }
  });

  test('every container: pinned image, requests and limits, restricted security context', () => {
    for (const objects of bookCharts()) {
      const specs = podSpecs(objects);
      expect(specs.length).toBe(6);
      for (const spec of specs) {
        expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
        for (const c of containersOf(spec)) {
          if (c.image) expect(c.image).toMatch(/:[\w][\w.-]*$|@sha256:/);
          expect(c.image ?? '').not.toMatch(/:latest$/);
          expect(c.resources.requests).toHaveProperty('cpu');
          expect(c.resources.requests).toHaveProperty('memory');
          expect(c.resources.limits).toHaveProperty('cpu');
          expect(c.resources.limits).toHaveProperty('memory');
          expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
        }
      }
    }
  });

  test('GPU tolerations appear exactly in the GPU variant', () => {
    const tolerated = (objects: Manifest[]) => podSpecs(objects).map((s) => s.tolerations);
    const wf = (chart: string) => byKindName(all.get(chart)!, 'Workflow', 'fashion-mnist');
    expect(wf('book-pipeline').spec.templates.some((t: any) => t.tolerations)).toBe(false);
    for (const t of wf('book-pipeline-gpu').spec.templates.filter((x: any) => x.container)) {
      expect(t.tolerations).toEqual(examplePools.gpu.tolerations());
    }
    const gpuJobs = podSpecs(all.get('book-pipeline-gpu')!).filter((s) => s.containers[0].name === 'node');
    expect(gpuJobs.length).toBe(3);
    expect(gpuJobs.every((s) => s.containers[0].resources.limits['nvidia.com/gpu'] === 1)).toBe(true);
    expect(tolerated(all.get('book-pipeline')!).every((t) => t === undefined)).toBe(true);
  });

  test("training runs in a writable emptyDir working directory (TensorBoard's ./logs as UID 1000); selection stays at / where trained_model/ is the claim", () => {
    for (const objects of v1Charts()) {
      const wf = byKindName(objects, 'Workflow', 'fashion-mnist');
      const jobs = wf.spec.templates.filter((t: any) => t.resource?.manifest.includes('kind: TFJob')).map((t: any) => parse(t.resource.manifest));
      for (const job of jobs) {
        const pod = job.spec.tfReplicaSpecs.Worker.template.spec;
        expect(pod.containers[0].workingDir).toBe('/workdir');
        expect(pod.containers[0].volumeMounts).toContainEqual({ name: 'workdir', mountPath: '/workdir' });
        expect(pod.volumes).toContainEqual({ name: 'workdir', emptyDir: {} });
        expect(problemsOf(programContract, [job])).toEqual([]);
        // Without it, the rule sees model.fit fail in the image's root-owned /.
        const atRoot = { ...pod, containers: [{ ...pod.containers[0], workingDir: undefined }] };
        const bare = { ...job, spec: { ...job.spec, tfReplicaSpecs: { Worker: { ...job.spec.tfReplicaSpecs.Worker, template: { spec: atRoot } } } } };
        expect(problemsOf(programContract, [bare])[0]).toMatch(/writes logs\/ relative to its working directory, i\.e\. \/logs\/, on the image's WORKDIR, which only root may write; as UID 1000 it fails with "Permission denied"/);
      }
      expect(wf.spec.templates.find((t: any) => t.name === 'model-selection').container.workingDir).toBeUndefined();
    }
  });

  test('the namespace enforces Pod Security restricted', () => {
    const ns = byKindName(all.get('book-pipeline')!, 'Namespace', 'fashion-mnist');
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ns.metadata.namespace).toBeUndefined();
  });

  test('fails when the pipeline asks for GPUs on the CPU pool', () => {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    expect(() => new FashionMnistPipeline(app, 'p', { namespace: 'p', pool: examplePools.cpu, gpus: 1 }))
      .toThrow(/'p\/fashion-mnist\/Manifests\/train-cnn': prop 'gpus' is 1; pool 'cpu' has no GPUs/);
  });

  test('fails when the pipeline has zero workers', () => {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    expect(() => new FashionMnistPipeline(app, 'p', { namespace: 'p', pool: examplePools.cpu, workers: 0 })).toThrow(/prop 'workers' is 0/);
  });

  test('fails on an invalid namespace name', () => {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    expect(() => new FashionMnistPipeline(app, 'p', { namespace: 'Fashion_MNIST', pool: examplePools.cpu })).toThrow(/prop 'name' is 'Fashion_MNIST'/);
  });
});

describe('FashionMnistPipeline, opted in to the training-operator v1 (TrainingApi.TRAINING_OPERATOR_V1)', () => {
  const charts = v1Charts();

  test("the book's three TFJobs, created by their steps, each to its own version dir; schema-valid", () => {
    for (const objects of charts) {
      const jobs = embeddedOfKind(objects, 'TFJob');
      const args = jobs.map((j) => j.spec.tfReplicaSpecs.Worker.template.spec.containers[0].command);
      expect(args.map((a: string[]) => a[a.indexOf('--model_type') + 1])).toEqual([...BOOK_MODELS]);
      expect(args.map((a: string[]) => a[a.indexOf('--saved_model_dir') + 1])).toEqual(['1', '2', '3'].map((v) => `/trained_model/saved_model_versions/${v}/`));
      const wf = byKindName(objects, 'Workflow', 'fashion-mnist');
      expect(wf.spec.templates.find((t: any) => t.name === 'train-cnn').resource).toMatchObject({ action: 'create', successCondition: 'status.completionTime,status.replicaStatuses.Worker.succeeded > 0' });
      expect(embeddedOfKind(objects, 'TrainJob')).toEqual([]);
      const embedded = wf.spec.templates.filter((t: any) => t.resource).map((t: any) => parse(t.resource.manifest));
      expect(formatViolations(validateObjects('book-v1', [...objects, ...embedded]))).toBe('');
    }
  });

  test('the workflow Role names tfjobs instead of the Trainer v2 objects', () => {
    for (const objects of charts) {
      expect(ofKind(objects, 'Role')[0].rules.map((r: any) => r.resources[0]).sort()).toEqual(['inferenceservices', 'tfjobs', 'workflowtaskresults']);
    }
  });
});
