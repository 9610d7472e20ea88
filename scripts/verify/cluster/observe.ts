// Watching the workloads of verify-cluster: one snapshot of the cluster per poll (lists of the
// workload kinds, pods, events, Kueue Workloads), the state of every workload in it, and the
// controllers' messages behind any that is not ready.

import type { ApiClient } from '../core/api-client';
import { type ServedResource, statusMessage } from '../core/api-paths';
import type { KubeObject } from '../core/objects';
import { log, sleep } from '../core/runtime';
import { placement } from './placement';
import { draAccountingProblems, keptPromises, topologyProblems } from './kueue-proofs';
import { evaluate, kueueMessages, type OwnerIndex, ownerIndex, podProblems, warningMessages, type Workload, type WorkloadState } from './workloads';

export interface Snapshot {
  live: Map<string, KubeObject>;
  pods: KubeObject[];
  events: KubeObject[];
  kueueWorkloads: KubeObject[];
  owners: OwnerIndex;
  nodesByName: Map<string, KubeObject>;
}

export interface WorkloadView {
  state: WorkloadState;
  detail: string;
  pools: string[];
  reasons: string[];
  /** Pods without GPU requests on GPU nodes where their construct put them (not a failure). */
  gpuNodeByIntent: string[];
  pods: KubeObject[];
  kueueWorkloads: KubeObject[];
  live?: KubeObject;
  /** What Kueue promised and was seen kept (kueue-proofs.ts `keptPromises`). */
  kept?: string[];
}

const POOL_LABEL = 'mlpatterns.dev/node-pool';

/**
 * The items at `path`. Fails closed: a list that does not answer 200 (after one retry) stops the
 * run, since an empty answer would read as "no pods, no warnings" and pass what was never seen.
 * `optional`: a group that may not be served (404 is an empty list).
 */
export async function list(client: Pick<ApiClient, 'request'>, path: string, { optional = false } = {}): Promise<KubeObject[]> {
  let r = await client.request('GET', path).catch((e: unknown) => ({ status: 0, body: { message: String(e) } }));
  if (r.status !== 200 && !(optional && r.status === 404)) {
    await sleep(1000);
    r = await client.request('GET', path).catch((e: unknown) => ({ status: 0, body: { message: String(e) } }));
  }
  if (r.status === 200) return r.body.items || [];
  if (optional && r.status === 404) return [];
  throw new Error(`listing ${path} failed: ${statusMessage(r.status, r.body)} (a failed list is not read as empty)`);
}

function listPath(group: string, version: string, plural: string): string {
  return group ? `/apis/${group}/${version}/${plural}` : `/api/${version}/${plural}`;
}

/**
 * One snapshot. workloads: [{ key, group, version, kind, namespace, name, res: {plural} }].
 * Returns { live: Map(key -> object), pods, events, kueueWorkloads, owners, nodesByName }.
 */
export async function snapshot(client: ApiClient, workloads: readonly Workload[], { kueue, seen = new Map() }: { kueue: boolean; seen?: Map<string, KubeObject> }): Promise<Snapshot> {
  const kinds = new Map<string, Workload & { res: ServedResource }>();
  for (const w of workloads) if (w.res) kinds.set(`${w.group}/${w.version}/${w.res.plural}`, w as Workload & { res: ServedResource });
  const byKind = new Map<string, KubeObject[]>();
  for (const [k, w] of kinds) byKind.set(k, await list(client, listPath(w.group, w.version, w.res.plural)));
  const live = new Map<string, KubeObject>();
  for (const w of workloads) {
    if (!w.res) continue;
    const items = byKind.get(`${w.group}/${w.version}/${w.res.plural}`) || [];
    const found = items.find((o) => o.metadata.name === w.liveName && (o.metadata.namespace || undefined) === (w.namespace || undefined));
    if (found) live.set(w.key, found);
  }
  const [pods, events, deployments, replicaSets, jobs, nodes] = await Promise.all([
    list(client, '/api/v1/pods'),
    list(client, '/api/v1/events'),
    // Deployments own the pods of InferenceServices (ISVC -> Deployment -> ReplicaSet -> Pod)
    list(client, '/apis/apps/v1/deployments'),
    list(client, '/apis/apps/v1/replicasets'),
    list(client, '/apis/batch/v1/jobs'),
    list(client, '/api/v1/nodes'),
  ]);
  const kueueWorkloads = kueue ? await list(client, '/apis/kueue.x-k8s.io/v1beta2/workloads') : [];
  // TrainJob -> JobSet -> Job -> Pod (an unserved group lists nothing)
  const jobSets = await list(client, '/apis/jobset.x-k8s.io/v1alpha2/jobsets', { optional: true });
  const roots = new Map<string, string>();
  for (const w of workloads) {
    const o = live.get(w.key);
    if (o) roots.set(o.metadata.uid, w.key);
  }
  const owners = ownerIndex(remember(seen, [...pods, ...deployments, ...replicaSets, ...jobSets, ...jobs, ...kueueWorkloads, ...[...live.values()]]), roots);
  return { live, pods, events, kueueWorkloads, owners, nodesByName: new Map(nodes.map((n) => [n.metadata.name, n])) };
}

/**
 * The objects of this poll plus, in their last seen form, every object an earlier poll of the same
 * observation saw (`seen`, updated): a pod deleted since (replaced, evicted, cleaned up by its job)
 * still leads to its workload, so the warnings its events carry are not dropped.
 */
export function remember(seen: Map<string, KubeObject>, objects: readonly KubeObject[]): KubeObject[] {
  for (const o of objects) {
    const m = o.metadata || {};
    if (m.uid) seen.set(m.uid, { kind: o.kind, metadata: { uid: m.uid, namespace: m.namespace, name: m.name, ownerReferences: m.ownerReferences } });
  }
  const current = new Set(objects.map((o) => o.metadata?.uid));
  return [...objects, ...[...seen.values()].filter((o) => !current.has(o.metadata.uid))];
}

/** Everything a snapshot says about one workload. */
export function describeWorkload(w: Workload, snap: Snapshot): WorkloadView {
  const live = snap.live.get(w.key);
  const { state, detail } = evaluate(w, live);
  const mine = (uid: string) => snap.owners.rootOf(uid) === w.key;
  const pods = snap.pods.filter((p) => mine(p.metadata.uid));
  const events = snap.events.filter((e) => (e.involvedObject?.uid && mine(e.involvedObject.uid)));
  const kueueWorkloads = snap.kueueWorkloads.filter((x) => mine(x.metadata.uid));
  const { pools, wrong, gpuNodeByIntent } = placement(pods, snap.nodesByName, POOL_LABEL, w.intent);
  const reasons = [
    ...kueueMessages(kueueWorkloads),
    ...warningMessages(events),
    ...podProblems(pods),
    ...wrong,
    ...topologyProblems(pods, snap.nodesByName),
    ...draAccountingProblems(pods, kueueWorkloads),
  ];
  return { state, detail, pools, reasons, gpuNodeByIntent, pods, kueueWorkloads, live, kept: keptPromises(pods, kueueWorkloads, snap.nodesByName) };
}

/**
 * Poll until every workload is ready, or nothing changed for `settle` seconds, or `timeout`.
 * onPoll(w, info) is called for every workload on every poll (gang checks). `settled(w, view)`:
 * when a workload stops being waited for (default: ready; canaries: decided). Returns the last
 * per-workload description (Map key -> describeWorkload result).
 */
export async function observe(
  client: ApiClient,
  workloads: readonly Workload[],
  {
    timeout,
    settle,
    kueue,
    verbose,
    onPoll = () => {},
    settled = (_w, view) => view.state === 'ready',
  }: { timeout: number; settle: number; kueue: boolean; verbose: boolean; onPoll?: (w: Workload, view: WorkloadView) => void; settled?: (w: Workload, view: WorkloadView) => boolean },
): Promise<Map<string, WorkloadView>> {
  const t0 = Date.now();
  let lastSig = '';
  let lastChange = Date.now();
  let result = new Map<string, WorkloadView>();
  let confirming = false;
  const seen = new Map<string, KubeObject>();
  for (;;) {
    const snap = await snapshot(client, workloads, { kueue, seen });
    result = new Map(workloads.map((w) => [w.key, describeWorkload(w, snap)]));
    for (const w of workloads) onPoll(w, result.get(w.key)!);
    const sig = JSON.stringify([...result].map(([k, d]) => [k, d.state, d.detail, d.reasons.length]));
    if (sig !== lastSig) {
      lastSig = sig;
      lastChange = Date.now();
    }
    const pending = workloads.filter((w) => !settled(w, result.get(w.key)!)).length;
    const elapsed = (Date.now() - t0) / 1000;
    if (verbose) log(`    [${elapsed.toFixed(0)}s] ${workloads.length - pending}/${workloads.length} ready`);
    // All ready: look once more a few seconds later. kwok runs pods without waiting for volumes,
    // so e.g. the attach-detach controller's Multi-Attach error can follow the pods' readiness.
    if (pending === 0 && confirming) break;
    if (pending === 0) {
      confirming = true;
      await sleep(6000);
      continue;
    }
    confirming = false;
    if (elapsed >= timeout) {
      log(`    stopped waiting after ${timeout}s (--timeout): ${pending} workload(s) not ready`);
      break;
    }
    if ((Date.now() - lastChange) / 1000 >= settle && elapsed >= settle * 2) {
      log(`    nothing changed for ${settle}s (--settle): ${pending} workload(s) not ready`);
      break;
    }
    await sleep(2000);
  }
  return result;
}
