'use strict';
// Workloads of verify-cluster: which applied objects are asserted, what "ready" means for each
// kind, and the controllers' own messages behind a workload that is not. Pure functions over
// snapshots of the API (unit-tested by test/verify-cluster/).

const TRAINING_KINDS = new Set(['TFJob', 'PyTorchJob', 'MPIJob', 'XGBoostJob', 'PaddleJob', 'JAXJob']);

/** How a kind is asserted: `run` (pods must run/complete), `status` (controller status), `none`. */
function assertionOf(group, kind) {
  if (group === 'apps' && ['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind)) return 'run';
  if (group === 'batch' && ['Job', 'CronJob'].includes(kind)) return 'run';
  if (group === 'kubeflow.org' && TRAINING_KINDS.has(kind)) return 'run';
  if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler') return 'status';
  if (group === 'policy' && kind === 'PodDisruptionBudget') return 'status';
  if (group === 'kueue.x-k8s.io' && ['ClusterQueue', 'LocalQueue'].includes(kind)) return 'status';
  return 'none';
}

/** `Kind ns/name` */
function workloadId(w) {
  return `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}`;
}

function condition(obj, type) {
  return (obj?.status?.conditions || []).find((c) => c.type === type);
}

function isTrue(obj, type) {
  return condition(obj, type)?.status === 'True';
}

/**
 * State of one workload from its live object (and, for a CronJob, the Job run from it):
 * { state: 'ready'|'failed'|'waiting', detail }.
 */
function evaluate(w, live) {
  if (!live) return { state: 'waiting', detail: 'not found (not created?)' };
  const st = live.status || {};
  const spec = live.spec || {};
  const key = `${w.group}/${w.kind}`;
  switch (key) {
    case 'apps/Deployment': {
      const want = spec.replicas ?? 1;
      const ready = st.readyReplicas ?? 0;
      const ok = isTrue(live, 'Available') && ready >= want;
      return { state: ok ? 'ready' : 'waiting', detail: `Available ${isTrue(live, 'Available') ? 'True' : 'False'}, ${ready}/${want} ready` };
    }
    case 'apps/StatefulSet': {
      const want = spec.replicas ?? 1;
      const ready = st.readyReplicas ?? 0;
      return { state: ready >= want ? 'ready' : 'waiting', detail: `${ready}/${want} ready` };
    }
    case 'apps/DaemonSet': {
      const want = st.desiredNumberScheduled ?? 0;
      const ready = st.numberReady ?? 0;
      return { state: want > 0 && ready >= want ? 'ready' : 'waiting', detail: `${ready}/${want} ready` };
    }
    case 'batch/Job': {
      const progress = `${st.succeeded ?? 0}/${spec.completions ?? 1} succeeded`;
      if (isTrue(live, 'Complete')) return { state: 'ready', detail: `Complete, ${progress}` };
      if (isTrue(live, 'Failed')) return { state: 'failed', detail: `Failed: ${condition(live, 'Failed').reason}: ${condition(live, 'Failed').message || ''}`.trim() };
      if (spec.suspend) return { state: 'waiting', detail: 'suspended (waiting for admission)' };
      return { state: 'waiting', detail: `${progress}, ${st.active ?? 0} active` };
    }
    case 'autoscaling/HorizontalPodAutoscaler': {
      const able = condition(live, 'AbleToScale');
      if (!able) return { state: 'waiting', detail: 'no status yet' };
      const active = condition(live, 'ScalingActive');
      const note = active && active.status !== 'True' ? ` (ScalingActive ${active.status}: ${active.reason}; no metrics API runs here)` : '';
      if (able.status === 'True') return { state: 'ready', detail: `target resolved: ${able.reason}${note}` };
      return { state: 'failed', detail: `AbleToScale False: ${able.reason}: ${able.message}` };
    }
    case 'policy/PodDisruptionBudget': {
      const expected = st.expectedPods ?? 0;
      if (expected > 0) return { state: 'ready', detail: `selects ${expected} pod(s), ${st.currentHealthy ?? 0} healthy, ${st.disruptionsAllowed ?? 0} disruption(s) allowed` };
      return { state: 'waiting', detail: 'selects no pods' };
    }
    case 'kueue.x-k8s.io/ClusterQueue':
    case 'kueue.x-k8s.io/LocalQueue': {
      const active = condition(live, 'Active');
      if (active?.status === 'True') return { state: 'ready', detail: 'Active' };
      return { state: 'waiting', detail: active ? `Active ${active.status}: ${active.reason}: ${active.message}` : 'no status yet' };
    }
    default:
      if (w.group === 'kubeflow.org' && TRAINING_KINDS.has(w.kind)) {
        const conds = st.conditions || [];
        if (isTrue(live, 'Succeeded')) return { state: 'ready', detail: 'Succeeded' };
        if (isTrue(live, 'Failed')) return { state: 'failed', detail: `Failed: ${condition(live, 'Failed').message}` };
        const last = conds[conds.length - 1];
        if (spec.runPolicy?.suspend) return { state: 'waiting', detail: 'suspended (waiting for admission)' };
        return { state: 'waiting', detail: last ? `${last.type}: ${last.message}` : 'no status yet' };
      }
      return { state: 'waiting', detail: `no assertion for ${key}` };
  }
}

/**
 * Index of owner links: uid -> { kind, namespace, name, owners: [uid] }, from every object listed.
 * `roots` maps workload uid -> workload key; `rootOf(uid)` walks owners up to a workload.
 */
function ownerIndex(objects, roots) {
  const byUid = new Map();
  for (const o of objects) {
    const m = o.metadata || {};
    if (m.uid) byUid.set(m.uid, { kind: o.kind, namespace: m.namespace, name: m.name, owners: (m.ownerReferences || []).map((r) => r.uid) });
  }
  const rootOf = (uid) => {
    const seen = new Set();
    let cur = [uid];
    while (cur.length) {
      const next = [];
      for (const u of cur) {
        if (roots.has(u)) return roots.get(u);
        if (seen.has(u)) continue;
        seen.add(u);
        next.push(...(byUid.get(u)?.owners || []));
      }
      cur = next;
    }
    return undefined;
  };
  return { byUid, rootOf };
}

/** The controller that reported an event. */
function eventSource(e) {
  return e.reportingController || e.source?.component || e.reportingComponent || 'unknown controller';
}

/** Events worth reporting against a workload: warnings, deduplicated, newest count kept. */
function warningMessages(events) {
  const seen = new Map();
  for (const e of events) {
    if (e.type !== 'Warning') continue;
    const obj = e.involvedObject || e.regarding || {};
    const k = `${eventSource(e)}|${e.reason}|${e.message || e.note}`;
    seen.set(k, `${eventSource(e)}: ${obj.kind} ${obj.name}: ${e.reason}: ${(e.message || e.note || '').trim()}`);
  }
  return [...seen.values()];
}

/**
 * Messages that fail a workload even when kwok made its pods ready: a real kubelet would not have
 * started the pod (kwok does not wait for volumes).
 */
const BLOCKING_MESSAGE = /Multi-Attach error|FailedAttachVolume|FailedMount/;

function blockingReasons(reasons) {
  return reasons.filter((r) => BLOCKING_MESSAGE.test(r));
}

/** Pods stuck before running: the scheduler's (or kubelet-less pod status's) own message. */
function podProblems(pods) {
  const out = [];
  for (const p of pods) {
    const sched = (p.status?.conditions || []).find((c) => c.type === 'PodScheduled');
    if (sched && sched.status === 'False') out.push(`kube-scheduler: pod ${p.metadata.name}: ${sched.reason}: ${sched.message}`);
    if ((p.spec?.schedulingGates || []).length) out.push(`pod ${p.metadata.name} held by scheduling gates ${p.spec.schedulingGates.map((g) => g.name).join(', ')}`);
  }
  return out;
}

/** Kueue's own view of a job: its Workload's conditions as `kueue: ...` lines. */
function kueueMessages(kueueWorkloads) {
  const out = [];
  for (const wl of kueueWorkloads) {
    for (const type of ['QuotaReserved', 'Admitted', 'Evicted', 'Finished']) {
      const c = condition(wl, type);
      if (!c) continue;
      if ((type === 'QuotaReserved' || type === 'Admitted') && c.status === 'True') continue;
      if (type === 'Evicted' && c.status !== 'True') continue;
      if (type === 'Finished') continue;
      out.push(`kueue: Workload ${wl.metadata.name}: ${type} ${c.status}: ${c.reason}: ${c.message}`);
    }
  }
  return out;
}

/** Where a pod ran: `node (pool)` per pod, and pods on nodes of another pool than their nodeSelector. */
function placement(pods, nodesByName, poolLabel) {
  const pools = new Set();
  const wrong = [];
  for (const p of pods) {
    const node = p.spec?.nodeName && nodesByName.get(p.spec.nodeName);
    if (!node) continue;
    const pool = node.metadata.labels?.[poolLabel];
    pools.add(pool || '?');
    const want = p.spec.nodeSelector?.[poolLabel];
    if (want && want !== pool) wrong.push(`pod ${p.metadata.name} on node ${node.metadata.name} of pool ${pool}, but its nodeSelector asks for ${want}`);
  }
  return { pools: [...pools].sort(), wrong };
}

/**
 * Gang check for one poll: pods of a gang workload must not run while others of it cannot be
 * scheduled. Returns a message or undefined.
 */
function partialStart(pods) {
  const running = pods.filter((p) => p.status?.phase === 'Running');
  const unschedulable = pods.filter((p) => (p.status?.conditions || []).some((c) => c.type === 'PodScheduled' && c.status === 'False'));
  if (running.length && unschedulable.length) {
    return `started partially: ${running.length} pod(s) running while ${unschedulable.length} cannot be scheduled (${unschedulable[0].metadata.name}: ${unschedulable[0].status.conditions.find((c) => c.type === 'PodScheduled')?.message})`;
  }
  return undefined;
}

module.exports = {
  TRAINING_KINDS,
  assertionOf,
  workloadId,
  condition,
  evaluate,
  ownerIndex,
  eventSource,
  warningMessages,
  podProblems,
  kueueMessages,
  placement,
  partialStart,
  blockingReasons,
};
