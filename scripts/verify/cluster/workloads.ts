// Workloads of verify-cluster: which applied objects are asserted, what "ready" means for each
// kind, and the controllers' own messages behind a workload that is not. Pure functions over
// snapshots of the API (unit-tested by test/verify/cluster/).

import type { ServedResource } from '../core/api-paths';
import type { KubeObject, ObjectRecord } from '../core/objects';
import type { WorkloadIntent } from './placement';

/** One asserted workload: an applied object, a CronJob's manual run or a workload a step creates. */
export interface Workload {
  key: string;
  group: string;
  version: string;
  kind: string;
  namespace?: string;
  name?: string;
  /** The name it has on the server (generateName resolved). */
  liveName?: string;
  origin: string;
  record: ObjectRecord;
  res?: ServedResource;
  /** The pool(s) and GPUs its construct was given (cluster-inputs.ts); placement.ts asserts them. */
  intent?: WorkloadIntent;
}

export type WorkloadState = 'ready' | 'failed' | 'waiting';

export interface OwnerIndex {
  byUid: Map<string, { kind: string; namespace?: string; name?: string; owners: string[] }>;
  rootOf(uid: string): string | undefined;
}

export const TRAINING_KINDS = new Set(['TFJob', 'PyTorchJob', 'MPIJob', 'XGBoostJob', 'PaddleJob', 'JAXJob']);

/** How a kind is asserted: `run` (pods must run/complete), `status` (controller status), `none`. */
export function assertionOf(group: string, kind: string): 'run' | 'status' | 'none' {
  if (group === 'apps' && ['Deployment', 'StatefulSet', 'DaemonSet'].includes(kind)) return 'run';
  if (group === 'batch' && ['Job', 'CronJob'].includes(kind)) return 'run';
  if (group === 'kubeflow.org' && TRAINING_KINDS.has(kind)) return 'run';
  if (group === 'serving.kserve.io' && kind === 'InferenceService') return 'run';
  if (group === 'trainer.kubeflow.org' && kind === 'TrainJob') return 'run';
  if (group === 'autoscaling' && kind === 'HorizontalPodAutoscaler') return 'status';
  if (group === 'policy' && kind === 'PodDisruptionBudget') return 'status';
  if (group === 'kueue.x-k8s.io' && ['ClusterQueue', 'LocalQueue'].includes(kind)) return 'status';
  return 'none';
}

/** `Kind ns/name` */
export function workloadId(w: Pick<Workload, 'kind' | 'namespace' | 'name'>): string {
  return `${w.kind} ${w.namespace ? `${w.namespace}/` : ''}${w.name}`;
}

export function condition(obj: KubeObject | undefined, type: string): KubeObject | undefined {
  return (obj?.status?.conditions || []).find((c: KubeObject) => c.type === type);
}

function isTrue(obj: KubeObject | undefined, type: string): boolean {
  return condition(obj, type)?.status === 'True';
}

/**
 * State of one workload from its live object (and, for a CronJob, the Job run from it):
 * { state: 'ready'|'failed'|'waiting', detail }.
 */
export function evaluate(w: Pick<Workload, 'group' | 'kind'>, live: KubeObject | undefined): { state: WorkloadState; detail: string } {
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
      if (isTrue(live, 'Failed')) return { state: 'failed', detail: `Failed: ${condition(live, 'Failed')!.reason}: ${condition(live, 'Failed')!.message || ''}`.trim() };
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
    case 'serving.kserve.io/InferenceService':
      return inferenceServiceState(live);
    case 'trainer.kubeflow.org/TrainJob': {
      // Conditions Complete / Failed / Suspended (trainer v2.3.0 pkg/apis/trainer/v1alpha1/trainjob_types.go)
      if (isTrue(live, 'Complete')) return { state: 'ready', detail: 'Complete' };
      const failed = condition(live, 'Failed');
      if (failed?.status === 'True') return { state: 'failed', detail: `Failed: ${failed.reason}: ${failed.message || ''}`.trim() };
      if (spec.suspend || isTrue(live, 'Suspended')) return { state: 'waiting', detail: 'suspended (waiting for admission)' };
      const last = (st.conditions || []).at(-1);
      return { state: 'waiting', detail: last ? `${last.type} ${last.status}: ${last.reason}: ${last.message || ''}` : 'no status yet' };
    }
    default:
      if (w.group === 'kubeflow.org' && TRAINING_KINDS.has(w.kind)) {
        const conds = st.conditions || [];
        if (isTrue(live, 'Succeeded')) return { state: 'ready', detail: 'Succeeded' };
        if (isTrue(live, 'Failed')) return { state: 'failed', detail: `Failed: ${condition(live, 'Failed')!.message}` };
        const last = conds[conds.length - 1];
        if (spec.runPolicy?.suspend) return { state: 'waiting', detail: 'suspended (waiting for admission)' };
        return { state: 'waiting', detail: last ? `${last.type}: ${last.message}` : 'no status yet' };
      }
      return { state: 'waiting', detail: `no assertion for ${key}` };
  }
}

/** Model states after which KServe stops trying (pkg/apis/serving/v1beta1/inference_service_status.go, v0.20.0). */
const ISVC_GAVE_UP = new Set(['InvalidSpec', 'BlockedByFailedLoad']);

/**
 * An InferenceService (KServe v0.20.0, Standard mode) is ready when its Ready condition is True
 * (PredictorReady ∧ IngressReady). Otherwise PredictorReady's own reason and message are reported:
 * once IngressReady turns False, Ready's message only says the ingress was not created
 * (inference_service_status.go). InvalidSpec / BlockedByFailedLoad are final.
 */
function inferenceServiceState(live: KubeObject): { state: WorkloadState; detail: string } {
  const model = live.status?.modelStatus || {};
  const modelState = `model ${model.transitionStatus || '?'}/${model.states?.activeModelState || '?'}`;
  if (isTrue(live, 'Ready')) return { state: 'ready', detail: `Ready, ${modelState}` };
  const predictor = condition(live, 'PredictorReady');
  const why = predictor ? `PredictorReady ${predictor.status}: ${predictor.reason || ''}: ${predictor.message || ''}` : `Ready ${condition(live, 'Ready')?.status ?? 'unknown'}: ${condition(live, 'Ready')?.message || 'no status yet'}`;
  const failure = model.lastFailureInfo ? `; ${model.lastFailureInfo.reason}: ${model.lastFailureInfo.message}` : '';
  return { state: ISVC_GAVE_UP.has(model.transitionStatus) ? 'failed' : 'waiting', detail: `${why}, ${modelState}${failure}` };
}

/**
 * Index of owner links: uid -> { kind, namespace, name, owners: [uid] }, from every object listed.
 * `roots` maps workload uid -> workload key; `rootOf(uid)` walks owners up to a workload.
 */
export function ownerIndex(objects: readonly KubeObject[], roots: ReadonlyMap<string, string>): OwnerIndex {
  const byUid: OwnerIndex['byUid'] = new Map();
  for (const o of objects) {
    const m = o.metadata || {};
    if (m.uid) byUid.set(m.uid, { kind: o.kind, namespace: m.namespace, name: m.name, owners: (m.ownerReferences || []).map((r: KubeObject) => r.uid) });
  }
  const rootOf = (uid: string): string | undefined => {
    const seen = new Set<string>();
    let cur = [uid];
    while (cur.length) {
      const next: string[] = [];
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
export function eventSource(e: KubeObject): string {
  return e.reportingController || e.source?.component || e.reportingComponent || 'unknown controller';
}

/** Events worth reporting against a workload: warnings, deduplicated, newest count kept. */
export function warningMessages(events: readonly KubeObject[]): string[] {
  const seen = new Map<string, string>();
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

export function blockingReasons(reasons: readonly string[]): string[] {
  return reasons.filter((r) => BLOCKING_MESSAGE.test(r));
}

/** Pods stuck before running: the scheduler's (or kubelet-less pod status's) own message. */
export function podProblems(pods: readonly KubeObject[]): string[] {
  const out: string[] = [];
  for (const p of pods) {
    const sched = (p.status?.conditions || []).find((c: KubeObject) => c.type === 'PodScheduled');
    if (sched && sched.status === 'False') out.push(`kube-scheduler: pod ${p.metadata.name}: ${sched.reason}: ${sched.message}`);
    if ((p.spec?.schedulingGates || []).length) out.push(`pod ${p.metadata.name} held by scheduling gates ${p.spec.schedulingGates.map((g: KubeObject) => g.name).join(', ')}`);
  }
  return out;
}

/** Kueue's own view of a job: its Workload's conditions as `kueue: ...` lines. */
export function kueueMessages(kueueWorkloads: readonly KubeObject[]): string[] {
  const out: string[] = [];
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

/**
 * Gang check for one poll: pods of a gang workload must not run while others of it cannot be
 * scheduled. Returns a message or undefined.
 */
export function partialStart(pods: readonly KubeObject[]): string | undefined {
  const running = pods.filter((p) => p.status?.phase === 'Running');
  const unschedulable = pods.filter((p) => (p.status?.conditions || []).some((c: KubeObject) => c.type === 'PodScheduled' && c.status === 'False'));
  if (running.length && unschedulable.length) {
    return `started partially: ${running.length} pod(s) running while ${unschedulable.length} cannot be scheduled (${unschedulable[0].metadata.name}: ${unschedulable[0].status.conditions.find((c: KubeObject) => c.type === 'PodScheduled')?.message})`;
  }
  return undefined;
}
