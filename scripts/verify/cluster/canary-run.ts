// Runs verify:cluster's workload canaries next to dist: their namespace (Pod Security restricted),
// the volumes the storage profile would provision for their claims, their objects applied as dist
// is; then observed with the same code as dist workloads until each shows its stated failure (or
// the wait ends), and judged by canary-verdicts.ts. Their namespace is deleted afterwards.

import type { ApiClient } from '../core/api-client';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import type { CanaryResult } from '../core/canaries';
import { documentsToObjects } from '../core/objects';
import { type CanaryObservation, unmanagedQueueReason, type WorkloadCanaryInput, workloadCanaryVerdict } from './canary-verdicts';
import { observe } from './observe';
import { createOrFail } from './run-operators';
import { applyDist, createStorage } from './setup';
import type { StorageProfileInput } from './storage';
import type { Workload } from './workloads';

interface Ctx {
  opts: { fieldValidation: FieldValidation; verbose: boolean; timeout: number; settle: number };
  byGvk: ReadonlyMap<string, ServedResource>;
}

/** The canaries once applied: one workload each, and what could not be applied. */
export interface StartedCanaries {
  inputs: readonly WorkloadCanaryInput[];
  workloads: Map<string, Workload>;
  extraReasons: Map<string, string[]>;
}

/** Creates the namespace(s), the canaries' volumes (as `profile` provisions) and objects. */
export async function startWorkloadCanaries(client: ApiClient, inputs: readonly WorkloadCanaryInput[], profile: StorageProfileInput, frameworks: ReadonlySet<string>, ctx: Ctx): Promise<StartedCanaries> {
  const started: StartedCanaries = { inputs, workloads: new Map(), extraReasons: new Map() };
  for (const ns of new Set(inputs.map((c) => c.namespace))) {
    const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
    await createOrFail(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels } }, `canary namespace ${ns}`);
  }
  const records = inputs.flatMap((c) => documentsToObjects(`canary ${c.name}`, c.objects).objects);
  await createStorage(client, records, profile, { classes: false, offset: 10000, what: 'canaries' });
  const applied = await applyDist(client, records, ctx);
  for (const c of inputs) {
    const mine = records.filter((r) => r.chart === `canary ${c.name}`);
    const target = mine.find((r) => r.kind === c.workload.kind && r.name === c.workload.name);
    const reasons = mine.flatMap((r) => {
      const a = applied.get(r);
      return a && !a.ok ? [`${r.kind} ${r.name}: ${a.message}`] : a?.warning ? [a.warning] : [];
    });
    if (!target) reasons.push(`canary ${c.name}: no ${c.workload.kind} ${c.workload.name} among its objects`);
    const queue = target && unmanagedQueueReason(target, frameworks);
    if (queue) reasons.push(queue);
    started.extraReasons.set(c.name, reasons);
    if (!target) continue;
    started.workloads.set(c.name, {
      key: `canary ${c.name}|${target.group}/${target.kind}|${c.namespace}/${target.name}`,
      group: target.group, version: target.version, kind: target.kind, namespace: c.namespace, name: target.name, liveName: target.name,
      origin: `canary ${c.name}`, record: target, res: ctx.byGvk.get(`${target.group}/${target.version}/${target.kind}`), intent: c.intent ?? undefined,
    });
  }
  return started;
}

/**
 * Observes the canaries until each is decided (caught) or the wait ends; returns their verdicts and
 * deletes their namespace(s) (not waited for).
 */
export async function decideWorkloadCanaries(client: ApiClient, started: StartedCanaries, ctx: Ctx & { kueue: boolean; attacherErrors: () => readonly string[] }): Promise<CanaryResult[]> {
  const byKey = new Map([...started.workloads].map(([name, w]) => [w.key, name]));
  const maxPods = new Map<string, number>();
  const inputOf = (w: Workload) => started.inputs.find((c) => c.name === byKey.get(w.key))!;
  const observation = (name: string, view?: CanaryObservation['view']): CanaryObservation => ({ view, extraReasons: started.extraReasons.get(name) || [], maxPods: maxPods.get(name) ?? 0, attacherErrors: ctx.attacherErrors() });
  const result = await observe(client, [...started.workloads.values()].filter((w) => w.res), {
    timeout: Math.min(ctx.opts.timeout, 180),
    settle: ctx.opts.settle,
    kueue: ctx.kueue,
    verbose: ctx.opts.verbose,
    onPoll: (w, view) => maxPods.set(byKey.get(w.key)!, Math.max(maxPods.get(byKey.get(w.key)!) ?? 0, view.pods.length)),
    settled: (w, view) => workloadCanaryVerdict(inputOf(w), observation(inputOf(w).name, view)).caught,
  });
  const verdicts = started.inputs.map((c) => {
    const w = started.workloads.get(c.name);
    return workloadCanaryVerdict(c, observation(c.name, w && result.get(w.key)));
  });
  for (const ns of new Set(started.inputs.map((c) => c.namespace))) await client.request('DELETE', `/api/v1/namespaces/${ns}`);
  return verdicts;
}
