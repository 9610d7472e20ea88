import { Duration } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { KServeInferenceService } from '../../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../../constructs/serving/model-location';
import { TensorFlowTrainingJob } from '../../../constructs/training/tensorflow-job';
import { ArgoWorkflow, memoKey } from '../../../constructs/workflow/argo-workflow';
import { Depends } from '../../../constructs/workflow/depends';
import { RetryPolicy } from '../../../constructs/workflow/retry';
import { ArtifactGc } from '../../../constructs/workflow/workflow-definition';
import { FanOut, inputParameter, ItemRef, OutputFrom, WorkflowVariables } from '../../../constructs/workflow/workflow-io';
import { mergeRules } from '../../../constructs/workflow/workflow-rbac';
import { ResourceAction } from '../../../constructs/workflow/workflow-task';
import { formatViolations, validateObjects } from '../../validation/validator';
import { byKindName, Manifest, ofKind, synth, testChart } from '../../helpers';
import { TrainingApi } from '../../../constructs/training/trainer-v2';

const pool = NodePool.cpu({ name: 'cpu' });
const image = ContainerImage.of('python:3.12-slim');

function synthAfter(chart: ReturnType<typeof testChart>, build: () => unknown) {
  build();
  return synth(chart);
}

function pipeline() {
  const chart = testChart('ml');
  const wf = new ArgoWorkflow(chart, 'wf', { pool });
  const prep = wf.addContainerTask('prep', { container: { image }, inputs: { dataset: 'mnist', version: '3' }, memoize: { maxAge: Duration.minutes(30) } });
  const job = new TensorFlowTrainingJob(wf.manifests, 'train', { output: TrainingApi.TRAINING_OPERATOR_V1, pool, container: { image } });
  const train = wf.addResourceTask('train', { resource: job, dependsOn: [prep] });
  const isvc = new KServeInferenceService(wf.manifests, 'serve', { pool, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('s3://b/m') });
  wf.addResourceTask('serve', { resource: isvc, action: ResourceAction.APPLY, dependsOn: [train] });
  return { chart, wf, prep, train };
}

/** A workflow with a producer that fans out and one that does not. */
function fanOutWorkflow() {
  const chart = testChart('ml');
  const wf = new ArgoWorkflow(chart, 'sweep', { pool });
  const plan = wf.addContainerTask('plan', { container: { image }, outputs: { parameters: { rates: OutputFrom.file('/tmp/rates.json') } } });
  const train = wf.addContainerTask('train', {
    dependsOn: [plan], fanOut: FanOut.fromOutput(plan.output('rates')), inputs: { rate: ItemRef.value() },
    container: { image, args: [inputParameter('rate')] }, outputs: { parameters: { acc: OutputFrom.file('/tmp/acc') } },
  });
  return { chart, wf, plan, train };
}

const workflowOf = (chart: ReturnType<typeof testChart>, name = 'wf') => byKindName(synth(chart), 'Workflow', name);
const templateOf = (wf: Manifest, name: string) => wf.spec.templates.find((t: Manifest) => t.name === name);
const dagOf = (wf: Manifest) => templateOf(wf, 'main').dag.tasks as Manifest[];

describe('ArgoWorkflow', () => {
  test('default output snapshot, schema-valid', () => {
    const objects = synth(pipeline().chart);
    expect(objects).toMatchSnapshot();
    expect(formatViolations(validateObjects('argo-workflow', objects))).toBe('');
  });

  test('the primary object is the Workflow', () => {
    expect(pipeline().wf.apiObject.kind).toBe('Workflow');
  });

  test('resource steps embed the construct objects and do not emit them on their own', () => {
    const objects = synth(pipeline().chart);
    expect(ofKind(objects, 'TFJob')).toEqual([]);
    expect(ofKind(objects, 'InferenceService')).toEqual([]);
    const wf = byKindName(objects, 'Workflow', 'wf');
    const train = templateOf(wf, 'train');
    expect(train.resource.manifest).toContain('kind: TFJob');
    expect(train.resource.manifest).toContain('generateName: train-');
    expect(train.resource.successCondition).toBe('status.completionTime,status.replicaStatuses.Worker.succeeded > 0');
    const serve = templateOf(wf, 'serve');
    expect(serve.resource.action).toBe('apply');
    expect(serve.resource.manifest).toContain('name: serve');
    // Serving outlives its run unless asked; a training job goes with the Workflow.
    expect(serve.resource.setOwnerReference).toBe(false);
    expect(train.resource.setOwnerReference).toBe(true);
  });

  test('the DAG follows the step objects', () => {
    const tasks = dagOf(workflowOf(pipeline().chart));
    expect(tasks.map((t) => [t.name, t.depends])).toEqual([['prep', undefined], ['train', 'prep.Succeeded'], ['serve', 'train.Succeeded']]);
    expect(tasks[0].arguments.parameters).toEqual([{ name: 'dataset', value: 'mnist' }, { name: 'version', value: '3' }]);
  });

  test('memoization: key from every input, maxAge, and a labelled cache ConfigMap', () => {
    const objects = synth(pipeline().chart);
    const prep = templateOf(byKindName(objects, 'Workflow', 'wf'), 'prep');
    expect(prep.memoize).toEqual({ key: 'prep-mnist-3', maxAge: '1800s', cache: { configMap: { name: 'wf-memo-cache' } } });
    expect(byKindName(objects, 'ConfigMap', 'wf-memo-cache').metadata.labels).toEqual({ 'workflows.argoproj.io/configmap-type': 'Cache' });
    expect(memoKey('s')).toBe('s');
  });

  test('memo keys Argo accepts: literal inputs made key-safe and distinct, references resolved by Argo, bad keys refused by path', () => {
    // argo-workflows v4.0.5 cache.go: ^[a-zA-Z0-9][-a-zA-Z0-9]*$ ("invalid cache key" errors the step)
    const underscore = memoKey('ingest', { dataset: 'fashion_mnist' });
    expect(underscore).toMatch(/^ingest-fashion-mnist-[0-9a-f]{8}$/);
    expect(memoKey('ingest', { dataset: 'fashion-mnist' })).toBe('ingest-fashion-mnist');
    expect(memoKey('ingest', { dataset: 'fashion.mnist' })).not.toBe(underscore);
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'wf', { pool });
    const version = wf.addParameter('version', { value: '1' });
    const prep = templateOf(byKindName(synthAfter(chart, () => wf.addContainerTask('prep', { container: { image }, inputs: { version }, memoize: { maxAge: Duration.minutes(5) } })), 'Workflow', 'wf'), 'prep');
    expect(prep.memoize.key).toBe('prep-{{inputs.parameters.version}}');
    expect(() => wf.addContainerTask('bad', { container: { image }, memoize: { maxAge: Duration.minutes(5), key: 'bad_{{inputs.parameters.x}}' } }))
      .toThrow(/'test\/wf\/bad': prop 'memoize\.key' is 'bad_\{\{inputs\.parameters\.x\}\}'.*invalid cache key/);
  });

  test('the Role holds exactly what the steps need, without wildcards (no memo cache access: the controller saves it)', () => {
    const role = byKindName(synth(pipeline().chart), 'Role', 'wf');
    expect(role.rules).toEqual([
      { apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] },
      { apiGroups: ['kubeflow.org'], resources: ['tfjobs'], verbs: ['create', 'get'] },
      { apiGroups: ['serving.kserve.io'], resources: ['inferenceservices'], verbs: ['create', 'get', 'patch'] },
    ]);
  });

  test('a workflow without memoization or resource steps gets only the executor rule', () => {
    const chart = testChart('ml');
    new ArgoWorkflow(chart, 'plain', { pool }).addContainerTask('a', { container: { image } });
    expect(byKindName(synth(chart), 'Role', 'plain').rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }]);
    expect(ofKind(synth(chart), 'ConfigMap')).toEqual([]);
  });

  test('artifact GC adds its own rules and runs as the workflow service account', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'gc', { pool, artifactGc: ArtifactGc.ON_WORKFLOW_DELETION });
    const a = wf.addContainerTask('a', { container: { image }, outputs: { artifacts: { model: '/tmp/model' } } });
    wf.addContainerTask('b', { dependsOn: [a], container: { image }, inputArtifacts: { model: { from: a.outputArtifact('model'), path: '/in/model' } } });
    const objects = synth(chart);
    const spec = byKindName(objects, 'Workflow', 'gc').spec;
    expect(spec.artifactGC).toEqual({ strategy: 'OnWorkflowDeletion', serviceAccountName: 'gc' });
    expect(templateOf({ spec }, 'a').outputs).toEqual({ artifacts: [{ name: 'model', path: '/tmp/model' }] });
    expect(templateOf({ spec }, 'b').inputs).toEqual({ artifacts: [{ name: 'model', path: '/in/model' }] });
    expect(dagOf({ spec })[1].arguments).toEqual({ artifacts: [{ name: 'model', from: '{{tasks.a.outputs.artifacts.model}}' }] });
    expect(byKindName(objects, 'Role', 'gc').rules.map((r: Manifest) => `${r.resources[0]}:${r.verbs.join(',')}`)).toEqual([
      'workflowartifactgctasks/status:patch', 'workflowartifactgctasks:list,watch', 'workflowtaskresults:create,patch',
    ]);
    expect(formatViolations(validateObjects('gc', objects))).toBe('');
  });

  test('fan-out over a run-time list and fan-in over every result', () => {
    const { chart, wf, train } = fanOutWorkflow();
    wf.addContainerTask('select', { dependsOn: [train], inputs: { all: train.aggregatedOutput('acc') }, container: { image } });
    const dag = dagOf(workflowOf(chart, 'sweep'));
    expect(dag[1]).toMatchObject({ name: 'train', withParam: '{{tasks.plan.outputs.parameters.rates}}', arguments: { parameters: [{ name: 'rate', value: '{{item}}' }] } });
    expect(dag[2]).toMatchObject({ depends: 'train.Succeeded', arguments: { parameters: [{ name: 'all', value: '{{tasks.train.outputs.parameters.acc}}' }] } });
  });

  test('static fan-out renders withItems and item fields', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'grid', { pool });
    wf.addContainerTask('t', { fanOut: FanOut.items([{ lr: '0.1', bs: 32 }, { lr: '0.01', bs: 64 }]), inputs: { lr: ItemRef.field('lr') }, container: { image } });
    expect(dagOf(workflowOf(chart, 'grid'))[0]).toMatchObject({ withItems: [{ lr: '0.1', bs: 32 }, { lr: '0.01', bs: 64 }], arguments: { parameters: [{ name: 'lr', value: '{{item.lr}}' }] } });
  });

  test('asynchronous steps: tolerant depends expressions and fire-and-forget resource steps', () => {
    const { chart, wf, train } = fanOutWorkflow();
    const other = wf.addContainerTask('other', { container: { image } });
    wf.addContainerTask('report', { depends: Depends.any(Depends.anySucceeded(train), Depends.all(Depends.succeeded(other), Depends.allFailed(train))), container: { image } });
    const isvc = new KServeInferenceService(wf.manifests, 'preview', { pool, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('s3://b/m') });
    wf.addResourceTask('deploy', { resource: isvc, dependsOn: [other], waitForCompletion: false });
    const spec = workflowOf(chart, 'sweep');
    expect(dagOf(spec).find((t) => t.name === 'report')!.depends).toBe('train.AnySucceeded || (other.Succeeded && train.AllFailed)');
    const deploy = templateOf(spec, 'deploy').resource;
    expect(deploy.successCondition).toBeUndefined();
    expect(deploy.failureCondition).toBeUndefined();
  });

  test('retries with backoff and timeouts', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'r', { pool, parallelism: 2, activeDeadline: Duration.hours(1) });
    wf.addContainerTask('a', { container: { image }, timeout: Duration.minutes(5), retry: { limit: 3, policy: RetryPolicy.ALWAYS, backoff: { initial: Duration.seconds(10), maxDuration: Duration.minutes(2) } } });
    const spec = workflowOf(chart, 'r').spec;
    expect(templateOf({ spec }, 'a')).toMatchObject({ activeDeadlineSeconds: 300, retryStrategy: { limit: 3, retryPolicy: 'Always', backoff: { duration: '10s', factor: 2, maxDuration: '120s' } } });
    expect(spec).toMatchObject({ parallelism: 2, activeDeadlineSeconds: 3600 });
  });

  test('exit handler: onExit template with the workflow status', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'x', { pool });
    wf.addContainerTask('a', { container: { image } });
    wf.addExitHandler({ inputs: { status: WorkflowVariables.STATUS }, container: { image, args: [inputParameter('status')] } });
    const spec = workflowOf(chart, 'x').spec;
    expect(spec.onExit).toBe('exit-handler');
    expect(templateOf({ spec }, 'exit-handler').inputs).toEqual({ parameters: [{ name: 'status', value: '{{workflow.status}}' }] });
  });

  test('priority class and queue come from the objects', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'q', { pool, priorityClass: SchedulingRefs.priorityClass('high', 1000), queue: SchedulingRefs.localQueue('team-a', 'ml') });
    wf.addContainerTask('a', { container: { image } });
    expect(workflowOf(chart, 'q').spec).toMatchObject({ podPriorityClassName: 'high', podMetadata: { labels: { 'kueue.x-k8s.io/queue-name': 'team-a' } } });
  });

  test('workflow parameters are declared in spec.arguments and referenced by object', () => {
    const chart = testChart('ml');
    const wf = new ArgoWorkflow(chart, 'p', { pool });
    const ds = wf.addParameter('dataset', { value: 'mnist', enum: ['mnist', 'fashion_mnist'] });
    wf.addContainerTask('a', { inputs: { ds }, container: { image, args: ['{{workflow.parameters.dataset}}'] } });
    const spec = workflowOf(chart, 'p').spec;
    expect(spec.arguments).toEqual({ parameters: [{ name: 'dataset', value: 'mnist', enum: ['mnist', 'fashion_mnist'] }] });
    expect(dagOf({ spec })[0].arguments.parameters).toEqual([{ name: 'ds', value: '{{workflow.parameters.dataset}}' }]);
  });

  test('addDependency after creation is and-ed into depends', () => {
    const { chart, wf } = pipeline();
    const late = wf.addContainerTask('late', { container: { image } });
    wf.steps.find((s) => s.name === 'prep')!.addDependency(late);
    expect(dagOf(workflowOf(chart))[0].depends).toBe('late.Succeeded');
  });

  describe('errors', () => {
    test('fails on duplicate step names', () => {
      const { wf } = pipeline();
      expect(() => wf.addContainerTask('prep', { container: { image } })).toThrow(/'test\/wf\/prep': prop 'id' is 'prep'; workflow 'wf' already has a step or template named 'prep'/);
    });

    test('fails on a dependency on another workflow\'s step', () => {
      const { chart, wf } = pipeline();
      const step = new ArgoWorkflow(chart, 'other', { pool }).addContainerTask('x', { container: { image } });
      expect(() => wf.addContainerTask('y', { container: { image }, dependsOn: [step] })).toThrow(/'test\/wf\/y': prop 'dependsOn' is 'x'; that step belongs to another workflow \(test\/other\/x\)/);
    });

    test('fails when a dependency cycle is created', () => {
      const { prep, train } = pipeline();
      expect(() => prep.addDependency(train)).toThrow(/'test\/wf\/prep': prop 'dependsOn' is 'train'; it would create a dependency cycle \(prep -> train -> prep\)/);
      expect(() => prep.addDependency(prep)).toThrow(/prop 'dependsOn' is 'prep'; it would create a dependency cycle \(prep -> prep\)/);
    });

    test('fails when a container refers to an undeclared input parameter', () => {
      expect(() => pipeline().wf.addContainerTask('z', { container: { image, args: [inputParameter('lr')] } }))
        .toThrow(/'test\/wf\/z': prop 'inputs' is 'lr'; the step's container refers to \{\{inputs.parameters.lr\}\} but the step declares no such input/);
    });

    test('fails when a step refers to an undeclared workflow parameter', () => {
      expect(() => pipeline().wf.addContainerTask('z', { container: { image, args: ['{{workflow.parameters.epochs}}'] } }))
        .toThrow(/prop 'parameters' is 'epochs'; .*workflow 'wf' declares no such parameter/);
    });

    test('fails when a step reads an undeclared output', () => {
      const { prep } = pipeline();
      expect(() => prep.output('path')).toThrow(/'test\/wf\/prep': prop 'outputs.parameters' is 'path'; step 'prep' declares no output parameter 'path'/);
      expect(() => prep.outputArtifact('model')).toThrow(/prop 'outputs.artifacts' is 'model'; step 'prep' declares no output artifact 'model'/);
    });

    test('fails when a step reads an output of a step it does not depend on', () => {
      const { wf, plan } = fanOutWorkflow();
      expect(() => wf.addContainerTask('z', { inputs: { r: plan.output('rates') }, container: { image } }))
        .toThrow(/'test\/sweep\/z': prop 'inputs.r' is '\{\{tasks.plan.outputs.parameters.rates\}\}'; step 'z' reads an output of step 'plan' but does not depend on it/);
    });

    test('fails on fan-in over a step that does not fan out', () => {
      const { plan } = fanOutWorkflow();
      expect(() => plan.aggregatedOutput('rates')).toThrow(/'test\/sweep\/plan': prop 'aggregatedOutput' is 'rates'; step 'plan' does not fan out/);
      expect(() => Depends.anySucceeded(plan)).toThrow(/prop 'anySucceeded' is 'plan'; the step does not fan out/);
    });

    test('fails when a fanned-out output is read without fan-in', () => {
      expect(() => fanOutWorkflow().train.output('acc')).toThrow(/prop 'output' is 'acc'; step 'train' fans out.*use aggregatedOutput\('acc'\)/);
    });

    test('fails when a step uses the item without fanning out', () => {
      expect(() => pipeline().wf.addContainerTask('z', { inputs: { x: ItemRef.value() }, container: { image } })).toThrow(/prop 'inputs' is 'item'; the step refers to the fan-out item but does not fan out/);
    });

    test('fails when static items lack a referenced field', () => {
      expect(() => pipeline().wf.addContainerTask('z', { fanOut: FanOut.items([{ lr: '1' }, { bs: 2 }]), inputs: { x: ItemRef.field('lr') }, container: { image } }))
        .toThrow(/prop 'inputs' is 'item.lr'; not every fan-out item has the field 'lr'/);
    });

    test('fails when depends and dependsOn are combined', () => {
      const { wf, prep, train } = pipeline();
      expect(() => wf.addContainerTask('z', { dependsOn: [prep], depends: Depends.succeeded(train), container: { image } })).toThrow(/prop 'depends' is 'train.Succeeded'; it cannot be combined with dependsOn \(prep\)/);
    });

    test('fails on a second exit handler, and when it reads step outputs', () => {
      const { wf, plan } = fanOutWorkflow();
      expect(() => wf.addExitHandler({ inputs: { r: plan.output('rates') }, container: { image } })).toThrow(/prop 'inputs.r' is .*the exit handler runs outside the DAG/);
      wf.addExitHandler({ container: { image } });
      expect(() => wf.addExitHandler({ container: { image } })).toThrow(/prop 'onExit' is 'exit-handler'; workflow 'sweep' already has an exit handler/);
    });

    test('fails on bad retry and timeout values', () => {
      const { wf } = pipeline();
      expect(() => wf.addContainerTask('a', { container: { image }, retry: { limit: 50 } })).toThrow(/'test\/wf\/a': prop 'retry.limit' is 50; use an integer from 0 to 20/);
      expect(() => wf.addContainerTask('b', { container: { image }, retry: { limit: 1, backoff: { initial: Duration.minutes(5), maxDuration: Duration.minutes(1) } } })).toThrow(/prop 'retry.backoff.maxDuration' is '60s'; it is shorter than retry.backoff.initial \(300s\)/);
      expect(() => wf.addContainerTask('c', { container: { image }, timeout: Duration.millis(500) })).toThrow(/prop 'timeout' is '0.5s'/);
    });

    test('fails on a queue of another namespace', () => {
      expect(() => new ArgoWorkflow(testChart('ml'), 'q', { pool, queue: SchedulingRefs.localQueue('team-a', 'other') })).toThrow(/'test\/q': prop 'queue' is 'team-a'; the queue is in namespace 'other' but the workflow in 'ml'/);
    });

    test('fails on a parameter of another workflow or a duplicate parameter', () => {
      const { chart, wf } = pipeline();
      const foreign = new ArgoWorkflow(chart, 'other', { pool }).addParameter('lr');
      expect(() => wf.addContainerTask('z', { inputs: { lr: foreign }, container: { image } })).toThrow(/prop 'inputs.lr' is 'lr'; it is not a parameter declared by workflow 'wf'/);
      wf.addParameter('lr');
      expect(() => wf.addParameter('lr')).toThrow(/prop 'parameter' is 'lr'; workflow 'wf' already declares it/);
    });

    test('fails on wrong output sources for resource steps', () => {
      const { wf } = pipeline();
      const job = new TensorFlowTrainingJob(wf.manifests, 'j2', { output: TrainingApi.TRAINING_OPERATOR_V1, pool, container: { image } });
      expect(() => wf.addResourceTask('j2', { resource: job, outputs: { parameters: { n: OutputFrom.file('/tmp/n') } } })).toThrow(/prop 'outputs.parameters.n' is '\/tmp\/n'; resource steps read outputs from the object/);
    });

    test('fails on an invalid step name', () => {
      expect(() => pipeline().wf.addContainerTask('Bad_Step', { container: { image } })).toThrow(/prop 'id' is 'Bad_Step'/);
    });

    test('fails when a resource is built outside the workflow manifests scope', () => {
      const { chart, wf } = pipeline();
      const job = new TensorFlowTrainingJob(chart, 'stray', { output: TrainingApi.TRAINING_OPERATOR_V1, pool, container: { image } });
      expect(() => wf.addResourceTask('stray', { resource: job })).toThrow(/build the resource in this workflow's 'manifests' scope/);
    });

    test('mergeRules refuses wildcards', () => {
      expect(() => mergeRules([{ apiGroup: '*', resource: 'pods', verbs: ['get'] }])).toThrow(/wildcard rule/);
    });
  });
});
