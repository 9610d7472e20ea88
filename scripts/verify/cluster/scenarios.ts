// Scenarios verify-cluster runs after the main set settled: a Job over its team's quota stays
// pending with Kueue's own message and is admitted when capacity frees; deleting the namespaces
// finalizes.

import type { ApiClient } from '../core/api-client';
import { statusMessage } from '../core/api-paths';
import type { KubeObject } from '../core/objects';
import { errorMessage, log, sleep } from '../core/runtime';
import { list } from './observe';
import { flavorForPool, podsToFill, sizeProbeJob } from './quota';
import { VERDICTS, type WorkloadRow } from './report';
import { condition, kueueMessages } from './workloads';

/** cluster-inputs.ts `overQuota`. */
export interface OverQuotaInput {
  team: string;
  namespace: string;
  localQueue: string;
  clusterQueue: string;
  pool: string;
  perPod: Record<string, string>;
  jobs: KubeObject[];
}

interface Probe<T> {
  done: boolean;
  timedOut?: string;
  w?: KubeObject;
  left?: T;
}

const POOL_LABEL = 'mlpatterns.dev/node-pool';

/** The object at `p`, or undefined when it is gone (404 only: any other answer stops the run, never reads as gone). */
async function getUnlessGone(client: ApiClient, p: string): Promise<KubeObject | undefined> {
  const r = await client.request('GET', p);
  if (r.status === 200) return r.body;
  if (r.status === 404) return undefined;
  throw new Error(`reading ${p} failed: ${statusMessage(r.status, r.body)} (not read as gone)`);
}

/** The Kueue Workload of a Job (owner reference), or undefined. */
async function workloadOf(client: ApiClient, ns: string, jobUid: string): Promise<KubeObject | undefined> {
  return (await list(client, `/apis/kueue.x-k8s.io/v1beta2/namespaces/${ns}/workloads`)).find((w: KubeObject) => (w.metadata.ownerReferences || []).some((o: KubeObject) => o.uid === jobUid));
}

async function waitFor<T>(what: string, timeoutS: number, probe: () => Promise<Probe<T>>): Promise<Probe<T>> {
  const deadline = Date.now() + timeoutS * 1000;
  let last: Probe<T> = { done: false };
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) return last;
    await sleep(1000);
  }
  return { ...last, done: false, timedOut: `${what}: not within ${timeoutS}s` };
}

function admitted(wlObj: KubeObject): boolean {
  return condition(wlObj, 'QuotaReserved')?.status === 'True' || condition(wlObj, 'Admitted')?.status === 'True';
}

/**
 * scenario: cluster-inputs.ts `overQuota`. Returns table rows for the two probe Jobs.
 * First: sized to the ClusterQueue's admissible capacity, must be admitted. Second: same size,
 * must stay pending with Kueue's message; after the first is deleted it must be admitted.
 */
export async function overQuotaScenario(client: ApiClient, scenario: OverQuotaInput, { timeoutS = 60 } = {}): Promise<WorkloadRow[]> {
  const origin = `scenario: over quota (team ${scenario.team})`;
  const row = (name: string, verdict: string, detail: string, reasons: string[] = []): WorkloadRow => ({ id: `Job ${scenario.namespace}/${name}`, origin, verdict, pools: [scenario.pool], detail, reasons });
  const [first, second] = scenario.jobs;
  const cqs = await list(client, '/apis/kueue.x-k8s.io/v1beta2/clusterqueues');
  const flavors = await list(client, '/apis/kueue.x-k8s.io/v1beta2/resourceflavors');
  const flavor = flavorForPool(flavors, POOL_LABEL, scenario.pool);
  let size: ReturnType<typeof podsToFill>;
  try {
    if (!flavor) throw new Error(`no ResourceFlavor selects pool ${scenario.pool}`);
    size = podsToFill(cqs, scenario.clusterQueue, flavor, scenario.perPod);
  } catch (e) {
    return [row(first.metadata.name, VERDICTS.FAILED, `scenario could not be set up: ${errorMessage(e)}`)];
  }
  log(`==> scenario over quota: ClusterQueue ${scenario.clusterQueue} admits ${size.pods} pod(s) of ${JSON.stringify(scenario.perPod)} in flavor ${flavor} (limited by ${size.limitedBy}); submitting two such Jobs to LocalQueue ${scenario.namespace}/${scenario.localQueue}`);
  const create = async (job: KubeObject): Promise<{ job: KubeObject; error?: undefined } | { job?: undefined; error: string }> => {
    const r = await client.request('POST', `/apis/batch/v1/namespaces/${scenario.namespace}/jobs`, { body: sizeProbeJob(job, size.pods) });
    return r.status === 201 ? { job: r.body } : { error: statusMessage(r.status, r.body) };
  };
  const a = await create(first);
  if (!a.job) return [row(first.metadata.name, VERDICTS.FAILED, `create rejected: ${a.error}`)];
  const aWl = await waitFor('first probe admitted', timeoutS, async () => {
    const w = await workloadOf(client, scenario.namespace, a.job!.metadata.uid);
    return { done: Boolean(w && admitted(w)), w };
  });
  if (!aWl.done) {
    return [row(first.metadata.name, VERDICTS.FAILED, `not admitted although it fits the queue's capacity (${aWl.timedOut})`, aWl.w ? kueueMessages([aWl.w]) : ['kueue: no Workload created for the Job'])];
  }
  // The second right away: capacity the cohort frees later (other teams' jobs ending) could be borrowed.
  const b = await create(second);
  const admittedRow = row(first.metadata.name, VERDICTS.READY, `admitted with ${size.pods} pod(s), exactly the queue's admissible ${size.limitedBy}`);
  if (!b.job) return [admittedRow, row(second.metadata.name, VERDICTS.FAILED, `create rejected: ${b.error}`)];
  // Give Kueue time to try, then it must still be pending, with Kueue saying why.
  const bWait = await waitFor('second probe evaluated', timeoutS, async () => {
    const w = await workloadOf(client, scenario.namespace, b.job!.metadata.uid);
    const qr = w && condition(w, 'QuotaReserved');
    return { done: Boolean(w && (admitted(w) || (qr && qr.status === 'False' && qr.message))), w };
  });
  await sleep(5000);
  const bNow = await workloadOf(client, scenario.namespace, b.job.metadata.uid);
  const pendingMsg = bNow && condition(bNow, 'QuotaReserved');
  if (!bWait.done || !bNow || admitted(bNow)) {
    return [admittedRow, row(second.metadata.name, VERDICTS.FAILED, bNow && admitted(bNow) ? 'admitted although the queue was full' : `Kueue gave no verdict (${bWait.timedOut || 'no Workload'})`, bNow ? kueueMessages([bNow]) : [])];
  }
  log(`    second Job pending as expected: kueue: ${pendingMsg?.reason}: ${pendingMsg?.message}`);
  let firstFailed: WorkloadRow | undefined;
  // Admitted by Kueue is not yet running: the namespace's ResourceQuota and LimitRange (the Team's)
  // must let every pod Kueue admitted be created, and the scheduler place it.
  const podsUp = await waitFor('first probe\'s pods created and placed', timeoutS, async () => {
    const pods = (await list(client, `/api/v1/namespaces/${scenario.namespace}/pods?labelSelector=${encodeURIComponent(`batch.kubernetes.io/job-name=${first.metadata.name}`)}`));
    return { done: pods.filter((p: KubeObject) => p.spec?.nodeName).length >= size.pods, left: pods };
  });
  if (!podsUp.done) {
    const events = (await list(client, `/api/v1/namespaces/${scenario.namespace}/events`))
      .filter((e: KubeObject) => e.involvedObject?.name === first.metadata.name && e.type === 'Warning').map((e: KubeObject) => `job-controller: ${e.reason}: ${e.message}`);
    const placed = (podsUp.left ?? []).filter((p: KubeObject) => p.spec?.nodeName).length;
    firstFailed = row(first.metadata.name, VERDICTS.FAILED, `admitted by Kueue, but ${placed} of ${size.pods} pod(s) created and placed (${podsUp.timedOut}): the namespace's quota or the nodes do not hold what its queue admits`, events);
  }
  const rows = [firstFailed ?? row(first.metadata.name, VERDICTS.READY, `admitted with ${size.pods} pod(s), exactly the queue's admissible ${size.limitedBy}; all ${size.pods} created past the namespace's ResourceQuota and placed`)];
  await client.request('DELETE', `/apis/batch/v1/namespaces/${scenario.namespace}/jobs/${first.metadata.name}?propagationPolicy=Background`);
  const bAdmitted = await waitFor('second probe admitted after the first was deleted', timeoutS, async () => {
    const w = await workloadOf(client, scenario.namespace, b.job!.metadata.uid);
    return { done: Boolean(w && admitted(w)), w };
  });
  if (!bAdmitted.done) {
    rows.push(row(second.metadata.name, VERDICTS.FAILED, `stayed pending after the first Job was deleted (${bAdmitted.timedOut})`, bAdmitted.w ? kueueMessages([bAdmitted.w]) : []));
  } else {
    rows.push(row(second.metadata.name, VERDICTS.PENDING, `pending while the queue was full (kueue: ${pendingMsg?.message}); admitted after the first Job was deleted`));
  }
  await client.request('DELETE', `/apis/batch/v1/namespaces/${scenario.namespace}/jobs/${second.metadata.name}?propagationPolicy=Background`);
  return rows;
}

/**
 * Deletes the namespaces and waits until they are gone; a namespace still there after the timeout
 * is a failure naming its status conditions (the namespace controller's own messages).
 */
export async function namespaceDeletionScenario(client: ApiClient, namespaces: readonly string[], { timeoutS = 90 } = {}): Promise<WorkloadRow[]> {
  for (const ns of namespaces) await client.request('DELETE', `/api/v1/namespaces/${ns}`);
  const remaining = await waitFor<KubeObject[]>('namespaces finalized', timeoutS, async () => {
    const left: KubeObject[] = [];
    for (const ns of namespaces) {
      const o = await getUnlessGone(client, `/api/v1/namespaces/${ns}`);
      if (o) left.push(o);
    }
    return { done: left.length === 0, left };
  });
  const origin = 'scenario: delete namespace';
  return namespaces.map((ns): WorkloadRow => {
    const o = (remaining.left || []).find((x) => x.metadata.name === ns);
    if (!o) return { id: `Namespace ${ns}`, origin, verdict: VERDICTS.READY, pools: [], detail: 'deleted and finalized', reasons: [], counted: 'object' };
    const conds = (o.status?.conditions || []).filter((c: KubeObject) => c.status === 'True').map((c: KubeObject) => `namespace-controller: ${c.type}: ${c.message}`);
    return { id: `Namespace ${ns}`, origin, verdict: VERDICTS.FAILED, pools: [], detail: `still ${o.status?.phase} after ${timeoutS}s`, reasons: conds, counted: 'object' };
  });
}
