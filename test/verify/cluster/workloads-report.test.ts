// Unit tests for the cluster rung's workloads.ts, observe.ts (remember), coverage.ts, report.ts and options.ts (no cluster needed).
import * as wl from '../../../scripts/verify/cluster/workloads';
import * as observe from '../../../scripts/verify/cluster/observe';
import * as coverage from '../../../scripts/verify/cluster/coverage';
import * as report from '../../../scripts/verify/cluster/report';
import * as args from '../../../scripts/verify/cluster/options';
import { UsageError } from '../../../scripts/verify/core/args';
import { BUILTIN_GROUPS } from '../../../scripts/verify/core/kinds';

describe('verify-cluster workloads, coverage and report', () => {

  const cond = (type: string, status: string, extra: any = {}) => ({ type, status, ...extra });

  test('evaluate: Deployment needs Available and every replica ready', () => {
    const w = { group: 'apps', kind: 'Deployment' };
    expect(wl.evaluate(w, { spec: { replicas: 2 }, status: { readyReplicas: 2, conditions: [cond('Available', 'True')] } }).state).toBe('ready');
    expect(wl.evaluate(w, { spec: { replicas: 2 }, status: { readyReplicas: 1, conditions: [cond('Available', 'True')] } })).toEqual({ state: 'waiting', detail: 'Available True, 1/2 ready' });
    expect(wl.evaluate(w, undefined).state).toBe('waiting');
  });

  test('evaluate: Job Complete / Failed / suspended by Kueue', () => {
    const w = { group: 'batch', kind: 'Job' };
    expect(wl.evaluate(w, { spec: { completions: 4 }, status: { succeeded: 4, conditions: [cond('Complete', 'True')] } })).toEqual({ state: 'ready', detail: 'Complete, 4/4 succeeded' });
    expect(wl.evaluate(w, { spec: {}, status: { conditions: [cond('Failed', 'True', { reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' })] } }).state).toBe('failed');
    expect(wl.evaluate(w, { spec: { suspend: true }, status: {} }).detail).toMatch(/suspended/);
  });

  test('evaluate: training jobs, HPA target resolution, PDB pod selection, Kueue queues', () => {
    expect(wl.evaluate({ group: 'kubeflow.org', kind: 'TFJob' }, { spec: {}, status: { conditions: [cond('Created', 'True'), cond('Succeeded', 'True')] } }).state).toBe('ready');
    expect(wl.evaluate({ group: 'kubeflow.org', kind: 'MPIJob' }, { spec: {}, status: { conditions: [cond('Created', 'True', { message: 'MPIJob x is created.' })] } })).toEqual({ state: 'waiting', detail: 'Created: MPIJob x is created.' });
    const hpa = wl.evaluate({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }, { status: { conditions: [cond('AbleToScale', 'True', { reason: 'SucceededGetScale' }), cond('ScalingActive', 'False', { reason: 'FailedGetResourceMetric' })] } });
    expect(hpa.state).toBe('ready');
    expect(hpa.detail).toMatch(/SucceededGetScale.*no metrics API/);
    expect(wl.evaluate({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' }, { status: { conditions: [cond('AbleToScale', 'False', { reason: 'FailedGetScale', message: 'deployments/scale.apps "x" not found' })] } }).state).toBe('failed');
    expect(wl.evaluate({ group: 'policy', kind: 'PodDisruptionBudget' }, { status: { expectedPods: 0 } }).detail).toBe('selects no pods');
    expect(wl.evaluate({ group: 'kueue.x-k8s.io', kind: 'LocalQueue' }, { status: { conditions: [cond('Active', 'False', { reason: 'ClusterQueueDoesNotExist', message: "Can't submit new workloads to clusterQueue" })] } }).detail).toMatch(/ClusterQueueDoesNotExist/);
  });

  test('ownerIndex walks owner references up to the workload', () => {
    const objs = [
      { kind: 'ReplicaSet', metadata: { uid: 'rs', name: 'd-1', ownerReferences: [{ uid: 'dep' }] } },
      { kind: 'Pod', metadata: { uid: 'pod', name: 'd-1-x', ownerReferences: [{ uid: 'rs' }] } },
      { kind: 'Pod', metadata: { uid: 'orphan', name: 'o' } },
    ];
    const idx = wl.ownerIndex(objs, new Map([['dep', 'D']]));
    expect(idx.rootOf('pod')).toBe('D');
    expect(idx.rootOf('dep')).toBe('D');
    expect(idx.rootOf('orphan')).toBeUndefined();
  });

  test('remember: a pod deleted since an earlier poll still leads to its workload (its events are kept)', () => {
    const seen = new Map();
    const job = { kind: 'Job', metadata: { uid: 'job', name: 'j', ownerReferences: [{ uid: 'tf' }] } };
    const pod = { kind: 'Pod', metadata: { uid: 'pod-1', name: 'j-1', namespace: 'ns', ownerReferences: [{ uid: 'job' }] }, spec: { big: true } };
    expect(observe.remember(seen, [job, pod])).toEqual([job, pod]);
    // next poll: the pod is gone
    const later = observe.remember(seen, [job]);
    expect(later).toEqual([job, { kind: 'Pod', metadata: { uid: 'pod-1', namespace: 'ns', name: 'j-1', ownerReferences: [{ uid: 'job' }] } }]);
    expect(wl.ownerIndex(later, new Map([['tf', 'TF']])).rootOf('pod-1')).toBe('TF');
    expect(wl.ownerIndex([job], new Map([['tf', 'TF']])).rootOf('pod-1')).toBeUndefined(); // without memory: dropped
  });

  test('messages: warnings deduplicated with their controller, scheduler and Kueue verdicts', () => {
    const ev = { type: 'Warning', reason: 'FailedCreate', message: 'pods "x" is forbidden: violates PodSecurity', involvedObject: { kind: 'Job', name: 'j' }, source: { component: 'job-controller' } };
    expect(wl.warningMessages([ev, ev, { ...ev, type: 'Normal' }])).toEqual(['job-controller: Job j: FailedCreate: pods "x" is forbidden: violates PodSecurity']);
    const pod = { metadata: { name: 'p' }, spec: { nodeName: 'cpu-0', nodeSelector: { pool: 'gpu' } }, status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', { reason: 'Unschedulable', message: '0/3 nodes are available' })] } };
    expect(wl.podProblems([pod])).toEqual(['kube-scheduler: pod p: Unschedulable: 0/3 nodes are available']);
    const workload = { metadata: { name: 'w' }, status: { conditions: [cond('QuotaReserved', 'False', { reason: 'Inadmissible', message: "LocalQueue training doesn't exist" })] } };
    expect(wl.kueueMessages([workload])).toEqual(["kueue: Workload w: QuotaReserved False: Inadmissible: LocalQueue training doesn't exist"]);
  });

  test('blockingReasons: volume attach/mount failures fail a workload even when kwok made it ready', () => {
    const attach = 'attachdetach-controller: Pod p: FailedAttachVolume: Multi-Attach error for volume "pv" Volume is already used by pod(s) q';
    expect(wl.blockingReasons([attach, 'default-scheduler: Pod p: FailedScheduling: 0/7 nodes are available'])).toEqual([attach]);
  });

  test('partialStart: running pods next to unschedulable ones of the same gang', () => {
    const running = { metadata: { name: 'a' }, status: { phase: 'Running', conditions: [cond('PodScheduled', 'True')] } };
    const stuck = { metadata: { name: 'b' }, status: { phase: 'Pending', conditions: [cond('PodScheduled', 'False', { message: 'Insufficient nvidia.com/gpu' })] } };
    expect(wl.partialStart([running, stuck])).toMatch(/1 pod\(s\) running while 1 cannot be scheduled \(b: Insufficient nvidia.com\/gpu\)/);
    expect(wl.partialStart([running])).toBeUndefined();
  });

  const rec = (group: string, kind: string, body: any) => ({ group, kind, body });

  test('stackCoverage: kinds and scheduler names the stack operators do not serve', () => {
    const objs = [
      rec('kubeflow.org', 'TFJob', { spec: { tfReplicaSpecs: { W: { template: { spec: { schedulerName: 'volcano', containers: [] } } } } } }),
      rec('keda.sh', 'ScaledObject', {}),
      rec('example.com', 'Widget', {}),
      rec('apps', 'Deployment', { spec: { template: { spec: { containers: [] } } } }),
      rec('serving.kserve.io', 'InferenceService', {}),
    ];
    const p = coverage.stackCoverage(objs, ['training-operator', 'kserve'], BUILTIN_GROUPS);
    expect(p.get(objs[0])).toEqual([expect.stringMatching(/schedulerName 'volcano', served by 'volcano', which the stack does not install/)]);
    expect(p.get(objs[1])).toEqual(["keda.sh is served by 'keda', which the stack does not install (operators: training-operator, kserve)"]);
    expect(p.get(objs[2])).toEqual([expect.stringMatching(/no operator of the stack serves example.com/)]);
    expect(p.has(objs[3])).toBe(false);
    expect(p.has(objs[4])).toBe(false);
    expect(coverage.stackCoverage(objs.slice(0, 1), ['training-operator', 'volcano'], BUILTIN_GROUPS).size).toBe(0);
    // the release table's crdGroups win over the built-in map
    const groups = coverage.groupOperators([{ name: 'widget-operator', crdGroups: ['example.com'] }, { name: 'x', crdGroups: null }]);
    expect(groups['example.com']).toBe('widget-operator');
    expect(coverage.stackCoverage(objs.slice(2, 3), ['widget-operator'], BUILTIN_GROUPS, groups).size).toBe(0);
  });

  test('report: table, failure list and the summary line', () => {
    const rows = [
      { id: 'Deployment ns/a', origin: 'serving.k8s.yaml', verdict: report.VERDICTS.READY, pools: ['cpu'], detail: 'Available True, 2/2 ready', reasons: [] },
      { id: 'MPIJob ns/h', origin: 'training.k8s.yaml', verdict: report.VERDICTS.FAILED, pools: [], detail: 'Created', reasons: ['mpi: forbidden'] },
      { id: 'Job ns/q', origin: 'scenario', verdict: report.VERDICTS.PENDING, pools: ['cpu'], detail: 'pending', reasons: [] },
    ];
    const table = report.workloadTable(rows);
    expect(table[0]).toMatch(/^workload\s+from\s+verdict\s+pool\(s\)\s+detail$/);
    expect(table).toHaveLength(4);
    expect(report.failureLines(rows)).toEqual(['  FAIL MPIJob ns/h (training.k8s.yaml): Created', '       - mpi: forbidden']);
    expect(report.summaryLine(report.counts(rows))).toBe('cluster: 1 workloads ready, 1 failed, 1 pending-as-expected');
    // What runs no pod (a namespace finalized, an HPA on its target) is not a workload ready; its failures still count.
    const objects = [...rows, { id: 'Namespace ns', origin: 'scenario', verdict: report.VERDICTS.READY, pools: [], detail: 'finalized', counted: 'object' as const },
      { id: 'HorizontalPodAutoscaler ns/h', origin: 'x', verdict: report.VERDICTS.FAILED, pools: [], detail: 'no target', counted: 'object' as const }];
    expect(report.counts(objects)).toEqual({ ready: 1, failed: 2, pending: 1, objects: 1 });
    expect(report.objectsLine(report.counts(objects))).toMatch(/^objects: 1 resolved without pods of their own/);
  });

  test('parseArgs', () => {
    expect(args.parseArgs([])).toMatchObject({ dist: 'dist', build: true, scenarios: true, timeout: 240 });
    expect(args.parseArgs(['--no-build', '--timeout=30', '--keep-logs', 'l', '--no-scenarios'])).toMatchObject({ build: false, timeout: 30, keepLogs: 'l', scenarios: false });
    expect(() => args.parseArgs(['--timeout', '-1'])).toThrow(/positive/);
    expect(() => args.parseArgs(['--bogus'])).toThrow(UsageError);
  });
});

describe('verify-cluster lists fail closed', () => {
  const { list } = require('../../../scripts/verify/cluster/observe');
  const client = (...answers: { status: number; body?: any }[]) => ({ request: jest.fn(async () => answers.shift() ?? { status: 500, body: {} }) });

  test('items on 200; a failed list is retried once, then stops the run instead of reading as empty', async () => {
    await expect(list(client({ status: 200, body: { items: [{ kind: 'Pod' }] } }), '/api/v1/pods')).resolves.toEqual([{ kind: 'Pod' }]);
    await expect(list(client({ status: 500, body: {} }, { status: 200, body: { items: [] } }), '/api/v1/pods')).resolves.toEqual([]);
    await expect(list(client({ status: 500, body: { message: 'etcd timeout' } }, { status: 500, body: { message: 'etcd timeout' } }), '/api/v1/events')).rejects.toThrow(/listing \/api\/v1\/events failed: .*not read as empty/);
  });

  test('an optional group that is not served lists nothing; a required one does not', async () => {
    await expect(list(client({ status: 404, body: {} }), '/apis/jobset.x-k8s.io/v1alpha2/jobsets', { optional: true })).resolves.toEqual([]);
    await expect(list(client({ status: 404, body: {} }, { status: 404, body: {} }), '/apis/kueue.x-k8s.io/v1beta2/workloads')).rejects.toThrow(/failed/);
  });
});
