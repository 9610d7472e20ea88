import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { parse } from 'yaml';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { PlatformApp } from '../../../constructs/app/platform-app';
import { RestrictedNamespace } from '../../../constructs/operations/restricted-namespace';
import { ScriptBundle } from '../../../constructs/core/script-bundle';
import { KueueLocalQueue } from '../../../constructs/operations/local-queue';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { KueueClusterQueue } from '../../../constructs/operations/cluster-queue';
import { ReplicatedModelService } from '../../../constructs/serving/replicated-service';
import { ScalingMetric } from '../../../constructs/serving/scaling-metric';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { GangScheduling } from '../../../constructs/training/gang-scheduling';
import { ArgoWorkflow } from '../../../constructs/workflow/argo-workflow';
import { ResourceAction } from '../../../constructs/workflow/workflow-task';
import { Chart } from 'cdk8s';
import { Manifest } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu', maxSize: 3 });
const image = ContainerImage.of('tensorflow/serving:2.6.2');

function workflowChart() {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const chart = new Chart(app, 'team', { namespace: 'team', disableResourceNameHashes: true });
  new RestrictedNamespace(chart, 'ns', { name: 'team' });
  const wf = new ArgoWorkflow(chart, 'pipeline', { pool });
  // The training program the jobs run, shipped with the chart.
  const code = new ScriptBundle(chart, 'code', { files: { 'train.py': 'print("train")' } }).mount('/code');
  return { app, chart, wf, code };
}
const templates = (app: PlatformApp) => app.synthManifests().find((m) => m.name === 'team')!.objects.find((o) => o.kind === 'Workflow')!.spec.templates as Manifest[];

describe('resource steps compose whole constructs', () => {
  test('a multi-object construct deploys every object, in apply order, under stable names', () => {
    const { app, wf } = workflowChart();
    const svc = new ReplicatedModelService(wf.manifests, 'model', {
      pool, port: 8501, minReplicas: 2, maxReplicas: 4, metric: ScalingMetric.cpuUtilization(70),
      container: { image, resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } },
    });
    wf.addResourceTask('serve', { resource: svc, action: ResourceAction.APPLY, setOwnerReference: false });
    const ts = templates(app);
    const steps = ts[0].dag.tasks.map((t: Manifest) => [t.name, t.depends]);
    expect(steps).toEqual([['serve-service', undefined], ['serve', 'serve-service.Succeeded'], ['serve-horizontalpodautoscaler', 'serve.Succeeded'], ['serve-poddisruptionbudget', 'serve.Succeeded']]);
    const manifests = Object.fromEntries(ts.slice(1).map((t) => [t.name, parse(t.resource.manifest)]));
    expect(manifests.serve.kind).toBe('Deployment');
    expect(manifests.serve.metadata.name).toBe('model');
    expect(manifests['serve-horizontalpodautoscaler'].spec.scaleTargetRef.name).toBe('model');
    expect(ts.find((t) => t.name === 'serve')!.resource.successCondition).toBe('status.availableReplicas > 1');
    expect(ts.filter((t) => t.resource).every((t) => t.resource.action === 'apply' && t.resource.setOwnerReference === false)).toBe(true);
  });

  test('create would give the objects generated names that no longer refer to each other: an error (the default applies them)', () => {
    const { wf } = workflowChart();
    const svc = new ReplicatedModelService(wf.manifests, 'model', { pool, port: 8501, container: { image } });
    const other = new ReplicatedModelService(wf.manifests, 'other', { pool, port: 8501, container: { image } });
    expect(() => wf.addResourceTask('serve-other', { resource: other, setOwnerReference: false })).not.toThrow();
    expect(() => wf.addResourceTask('serve', { resource: svc, action: ResourceAction.CREATE })).toThrow(/'team\/pipeline\/serve': prop 'action' is 'create'; 'team\/pipeline\/Manifests\/model' deploys 4 objects \(Deployment, Service, HorizontalPodAutoscaler, PodDisruptionBudget\)|deploys \d+ objects/);
  });

  test('a Trainer v2 step applies its TrainingRuntime before the TrainJob', () => {
    const { app, wf, code } = workflowChart();
    const job = new AllReduceTrainingJob(wf.manifests, 'ddp', { framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2, image: ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime'), pool, workers: 2, command: ['torchrun', '/code/train.py'], volumes: [code] });
    wf.addResourceTask('train', { resource: job, action: ResourceAction.APPLY });
    const ts = templates(app);
    expect(ts[0].dag.tasks.map((t: Manifest) => t.name)).toEqual(['train-trainingruntime', 'train']);
    expect(parse(ts.find((t) => t.name === 'train-trainingruntime')!.resource.manifest).kind).toBe('TrainingRuntime');
  });

  test('an object that runs to completion is created afresh each run, even under APPLY: a re-run never reuses a finished one', () => {
    const { app, wf, code } = workflowChart();
    const make = (id: string, output: TrainingApi) => new AllReduceTrainingJob(wf.manifests, id, { framework: CollectiveFramework.PYTORCH, output, image: ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime'), pool, workers: 2, command: ['torchrun', '/code/train.py'], volumes: [code] });
    wf.addResourceTask('v2', { resource: make('ddp', TrainingApi.TRAINER_V2), action: ResourceAction.APPLY });
    wf.addResourceTask('v1', { resource: make('ddp-v1', TrainingApi.TRAINING_OPERATOR_V1), action: ResourceAction.APPLY, waitForCompletion: false });
    const svc = new ReplicatedModelService(wf.manifests, 'model', { pool, port: 8501, container: { image } });
    wf.addResourceTask('serve', { resource: svc, action: ResourceAction.APPLY, setOwnerReference: false });
    const ts = templates(app);
    const of = (name: string) => ts.find((t) => t.name === name)!.resource;
    for (const [step, kind] of [['v2', 'TrainJob'], ['v1', 'PyTorchJob']]) {
      expect(of(step).action).toBe('create');
      expect(parse(of(step).manifest)).toMatchObject({ kind, metadata: { generateName: `${kind === 'TrainJob' ? 'ddp' : 'ddp-v1'}-` } });
      expect(parse(of(step).manifest).metadata.name).toBeUndefined();
    }
    // the runtime it names and a serving Deployment keep their names and are applied
    expect(of('v2-trainingruntime').action).toBe('apply');
    expect(parse(of('v2-trainingruntime').manifest).metadata.name).toBe('ddp');
    expect(of('serve').action).toBe('apply');
    expect(parse(of('serve').manifest).metadata.name).toBe('model');
  });

  test('memoize on a resource step is an error, not silently ignored', () => {
    const { wf } = workflowChart();
    const svc = new ReplicatedModelService(wf.manifests, 'model', { pool, port: 8501, container: { image } });
    expect(() => wf.addResourceTask('serve', { resource: svc, action: ResourceAction.APPLY, memoize: { maxAge: 1 } } as never))
      .toThrow(/'team\/pipeline\/serve': prop 'memoize' .*Argo memoizes a step by its outputs/);
  });

  test('a Kueue-queued job inside a workflow takes the workflow\'s namespace and its queue', () => {
    const { app, chart, wf, code } = workflowChart();
    const cohort = new FairShareCohort(chart, 'cohort', { name: 'c', pools: [pool] });
    const cq = new KueueClusterQueue(chart, 'cq', { name: 'team', cohort, namespaces: ['team'], quotas: [{ pool, nominal: { cpu: Cpu.units(8), memory: Size.gibibytes(16) } }] });
    const queue = new KueueLocalQueue(chart, 'queue', { name: 'default', namespace: 'team', clusterQueue: cq });
    const job = new AllReduceTrainingJob(wf.manifests, 'ddp', { framework: CollectiveFramework.PYTORCH, image: ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime'), pool, workers: 2, command: ['torchrun', '/code/train.py'], volumes: [code], scheduling: GangScheduling.kueue({ queue }) });
    wf.addResourceTask('train', { resource: job });
    const manifest = parse(templates(app).find((t) => t.name === 'train')!.resource.manifest);
    expect(manifest.metadata).toMatchObject({ namespace: 'team', labels: { 'kueue.x-k8s.io/queue-name': 'default' } });
    expect(app.lastCheckReport!.problems).toEqual([]);
  });
});
