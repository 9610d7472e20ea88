import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { ArgoCronWorkflow, ConcurrencyPolicy } from '../../../constructs/workflow/cron-workflow';
import { ArgoWorkflow } from '../../../constructs/workflow/argo-workflow';
import { WorkflowDefinition } from '../../../constructs/workflow/workflow-definition';
import { inputParameter } from '../../../constructs/workflow/workflow-io';
import { ArgoWorkflowTemplate } from '../../../constructs/workflow/workflow-template';
import { formatViolations, validateObjects } from '../../validation/validator';
import { byKindName, synth, testChart } from '../../helpers';

const pool = NodePool.cpu({ name: 'cpu' });
const image = ContainerImage.of('python:3.12-slim');

/** The same DAG on any wrapper kind. */
function build<T extends WorkflowDefinition>(wf: T): T {
  const lr = wf.addParameter('lr', { value: '0.1' });
  const a = wf.addContainerTask('a', { inputs: { lr }, container: { image, args: [inputParameter('lr')] } });
  wf.addContainerTask('b', { dependsOn: [a], container: { image } });
  return wf;
}

describe('ArgoWorkflowTemplate and ArgoCronWorkflow', () => {
  const chart = testChart('ml');
  build(new ArgoWorkflow(chart, 'wf', { pool }));
  const template = build(new ArgoWorkflowTemplate(chart, 'tmpl', { pool }));
  const cron = build(new ArgoCronWorkflow(chart, 'cron', { pool, schedules: ['0 3 * * 1'] }));
  const objects = synth(chart);

  test('default output snapshot, schema-valid', () => {
    expect(objects.filter((o) => o.kind !== 'Workflow')).toMatchSnapshot();
    expect(formatViolations(validateObjects('templates', objects))).toBe('');
  });

  test('the primary objects are a WorkflowTemplate and a CronWorkflow', () => {
    expect(template.apiObject.kind).toBe('WorkflowTemplate');
    expect(cron.apiObject.kind).toBe('CronWorkflow');
  });

  test('the same builder yields the same spec under every wrapper kind (only names differ)', () => {
    const norm = (spec: unknown, name: string) => JSON.parse(JSON.stringify(spec).split(`"${name}"`).join('"NAME"'));
    const wf = norm(byKindName(objects, 'Workflow', 'wf').spec, 'wf');
    expect(norm(byKindName(objects, 'WorkflowTemplate', 'tmpl').spec, 'tmpl')).toEqual(wf);
    expect(norm(byKindName(objects, 'CronWorkflow', 'cron').spec.workflowSpec, 'cron')).toEqual(wf);
  });

  test('the CronWorkflow never overlaps runs by default', () => {
    expect(byKindName(objects, 'CronWorkflow', 'cron').spec).toMatchObject({ schedules: ['0 3 * * 1'], timezone: 'UTC', concurrencyPolicy: 'Forbid', successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    const c = testChart('ml');
    new ArgoCronWorkflow(c, 'c', { pool, schedules: ['@daily'], concurrencyPolicy: ConcurrencyPolicy.REPLACE }).addContainerTask('a', { container: { image } });
    expect(byKindName(synth(c), 'CronWorkflow', 'c').spec.concurrencyPolicy).toBe('Replace');
  });

  test('each wrapper gets its own least-privilege Role', () => {
    for (const name of ['tmpl', 'cron']) {
      expect(byKindName(objects, 'Role', name).rules).toEqual([{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }]);
    }
  });

  test('fails on an invalid cron schedule', () => {
    expect(() => new ArgoCronWorkflow(testChart('ml'), 'c', { pool, schedules: ['every monday'] })).toThrow(/'test\/c': prop 'schedules' is 'every monday'; use a five-field cron expression/);
    expect(() => new ArgoCronWorkflow(testChart('ml'), 'c', { pool, schedules: [] })).toThrow(/prop 'schedules' is ''; give at least one cron schedule/);
  });

  test('fails on a CronWorkflow name too long for Argo', () => {
    const name = 'a'.repeat(53);
    expect(() => new ArgoCronWorkflow(testChart('ml'), 'c', { pool, name, schedules: ['@daily'] })).toThrow(new RegExp(`prop 'name' is '${name}'; use at most 52 characters`));
  });

  test('fails on a negative history limit', () => {
    expect(() => new ArgoCronWorkflow(testChart('ml'), 'c', { pool, schedules: ['@daily'], failedRunsHistory: -1 })).toThrow(/prop 'failedRunsHistory' is -1/);
  });
});
