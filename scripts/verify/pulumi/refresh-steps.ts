// `pulumi refresh` through the real engine: right after up it must find nothing changed (no field
// the program sets was changed by a webhook or a controller), and the drift canary: a ConfigMap
// data value changed through the apiserver must be shown as an update of exactly that resource.

import type { CanaryResult } from '../core/canaries';
import { DRIFT_FIELD_MANAGER, driftPatches, judgeDrift, pickDriftTarget } from './drift-canary';
import { changeCounts, refreshChanges, refreshLines } from './engine-results';
import type { Checks, StepContext } from './checks';
import { deployment, run, whyFailed } from './workspace';

/**
 * A real refresh (not preview-only: the state takes what it read) that must change nothing.
 * Returns the engine's count of changed resources (NaN when the refresh failed).
 */
export async function refreshAndCheck(ctx: StepContext, checks: Checks, label: string): Promise<number> {
  ctx.log(`==> ${label}`);
  const r = await run(ctx.stack, 'refresh', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  const changed = r.ok ? changeCounts(r.result.summary.resourceChanges).changed : Number.NaN;
  const read = r.ok ? Object.values(r.result.summary.resourceChanges || {}).reduce((a: number, b) => a + Number(b), 0) : 0;
  checks.expect(r.ok && changed === 0 && read > 0, `${label}: ${changed} of ${read} resources changed`, r.ok ? refreshLines(refreshChanges(r.events)) : whyFailed(r));
  return changed;
}

/**
 * The drift canary: changes one data value of a ConfigMap of the state through the apiserver
 * (field manager DRIFT_FIELD_MANAGER), refreshes, judges what the refresh showed, then puts the
 * program's value back and refreshes that resource alone. The refresh diff is taken against the
 * state's last inputs (pulumi v3.248.0 RefreshStep.Apply), which the drift refresh set to the
 * drifted value, so that second refresh must show the same resource changed back, and only it.
 * `exclude`: identities another step changes (the config update's objects).
 */
export async function driftCanary(ctx: StepContext, checks: Checks, exclude: ReadonlySet<string>): Promise<CanaryResult> {
  const { stack, kube } = ctx;
  const target = pickDriftTarget(await deployment(stack), exclude);
  if (!target) return judgeDrift(undefined, undefined);
  ctx.log(`==> canary: ${target.id} data.${target.key} changed out of band, then refresh`);
  const { drift, restore } = driftPatches(target);
  await kube.mergePatch(target.object, drift, DRIFT_FIELD_MANAGER);
  const r = await run(stack, 'refresh', { timeoutS: ctx.opts.stepTimeout, log: ctx.log });
  const verdict = r.ok ? judgeDrift(target, refreshChanges(r.events)) : judgeDrift(target, undefined, whyFailed(r).join(' | '));
  ctx.log(`==> ${target.id}: the program's value put back through the apiserver, then a refresh of it alone`);
  await kube.mergePatch(target.object, restore, DRIFT_FIELD_MANAGER);
  const back = await run(stack, 'refresh', { timeoutS: ctx.opts.stepTimeout, log: ctx.log, target: [target.urn] });
  const changes = back.ok ? refreshChanges(back.events) : new Map();
  checks.expect(back.ok && changes.size === 1 && changes.get(target.urn)?.op === 'update', `the refresh takes ${target.id} back to the program's value in the state (1 update, that resource)`, back.ok ? refreshLines(changes) : whyFailed(back));
  return verdict;
}
