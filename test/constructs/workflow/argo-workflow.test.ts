import { Duration } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { KServeInferenceService } from '../../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../../constructs/serving/model-location';
import { TensorFlowTrainingJob } from '../../../constructs/training/tensorflow-job';
import { ArgoWorkflow, memoKey } from '../../../constructs/workflow/argo-workflow';
import { mergeRules } from '../../../constructs/workflow/workflow-rbac';
import { ResourceAction } from '../../../constructs/workflow/workflow-task';
import { byKindName, ofKind, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const image = ContainerImage.of('python:3.12-slim');

function pipeline() {
  const chart = testChart('ml');
  const wf = new ArgoWorkflow(chart, 'wf', { pool });
  const prep = wf.addContainerTask('prep', { container: { image }, inputs: { dataset: 'mnist', version: '3' }, memoize: { maxAge: Duration.minutes(30) } });
  const job = new TensorFlowTrainingJob(wf.manifests, 'train', { pool, container: { image } });
  const train = wf.addResourceTask('train', { resource: job, dependsOn: [prep] });
  const isvc = new KServeInferenceService(wf.manifests, 'serve', { pool, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('s3://b/m') });
  wf.addResourceTask('serve', { resource: isvc, action: ResourceAction.APPLY, dependsOn: [train] });
  return { chart, wf };
}

describe('ArgoWorkflow', () => {
  test('resource steps embed the construct objects and do not emit them on their own', () => {
    const { chart } = pipeline();
    const objects = synth(chart);
    expect(ofKind(objects, 'TFJob')).toEqual([]);
    expect(ofKind(objects, 'InferenceService')).toEqual([]);
    const templates = byKindName(objects, 'Workflow', 'wf').spec.templates;
    const train = templates.find((t: any) => t.name === 'train');
    expect(train.resource.manifest).toContain('kind: TFJob');
    expect(train.resource.manifest).toContain('generateName: train-');
    expect(train.resource.successCondition).toBe('status.replicaStatuses.Worker.succeeded = 2');
    const serve = templates.find((t: any) => t.name === 'serve');
    expect(serve.resource.action).toBe('apply');
    expect(serve.resource.manifest).toContain('name: serve');
  });

  test('the DAG follows the step objects', () => {
    const tasks = byKindName(synth(pipeline().chart), 'Workflow', 'wf').spec.templates.find((t: any) => t.name === 'main').dag.tasks;
    expect(tasks.map((t: any) => [t.name, t.depends])).toEqual([['prep', undefined], ['train', 'prep.Succeeded'], ['serve', 'train.Succeeded']]);
    expect(tasks[0].arguments.parameters).toEqual([{ name: 'dataset', value: 'mnist' }, { name: 'version', value: '3' }]);
  });

  test('memoization: key from every input, maxAge, and a labelled cache ConfigMap', () => {
    const objects = synth(pipeline().chart);
    const prep = byKindName(objects, 'Workflow', 'wf').spec.templates.find((t: any) => t.name === 'prep');
    expect(prep.memoize).toEqual({ key: 'prep-{{inputs.parameters.dataset}}-{{inputs.parameters.version}}', maxAge: '1800s', cache: { configMap: { name: 'wf-memo-cache' } } });
    expect(byKindName(objects, 'ConfigMap', 'wf-memo-cache').metadata.labels).toEqual({ 'workflows.argoproj.io/configmap-type': 'Cache' });
    expect(memoKey('s')).toBe('s');
  });

  test('the Role holds exactly what the steps need, without wildcards', () => {
    const role = byKindName(synth(pipeline().chart), 'Role', 'wf');
    expect(role.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['wf-memo-cache'], verbs: ['get', 'patch', 'update'] },
      { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] },
      { apiGroups: ['kubeflow.org'], resources: ['tfjobs'], verbs: ['create', 'get'] },
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['create', 'get', 'patch'] },
    ]);
  });

  test('fails on duplicate step names', () => {
    const { wf } = pipeline();
    expect(() => wf.addContainerTask('prep', { container: { image } })).toThrow(/'test\/wf\/prep': prop 'id' is 'prep'; workflow 'wf' already has a step named 'prep'/);
  });

  test('fails on a dependency on another workflow\'s step', () => {
    const { chart, wf } = pipeline();
    const other = new ArgoWorkflow(chart, 'other', { pool });
    const step = other.addContainerTask('x', { container: { image } });
    expect(() => wf.addContainerTask('y', { container: { image }, dependsOn: [step] })).toThrow(/prop 'dependsOn' is 'x'; that step belongs to another workflow/);
  });

  test('fails on an invalid step name', () => {
    expect(() => pipeline().wf.addContainerTask('Bad_Step', { container: { image } })).toThrow(/prop 'id' is 'Bad_Step'/);
  });

  test('fails when a resource is built outside the workflow manifests scope', () => {
    const { chart, wf } = pipeline();
    const job = new TensorFlowTrainingJob(chart, 'stray', { pool, container: { image } });
    expect(() => wf.addResourceTask('stray', { resource: job })).toThrow(/build the resource in this workflow's 'manifests' scope/);
  });

  test('mergeRules refuses wildcards', () => {
    expect(() => mergeRules([{ apiGroup: '*', resource: 'pods', verbs: ['get'] }])).toThrow(/wildcard rule/);
  });
});
