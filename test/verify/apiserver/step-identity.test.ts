// Who verify:apiserver sends an embedded manifest as (scripts/verify/apiserver/step-identity.ts):
// the ServiceAccount argoexec would use for the step, never the admin token.
import type { ApiClient, RequestOptions } from '../../../scripts/verify/core/api-client';
import { extractEmbedded } from '../../../scripts/verify/core/embedded';
import type { ObjectRecord } from '../../../scripts/verify/core/objects';
import { actingAs, impersonating, ownerOf, stepServiceAccount, templateIndex } from '../../../scripts/verify/apiserver/step-identity';

const manifest = 'apiVersion: kubeflow.org/v1\nkind: TFJob\nmetadata:\n  generateName: train-\n';
const record = (kind: string, body: Record<string, any>, index = 4): ObjectRecord => ({
  chart: 'dist/wf.k8s.yaml', index, apiVersion: 'argoproj.io/v1alpha1', group: 'argoproj.io', version: 'v1alpha1', kind,
  name: body.metadata.name, namespace: body.metadata.namespace, body: { apiVersion: 'argoproj.io/v1alpha1', kind, ...body },
});
const steps = (extra: Record<string, unknown> = {}) => [{ name: 'main', steps: [] }, { name: 'train', resource: { action: 'create', manifest }, ...extra }];
const embeddedOf = (r: ObjectRecord) => {
  const e = extractEmbedded(r).embedded;
  expect(e).toHaveLength(1);
  return e[0];
};

describe('the identity an embedded manifest is sent as', () => {
  test('the workflow spec\'s serviceAccountName, in the workflow\'s namespace', () => {
    const wf = record('Workflow', { metadata: { name: 'pipe', namespace: 'ml' }, spec: { serviceAccountName: 'pipe', templates: steps() } });
    const e = embeddedOf(wf);
    expect(ownerOf(e, [wf])).toBe(wf.body);
    expect(stepServiceAccount(e, ownerOf(e, [wf]))).toEqual({ namespace: 'ml', name: 'pipe' });
  });

  test('a template\'s own account wins over the spec\'s; an executor account wins over both', () => {
    const own = record('Workflow', { metadata: { name: 'p', namespace: 'ml' }, spec: { serviceAccountName: 'wf', templates: steps({ serviceAccountName: 'step' }) } });
    expect(stepServiceAccount(embeddedOf(own), own.body).name).toBe('step');
    const exec = record('Workflow', { metadata: { name: 'p', namespace: 'ml' }, spec: { serviceAccountName: 'wf', executor: { serviceAccountName: 'exec' }, templates: steps({ serviceAccountName: 'step' }) } });
    expect(stepServiceAccount(embeddedOf(exec), exec.body).name).toBe('exec');
  });

  test('a CronWorkflow keeps its accounts in spec.workflowSpec; none set means `default`', () => {
    const cron = record('CronWorkflow', { metadata: { name: 'c', namespace: 'ml' }, spec: { workflowSpec: { serviceAccountName: 'cron', templates: steps() } } });
    expect(stepServiceAccount(embeddedOf(cron), cron.body)).toEqual({ namespace: 'ml', name: 'cron' });
    const bare = record('WorkflowTemplate', { metadata: { name: 't', namespace: 'ml' }, spec: { templates: steps() } });
    expect(stepServiceAccount(embeddedOf(bare), bare.body)).toEqual({ namespace: 'ml', name: 'default' });
  });

  test('templateIndex reads the index from the embedded field path', () => {
    expect(templateIndex('spec.workflowSpec.templates[12].resource.manifest')).toBe(12);
    expect(templateIndex('spec.other')).toBeUndefined();
  });

  test('requests through actingAs carry the ServiceAccount user and its groups, never system:masters', async () => {
    const seen: RequestOptions[] = [];
    const admin: ApiClient = { request: async (_m, _p, o = {}) => { seen.push(o); return { status: 201, body: {}, warnings: [] }; }, close: () => undefined };
    await actingAs(admin, { namespace: 'ml', name: 'pipe' }).request('POST', '/x', { body: {}, headers: { 'X-Other': 'kept' } });
    expect(seen[0].headers).toEqual({ 'X-Other': 'kept', ...impersonating({ namespace: 'ml', name: 'pipe' }) });
    expect(seen[0].headers?.['Impersonate-User']).toBe('system:serviceaccount:ml:pipe');
    expect(seen[0].headers?.['Impersonate-Group']).toEqual(['system:serviceaccounts', 'system:serviceaccounts:ml', 'system:authenticated']);
  });
});
