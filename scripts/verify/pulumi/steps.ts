// The checks of verify-pulumi, each one real engine operation (or a few) on the `local` stack:
// preview, up (its awaits read back), refresh, second up, bad input, config update, destroy, and a
// failure half-way. The refresh and the drift canary: refresh-steps.ts.

import type { KubeObject } from '../core/objects';
import { checkAwaits, kindCounts } from './awaits';
import type { Checks, StepContext } from './checks';
import { changeCounts, changeLines, comparableState, opsByUrn, patchLeftovers, planDifferences, stateObjects } from './engine-results';
import { PROBE_NAME, REJECT_MESSAGE, rejectOnePolicy } from './halfway';
import { refreshAndCheck } from './refresh-steps';
import { deployment, run, whyFailed, writeSettings } from './workspace';

/**
 * preview, then up: up must do what preview planned, URN by URN and op by op; right after up every
 * awaited object must be in the state its await promises (awaits.ts); a refresh must find nothing
 * changed; a second up must change nothing.
 */
export async function previewAndUp(ctx: StepContext, checks: Checks): Promise<{ created: number; secondChanged?: number; refreshChanged?: number; upOk: boolean; ok: boolean }> {
  const { stack, opts } = ctx;
  ctx.log('==> preview');
  const pre = await run(stack, 'preview', { timeoutS: opts.stepTimeout, log: ctx.log });
  const planned = pre.ok ? pre.result.changeSummary.create || 0 : 0;
  checks.expect(pre.ok && planned > 0, `preview plans ${planned} creates`, pre.ok ? [] : whyFailed(pre));
  ctx.log('==> up');
  const up = await run(stack, 'up', { timeoutS: opts.stepTimeout, log: ctx.log });
  const counts = up.ok ? changeCounts(up.result.summary.resourceChanges) : { create: opsByUrn(up.events).size };
  if (!checks.expect(up.ok, `up created ${counts.create} resources`, whyFailed(up))) return { created: counts.create, upOk: false, ok: false };
  const planOps = opsByUrn(pre.events);
  const differences = planDifferences(planOps, opsByUrn(up.events));
  checks.expect(pre.ok && planOps.size > 0 && differences.length === 0, `up did what preview planned, resource by resource (${planOps.size} URNs, same op each; ${counts.create} = ${planned} creates)`, differences);
  const awaited = await checkAwaits(ctx.kube, stateObjects(await deployment(stack)));
  checks.expect(awaited.checked.length > 0 && awaited.problems.length === 0, `right after up, every awaited object is ready (${kindCounts(awaited.checked)})`, awaited.problems);
  const refreshChanged = await refreshAndCheck(ctx, checks, 'refresh after up');
  ctx.log('==> second up');
  const again = await run(stack, 'up', { timeoutS: opts.stepTimeout, log: ctx.log });
  const second = again.ok ? changeCounts(again.result.summary.resourceChanges).changed : NaN;
  checks.expect(again.ok && second === 0, `second up changed ${second} resources`, again.ok ? changeLines(again.events) : whyFailed(again));
  return { created: counts.create, secondChanged: second, refreshChanged, upOk: true, ok: again.ok };
}

/**
 * Bad input through the engine: each case must fail with its message, register nothing (no
 * resource step but the stack's own) and leave the state as it was.
 */
export async function badInput(ctx: StepContext, checks: Checks, cases: readonly { label: string; overrides: Record<string, unknown>; expect: RegExp }[]): Promise<void> {
  const { stack, work, stackName, settingsFor } = ctx;
  ctx.log('==> bad input (the state must stay unchanged)');
  const before = comparableState(await deployment(stack));
  for (const c of cases) {
    writeSettings(work, stackName, settingsFor(c.overrides));
    const r = await run(stack, 'up', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
    const text = [...r.diagnostics, String((r.error as Error | undefined)?.message)].join('\n');
    const steps = changeLines(r.events);
    const after = comparableState(await deployment(stack));
    checks.expect(!r.ok && c.expect.test(text), `${c.label}: up fails with ${c.expect}`, r.ok ? ['up succeeded'] : whyFailed(r));
    checks.expect(steps.length === 0 && after === before, `${c.label}: no resource registered, state unchanged`, [...steps, ...(after === before ? [] : ['state differs'])]);
  }
  writeSettings(work, stackName, settingsFor({}));
}

/** A config change: only the objects whose manifest changed are updated, in place. */
export async function configUpdate(ctx: StepContext, checks: Checks, { label, overrides, expected }: { label: string; overrides: Record<string, unknown>; expected: readonly string[] }): Promise<number> {
  const { stack, work, stackName, settingsFor } = ctx;
  ctx.log(`==> update: ${label}`);
  writeSettings(work, stackName, settingsFor(overrides));
  const r = await run(stack, 'up', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  if (!checks.expect(r.ok, 'update up succeeds', whyFailed(r))) return NaN;
  const ops = opsByUrn(r.events);
  const byUrn = new Map<string, string>(stateObjects(await deployment(stack)).map((o): [string, string] => [o.urn, o.id]));
  const changed = [...ops.entries()].filter(([, op]) => op !== 'same');
  const changedIds = changed.map(([urn]) => byUrn.get(urn) || urn).sort();
  checks.expect(changed.every(([, op]) => op === 'update'), 'every change is an in-place update (no replace, create or delete)', changeLines(r.events));
  checks.expect(expected.length > 0 && JSON.stringify(changedIds) === JSON.stringify(expected), `exactly the ${expected.length} objects whose manifest changed were updated (at least one)`, [
    ...expected.filter((id) => !changedIds.includes(id)).map((id) => `not updated: ${id}`),
    ...changedIds.filter((id) => !expected.includes(id)).map((id) => `updated though unchanged: ${id}`),
  ]);
  return changeCounts(r.result.summary.resourceChanges).changed;
}

/**
 * destroy: every object of the state is gone from the cluster except those kept by design
 * (retainOnDelete), which must still exist. Returns { deleted, retained }.
 */
export async function destroyAndCheck(ctx: StepContext, checks: Checks, label = 'destroy'): Promise<{ deleted: number; retained: number }> {
  const { stack, kube } = ctx;
  ctx.log(`==> ${label}`);
  const objects = stateObjects(await deployment(stack));
  const r = await run(stack, 'destroy', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  const deleted = r.ok ? changeCounts(r.result.summary.resourceChanges).delete : 0;
  if (!checks.expect(r.ok, `${label} deleted ${deleted} resources`, whyFailed(r))) return { deleted, retained: 0 };
  const left: string[] = [];
  const lost: string[] = [];
  let retained = 0;
  for (const o of objects) {
    if (o.patch) {
      const leftovers = patchLeftovers(o.patch, await kube.get(o.object));
      if (leftovers.length) left.push(`${o.id}: the patch's ${leftovers.join(', ')}`);
      continue;
    }
    const exists = await kube.exists(o.object);
    if (o.retainOnDelete) {
      if (exists) retained++;
      else lost.push(`${o.id} (${o.urn})`);
    } else if (exists) left.push(o.id);
  }
  checks.expect(left.length === 0, `${label} left no object behind and took back every patch (${objects.length - objects.filter((o) => o.retainOnDelete).length} checked)`, left);
  checks.expect(lost.length === 0, `${label} kept all ${objects.filter((o) => o.retainOnDelete).length} retainOnDelete objects`, lost);
  const empty = ((await deployment(stack)).resources || []).length === 0;
  checks.expect(empty, `${label} left an empty state`);
  return { deleted, retained };
}

/**
 * A failure half-way: the apiserver rejects one object (ValidatingAdmissionPolicy) in a later
 * chart; `up` fails, the state keeps what was created; with the policy gone a second `up`
 * converges (creates the rest, replaces nothing) and a third changes nothing.
 */
export async function halfway(ctx: StepContext, checks: Checks, target: { chart: string; object: KubeObject; id: string }): Promise<{ before: number; created: number }> {
  const { stack, kube } = ctx;
  ctx.log(`==> half-way failure: the apiserver rejects ${target.id} (chart ${target.chart})`);
  const policy = rejectOnePolicy(target.object, (await kube.resource(target.object)).plural);
  for (const o of policy) await kube.create(o);
  await kube.waitRejected({ ...target.object, metadata: { name: PROBE_NAME, namespace: 'default' } });
  const first = await run(stack, 'up', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  const inState = stateObjects(await deployment(stack));
  checks.expect(!first.ok && first.diagnostics.some((d) => d.includes(REJECT_MESSAGE)), 'up fails on the rejected object with the apiserver\'s message', first.ok ? ['up succeeded'] : whyFailed(first));
  checks.expect(inState.length > 0 && !inState.some((o) => o.id === target.id), `the state keeps the ${inState.length} objects created before the failure, not the rejected one`);
  for (const o of [...policy].reverse()) await kube.remove(o);
  const fixed = await run(stack, 'up', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  const ops = changeLines(fixed.events);
  checks.expect(fixed.ok, 'with the object accepted again, up converges', whyFailed(fixed));
  checks.expect(fixed.ok && ops.every((l) => l.startsWith('create ')), 'it only creates what was missing (no replace, update or delete)', ops.filter((l) => !l.startsWith('create ')));
  const third = await run(stack, 'up', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  const changed = third.ok ? changeCounts(third.result.summary.resourceChanges).changed : NaN;
  checks.expect(third.ok && changed === 0, `then up changes nothing (${changed})`, third.ok ? changeLines(third.events) : whyFailed(third));
  return { before: inState.length, created: fixed.ok ? changeCounts(fixed.result.summary.resourceChanges).create : 0 };
}
