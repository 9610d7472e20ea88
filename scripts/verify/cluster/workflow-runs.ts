// Every Workflow run verify:cluster counts: the Workflows of dist/ (applied with it), one run of
// each WorkflowTemplate (`workflowTemplateRef`, as `argo submit --from workflowtemplate/<name>`)
// and of each CronWorkflow (its `workflowSpec`, as `argo submit --from cronwf/<name>`), and a second
// run of every Workflow that memoizes, which must hit the cache the first run saved. Pure parts
// (what to submit, verdicts) are unit-tested; `observeRuns` polls the API, fail-closed.

import type { ApiClient } from '../core/api-client';
import { type ServedResource, statusMessage } from '../core/api-paths';
import type { KubeObject, ObjectRecord } from '../core/objects';
import { reusedObjects } from './fresh-objects';

export interface WorkflowRun {
  /** What the run is, for the report (`Workflow fashion-mnist/fashion-mnist`, `run of CronWorkflow …`). */
  readonly id: string;
  readonly namespace: string;
  /** The live Workflow's name (known after create for generateName runs). */
  name?: string;
  /** The body to create; undefined for Workflows of dist/ (applied with it). */
  readonly submit?: KubeObject;
  /** Names of templates whose step must report a memoization cache hit. */
  readonly expectCacheHits?: readonly string[];
  /** The run this one repeats (created once that one succeeded, or once its memoized steps did when this one expects their cache). */
  readonly after?: WorkflowRun;
  phase?: string;
  message?: string;
  /** Templates with a Succeeded step, and those whose step hit the memoization cache (last read). */
  succeededTemplates?: ReadonlySet<string>;
  cacheHits?: ReadonlySet<string>;
}

const ARGO = 'argoproj.io';
const BASE = (ns: string) => `/apis/argoproj.io/v1alpha1/namespaces/${ns}/workflows`;

/** Templates of `wf` with a Succeeded step, and those whose step reported a cache hit. */
export function templateStates(wf: KubeObject): { succeeded: Set<string>; hits: Set<string> } {
  const nodes: KubeObject[] = Object.values(wf.status?.nodes || {});
  return {
    succeeded: new Set(nodes.filter((n) => n.phase === 'Succeeded' && n.templateName).map((n) => n.templateName)),
    hits: new Set(nodes.filter((n) => n.memoizationStatus?.hit === true && n.templateName).map((n) => n.templateName)),
  };
}

/** Memoized templates of a repeated run that did not hit the cache ([] when every one did). */
export function cacheMisses(run: WorkflowRun): string[] {
  return (run.expectCacheHits || []).filter((t) => !run.cacheHits?.has(t));
}

const memoizedTemplates = (spec: KubeObject): string[] => (spec?.templates || []).filter((t: KubeObject) => t.memoize).map((t: KubeObject) => t.name);

/** The runs to expect for the Argo objects of dist/. */
export function plannedRuns(objects: readonly ObjectRecord[]): WorkflowRun[] {
  const runs: WorkflowRun[] = [];
  for (const o of objects.filter((r) => r.group === ARGO)) {
    const ns = o.namespace || 'default';
    const labels = { 'mlpatterns.dev/verify-run': 'true' };
    if (o.kind === 'Workflow') {
      const first: WorkflowRun = { id: `Workflow ${ns}/${o.name}`, namespace: ns, name: o.name };
      runs.push(first);
      const memo = memoizedTemplates(o.body.spec);
      if (memo.length) {
        runs.push({
          id: `second run of Workflow ${ns}/${o.name} (memoized: ${memo.join(', ')})`,
          namespace: ns,
          after: first,
          expectCacheHits: memo,
          submit: { apiVersion: o.apiVersion, kind: 'Workflow', metadata: { generateName: `${o.name}-again-`, namespace: ns, labels: { ...o.body.metadata?.labels, ...labels } }, spec: o.body.spec },
        });
      }
    } else if (o.kind === 'WorkflowTemplate') {
      runs.push({
        id: `run of WorkflowTemplate ${ns}/${o.name}`,
        namespace: ns,
        submit: { apiVersion: o.apiVersion, kind: 'Workflow', metadata: { generateName: `${o.name}-`, namespace: ns, labels }, spec: { workflowTemplateRef: { name: o.name } } },
      });
    } else if (o.kind === 'CronWorkflow') {
      const meta = o.body.spec?.workflowMetadata || {};
      runs.push({
        id: `run of CronWorkflow ${ns}/${o.name}`,
        namespace: ns,
        submit: {
          apiVersion: o.apiVersion, kind: 'Workflow',
          metadata: { ...meta, generateName: `${o.name}-manual-`, namespace: ns, labels: { ...meta.labels, ...labels, 'workflows.argoproj.io/cron-workflow': o.name } },
          spec: o.body.spec.workflowSpec,
        },
      });
    }
  }
  return runs;
}

const DONE = new Set(['Succeeded', 'Failed', 'Error']);

/** Why a finished Workflow did not succeed as expected ('' when it did). */
export function runVerdict(run: WorkflowRun, wf: KubeObject | undefined): string {
  if (!wf) return 'not found';
  const phase = wf.status?.phase;
  const nodes: KubeObject[] = Object.values(wf.status?.nodes || {});
  if (phase !== 'Succeeded') {
    // The steps that failed, with the controller's own message (DAG/Steps nodes only repeat them).
    const failed = nodes.filter((n) => !['DAG', 'Steps', 'StepGroup', 'TaskGroup'].includes(n.type) && ['Failed', 'Error'].includes(n.phase)).map((n) => `${n.displayName || n.name}: ${n.message || n.phase}`);
    return [`${phase || 'no phase'}${wf.status?.message ? `: ${wf.status.message}` : ''}`, ...failed].join('; ');
  }
  const misses = (run.expectCacheHits || []).filter((t) => !nodes.some((n) => n.templateName === t && n.memoizationStatus?.hit === true));
  return misses.length ? `Succeeded, but template(s) ${misses.join(', ')} did not hit the memoization cache the first run saved` : '';
}

/**
 * Creates the runs that are submitted (each after the run it repeats succeeded) and waits until
 * every run finished, `timeoutS` passed, or no unfinished run changed for `settleS` (a step waiting
 * on something nothing here acts on). A read that fails is an error of the run, not a missing run.
 */
export async function observeRuns(
  client: ApiClient,
  runs: readonly WorkflowRun[],
  { timeoutS, settleS = timeoutS, onPoll, byGvk }: { timeoutS: number; settleS?: number; onPoll?: () => void; byGvk: ReadonlyMap<string, ServedResource> },
): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  const versions = new Map<WorkflowRun, string>();
  let lastChange = Date.now();
  const submit = async (run: WorkflowRun) => {
    const r = await client.request('POST', BASE(run.namespace), { body: run.submit });
    if (r.status !== 201) {
      run.phase = 'Error';
      run.message = `could not submit: ${statusMessage(r.status, r.body)}`;
    } else run.name = (r.body as KubeObject).metadata.name;
  };
  for (const run of runs) if (run.submit && !run.after) await submit(run);
  while (Date.now() < deadline) {
    for (const run of runs.filter((x) => x.name && !DONE.has(x.phase || ''))) {
      const r = await client.request('GET', `${BASE(run.namespace)}/${run.name}`);
      if (r.status !== 200) {
        run.message = `reading it: ${statusMessage(r.status, r.body)}`;
        continue;
      }
      const wf = r.body as KubeObject;
      const states = templateStates(wf);
      run.succeededTemplates = states.succeeded;
      run.cacheHits = states.hits;
      if (versions.get(run) !== wf.metadata?.resourceVersion) lastChange = Date.now();
      versions.set(run, wf.metadata?.resourceVersion);
      run.phase = wf.status?.phase;
      if (DONE.has(run.phase || '')) run.message = runVerdict(run, wf) || (await reusedObjects(client, wf, byGvk).catch((e: Error) => `checking the objects its steps created: ${e.message}`));
    }
    for (const run of runs.filter((x) => x.after && !x.name && !x.phase)) {
      // A run that expects cache hits may start once the memoized steps it repeats succeeded (their
      // cache is saved); any other repeat waits for the whole run it repeats to succeed.
      const saved = Boolean(run.expectCacheHits?.length) && run.expectCacheHits!.every((t) => run.after!.succeededTemplates?.has(t));
      if ((run.after!.phase === 'Succeeded' && !run.after!.message) || (saved && !DONE.has(run.after!.phase || ''))) {
        await submit(run);
        lastChange = Date.now();
      }
      else if (DONE.has(run.after!.phase || '')) {
        run.phase = 'Error';
        run.message = 'not submitted: the run it repeats did not succeed';
      }
    }
    onPoll?.();
    if (runs.every((x) => DONE.has(x.phase || ''))) return;
    if (Date.now() - lastChange > settleS * 1000) break;
    await new Promise((res) => setTimeout(res, 2000));
  }
  const waited = Date.now() < deadline ? `nothing changed for ${settleS}s` : `${timeoutS}s`;
  for (const run of runs.filter((x) => !DONE.has(x.phase || ''))) {
    run.message = `still ${run.phase || 'not started'} after ${waited}${run.message ? ` (${run.message})` : ''}`;
  }
}

/** `S/T`: runs that succeeded as expected, of all runs. */
export function runCounts(runs: readonly WorkflowRun[]): { succeeded: number; total: number } {
  return { succeeded: runs.filter((r) => r.phase === 'Succeeded' && !r.message).length, total: runs.length };
}
