// Reading the Pulumi engine's results: change counts, the steps and diffs of engine events, error
// diagnostics, the Kubernetes objects a state holds, and the summary line. Pure.

import type { KubeObject } from '../core/objects';

/** An engine event (automation API EngineEvent), as far as it is read here. */
export type EngineEvent = Record<string, any>;

export interface Manifest {
  name: string;
  objects: readonly KubeObject[];
}

export interface StateObject {
  urn: string;
  type: string;
  id: string;
  object: KubeObject;
  retainOnDelete: boolean;
  /** The replicas the program asked for (spec.replicas of its inputs), where it set them. */
  replicas?: number;
  patch?: { labels: Record<string, string>; taints: KubeObject[] };
}
import { groupOf } from './operator-crds';

/** Identity of a Kubernetes object: group/kind namespace/name. */
export function identity(o: KubeObject): string {
  return `${groupOf(o.apiVersion)}/${o.kind} ${(o.metadata?.namespace) || '-'}/${o.metadata?.name}`;
}

/** Objects of two plans whose manifest differs (added, removed or changed), as identities. */
export function changedObjects(before: readonly Manifest[], after: readonly Manifest[]): string[] {
  const index = (ms: readonly Manifest[]) => new Map(ms.flatMap((m) => m.objects).map((o) => [identity(o), JSON.stringify(o)]));
  const a = index(before);
  const b = index(after);
  const out = new Set<string>();
  for (const [id, text] of a) if (b.get(id) !== text) out.add(id);
  for (const id of b.keys()) if (!a.has(id)) out.add(id);
  return [...out].sort();
}

/** Counts of a summary's resourceChanges ({create: 3, same: 10}) with the changing ops summed. */
export function changeCounts(resourceChanges: Record<string, number> | undefined) {
  const rc = resourceChanges || {};
  const n = (k: string) => rc[k] || 0;
  const changed = n('create') + n('update') + n('delete') + n('replace') + n('create-replacement') + n('delete-replaced') + n('import');
  return { create: n('create'), update: n('update'), delete: n('delete'), replace: n('replace') + n('create-replacement') + n('delete-replaced'), same: n('same'), changed };
}

/** Ops per URN from engine events (the last non-'same' op wins; steps of the stack itself ignored). */
export function opsByUrn(events: readonly EngineEvent[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of events) {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.type === 'pulumi:pulumi:Stack') continue;
    if (!out.has(meta.urn) || meta.op !== 'same') out.set(meta.urn, meta.op);
  }
  return out;
}

/**
 * Where a preview and the up after it disagree, resource by resource: `URN: planned <op>, up <op>`
 * (`none` for a URN one of them did not touch). Empty when both did the same op on the same URNs.
 */
export function planDifferences(planned: ReadonlyMap<string, string>, done: ReadonlyMap<string, string>): string[] {
  const urns = [...new Set([...planned.keys(), ...done.keys()])].sort();
  return urns.filter((u) => planned.get(u) !== done.get(u)).map((u) => `${u}: planned ${planned.get(u) ?? 'none'}, up ${done.get(u) ?? 'none'}`);
}

/** What a refresh found for one resource: the result op and the property paths of its diff. */
export interface RefreshChange {
  op: string;
  paths: string[];
}

/**
 * The resources a refresh found changed (result op not 'same'), by URN. Pulumi v3.248.0 reports a
 * refresh step's result op (update when the provider's diff of the live state against the
 * program's last inputs is not empty, delete when the object is gone) in the resOutputsEvent
 * (pkg/engine/update.go: `op, record = s.ResultOp(), true`; pkg/resource/deploy/step.go
 * RefreshStep.ResultOp), with the step's diff keys and detailedDiff.
 */
export function refreshChanges(events: readonly EngineEvent[]): Map<string, RefreshChange> {
  const out = new Map<string, RefreshChange>();
  for (const e of events) {
    const meta = e.resOutputsEvent?.metadata;
    if (!meta || meta.type === 'pulumi:pulumi:Stack' || meta.op === 'same' || meta.op === 'refresh') continue;
    const paths: string[] = Object.keys(meta.detailedDiff || {}).length ? Object.keys(meta.detailedDiff) : meta.diffs || [];
    out.set(meta.urn, { op: meta.op, paths });
  }
  return out;
}

/** `op urn (paths)` lines of refreshChanges, for a failure's details. */
export function refreshLines(changes: ReadonlyMap<string, RefreshChange>): string[] {
  return [...changes.entries()].map(([urn, c]) => `${c.op} ${urn}${c.paths.length ? ` (${c.paths.slice(0, 4).join(', ')}${c.paths.length > 4 ? `, +${c.paths.length - 4} more` : ''})` : ''}`);
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes it removes
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/** The value at a property path of the engine's diffs (`spec.a[0].b`, `metadata.labels["x.io/y"]`). */
export function valueAt(obj: unknown, p: string): unknown {
  const keys: (string | number)[] = [];
  p.replace(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g, (_m, index: string | undefined, quoted: string | undefined, plain: string) => {
    keys.push(index !== undefined ? Number(index) : quoted !== undefined ? quoted : plain);
    return '';
  });
  return keys.reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), obj);
}

/**
 * The non-'same' steps of engine events as `op urn (changed: paths)` lines, the paths from the
 * step's detailedDiff (else diffs), so an unexpected change says which fields moved.
 */
export function changeLines(events: readonly EngineEvent[]): string[] {
  const out = new Map<string, string>();
  for (const e of events) {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.type === 'pulumi:pulumi:Stack' || meta.op === 'same') continue;
    const paths: string[] = Object.keys(meta.detailedDiff || {}).length ? Object.keys(meta.detailedDiff) : meta.diffs || [];
    // Live value (old outputs) against what the program asks for (new inputs), for the first paths.
    const show = (p: string) => `${p}: ${JSON.stringify(valueAt(meta.old?.outputs, p))} -> ${JSON.stringify(valueAt(meta.new?.inputs, p))}`;
    out.set(meta.urn, `${meta.op} ${meta.urn}${paths.length ? ` (changed: ${paths.slice(0, 4).map(show).join('; ')}${paths.length > 4 ? `; +${paths.length - 4} more` : ''})` : ''}`);
  }
  return [...out.values()];
}

/** Error diagnostics of engine events, as `urn: message` lines. */
export function errorDiagnostics(events: readonly EngineEvent[]): string[] {
  return events
    .map((e) => e.diagnosticEvent)
    .filter((d) => d && d.severity === 'error')
    .map((d) => `${d.urn ? `${d.urn}: ` : ''}${String(d.message).replace(ANSI_COLOUR, '').trim()}`);
}

/** Kubernetes objects held in a state (exportStack().deployment), with URN, identity and flags. */
export function stateObjects(deployment: KubeObject | undefined): StateObject[] {
  return (deployment?.resources || [])
    .filter((r: KubeObject) => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:providers:') && r.outputs?.kind && r.outputs.apiVersion && r.outputs.metadata)
    .map((r: KubeObject) => ({
      urn: r.urn,
      type: r.type,
      id: identity(r.outputs),
      object: { apiVersion: r.outputs.apiVersion, kind: r.outputs.kind, metadata: { name: r.outputs.metadata.name, namespace: r.outputs.metadata.namespace } },
      retainOnDelete: Boolean(r.retainOnDelete),
      ...(typeof r.inputs?.spec?.replicas === 'number' ? { replicas: r.inputs.spec.replicas } : {}),
      // A patch (NodePatch, ...) does not own its object: what it wrote is what destroy must take back.
      ...(r.type.endsWith('Patch') ? { patch: { labels: r.inputs?.metadata?.labels || {}, taints: r.inputs?.spec?.taints || [] } } : {}),
    }));
}

/** What of a patch (stateObjects' `patch`) the live object still carries: label keys and taints. */
export function patchLeftovers(patch: NonNullable<StateObject['patch']>, live: KubeObject | undefined): string[] {
  const labels = live?.metadata?.labels || {};
  const taints = live?.spec?.taints || [];
  return [
    ...Object.entries(patch.labels).filter(([k, v]) => labels[k] === v).map(([k, v]) => `label ${k}=${v}`),
    ...patch.taints.filter((t) => taints.some((x: KubeObject) => x.key === t.key && x.effect === t.effect && (x.value ?? '') === (t.value ?? ''))).map((t) => `taint ${t.key}=${t.value ?? ''}:${t.effect}`),
  ];
}

/** A state's resources without what changes on every write (timestamps), to compare two states. */
export function comparableState(deployment: KubeObject | undefined): string {
  const strip = ({ created: _c, modified: _m, ...rest }: KubeObject) => rest;
  return JSON.stringify((deployment?.resources || []).map(strip));
}

/** The summary line (always the last line of output). */
export function summaryLine(r: { created: number; secondChanged: number; updateChanged: number; deleted: number; retained: number; refreshChanged: number }): string {
  return `pulumi: up ${r.created} created, second up ${r.secondChanged} changed, update ${r.updateChanged} changed, destroy ${r.deleted} deleted, ${r.retained} retained, refresh ${r.refreshChanged} changed`;
}

/** How long one resource step took, from its pre-event to its outputs (as the events arrived). */
export interface StepTiming {
  urn: string;
  op: string;
  seconds: number;
}

/** The `n` slowest steps, `op Type::name 12.3s`, slowest first: where a long operation spends its time. */
export function slowestSteps(steps: readonly StepTiming[], n: number): string {
  return [...steps].sort((a, b) => b.seconds - a.seconds).slice(0, n).map((s) => `${s.op} ${s.urn.split('::').slice(-2).join('::')} ${s.seconds.toFixed(1)}s`).join(', ') || 'none';
}
