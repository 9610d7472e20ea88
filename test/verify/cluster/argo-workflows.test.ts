// Unit tests for how verify:cluster stands in for workflow step pods (argo-steps.ts), which runs it
// counts and how it judges them (workflow-runs.ts), and chart webhooks served locally (chart-render.ts).
import { localWebhooks } from '../../../scripts/verify/cluster/chart-render';
import { flagValue } from '../../../scripts/verify/cluster/operators';
import * as steps from '../../../scripts/verify/cluster/argo-steps';
import { plannedRuns, runCounts, runVerdict } from '../../../scripts/verify/cluster/workflow-runs';
import { recordsOf } from '../../../scripts/verify/core/objects';

const template = { name: 'plan', container: { image: 'x' }, outputs: { parameters: [{ name: 'rates', valueFrom: { path: '/tmp/rates.json' } }, { name: 'note', valueFrom: { path: '/tmp/n', default: 'none' } }] } };

function stepPod(main: Record<string, unknown>) {
  return {
    metadata: {
      name: 'sweep-plan-123', namespace: 'ns', uid: 'pod-uid',
      labels: { [steps.WORKFLOW_LABEL]: 'sweep' },
      annotations: { [steps.NODE_ID_ANNOTATION]: 'sweep-123' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'sweep', uid: 'wf-uid' }],
    },
    spec: {
      serviceAccountName: 'sweep',
      initContainers: [{ name: 'init', env: [{ name: 'ARGO_TEMPLATE', value: JSON.stringify(template) }] }],
      containers: [{ name: 'wait', image: 'argoexec' }, { name: 'main', image: 'app', ...main }],
    },
    status: { startTime: '2026-12-07T00:00:00Z' },
  };
}

describe('workflow step pods', () => {
  test('the template comes from the init container; a pod without one is refused by name', () => {
    expect(steps.podTemplate(stepPod({}))).toEqual(template);
    expect(() => steps.podTemplate({ metadata: { name: 'p', namespace: 'n' }, spec: { containers: [] } })).toThrow(/n\/p carries no ARGO_TEMPLATE/);
  });

  test('step kinds come from the template; a resource step runs argoexec resource behind the emissary', () => {
    const resource = { name: 'train', resource: { action: 'create', manifest: 'x' } };
    const wrapped = ['/var/run/argo/argoexec', 'emissary', '--', 'argoexec', 'resource', 'create', '--loglevel', 'info'];
    expect(steps.stepKind(stepPod({ command: wrapped }), resource)).toEqual({ kind: 'resource', action: 'create', args: ['--loglevel', 'info'] });
    expect(() => steps.stepKind(stepPod({ command: ['python', 'x.py'] }), resource)).toThrow(/main runs no 'argoexec resource'/);
    expect(steps.stepKind(stepPod({ command: ['/var/run/argo/argoexec', 'emissary', '--', 'python', 'x.py'] }))).toEqual({ kind: 'program' });
    expect(() => steps.stepKind(stepPod({}), { name: 'd', data: {} })).toThrow(/template d is of a kind the harness does not run \(name, data\)/);
  });

  test('env: values and pod fieldRefs resolve; secrets are refused by name', () => {
    const pod = stepPod({});
    const env = steps.containerEnv(pod, { name: 'main', env: [{ name: 'A', value: '1' }, { name: 'ARGO_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'U', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } }] });
    expect(env).toEqual({ A: '1', ARGO_POD_NAME: 'sweep-plan-123', U: 'pod-uid' });
    expect(() => steps.containerEnv(pod, { name: 'main', env: [{ name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] })).toThrow(/env S of container main: .* secretKeyRef/);
  });

  test('supplied outputs: the default when declared, a reported made-up value otherwise, a JSON list where the workflow loops over it', () => {
    const looped = steps.loopedParameters({ templates: [{ dag: { tasks: [{ name: 't', withParam: '{{tasks.plan.outputs.parameters.rates}}' }] } }] });
    expect([...looped]).toEqual(['rates']);
    const out = steps.suppliedOutputs(template, looped);
    expect(out).toEqual([
      { name: 'rates', value: JSON.stringify(['verify-cluster:plan.rates.1', 'verify-cluster:plan.rates.2']), source: 'harness' },
      { name: 'note', value: 'none', source: 'default' },
    ]);
    expect(steps.suppliedOutputs(template)[0].value).toBe('verify-cluster:plan.rates');
  });

  test('the task result is named by the node, owned by the Workflow and starts incomplete', () => {
    const tr = steps.taskResult(stepPod({}), [{ name: 'rates', value: '[]', source: 'harness' }]);
    expect(tr.metadata).toMatchObject({ name: 'sweep-123', namespace: 'ns', labels: { [steps.WORKFLOW_LABEL]: 'sweep', [steps.OUTPUTS_COMPLETED_LABEL]: 'false' } });
    expect(tr.metadata.ownerReferences).toEqual([{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: 'sweep', uid: 'wf-uid' }]);
    expect(tr.outputs).toEqual({ parameters: [{ name: 'rates', value: '[]' }], exitCode: '0' });
  });

  test('a finished pod: main carries the exit code and message, the phase follows it', () => {
    const failed = steps.finishedPodStatus(stepPod({}), 2, 'boom').status;
    expect(failed.phase).toBe('Failed');
    expect(failed.containerStatuses.map((c: any) => [c.name, c.state.terminated.exitCode])).toEqual([['wait', 0], ['main', 2]]);
    expect(failed.containerStatuses[1].state.terminated.message).toBe('boom');
    expect(steps.finishedPodStatus(stepPod({}), 0).status.phase).toBe('Succeeded');
  });
});

describe('workflow runs', () => {
  const memo = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'book', namespace: 'fm' }, spec: { templates: [{ name: 'ingest', memoize: { key: 'k' } }] } };
  const tmpl = { apiVersion: 'argoproj.io/v1alpha1', kind: 'WorkflowTemplate', metadata: { name: 'train', namespace: 'we' }, spec: { templates: [] } };
  const cron = { apiVersion: 'argoproj.io/v1alpha1', kind: 'CronWorkflow', metadata: { name: 'weekly', namespace: 'we' }, spec: { schedules: ['0 0 * * 0'], workflowSpec: { entrypoint: 'main' } } };

  test('every Workflow, a second run of a memoizing one, a run of each template and cron workflow', () => {
    const runs = plannedRuns(recordsOf([memo, tmpl, cron]));
    expect(runs.map((r) => r.id)).toEqual(['Workflow fm/book', 'second run of Workflow fm/book (memoized: ingest)', 'run of WorkflowTemplate we/train', 'run of CronWorkflow we/weekly']);
    expect(runs[1].after).toBe(runs[0]);
    expect(runs[2].submit!.spec).toEqual({ workflowTemplateRef: { name: 'train' } });
    expect(runs[3].submit!.spec).toEqual({ entrypoint: 'main' });
    expect(runs[3].submit!.metadata.labels['workflows.argoproj.io/cron-workflow']).toBe('weekly');
  });

  test('verdicts: failed nodes are named; a second run that misses the cache fails', () => {
    const [first, second] = plannedRuns(recordsOf([memo]));
    const failed = { status: { phase: 'Failed', message: 'child failed', nodes: { a: { type: 'Pod', displayName: 'ingest', phase: 'Error', message: 'Failed to save node outputs to cache' } } } };
    expect(runVerdict(first, failed)).toBe('Failed: child failed; ingest: Failed to save node outputs to cache');
    const miss = { status: { phase: 'Succeeded', nodes: { a: { type: 'Pod', templateName: 'ingest', memoizationStatus: { hit: false } } } } };
    expect(runVerdict(second, miss)).toMatch(/ingest did not hit the memoization cache/);
    const hit = { status: { phase: 'Succeeded', nodes: { a: { type: 'Pod', templateName: 'ingest', memoizationStatus: { hit: true } } } } };
    expect(runVerdict(second, hit)).toBe('');
    second.phase = 'Succeeded';
    first.phase = 'Succeeded';
    first.message = '';
    expect(runCounts([first, second])).toEqual({ succeeded: 2, total: 2 });
    second.message = 'missed';
    expect(runCounts([first, second])).toEqual({ succeeded: 1, total: 2 });
  });
});

describe('chart webhooks served by the local process', () => {
  test("the controller's service is pointed at 127.0.0.1 with our CA; other services' webhooks are dropped", () => {
    const cfg = {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'v', annotations: { 'cert-manager.io/inject-ca-from': 'x' } },
      webhooks: [
        { name: 'a.example', clientConfig: { service: { name: 'ctrl-webhook', namespace: 'ns', path: '/validate' } }, failurePolicy: 'Fail' },
        { name: 'b.example', clientConfig: { service: { name: 'other', namespace: 'ns' } } },
      ],
    };
    const [out] = localWebhooks([cfg], { service: 'ctrl-webhook', port: 9443, caPem: 'CA' });
    expect(out.metadata).toEqual({ name: 'v', labels: undefined });
    expect(out.webhooks).toEqual([{ name: 'a.example', clientConfig: { url: 'https://127.0.0.1:9443/validate', caBundle: Buffer.from('CA').toString('base64') }, failurePolicy: 'Fail' }]);
    expect(localWebhooks([cfg], { service: 'none', port: 1, caPem: 'CA' })).toEqual([]);
  });

  test('with the egress proxy the chart\'s Service reference stays, gets our CA, and its port (443 by default) is routed to the process', () => {
    const cfg = {
      apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'm' },
      webhooks: [
        { name: 'a.example', clientConfig: { service: { name: 'ctrl-webhook', namespace: 'ns', path: '/mutate' } } },
        { name: 'b.example', clientConfig: { service: { name: 'ctrl-webhook', namespace: 'ns', path: '/mutate-b', port: 8443 } } },
      ],
    };
    const routes: [string, string, number, number][] = [];
    const [out] = localWebhooks([cfg], { service: 'ctrl-webhook', port: 9443, caPem: 'CA', proxy: { route: (...r) => { routes.push(r); } } });
    expect(out.webhooks.map((w: Record<string, any>) => w.clientConfig)).toEqual([
      { service: { name: 'ctrl-webhook', namespace: 'ns', path: '/mutate' }, caBundle: Buffer.from('CA').toString('base64') },
      { service: { name: 'ctrl-webhook', namespace: 'ns', path: '/mutate-b', port: 8443 }, caBundle: Buffer.from('CA').toString('base64') },
    ]);
    expect(routes).toEqual([['ns', 'ctrl-webhook', 443, 9443], ['ns', 'ctrl-webhook', 8443, 9443]]);
  });

  test('flag values in both spellings', () => {
    expect(flagValue(['--configmap', 'cm', '--x=1'], '--configmap')).toBe('cm');
    expect(flagValue(['--configmap=cm2'], '--configmap')).toBe('cm2');
    expect(flagValue(['--other'], '--configmap')).toBeUndefined();
  });
});

describe('workflow rows', () => {
  const { workflowRows } = require('../../../scripts/verify/cluster/workflow-report') as typeof import('../../../scripts/verify/cluster/workflow-report');
  const { pendingLines } = require('../../../scripts/verify/cluster/report') as typeof import('../../../scripts/verify/cluster/report');
  const book = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'book', namespace: 'fm' }, spec: { templates: [{ name: 'ingest', memoize: { key: 'k' } }] } };
  const step = (template: string, extra: Record<string, unknown>) => ({ namespace: 'fm', pod: `book-${template}`, workflow: 'book', template, kind: 'resource' as const, serviceAccount: 'book', outputs: [], exitCode: 1, ...extra });
  const notRun = (group: string) => (group === 'serving.kserve.io' ? 'kserve' : undefined);

  test('a run held only by a step waiting on a kind no running operator serves is pending, and so is its repeat', () => {
    const [first, second] = plannedRuns(recordsOf([book]));
    first.phase = 'Running';
    const steps = { runs: new Map([['u', step('serve', { waitingFor: 'serving.kserve.io/InferenceService' })]]), errors: [] };
    const rows = workflowRows([first, second], steps, notRun);
    expect(rows.map((r) => r.verdict)).toEqual(['pending-as-expected', 'pending-as-expected']);
    expect(rows[0].reasons).toEqual(['step serve waits for its InferenceService, which kserve would act on; kserve is not run here']);
    expect(pendingLines(rows)[1]).toMatch(/serve waits for its InferenceService/);
  });

  test('a repeated run held at serve is pending only when its memoized steps hit the cache', () => {
    const [first, second] = plannedRuns(recordsOf([book]));
    first.phase = 'Running';
    Object.assign(second, { name: 'book-again-x', phase: 'Running', cacheHits: new Set(['ingest']) });
    const serve = (workflow: string) => step('serve', { workflow, waitingFor: 'serving.kserve.io/InferenceService' });
    const steps = { runs: new Map([['a', serve('book')], ['b', serve('book-again-x')]]), errors: [] };
    const rows = workflowRows([first, second], steps, notRun);
    expect(rows[1].verdict).toBe('pending-as-expected');
    expect(rows[1].reasons![0]).toBe('memoized step(s) ingest hit the cache the first run saved');
    second.cacheHits = new Set();
    const [, missed] = workflowRows([first, second], steps, notRun);
    expect(missed.verdict).toBe('FAILED');
    expect(missed.reasons).toContain('template(s) ingest did not hit the memoization cache the first run saved');
  });

  test('a step waiting on a kind whose operator runs, or a step that failed, fails the run with the step message', () => {
    const [first] = plannedRuns(recordsOf([book]));
    first.phase = 'Running';
    const waiting = { runs: new Map([['u', step('train', { waitingFor: 'kubeflow.org/TFJob', message: 'still waiting' })]]), errors: [] };
    const [row] = workflowRows([first], waiting, notRun);
    expect(row.verdict).toBe('FAILED');
    expect(row.reasons).toContain('step train (pod book-train, resource, as book): still waiting');
    first.phase = 'Succeeded';
    first.message = '';
    expect(workflowRows([first], { runs: new Map(), errors: ['listing step pods: HTTP 403'] }, notRun).map((r) => [r.id, r.verdict])).toEqual([
      ['Workflow fm/book', 'succeeded'],
      ['workflow step executor', 'FAILED'],
    ]);
  });
});

describe('the argo-workflows chart as the harness installs it', () => {
  const fs = require('node:fs') as typeof import('node:fs');
  const os = require('node:os') as typeof import('node:os');
  const path = require('node:path') as typeof import('node:path');
  const { sortRendered } = require('../../../scripts/verify/cluster/chart-render') as typeof import('../../../scripts/verify/cluster/chart-render');
  const { controllerConfigMap, controllerEnv, controllerOf } = require('../../../scripts/verify/cluster/argo-controller') as typeof import('../../../scripts/verify/cluster/argo-controller');
  const release = { operator: 'argo-workflows', chartDir: 'x', release: 'argo-workflows', namespace: 'argo', values: {} };
  const docs = [
    { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'workflows.argoproj.io' }, spec: { group: 'argoproj.io', names: { kind: 'Workflow', plural: 'workflows' }, scope: 'Namespaced', versions: [{ name: 'v1alpha1', served: true, storage: true }] } },
    { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'crd-install', annotations: { 'helm.sh/hook': 'pre-install' } } },
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'wc-cm' }, data: { config: 'metricsConfig:\n  enabled: true\n  port: 9090\n  secure: false\n' } },
    { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'argo-workflows-workflow-controller' }, spec: { template: { spec: { serviceAccountName: 'wc', containers: [{ name: 'controller', args: ['--configmap', 'wc-cm'], env: [{ name: 'ARGO_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } }, { name: 'LEADER_ELECTION_DISABLE', value: 'true' }] }] } } } },
  ];

  test('CRDs become files for the installer, hooks are kept apart, namespaced objects get the release namespace', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chart-render-'));
    try {
      const chart = sortRendered(release, docs, dir);
      expect(chart.crds.map((c) => [c.kind, c.operatorRelease])).toEqual([['Workflow', 'argo-workflows']]);
      expect(fs.existsSync(chart.crds[0].file)).toBe(true);
      expect(chart.hooks.map((h) => h.metadata.name)).toEqual(['crd-install']);
      expect(chart.objects.map((o) => [o.kind, o.metadata.namespace])).toEqual([['ConfigMap', 'argo'], ['Deployment', 'argo']]);
      const { configMapName, args } = controllerOf(chart);
      expect([configMapName, args]).toEqual(['wc-cm', ['--configmap', 'wc-cm']]);
      const { configMap, replaced } = controllerConfigMap(chart, 'wc-cm', { metricsPort: 21000, telemetryPort: 21001 });
      expect(replaced).toEqual(['metricsConfig.port', 'telemetryConfig.port']);
      expect(configMap.data.config).toMatch(/metricsConfig:\n {2}enabled: true\n {2}port: 21000\n {2}secure: false/);
      expect(() => controllerConfigMap(chart, 'other', { metricsPort: 1, telemetryPort: 2 })).toThrow(/renders no ConfigMap other/);
      expect(controllerEnv(controllerOf(chart).container, { name: 'p', namespace: 'argo' })).toEqual({ ARGO_NAMESPACE: 'argo', LEADER_ELECTION_DISABLE: 'true' });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the workflow-role canary', () => {
  const { workflowRoleVerdict } = require('../../../scripts/verify/cluster/canaries') as typeof import('../../../scripts/verify/cluster/canaries');
  const input = { namespace: 'canary', workflow: 'role-canary', removed: 'create tfjobs.kubeflow.org', objects: [] };
  const stepOf = (message: string) => new Map([['u', { namespace: 'canary', pod: 'p', workflow: 'role-canary', template: 'train', kind: 'resource' as const, serviceAccount: 'role-canary', outputs: [], exitCode: 1, message }]]);
  const forbidden = 'argoexec resource create as role-canary exited 1: tfjobs.kubeflow.org is forbidden: User "system:serviceaccount:canary:role-canary" cannot create resource "tfjobs"';

  test('caught only when the run failed because argoexec was forbidden the removed verb', () => {
    expect(workflowRoleVerdict(input, { id: 'c', namespace: 'canary', phase: 'Failed' }, stepOf(forbidden))).toMatchObject({ caught: true, name: 'workflow-step-role-lacks-verb' });
    expect(workflowRoleVerdict(input, { id: 'c', namespace: 'canary', phase: 'Succeeded' }, new Map())).toMatchObject({ caught: false, seen: "run Succeeded; no step was refused 'create' on tfjobs" });
    expect(workflowRoleVerdict(input, { id: 'c', namespace: 'canary', phase: 'Failed' }, stepOf('image pull failed')).caught).toBe(false);
  });
});
