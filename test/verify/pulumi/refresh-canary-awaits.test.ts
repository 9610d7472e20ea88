// The verdict code verify:pulumi added for issue 21: preview and up compared URN by URN, refresh
// changes read from engine events, the drift canary (a missed canary fails the run), and the
// post-up check of the provider's awaits. Engine events and live objects are written here in the
// shapes Pulumi v3.248.0 and kube-apiserver v1.36.3 send.
import { exitCodeWithCanaries, missedSuffix } from '../../../scripts/verify/core/canaries';
import { awaitProblem, checkAwaits, kindCounts, waitsForEndpoints } from '../../../scripts/verify/pulumi/awaits';
import type { KubeClient } from '../../../scripts/verify/pulumi/kube';
import { DRIFT_CANARY, driftPatches, judgeDrift, PULUMI_CANARY_MINIMUM, pickDriftTarget } from '../../../scripts/verify/pulumi/drift-canary';
import { planDifferences, refreshChanges, refreshLines } from '../../../scripts/verify/pulumi/engine-results';
import { asDeployed, quantitiesAsStored, suspendLeftToKueue } from '../../../stacks/platform/platform-charts';

const CM_TYPE = 'kubernetes:core/v1:ConfigMap';
const urn = (name: string, type = CM_TYPE) => `urn:pulumi:local::ml-platform::${type}::${name}`;
/** A refresh's resOutputsEvent: op is the step's result op (same, update, delete). */
const outputs = (u: string, op: string, extra: Record<string, unknown> = {}) => ({ resOutputsEvent: { metadata: { urn: u, op, type: CM_TYPE, ...extra } } });
const stateCm = (name: string, data?: Record<string, unknown>, namespace = 'ops') => ({
  urn: urn(name),
  type: CM_TYPE,
  inputs: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...(data ? { data } : {}) },
  outputs: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, ...(data ? { data } : {}) },
});

describe('preview against up, resource by resource', () => {
  test('the same ops on the same URNs: no difference', () => {
    const ops = new Map([[urn('a'), 'create'], [urn('b'), 'create']]);
    expect(planDifferences(ops, new Map(ops))).toEqual([]);
  });

  test('two different sets of the same size differ (a count would not see it)', () => {
    const planned = new Map([[urn('a'), 'create'], [urn('b'), 'create']]);
    const done = new Map([[urn('a'), 'create'], [urn('c'), 'create']]);
    expect(planDifferences(planned, done)).toEqual([`${urn('b')}: planned create, up none`, `${urn('c')}: planned none, up create`]);
  });

  test('the same URN with another op differs', () => {
    expect(planDifferences(new Map([[urn('a'), 'create']]), new Map([[urn('a'), 'replace']]))).toEqual([`${urn('a')}: planned create, up replace`]);
  });
});

describe('refresh changes from engine events', () => {
  test('only non-same result ops count; the stack and the refresh pre-step are ignored', () => {
    const events = [
      { resourcePreEvent: { metadata: { urn: urn('a'), op: 'refresh', type: CM_TYPE } } },
      outputs(urn('a'), 'same'),
      outputs(urn('b'), 'update', { detailedDiff: { 'data.k': { kind: 'update' } }, diffs: ['data'] }),
      outputs(urn('c'), 'delete'),
      { resOutputsEvent: { metadata: { urn: 'urn:stack', op: 'update', type: 'pulumi:pulumi:Stack' } } },
    ];
    const changes = refreshChanges(events);
    expect([...changes.entries()]).toEqual([[urn('b'), { op: 'update', paths: ['data.k'] }], [urn('c'), { op: 'delete', paths: [] }]]);
    expect(refreshLines(changes)).toEqual([`update ${urn('b')} (data.k)`, `delete ${urn('c')}`]);
  });

  test('without a detailedDiff the diff keys are the paths', () => {
    expect(refreshChanges([outputs(urn('b'), 'update', { diffs: ['data'] })]).get(urn('b'))).toEqual({ op: 'update', paths: ['data'] });
  });
});

describe('drift canary', () => {
  const deployment = { resources: [stateCm('z-settings', { mode: 'fast' }), stateCm('a-empty'), stateCm('m-config', { 'config.yaml': 'x: 1', n: 3 })] };
  const target = pickDriftTarget(deployment)!;

  test('picks the first ConfigMap by URN whose inputs set a string data value, skipping excluded ones', () => {
    expect(target).toMatchObject({ urn: urn('m-config'), id: '/ConfigMap ops/m-config', key: 'config.yaml', value: 'x: 1' });
    expect(pickDriftTarget(deployment, new Set(['/ConfigMap ops/m-config']))).toMatchObject({ urn: urn('z-settings'), key: 'mode' });
    expect(pickDriftTarget({ resources: [stateCm('a-empty')] })).toBeUndefined();
  });

  test('the drift changes the value; the restore puts the program value back', () => {
    const { drift, restore } = driftPatches(target);
    expect(drift.data['config.yaml']).not.toBe('x: 1');
    expect(restore).toEqual({ data: { 'config.yaml': 'x: 1' } });
  });

  test('caught: one update, on the drifted resource, naming the drifted key', () => {
    const r = judgeDrift(target, refreshChanges([outputs(urn('m-config'), 'update', { detailedDiff: { 'data["config.yaml"]': { kind: 'update' } } })]));
    expect(r).toMatchObject({ name: DRIFT_CANARY.name, caught: true });
    expect(r.seen).toBe('/ConfigMap ops/m-config data.config.yaml changed through the apiserver: refresh shows 1 update, on that resource (data["config.yaml"])');
    expect(judgeDrift(target, new Map([[urn('m-config'), { op: 'update', paths: ['data'] }]])).caught).toBe(true);
  });

  test.each([
    ['refresh saw nothing', new Map(), /refresh did not show it \(0 changed\)/],
    ['refresh saw another resource only', new Map([[urn('other'), { op: 'update', paths: ['data.k'] }]]), /did not show it \(it changed 1 other resource\(s\): .*::other\)/],
    ['refresh saw it and another', new Map([[urn('m-config'), { op: 'update', paths: ['data'] }], [urn('other'), { op: 'update', paths: [] }]]), /but also 1 other resource/],
    ['refresh saw it as deleted', new Map([[urn('m-config'), { op: 'delete', paths: [] }]]), /showed 'delete', not 'update'/],
    ['refresh saw other fields of it', new Map([[urn('m-config'), { op: 'update', paths: ['metadata.labels'] }]]), /an update of other fields \(metadata\.labels\)/],
  ])('missed when %s', (_label, changes, seen) => {
    const r = judgeDrift(target, changes);
    expect(r.caught).toBe(false);
    expect(r.seen).toMatch(seen);
  });

  test('missed when the refresh failed or there was no input, saying why', () => {
    expect(judgeDrift(target, undefined, 'boom')).toMatchObject({ caught: false, seen: 'the refresh after the drift failed: boom' });
    expect(judgeDrift(undefined, undefined).seen).toMatch(/^no input/);
    expect(judgeDrift(undefined, undefined, 'not run: the first up failed').seen).toBe('not run: the first up failed');
  });

  test('a missed drift canary fails an otherwise clean run and shows on the last line', () => {
    const missed = [judgeDrift(target, new Map())];
    expect(exitCodeWithCanaries(0, missed, PULUMI_CANARY_MINIMUM)).toBe(1);
    expect(missedSuffix(missed, PULUMI_CANARY_MINIMUM)).toBe(', 1 canary not caught');
    const caught = [judgeDrift(target, new Map([[urn('m-config'), { op: 'update', paths: ['data.config.yaml'] }]]))];
    expect(exitCodeWithCanaries(0, caught, PULUMI_CANARY_MINIMUM)).toBe(0);
    expect(exitCodeWithCanaries(0, [], PULUMI_CANARY_MINIMUM)).toBe(1);
  });
});

describe('awaits checked after up', () => {
  const cond = (type: string, status: string, reason?: string) => ({ type, status, ...(reason ? { reason } : {}) });
  const deploy = (status: Record<string, unknown>, replicas = 2) => ({ kind: 'Deployment', spec: { replicas }, status });

  test('Deployment: Available, NewReplicaSetAvailable and every replica available', () => {
    const good = { availableReplicas: 2, conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'NewReplicaSetAvailable')] };
    expect(awaitProblem(deploy(good))).toBeUndefined();
    expect(awaitProblem(deploy({ ...good, conditions: [cond('Available', 'False')] }))).toMatch(/^not Available/);
    expect(awaitProblem(deploy({ ...good, conditions: [cond('Available', 'True'), cond('Progressing', 'True', 'ReplicaSetUpdated')] }))).toBe('Progressing is True/ReplicaSetUpdated, not True/NewReplicaSetAvailable');
    expect(awaitProblem(deploy({ ...good, availableReplicas: 1 }))).toBe('1/2 replicas available');
  });

  test('Deployment an HPA scales: the replicas the program asked for are available, no failed rollout', () => {
    const scaledUp = { availableReplicas: 1, conditions: [cond('Available', 'False'), cond('Progressing', 'True', 'ReplicaSetUpdated')] };
    expect(awaitProblem(deploy(scaledUp), { autoscaledBy: 'HPA h' })).toBeUndefined();
    expect(awaitProblem(deploy(scaledUp), { autoscaledBy: 'HPA h', programReplicas: 2 })).toBe('1/2 replicas the program asked for available (scaled by HPA h to 2)');
    expect(awaitProblem(deploy({ availableReplicas: 0 }), { autoscaledBy: 'HPA h' })).toMatch(/^0\/1 replicas/);
    expect(awaitProblem(deploy({ availableReplicas: 2, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')] }), { autoscaledBy: 'HPA h' })).toBe('rollout failed (ProgressDeadlineExceeded; scaled by HPA h)');
    expect(awaitProblem(deploy(scaledUp))).toMatch(/^not Available/); // without an autoscaler, the full promise
  });

  test('checkAwaits finds the HPA of the state and the Service in front of its pods', async () => {
    const labels = { app: 'm' };
    const live: Record<string, Record<string, unknown>> = {
      'HorizontalPodAutoscaler/m': { kind: 'HorizontalPodAutoscaler', metadata: { name: 'm', namespace: 's' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'm' } } },
      'Deployment/m': { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'm', namespace: 's' }, spec: { replicas: 2, template: { metadata: { labels } } }, status: { availableReplicas: 1, conditions: [cond('Available', 'False')] } },
      'Service/m': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'm', namespace: 's' }, spec: { selector: labels, clusterIP: '10.0.0.2' } },
      'Service/other': { apiVersion: 'v1', kind: 'Service', metadata: { name: 'other', namespace: 's' }, spec: { selector: { app: 'o' }, clusterIP: '10.0.0.3' } },
      'Endpoints/m': { subsets: [{ addresses: [{ ip: 'a' }], notReadyAddresses: [{ ip: 'b' }] }] },
      'Endpoints/other': { subsets: [{ addresses: [{ ip: 'c' }], notReadyAddresses: [{ ip: 'd' }] }] },
    };
    const kube = { get: async (o: { kind: string; metadata: { name: string } }) => live[`${o.kind}/${o.metadata.name}`] } as unknown as KubeClient;
    const state = (kind: string, name: string, replicas?: number) => ({ urn: `${kind}/${name}`, type: 't', id: `${kind} s/${name}`, object: { apiVersion: 'v1', kind, metadata: { name, namespace: 's' } }, retainOnDelete: false, ...(replicas ? { replicas } : {}) });
    const result = await checkAwaits(kube, [state('HorizontalPodAutoscaler', 'm'), state('Deployment', 'm'), state('Service', 'm'), state('Service', 'other')]);
    expect(kindCounts(result.checked)).toBe('1 Deployment, 2 Service');
    expect(result.problems).toEqual(['/Service s/other: 1 not-ready endpoint address(es)']);
    const asked = await checkAwaits(kube, [state('HorizontalPodAutoscaler', 'm'), state('Deployment', 'm', 2)]);
    expect(asked.problems).toEqual(['apps/Deployment s/m: 1/2 replicas the program asked for available (scaled by HPA m to 2)']);
  });

  test('StatefulSet, Job, ResourceQuota', () => {
    expect(awaitProblem({ kind: 'StatefulSet', spec: { replicas: 1 }, status: { readyReplicas: 1, currentRevision: 'r1', updateRevision: 'r1' } })).toBeUndefined();
    expect(awaitProblem({ kind: 'StatefulSet', spec: {}, status: {} })).toBe('0/1 replicas ready');
    expect(awaitProblem({ kind: 'Job', status: { conditions: [cond('Complete', 'True')] } })).toBeUndefined();
    expect(awaitProblem({ kind: 'Job', status: { active: 1 } })).toBe('not Complete (active 1, succeeded 0, failed 0)');
    const quota = (status: unknown) => ({ kind: 'ResourceQuota', spec: { hard: { cpu: '4', pods: '10' } }, status });
    expect(awaitProblem(quota({ hard: { pods: '10', cpu: '4' } }))).toBeUndefined();
    expect(awaitProblem(quota({}))).toBe('status.hard not set (quota not computed)');
    expect(awaitProblem(quota({ hard: { cpu: '4' } }))).toMatch(/^status.hard .* is not spec.hard/);
  });

  test('PersistentVolumeClaim: Bound, or Pending only when its class waits for the first consumer', () => {
    expect(awaitProblem({ kind: 'PersistentVolumeClaim', status: { phase: 'Bound' } })).toBeUndefined();
    expect(awaitProblem({ kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } }, { bindingMode: 'WaitForFirstConsumer' })).toBeUndefined();
    expect(awaitProblem({ kind: 'PersistentVolumeClaim', status: { phase: 'Pending' } }, { bindingMode: 'Immediate' })).toBe('phase Pending, not Bound');
  });

  test('Service: a selector Service needs ready endpoint addresses and none not ready', () => {
    const svc = { kind: 'Service', spec: { selector: { app: 'x' }, clusterIP: '10.0.0.1' } };
    expect(waitsForEndpoints(svc)).toBe(true);
    expect(awaitProblem(svc, { endpoints: { subsets: [{ addresses: [{ ip: '10.1.0.1' }] }] } })).toBeUndefined();
    expect(awaitProblem(svc, { endpoints: { subsets: [] } })).toBe('no ready endpoint address');
    expect(awaitProblem(svc, { endpoints: { subsets: [{ addresses: [{ ip: 'a' }], notReadyAddresses: [{ ip: 'b' }] }] } })).toBe('1 not-ready endpoint address(es)');
    expect(awaitProblem(svc)).toBe('no Endpoints object');
    for (const spec of [{ selector: { app: 'x' }, clusterIP: 'None' }, { type: 'ExternalName' }, {}]) {
      expect(waitsForEndpoints({ kind: 'Service', spec })).toBe(false);
      expect(awaitProblem({ kind: 'Service', spec })).toBeUndefined();
    }
  });

  test('kindCounts names what was checked', () => {
    expect(kindCounts([{ object: { kind: 'Job' } }, { object: { kind: 'Service' } }, { object: { kind: 'Job' } }])).toBe('2 Job, 1 Service');
    expect(kindCounts([])).toBe('none');
  });
});

describe('what the refresh found: the stack applies what the cluster keeps', () => {
  const queued = { 'kueue.x-k8s.io/queue-name': 'team-a' };
  test('a queued training job or Job is applied without suspend; the rest of its spec stays', () => {
    const tfjob = { apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 't', labels: queued }, spec: { runPolicy: { suspend: true, cleanPodPolicy: 'None' }, tfReplicaSpecs: { Worker: { replicas: 2 } } } };
    expect(suspendLeftToKueue(tfjob)).toEqual({ ...tfjob, spec: { runPolicy: { cleanPodPolicy: 'None' }, tfReplicaSpecs: { Worker: { replicas: 2 } } } });
    expect(tfjob.spec.runPolicy.suspend).toBe(true); // the synthesized object is not mutated
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', labels: queued }, spec: { suspend: true, parallelism: 1 } };
    expect(suspendLeftToKueue(job).spec).toEqual({ parallelism: 1 });
  });

  test('objects without the queue label, or without suspend, are returned as they are', () => {
    const unqueued = { kind: 'TFJob', metadata: { name: 't' }, spec: { runPolicy: { suspend: true } } };
    expect(suspendLeftToKueue(unqueued)).toBe(unqueued);
    const plain = { kind: 'Job', metadata: { name: 'j', labels: queued }, spec: { parallelism: 1 } };
    expect(suspendLeftToKueue(plain)).toBe(plain);
  });

  test('whole-number quantities become the strings the cluster stores; other numbers stay', () => {
    const pod = { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': 1, cpu: '2' }, requests: { 'nvidia.com/gpu': 1, memory: '1Gi' } }, ports: [{ containerPort: 8080 }] }] };
    expect(quantitiesAsStored({ spec: { replicas: 2, template: { spec: pod } } })).toEqual({
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'c', resources: { limits: { 'nvidia.com/gpu': '1', cpu: '2' }, requests: { 'nvidia.com/gpu': '1', memory: '1Gi' } }, ports: [{ containerPort: 8080 }] }] } } },
    });
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(1); // input not mutated
    const tfjob = { kind: 'TFJob', metadata: { labels: queued }, spec: { runPolicy: { suspend: true }, w: { resources: { limits: { 'nvidia.com/gpu': 2 } } } } };
    expect(asDeployed(tfjob)).toEqual({ kind: 'TFJob', metadata: { labels: queued }, spec: { runPolicy: {}, w: { resources: { limits: { 'nvidia.com/gpu': '2' } } } } });
  });
});
