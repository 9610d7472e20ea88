// Verdicts of verify:cluster's workload canaries (canary-inputs.ts builds them, canary-run.ts runs
// them): each is caught only when the controller's own message for its stated reason is seen.
// Pure (unit-tested by test/verify/cluster/canaries*.test.ts).

import type { CanaryResult } from '../core/canaries';
import type { KubeObject } from '../core/objects';
import type { WorkloadView } from './observe';
import { kueueFrameworkOf } from './operators';
import { PLACEMENT_PREFIX, type WorkloadIntent } from './placement';

/** What cluster-inputs.ts prints per workload canary. */
export interface WorkloadCanaryInput {
  readonly name: string;
  readonly proves: string;
  readonly namespace: string;
  /** The object whose observation decides the canary. */
  readonly workload: { apiVersion: string; kind: string; name: string };
  readonly objects: KubeObject[];
  /** The pool and GPUs its construct was given, recorded before any edit. */
  readonly intent: WorkloadIntent | null;
}

/** What the harness saw of one canary: the last view, extra reasons, pods ever seen, attacher errors. */
export interface CanaryObservation {
  view?: Pick<WorkloadView, 'state' | 'detail' | 'reasons' | 'pods' | 'kueueWorkloads'>;
  extraReasons: readonly string[];
  /** Most pods of the workload seen in one poll. */
  maxPods: number;
  /** Errors of the stand-in CSI attacher (components.ts startAttacher). */
  attacherErrors?: readonly string[];
}

/** The LocalQueue an object is labelled for, its Kueue framework, and whether Kueue's configuration manages it; undefined without a queue label. */
function queueLabelOf(o: { group: string; version: string; kind: string; body: KubeObject }, frameworks: ReadonlySet<string>): { queue: string; fw?: string; managed: boolean } | undefined {
  const queue: string | undefined = o.body.metadata?.labels?.['kueue.x-k8s.io/queue-name'];
  if (!queue) return undefined;
  const fw = kueueFrameworkOf(o.group, o.version, o.kind);
  return { queue, fw, managed: Boolean(fw && frameworks.has(fw)) };
}

/** The LocalQueue an object is labelled for, when Kueue's configuration manages its kind; undefined otherwise. */
export function managedQueueOf(o: { group: string; version: string; kind: string; body: KubeObject }, frameworks: ReadonlySet<string>): string | undefined {
  const label = queueLabelOf(o, frameworks);
  return label?.managed ? label.queue : undefined;
}

/** The harness's line for an object labelled for a LocalQueue whose kind Kueue's configuration does not manage; undefined otherwise. */
export function unmanagedQueueReason(o: { group: string; version: string; kind: string; apiVersion: string; body: KubeObject }, frameworks: ReadonlySet<string>): string | undefined {
  const label = queueLabelOf(o, frameworks);
  if (!label || label.managed) return undefined;
  const { queue, fw } = label;
  return `kueue: labelled for LocalQueue ${queue}, but Kueue's configuration does not manage ${fw ? `framework ${fw}` : `${o.apiVersion} ${o.kind}`} (integrations.frameworks: ${[...frameworks].join(', ')}), so Kueue ignores it`;
}

type Check = (obs: CanaryObservation) => { caught: boolean; seen?: string; why: string };

const find = (obs: CanaryObservation, re: RegExp) => [...obs.extraReasons, ...(obs.view?.reasons || [])].find((r) => re.test(r));

/** Caught when Kueue's `message` (after its Workload's QuotaReserved False) is seen and no pod of the gang was ever created. */
const neverAdmitted = (message: RegExp, expected: string): Check => (obs) => {
  const seen = find(obs, new RegExp(`^kueue: Workload \\S+: QuotaReserved False: .*${message.source}`));
  return { caught: Boolean(seen) && obs.maxPods === 0, seen, why: obs.maxPods ? `${obs.maxPods} pod(s) of the gang were created` : `no '${expected}' from Kueue` };
};

/** Caught when kube-scheduler's Unschedulable FitError carries `reason` and no pod was placed. */
const unschedulable = (reason: RegExp, expected: string): Check => (obs) => {
  const seen = find(obs, new RegExp(`^kube-scheduler: pod \\S+: Unschedulable: 0/\\d+ nodes are available:.*${reason.source}`));
  const ran = obs.view?.state === 'ready' || (obs.view?.pods || []).some((p) => p.spec?.nodeName);
  return { caught: Boolean(seen) && !ran, seen, why: ran ? 'a pod was placed' : `no ${expected} from kube-scheduler` };
};

// kueue v0.19.2 pkg/scheduler/flavorassigner/flavorassigner.go ("insufficient quota for %s in
// flavor %s, ... > maximum capacity (%s)"): a gang above its queue's nominal quota
const gangNeverAdmitted = neverAdmitted(/insufficient quota for \S+ in flavor \S+, .*> maximum capacity/, 'insufficient quota ... > maximum capacity');

/** Per canary name: the message that catches it, and why it was missed otherwise. */
const CHECKS: Record<string, Check> = {
  // placement.ts, against the construct's pool
  'workload-off-its-pool': (obs) => {
    const seen = find(obs, new RegExp(`^${PLACEMENT_PREFIX}pod \\S+ on node \\S+ of pool \\S+, but its construct`));
    return { caught: Boolean(seen), seen, why: 'no pod reported off the pool its construct was given' };
  },
  'gpu-pod-without-gpu-request': (obs) => {
    const seen = find(obs, new RegExp(`^${PLACEMENT_PREFIX}pod \\S+ on node \\S+ of pool \\S+ requests no nvidia.com/gpu but runs on a GPU node`));
    return { caught: Boolean(seen), seen, why: 'no pod without GPU request reported on a GPU node' };
  },
  // kubernetes v1.36.3 pkg/controller/volume/attachdetach/reconciler/reconciler.go reportMultiAttachError
  'rwo-claim-on-two-nodes': (obs) => {
    const seen = find(obs, /FailedAttachVolume: Multi-Attach error for volume "[^"]+" Volume is already (used by pod\(s\)|exclusively attached)/);
    const errors = obs.attacherErrors?.length ? `; the stand-in attacher failed: ${obs.attacherErrors.slice(0, 2).join('; ')}` : '';
    return { caught: Boolean(seen), seen, why: `no Multi-Attach error from the attach/detach controller${errors}` };
  },
  // kubernetes v1.36.3 pkg/scheduler/framework/types.go (FitError, "0/%v nodes are available"),
  // plugins/noderesources/fit.go ("Insufficient %v")
  'pod-larger-than-any-node': unschedulable(/Insufficient (cpu|memory)/, "Unschedulable 'Insufficient' message"),
  // kubernetes v1.36.3 staging/src/k8s.io/pod-security-admission/admission/admission.go (the
  // "violates PodSecurity" forbidden message), reported by the Job controller as FailedCreate
  'pod-violates-pod-security': (obs) => {
    const seen = find(obs, /FailedCreate: Error creating: pods "[^"]*" is forbidden: violates PodSecurity "restricted:[^"]+": allowPrivilegeEscalation != false/);
    return { caught: Boolean(seen) && obs.maxPods === 0, seen, why: obs.maxPods ? `${obs.maxPods} pod(s) were created` : 'no FailedCreate "violates PodSecurity" from the Job controller' };
  },
  // the harness's own line (Kueue says nothing about what it ignores); Kueue's silence is checked too
  'queue-label-kueue-does-not-manage': (obs) => {
    const seen = find(obs, /^kueue: labelled for LocalQueue \S+, but Kueue's configuration does not manage/);
    const ignored = obs.view?.state === 'ready' && !(obs.view.kueueWorkloads || []).length;
    return { caught: Boolean(seen) && ignored, seen: seen && `${seen}; it became ready with no Kueue Workload`, why: seen ? 'Kueue acted on it, or it never became ready' : 'the unmanaged queue label was not flagged' };
  },
  // kubernetes v1.36.3 pkg/scheduler/framework/plugins/dynamicresources (its unschedulable reason
  // when no device of a node satisfies a claim), reported through the scheduler's FitError
  'dra-claim-without-device': unschedulable(/cannot allocate all claims/, "'cannot allocate all claims'"),
  // kueue v0.19.2 pkg/cache/scheduler/tas_flavor_snapshot.go: a required level that cannot hold the
  // pod set ("topology ... allows to fit only N out of M pod(s)")
  'tas-gang-larger-than-its-domain': neverAdmitted(/allows to fit only \d+ out of \d+ pod\(s\)/, 'allows to fit only N out of M pod(s)'),
  'gang-larger-than-its-queue': gangNeverAdmitted,
  'trainjob-larger-than-its-queue': gangNeverAdmitted,
};

/** Canary names this module can decide. */
export const WORKLOAD_CANARY_NAMES = Object.keys(CHECKS);

/** The verdict of one workload canary; an unknown name, or nothing observed, is a miss. */
export function workloadCanaryVerdict(input: Pick<WorkloadCanaryInput, 'name' | 'proves'>, obs: CanaryObservation): CanaryResult {
  const check = CHECKS[input.name];
  if (!check) return { name: input.name, proves: input.proves, caught: false, seen: 'no verdict for this canary name' };
  const r = check(obs);
  const state = obs.view ? `${obs.view.state}: ${obs.view.detail}` : 'not observed';
  return { name: input.name, proves: input.proves, caught: r.caught, seen: r.caught ? (r.seen ?? '').slice(0, 300) : `${r.why} (${state})` };
}
