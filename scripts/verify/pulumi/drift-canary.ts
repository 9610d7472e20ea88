// The canary of verify:pulumi: drift introduced out of band (a ConfigMap's data value changed
// through the apiserver, not through Pulumi) must be shown by `pulumi refresh` as an update of
// exactly that resource. Pure: the target, the patch and the verdict; steps.ts runs it.
//
// Why a data value of a ConfigMap the program writes: the provider's Read (pulumi-kubernetes
// provider/pkg/provider/provider.go at f47bc2d6f199, `pruneLiveState(liveObj, oldInputs)`) keeps
// only the live fields the program's inputs name, so a changed value of such a field reaches the
// refreshed inputs while a label the program never set would not. The engine then diffs those
// inputs against the program's (pulumi v3.248.0 pkg/resource/deploy/step.go RefreshStep.Apply,
// `diffResource(...)` then `diff.Invert()`): a non-empty diff is the result op `update`.

import type { CanaryResult } from '../core/canaries';
import type { KubeObject } from '../core/objects';
import { identity, type RefreshChange } from './engine-results';

/** How many canaries every run of verify:pulumi must catch. */
export const PULUMI_CANARY_MINIMUM = 1;
/** The field manager of the out-of-band change (as a person's kubectl edit would have its own). */
export const DRIFT_FIELD_MANAGER = 'verify-pulumi-drift-canary';
const DRIFT_SUFFIX = '-drifted-out-of-band';

export const DRIFT_CANARY = Object.freeze({
  name: 'refresh-shows-out-of-band-drift',
  proves: 'a ConfigMap data value changed through the apiserver, not through Pulumi, is shown by `pulumi refresh` as an update of exactly that resource and field',
});

/** The resource the canary drifts: its URN, the object and one data key with the program's value. */
export interface DriftTarget {
  urn: string;
  id: string;
  object: KubeObject;
  key: string;
  value: string;
}

/**
 * The first ConfigMap of the state (by URN) whose program inputs set a string data value, skipping
 * objects another step changes (`exclude`, identities as engine-results' `identity`).
 */
export function pickDriftTarget(deployment: KubeObject | undefined, exclude: ReadonlySet<string> = new Set()): DriftTarget | undefined {
  const configMaps = (deployment?.resources || [])
    .filter((r: KubeObject) => r.type === 'kubernetes:core/v1:ConfigMap' && r.outputs?.metadata?.name)
    .sort((a: KubeObject, b: KubeObject) => String(a.urn).localeCompare(String(b.urn)));
  for (const r of configMaps) {
    const object = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: r.outputs.metadata.name, namespace: r.outputs.metadata.namespace } };
    if (exclude.has(identity(object))) continue;
    const entry = Object.entries(r.inputs?.data || {}).find(([, v]) => typeof v === 'string');
    if (entry) return { urn: r.urn, id: identity(object), object, key: entry[0], value: entry[1] as string };
  }
  return undefined;
}

/** JSON merge patches: the out-of-band change, and the one that puts the program's value back. */
export function driftPatches(t: DriftTarget): { drift: KubeObject; restore: KubeObject } {
  return { drift: { data: { [t.key]: `${t.value}${DRIFT_SUFFIX}` } }, restore: { data: { [t.key]: t.value } } };
}

/** Whether a diff path of the engine names `data.<key>` (`data.k`, `data["k.x"]`) or the whole `data`. */
function namesKey(path: string, key: string): boolean {
  return path === 'data' || path === `data.${key}` || path === `data[${JSON.stringify(key)}]`;
}

/**
 * Caught only when the refresh after the drift changed exactly one resource, the drifted one, as an
 * update whose diff names the drifted key. Anything else is missed, saying what the refresh saw.
 */
export function judgeDrift(t: DriftTarget | undefined, changes: ReadonlyMap<string, RefreshChange> | undefined, failure?: string): CanaryResult {
  const result = (caught: boolean, seen: string): CanaryResult => ({ ...DRIFT_CANARY, caught, seen });
  if (!t) return result(false, failure ?? 'no input: the state has no ConfigMap whose program inputs set a data value');
  if (!changes) return result(false, `the refresh after the drift failed: ${failure ?? 'unknown error'}`);
  const mine = changes.get(t.urn);
  const others = [...changes.keys()].filter((u) => u !== t.urn);
  const where = `${t.id} data.${t.key} changed through the apiserver`;
  if (!mine) return result(false, `${where}: refresh did not show it${others.length ? ` (it changed ${others.length} other resource(s): ${others.slice(0, 3).join(', ')})` : ' (0 changed)'}`);
  if (others.length) return result(false, `${where}: refresh showed it but also ${others.length} other resource(s): ${others.slice(0, 3).join(', ')}`);
  if (mine.op !== 'update') return result(false, `${where}: refresh showed '${mine.op}', not 'update'`);
  if (!mine.paths.some((p) => namesKey(p, t.key))) return result(false, `${where}: refresh showed an update of other fields (${mine.paths.join(', ') || 'none named'})`);
  return result(true, `${where}: refresh shows 1 update, on that resource (${mine.paths.filter((p) => namesKey(p, t.key)).join(', ')})`);
}
