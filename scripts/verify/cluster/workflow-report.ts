// Workflow runs and step pods in verify:cluster's report (pure; unit-tested by test/verify/cluster/).

import type { StepRun } from './argo-executor';
import { VERDICTS, type WorkloadRow } from './report';
import { cacheMisses, type WorkflowRun } from './workflow-runs';

/**
 * One row per Workflow run: succeeded; pending-as-expected when it is still running only because
 * resource steps wait on kinds whose operator is not run here (`notRun(group)` names it), or it
 * repeats such a run; else FAILED with the controller's message and the failed steps' own.
 */
export function workflowRows(
  runs: readonly WorkflowRun[],
  steps: { runs: ReadonlyMap<string, StepRun>; errors: readonly string[] },
  notRun: (group: string) => string | undefined = () => undefined,
): WorkloadRow[] {
  const stepRuns = [...steps.runs.values()];
  const blockedBy = (r: WorkflowRun): string[] => {
    if (r.phase !== 'Running') return [];
    const waiting = stepRuns.filter((s) => s.namespace === r.namespace && s.workflow === r.name && s.exitCode !== 0);
    const why = waiting.map((s) => {
      const op = s.waitingFor ? notRun(s.waitingFor.split('/')[0]) : undefined;
      return op ? `step ${s.template} waits for its ${s.waitingFor!.split('/')[1]}, which ${op} would act on; ${op} is not run here` : '';
    });
    return waiting.length && why.every(Boolean) ? why : [];
  };
  const pending = new Map(runs.map((r) => [r, blockedBy(r)]));
  const rows: WorkloadRow[] = runs.map((r) => {
    const ok = r.phase === 'Succeeded' && !r.message;
    const failedSteps = stepRuns.filter((s) => s.namespace === r.namespace && s.workflow === r.name && s.exitCode !== 0);
    // A repeated run still held by such a step must already have hit the cache.
    const misses = r.name && r.expectCacheHits ? cacheMisses(r) : [];
    const blocked = misses.length ? [] : pending.get(r)!.length ? pending.get(r)! : r.after && pending.get(r.after)?.length ? [`repeats ${r.after.id}, which is pending as expected`] : [];
    const hits = r.name && r.expectCacheHits?.length ? [`memoized step(s) ${r.expectCacheHits.join(', ')} hit the cache the first run saved`] : [];
    if (!ok && blocked.length) return { id: r.id, origin: 'argo workflow-controller', verdict: VERDICTS.PENDING, pools: [], detail: `${r.name ?? '(not created)'}: ${r.phase ?? 'not submitted'}`, reasons: [...hits, ...blocked] };
    return {
      id: r.id,
      origin: 'argo workflow-controller',
      verdict: ok ? VERDICTS.SUCCEEDED : VERDICTS.FAILED,
      pools: [],
      detail: `${r.name ?? '(not created)'}: ${r.phase ?? 'no phase'}`,
      reasons: ok ? [] : [r.message || 'no message', ...(misses.length ? [`template(s) ${misses.join(', ')} did not hit the memoization cache the first run saved`] : []), ...failedSteps.map((s) => `step ${s.template} (pod ${s.pod}, ${s.kind}, as ${s.serviceAccount}): ${s.message || `exit ${s.exitCode}`}`)],
    };
  });
  if (steps.errors.length) rows.push({ id: 'workflow step executor', origin: 'verify-cluster', verdict: VERDICTS.FAILED, pools: [], detail: `${steps.errors.length} error(s)`, reasons: [...steps.errors] });
  return rows;
}

/** What the harness did in place of step pods: how many steps of each kind, and every value it made up. */
export function stepLines(steps: { runs: ReadonlyMap<string, StepRun> }): string[] {
  const all = [...steps.runs.values()];
  const resource = all.filter((s) => s.kind === 'resource');
  const program = all.filter((s) => s.kind === 'program');
  const lines = [
    `==> workflow steps: ${resource.length} resource step(s) run by the real argoexec as their step's ServiceAccount;` +
      ` ${program.length} container/script step(s) not run (no program runs here): the harness wrote their WorkflowTaskResults as that ServiceAccount`,
  ];
  const supplied = program.flatMap((s) => s.outputs.filter((o) => o.source === 'harness').map((o) => `${s.workflow}/${s.template}.${o.name}=${o.value}`));
  if (supplied.length) lines.push(`    output parameters supplied by the harness (no program wrote them): ${[...new Set(supplied)].join(', ')}`);
  return lines;
}
