// Unit tests for verify:cluster's workload canary verdicts (canary-verdicts.ts) and the run's
// canary minimum (canaries.ts): each is caught only by the controller's own message for its reason.
import { canaryLine, exitCodeWithCanaries, missedSuffix } from '../../../scripts/verify/core/canaries';
import { CLUSTER_CANARY_MINIMUM, clusterCanaryMinimum } from '../../../scripts/verify/cluster/canaries';
import { type CanaryObservation, unmanagedQueueReason, WORKLOAD_CANARY_NAMES, workloadCanaryVerdict } from '../../../scripts/verify/cluster/canary-verdicts';

const view = (state: 'ready' | 'waiting' | 'failed', reasons: string[], extra: Partial<NonNullable<CanaryObservation['view']>> = {}) => ({ state, detail: state, reasons, pods: [], kueueWorkloads: [], ...extra });
const obs = (v: CanaryObservation['view'], extra: Partial<CanaryObservation> = {}): CanaryObservation => ({ view: v, extraReasons: [], maxPods: 0, ...extra });
const verdict = (name: string, o: CanaryObservation) => workloadCanaryVerdict({ name, proves: 'x' }, o);

describe('workload canary verdicts', () => {
  test('off its pool: caught by the placement line against the construct, not by a nodeSelector echo', () => {
    const line = 'placement: pod off-pool-x on node train-cpu-0 of pool train-cpu, but its construct canary-off-pool/off-pool rendered cpu with 0 GPU(s)';
    expect(verdict('workload-off-its-pool', obs(view('ready', [line])))).toMatchObject({ caught: true, seen: line });
    const missed = verdict('workload-off-its-pool', obs(view('ready', ['pod p on node n of pool a, but its nodeSelector asks for b'])));
    expect(missed).toMatchObject({ caught: false });
    expect(missed.seen).toMatch(/^no pod reported off the pool its construct was given \(ready: ready\)/);
  });

  test('GPU pod without GPU request: caught only by the no-GPU-on-a-GPU-node line', () => {
    const line = 'placement: pod g-1 on node gpu-l4-0 of pool gpu-l4 requests no nvidia.com/gpu but runs on a GPU node, but its construct c rendered gpu-l4 with 1 GPU(s)';
    expect(verdict('gpu-pod-without-gpu-request', obs(view('ready', [line]))).caught).toBe(true);
    expect(verdict('gpu-pod-without-gpu-request', obs(view('ready', ['placement: pod g-1 on node cpu-0 of pool cpu, but its construct c rendered gpu-l4 with 1 GPU(s)']))).caught).toBe(false);
  });

  test('RWO claim on two nodes: the attach/detach controller\'s Multi-Attach event; attacher errors are named when missed', () => {
    const line = 'attachdetach-controller: Pod rwo-2: FailedAttachVolume: Multi-Attach error for volume "pv-verify-canaries-rwo-data-10000" Volume is already used by pod(s) rwo-1';
    expect(verdict('rwo-claim-on-two-nodes', obs(view('ready', [line]))).caught).toBe(true);
    const missed = verdict('rwo-claim-on-two-nodes', obs(view('ready', []), { attacherErrors: ['marking VolumeAttachment a attached: HTTP 403 forbidden'] }));
    expect(missed.caught).toBe(false);
    expect(missed.seen).toMatch(/the stand-in attacher failed: marking VolumeAttachment a attached: HTTP 403/);
  });

  test("pod violating Pod Security: the Job controller's FailedCreate with the admission's message, and never a pod", () => {
    const line = 'job-controller: Job privilege-escalation: FailedCreate: Error creating: pods "privilege-escalation-x7k2p" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "main" must set securityContext.allowPrivilegeEscalation=false)';
    expect(verdict('pod-violates-pod-security', obs(view('waiting', [line]))).caught).toBe(true);
    expect(verdict('pod-violates-pod-security', obs(view('waiting', [line]), { maxPods: 1 })).caught).toBe(false);
    const other = verdict('pod-violates-pod-security', obs(view('waiting', ['job-controller: Job p: FailedCreate: Error creating: pods "p-1" is forbidden: exceeded quota: q'])));
    expect(other).toMatchObject({ caught: false });
    expect(other.seen).toMatch(/^no FailedCreate "violates PodSecurity" from the Job controller/);
  });

  test('queue label Kueue does not manage: flagged, and ready without a Kueue Workload', () => {
    const body = { metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'q' } } };
    const reason = unmanagedQueueReason({ group: 'apps', version: 'v1', kind: 'Deployment', apiVersion: 'apps/v1', body }, new Set(['batch/job']))!;
    expect(reason).toBe("kueue: labelled for LocalQueue q, but Kueue's configuration does not manage framework deployment (integrations.frameworks: batch/job), so Kueue ignores it");
    expect(unmanagedQueueReason({ group: 'batch', version: 'v1', kind: 'Job', apiVersion: 'batch/v1', body }, new Set(['batch/job']))).toBeUndefined();
    expect(unmanagedQueueReason({ group: 'apps', version: 'v1', kind: 'Deployment', apiVersion: 'apps/v1', body: {} }, new Set())).toBeUndefined();
    expect(verdict('queue-label-kueue-does-not-manage', obs(view('ready', []), { extraReasons: [reason] })).caught).toBe(true);
    expect(verdict('queue-label-kueue-does-not-manage', obs(view('ready', [], { kueueWorkloads: [{}] }), { extraReasons: [reason] })).caught).toBe(false);
    expect(verdict('queue-label-kueue-does-not-manage', obs(view('ready', []))).caught).toBe(false);
  });

  // kube-scheduler's FitError for the pod's reason, and no pod placed
  test.each([
    ['pod-larger-than-any-node', 'kube-scheduler: pod big-1: Unschedulable: 0/19 nodes are available: 4 Insufficient cpu, 15 node(s) didn\'t match Pod\'s node affinity/selector.',
      'kube-scheduler: pod big-1: Unschedulable: 0/19 nodes are available: 19 node(s) had untolerated taint'],
    ['dra-claim-without-device', 'kube-scheduler: pod dra-no-device-node-0-0-x: Unschedulable: 0/24 nodes are available: 2 cannot allocate all claims, 22 node(s) didn\'t match Pod\'s node affinity/selector.',
      'kube-scheduler: pod p: Unschedulable: 0/24 nodes are available: 24 Insufficient cpu.'],
  ])('%s: kube-scheduler\'s Unschedulable message for its reason, and no pod placed', (name, line, other) => {
    expect(verdict(name, obs(view('waiting', [line]))).caught).toBe(true);
    expect(verdict(name, obs(view('waiting', [line], { pods: [{ spec: { nodeName: 'node-0' } }] }))).caught).toBe(false);
    expect(verdict(name, obs(view('waiting', [other]))).caught).toBe(false);
  });

  // Kueue's message for the gang's Workload, and never a pod
  const quota = (workload: string, podSet: string) => `kueue: Workload ${workload}: QuotaReserved False: Pending: couldn't assign flavors to pod set ${podSet}: insufficient quota for cpu in flavor train-cpu, previously considered podsets requests (0) + current podset request (3) > maximum capacity (2)`;
  const unusedQuota = 'kueue: Workload w: QuotaReserved False: Pending: insufficient unused quota for cpu in flavor f, 1 more needed';
  test.each([
    ['gang-larger-than-its-queue', quota('tfjob-gang-1', 'worker'), unusedQuota],
    ['trainjob-larger-than-its-queue', quota('trainjob-trainjob-gang-over-queue-1', 'node'), unusedQuota],
    ['tas-gang-larger-than-its-domain', 'kueue: Workload trainjob-tas-canary-gang-x: QuotaReserved False: Pending: couldn\'t assign flavors to pod set node: topology "verify-tas" allows to fit only 2 out of 3 pod(s)', unusedQuota],
  ])('%s: Kueue\'s message and never a pod', (name, line, other) => {
    expect(verdict(name, obs(view('waiting', [line]))).caught).toBe(true);
    const started = verdict(name, obs(view('waiting', [line]), { maxPods: 2 }));
    expect(started).toMatchObject({ caught: false });
    expect(started.seen).toMatch(/^2 pod\(s\) of the gang were created/);
    expect(verdict(name, obs(view('waiting', [other]))).caught).toBe(false);
  });

  test('nothing observed, or an unknown canary, is a miss', () => {
    for (const name of WORKLOAD_CANARY_NAMES) expect(verdict(name, obs(undefined)).caught).toBe(false);
    expect(verdict('nonsense', obs(view('ready', [])))).toMatchObject({ caught: false, seen: 'no verdict for this canary name' });
  });
});

describe('the run with its canaries', () => {
  const caught = (name: string) => ({ name, proves: 'p', caught: true, seen: 's' });
  test('twelve canaries in a full run; fewer without Argo, Kueue or Trainer', () => {
    expect(CLUSTER_CANARY_MINIMUM).toBe(12);
    expect(WORKLOAD_CANARY_NAMES).toHaveLength(10);
    expect(clusterCanaryMinimum({ argo: true, kueue: true, trainer: true })).toBe(12);
    expect(clusterCanaryMinimum({ argo: false, kueue: true, trainer: true })).toBe(10);
    expect(clusterCanaryMinimum({ argo: true, kueue: false, trainer: true })).toBe(8);
    expect(clusterCanaryMinimum({ argo: true, kueue: true, trainer: false })).toBe(9);
  });

  test('a missed canary fails a clean run, and so does one not run', () => {
    const all = [...WORKLOAD_CANARY_NAMES, 'workflow-step-role-lacks-verb', 'workflow-rerun-reuses-finished-job'].map(caught);
    expect(canaryLine(all)).toBe('canaries: 12/12 caught');
    expect(exitCodeWithCanaries(0, all, 12)).toBe(0);
    const missed = [...all.slice(1), { ...all[0], caught: false }];
    expect(canaryLine(missed)).toBe('canaries: 11/12 caught');
    expect(exitCodeWithCanaries(0, missed, 12)).toBe(1);
    expect(missedSuffix(missed, 12)).toBe(', 1 canary not caught');
    expect(exitCodeWithCanaries(0, all.slice(1), 12)).toBe(1);
    expect(missedSuffix(all.slice(1), 12)).toBe(', 1 canary not run');
  });
});
