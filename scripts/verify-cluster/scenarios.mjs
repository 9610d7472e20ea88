// Scenarios verify-cluster runs after the main set settled: a Job over its team's quota stays
// pending with Kueue's own message and is admitted when capacity frees; deleting the namespaces
// finalizes.

import { log, sleep } from '../verify-apiserver/common.mjs';
import lib from '../verify-apiserver/lib.cjs';
import quota from './quota.cjs';
import { VERDICTS } from './report.cjs';
import wl from './workloads.cjs';

const POOL_LABEL = 'mlpatterns.dev/node-pool';

async function get(client, p) {
  const r = await client.request('GET', p);
  return r.status === 200 ? r.body : undefined;
}

/** The Kueue Workload of a Job (owner reference), or undefined. */
async function workloadOf(client, ns, jobUid) {
  const r = await client.request('GET', `/apis/kueue.x-k8s.io/v1beta2/namespaces/${ns}/workloads`);
  return (r.body?.items || []).find((w) => (w.metadata.ownerReferences || []).some((o) => o.uid === jobUid));
}

async function waitFor(what, timeoutS, probe) {
  const deadline = Date.now() + timeoutS * 1000;
  let last;
  while (Date.now() < deadline) {
    last = await probe();
    if (last.done) return last;
    await sleep(1000);
  }
  return { ...last, done: false, timedOut: `${what}: not within ${timeoutS}s` };
}

function admitted(wlObj) {
  return wl.condition(wlObj, 'QuotaReserved')?.status === 'True' || wl.condition(wlObj, 'Admitted')?.status === 'True';
}

/**
 * scenario: cluster-inputs.ts `overQuota`. Returns table rows for the two probe Jobs.
 * First: sized to the ClusterQueue's admissible capacity, must be admitted. Second: same size,
 * must stay pending with Kueue's message; after the first is deleted it must be admitted.
 */
export async function overQuotaScenario(client, scenario, { timeoutS = 60 } = {}) {
  const origin = `scenario: over quota (team ${scenario.team})`;
  const row = (name, verdict, detail, reasons = []) => ({ id: `Job ${scenario.namespace}/${name}`, origin, verdict, pools: [scenario.pool], detail, reasons });
  const [first, second] = scenario.jobs;
  const cqs = (await get(client, '/apis/kueue.x-k8s.io/v1beta2/clusterqueues'))?.items || [];
  const flavors = (await get(client, '/apis/kueue.x-k8s.io/v1beta2/resourceflavors'))?.items || [];
  const flavor = quota.flavorForPool(flavors, POOL_LABEL, scenario.pool);
  let size;
  try {
    if (!flavor) throw new Error(`no ResourceFlavor selects pool ${scenario.pool}`);
    size = quota.podsToFill(cqs, scenario.clusterQueue, flavor, scenario.perPod);
  } catch (e) {
    return [row(first.metadata.name, VERDICTS.FAILED, `scenario could not be set up: ${e.message}`)];
  }
  log(`==> scenario over quota: ClusterQueue ${scenario.clusterQueue} admits ${size.pods} pod(s) of ${JSON.stringify(scenario.perPod)} in flavor ${flavor} (limited by ${size.limitedBy}); submitting two such Jobs to LocalQueue ${scenario.namespace}/${scenario.localQueue}`);
  const create = async (job) => {
    const r = await client.request('POST', `/apis/batch/v1/namespaces/${scenario.namespace}/jobs`, { body: quota.sizeProbeJob(job, size.pods) });
    return r.status === 201 ? { job: r.body } : { error: lib.statusMessage(r.status, r.body) };
  };
  const a = await create(first);
  if (a.error) return [row(first.metadata.name, VERDICTS.FAILED, `create rejected: ${a.error}`)];
  const aWl = await waitFor('first probe admitted', timeoutS, async () => {
    const w = await workloadOf(client, scenario.namespace, a.job.metadata.uid);
    return { done: Boolean(w && admitted(w)), w };
  });
  if (!aWl.done) {
    return [row(first.metadata.name, VERDICTS.FAILED, `not admitted although it fits the queue's capacity (${aWl.timedOut})`, aWl.w ? wl.kueueMessages([aWl.w]) : ['kueue: no Workload created for the Job'])];
  }
  const rows = [row(first.metadata.name, VERDICTS.READY, `admitted with ${size.pods} pod(s), exactly the queue's admissible ${size.limitedBy}`)];
  const b = await create(second);
  if (b.error) return [...rows, row(second.metadata.name, VERDICTS.FAILED, `create rejected: ${b.error}`)];
  // Give Kueue time to try, then it must still be pending, with Kueue saying why.
  const bWait = await waitFor('second probe evaluated', timeoutS, async () => {
    const w = await workloadOf(client, scenario.namespace, b.job.metadata.uid);
    const qr = w && wl.condition(w, 'QuotaReserved');
    return { done: Boolean(w && (admitted(w) || (qr && qr.status === 'False' && qr.message))), w };
  });
  await sleep(5000);
  const bNow = await workloadOf(client, scenario.namespace, b.job.metadata.uid);
  const pendingMsg = bNow && wl.condition(bNow, 'QuotaReserved');
  if (!bWait.done || !bNow || admitted(bNow)) {
    rows.push(row(second.metadata.name, VERDICTS.FAILED, bNow && admitted(bNow) ? 'admitted although the queue was full' : `Kueue gave no verdict (${bWait.timedOut || 'no Workload'})`, bNow ? wl.kueueMessages([bNow]) : []));
    return rows;
  }
  log(`    second Job pending as expected: kueue: ${pendingMsg.reason}: ${pendingMsg.message}`);
  await client.request('DELETE', `/apis/batch/v1/namespaces/${scenario.namespace}/jobs/${first.metadata.name}?propagationPolicy=Background`);
  const bAdmitted = await waitFor('second probe admitted after the first was deleted', timeoutS, async () => {
    const w = await workloadOf(client, scenario.namespace, b.job.metadata.uid);
    return { done: Boolean(w && admitted(w)), w };
  });
  if (!bAdmitted.done) {
    rows.push(row(second.metadata.name, VERDICTS.FAILED, `stayed pending after the first Job was deleted (${bAdmitted.timedOut})`, bAdmitted.w ? wl.kueueMessages([bAdmitted.w]) : []));
  } else {
    rows.push(row(second.metadata.name, VERDICTS.PENDING, `pending while the queue was full (kueue: ${pendingMsg.message}); admitted after the first Job was deleted`));
  }
  await client.request('DELETE', `/apis/batch/v1/namespaces/${scenario.namespace}/jobs/${second.metadata.name}?propagationPolicy=Background`);
  return rows;
}

/**
 * Deletes the namespaces and waits until they are gone; a namespace still there after the timeout
 * is a failure naming its status conditions (the namespace controller's own messages).
 */
export async function namespaceDeletionScenario(client, namespaces, { timeoutS = 90 } = {}) {
  for (const ns of namespaces) await client.request('DELETE', `/api/v1/namespaces/${ns}`);
  const remaining = await waitFor('namespaces finalized', timeoutS, async () => {
    const left = [];
    for (const ns of namespaces) {
      const o = await get(client, `/api/v1/namespaces/${ns}`);
      if (o) left.push(o);
    }
    return { done: left.length === 0, left };
  });
  const origin = 'scenario: delete namespace';
  return namespaces.map((ns) => {
    const o = (remaining.left || []).find((x) => x.metadata.name === ns);
    if (!o) return { id: `Namespace ${ns}`, origin, verdict: VERDICTS.READY, pools: [], detail: 'deleted and finalized', reasons: [] };
    const conds = (o.status?.conditions || []).filter((c) => c.status === 'True').map((c) => `namespace-controller: ${c.type}: ${c.message}`);
    return { id: `Namespace ${ns}`, origin, verdict: VERDICTS.FAILED, pools: [], detail: `still ${o.status?.phase} after ${timeoutS}s`, reasons: conds };
  });
}
