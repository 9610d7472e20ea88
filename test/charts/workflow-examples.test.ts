import { synthChart } from '../../constructs/app/chart-manifests';
import { PlatformApp } from '../../constructs/app/platform-app';
import { WorkflowExamples } from '../../charts/workflow-examples';
import { examplePools } from '../../charts';
import { formatViolations, validateObjects } from '../validation/validator';
import { byKindName, Manifest } from '../helpers';

const chart = new WorkflowExamples(new PlatformApp({ outdir: '/nonexistent' }), 'workflow-examples', { namespace: 'workflow-examples', pool: examplePools.cpu });
const objects = synthChart(chart);

describe('WorkflowExamples', () => {
  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object is schema-valid', () => {
    expect(formatViolations(validateObjects('workflow-examples', objects))).toBe('');
  });

  const wf = (kind: string, name: string) => byKindName(objects, kind, name).spec;
  const dag = (spec: Manifest) => spec.templates.find((t: Manifest) => t.name === 'main').dag.tasks as Manifest[];

  test('fan-out over the plan output, fan-in over every accuracy, exit handler notified', () => {
    const spec = wf('Workflow', 'hyperparameter-sweep');
    const tasks = Object.fromEntries(dag(spec).map((t) => [t.name, t]));
    expect(tasks.train).toMatchObject({ depends: 'plan.Succeeded', withParam: '{{tasks.plan.outputs.parameters.rates}}' });
    expect(tasks.select.arguments.parameters).toEqual([{ name: 'accuracies', value: '{{tasks.train.outputs.parameters.accuracy}}' }]);
    expect(spec.onExit).toBe('exit-handler');
    expect(spec.templates.find((t: Manifest) => t.name === 'train')).toMatchObject({ activeDeadlineSeconds: 3600, retryStrategy: { limit: 2, backoff: { duration: '30s', factor: 2, maxDuration: '600s' } } });
  });

  test('asynchronous branches deploy each model fire-and-forget; the comparison is a tolerant join', () => {
    const spec = wf('Workflow', 'async-steps');
    const depends = Object.fromEntries(dag(spec).map((t) => [t.name, t.depends]));
    expect(depends).toEqual({ 'train-cnn': undefined, 'deploy-cnn': 'train-cnn.Succeeded', 'train-dropout': undefined, 'deploy-dropout': 'train-dropout.Succeeded', compare: 'train-cnn.Succeeded || train-dropout.Succeeded' });
    for (const name of ['deploy-cnn', 'deploy-dropout']) {
      const t = spec.templates.find((x: Manifest) => x.name === name);
      expect(t.resource.manifest).toContain('kind: InferenceService');
      expect(t.resource.successCondition).toBeUndefined();
    }
  });

  test('the WorkflowTemplate declares its parameter, passes it to the TFJob and memoizes ingestion per dataset', () => {
    const spec = wf('WorkflowTemplate', 'train-template');
    expect(spec.arguments.parameters).toEqual([{ name: 'model-type', value: 'cnn', enum: ['cnn', 'dropout', 'batch_norm'], description: 'Model variant the TFJob trains' }]);
    expect(spec.templates.find((t: Manifest) => t.name === 'ingest').memoize.key).toMatch(/^ingest-fashion-mnist-[0-9a-f]{8}$/);
    expect(spec.templates.find((t: Manifest) => t.name === 'train').resource.manifest).toMatch(/- --model_type\n\s+- "{{workflow.parameters.model-type}}"/);
    expect(byKindName(objects, 'Role', 'train-template').rules.map((r: Manifest) => r.resources[0])).toEqual(['workflowtaskresults', 'tfjobs']);
  });

  test('the weekly retraining is scheduled, low priority, and refreshes data then model on the shared volume', () => {
    const spec = wf('CronWorkflow', 'weekly-retraining');
    expect(spec).toMatchObject({ schedules: ['0 3 * * 1'], concurrencyPolicy: 'Forbid' });
    expect(spec.workflowSpec).toMatchObject({ podPriorityClassName: 'batch-low' });
    // No artifacts: the stacks configure no artifact repository (operator-coverage refuses them).
    expect(JSON.stringify(spec.workflowSpec.templates)).not.toContain('artifacts');
    expect(dag(spec.workflowSpec).map((t: Manifest) => [t.name, t.depends])).toEqual([['fetch', undefined], ['retrain', 'fetch.Succeeded']]);
  });

  test('every step runs a program of the chart\'s bundle or the book image with the flags it parses', () => {
    const sweep = wf('Workflow', 'hyperparameter-sweep');
    const train = sweep.templates.find((t: Manifest) => t.name === 'train');
    expect(train.container.command.slice(0, 2)).toEqual(['python', '/opt/workflow/train_eval.py']);
    expect(train.outputs.parameters).toEqual([{ name: 'accuracy', valueFrom: { path: '/tmp/accuracy' } }]);
    expect(byKindName(objects, 'ConfigMap', 'workflow-scripts').metadata.annotations['mlpatterns.dev/program-facts']).toContain('"train_eval.py"');
  });

  test('RBAC has no wildcards and no cluster-wide grants', () => {
    const flat = objects.filter((o) => o.kind === 'Role').flatMap((r) => r.rules.flatMap((x: Manifest) => [...x.apiGroups, ...x.resources, ...x.verbs]));
    expect(flat).not.toContain('*');
    expect(objects.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
  });
});
