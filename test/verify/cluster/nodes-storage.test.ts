// Unit tests for the cluster rung's nodes.ts and storage.ts (no cluster needed).
import * as nodes from '../../../scripts/verify/cluster/nodes';
import * as storage from '../../../scripts/verify/cluster/storage';

describe('verify-cluster nodes and storage', () => {

  const gpuPool = {
    name: 'gpu-l4',
    instanceType: 'g6.xlarge',
    allocatable: { cpu: '8', memory: '32768Mi', 'nvidia.com/gpu': '1' },
    nodes: [
      { name: 'gpu-l4-0', labels: { 'mlpatterns.dev/node-pool': 'gpu-l4' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
      { name: 'gpu-l4-1', labels: { 'mlpatterns.dev/node-pool': 'gpu-l4' }, taints: [{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }] },
    ],
  };

  test('nodesFromPools: one kwok node per pool node with the pool labels, taints and allocatable', () => {
    const out = nodes.nodesFromPools([gpuPool]);
    expect(out.map((n: any) => n.metadata.name)).toEqual(['gpu-l4-0', 'gpu-l4-1']);
    const n = out[0];
    expect(n.metadata.annotations['kwok.x-k8s.io/node']).toBe('fake');
    expect(n.metadata.annotations['volumes.kubernetes.io/controller-managed-attach-detach']).toBe('true');
    expect(n.metadata.labels).toMatchObject({ 'mlpatterns.dev/node-pool': 'gpu-l4', 'kubernetes.io/hostname': 'gpu-l4-0', 'node.kubernetes.io/instance-type': 'g6.xlarge' });
    expect(n.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
    expect(n.status.allocatable).toEqual({ cpu: '8', memory: '32768Mi', 'nvidia.com/gpu': '1', pods: '110', 'ephemeral-storage': nodes.DEFAULT_EPHEMERAL_STORAGE });
    // a pool that states its local storage keeps it
    const withDisk = nodes.nodesFromPools([{ ...gpuPool, allocatable: { ...gpuPool.allocatable, 'ephemeral-storage': '90Gi' } }]);
    expect(withDisk[0].status.allocatable['ephemeral-storage']).toBe('90Gi');
  });

  test('nodesFromPools: a taint without value keeps no value; duplicate node names are an error', () => {
    const pool = { ...gpuPool, nodes: [{ name: 'x', labels: {}, taints: [{ key: 'k', effect: 'NoSchedule' }] }] };
    expect(nodes.nodesFromPools([pool])[0].spec.taints).toEqual([{ key: 'k', effect: 'NoSchedule' }]);
    expect(() => nodes.nodesFromPools([pool, { ...pool, name: 'other' }])).toThrow(/node x appears in two pools/);
  });

  const stage = (name: string, kind = 'Pod', extra: any = {}) => ({
    kind: 'Stage',
    metadata: { name },
    spec: {
      resourceRef: { apiGroup: 'v1', kind },
      selector: { matchExpressions: [{ key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['Job'] }] },
      delay: { durationMilliseconds: 1000, jitterDurationMilliseconds: 5000 },
      ...extra,
    },
  });
  const upstream = [
    stage('node-initialize', 'Node'), stage('node-heartbeat-with-lease', 'Node'),
    stage('pod-create'), stage('pod-ready'), stage('pod-complete'), stage('pod-delete'),
  ];

  test('adaptStages: pod-complete also completes training replicas (not TF parameter servers) and only the MPI launcher', () => {
    const out = nodes.adaptStages(upstream);
    const byName = new Map<string, any>(out.map((s: any) => [s.metadata.name, s]));
    expect(byName.get('pod-complete').spec.selector.matchExpressions).toEqual(upstream[4].spec.selector.matchExpressions);
    const training = byName.get('pod-complete-training').spec.selector.matchExpressions;
    expect(training).toContainEqual({ key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['TFJob', 'PyTorchJob', 'XGBoostJob', 'PaddleJob', 'JAXJob'] });
    expect(training).toContainEqual({ key: '.metadata.labels["training.kubeflow.org/replica-type"]', operator: 'NotIn', values: ['ps'] });
    const mpi = byName.get('pod-complete-mpi-launcher').spec.selector.matchExpressions;
    expect(mpi).toContainEqual({ key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['MPIJob'] });
    expect(mpi).toContainEqual({ key: '.metadata.labels["training.kubeflow.org/replica-type"]', operator: 'In', values: ['launcher'] });
    expect(upstream[4].metadata.name).toBe('pod-complete'); // input untouched
  });

  test('adaptStages: pod jitter is capped, node stages keep their timing; a missing stage is an error', () => {
    const out = nodes.adaptStages(upstream, { maxJitterMs: 700 });
    expect(out.find((s: any) => s.metadata.name === 'pod-ready')!.spec.delay.jitterDurationMilliseconds).toBe(700);
    expect(out.find((s: any) => s.metadata.name === 'node-initialize')!.spec.delay.jitterDurationMilliseconds).toBe(5000);
    expect(() => nodes.adaptStages(upstream.filter((s) => s.metadata.name !== 'pod-ready'))).toThrow(/pod-ready missing/);
  });

  test("adaptStages: a deleted pod goes within the jitter cap, not at a random point of its grace period", () => {
    const graceful = { delay: { durationMilliseconds: 1000, jitterDurationFrom: { expressionFrom: '.metadata.deletionTimestamp' } } };
    const input = [...upstream.filter((s) => s.metadata.name !== 'pod-delete'), stage('pod-delete', 'Pod', graceful)];
    const del = nodes.adaptStages(input, { maxJitterMs: 700 }).find((s: any) => s.metadata.name === 'pod-delete')!;
    expect(del.spec.delay).toEqual({ durationMilliseconds: 1000, jitterDurationMilliseconds: 700 });
    expect(input.at(-1)!.spec.delay).toEqual(graceful.delay); // input untouched
  });

  test('schedulerNames finds pod-template scheduler names anywhere in an object, except the default', () => {
    const objs = [
      { body: { spec: { template: { spec: { schedulerName: 'volcano', containers: [] } } } } },
      { body: { spec: { tfReplicaSpecs: { Worker: { template: { spec: { schedulerName: 'scheduler-plugins-scheduler', containers: [] } } } } } } },
      { body: { spec: { template: { spec: { schedulerName: 'default-scheduler', containers: [] } } } } },
      { body: { spec: { schedulerName: 'not-a-pod' } } },
    ];
    expect(nodes.schedulerNames(objs)).toEqual(['scheduler-plugins-scheduler', 'volcano']);
    const cfg = nodes.schedulerConfiguration('/k', ['volcano']);
    expect(cfg.profiles).toEqual([{ schedulerName: 'default-scheduler' }, { schedulerName: 'volcano' }]);
    expect(cfg.leaderElection).toEqual({ leaderElect: false });
  });

  const rec = (kind: string, group: string, name: string, namespace: string, body: any) => ({ kind, group, name, namespace, body });

  test('expectedClaims: PVCs and StatefulSet volumeClaimTemplates (one claim per replica)', () => {
    const claims = storage.expectedClaims([
      rec('PersistentVolumeClaim', '', 'data', 'ns', { spec: { accessModes: ['ReadWriteMany'], storageClassName: 'shared-rwx', resources: { requests: { storage: '20Gi' } } } }),
      rec('StatefulSet', 'apps', 'shards', 'ns', { spec: { replicas: 2, volumeClaimTemplates: [{ metadata: { name: 'models' }, spec: { resources: { requests: { storage: '1Gi' } } } }] } }),
    ]);
    expect(claims.map((c: any) => [c.name, c.storageClassName, c.accessModes, c.storage])).toEqual([
      ['data', 'shared-rwx', ['ReadWriteMany'], '20Gi'],
      ['models-shards-0', undefined, ['ReadWriteOnce'], '1Gi'],
      ['models-shards-1', undefined, ['ReadWriteOnce'], '1Gi'],
    ]);
  });

  const profile = {
    name: 'local',
    default: { name: 'standard', accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'] },
    shared: { name: 'nfs', accessModes: ['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce'] },
  };

  test('profileClasses: the storage profile\'s two classes, its default marked default', () => {
    const classes = storage.profileClasses(profile);
    expect(classes.map((c: any) => [c.metadata.name, c.metadata.annotations?.['storageclass.kubernetes.io/is-default-class']])).toEqual([['standard', 'true'], ['nfs', undefined]]);
  });

  test('provisionedVolumes: as the profile provisions; a class without the mode, or outside the profile, binds nothing', () => {
    const claims = [
      { namespace: 'ns', name: 'shared', storageClassName: 'nfs', accessModes: ['ReadWriteMany'], storage: '20Gi', from: 'PersistentVolumeClaim ns/shared' },
      { namespace: 'ns', name: 'block', storageClassName: undefined, accessModes: ['ReadWriteOnce'], storage: '5Gi' },
      { namespace: 'ns', name: 'rwx-from-block', storageClassName: 'standard', accessModes: ['ReadWriteMany'], storage: '1Gi', from: 'PersistentVolumeClaim ns/rwx-from-block' },
      { namespace: 'ns', name: 'elsewhere', storageClassName: 'gp3', accessModes: ['ReadWriteOnce'], storage: '1Gi', from: 'PersistentVolumeClaim ns/elsewhere' },
    ];
    const { volumes, unbound } = storage.provisionedVolumes(claims, profile, 100);
    expect(volumes.map((v: any) => [v.spec.claimRef.name, v.spec.storageClassName, v.spec.accessModes])).toEqual([
      ['shared', 'nfs', ['ReadWriteMany']],
      ['block', 'standard', ['ReadWriteOnce']],
    ]);
    expect(volumes[1].metadata.name).toBe('pv-ns-block-101');
    expect(volumes[0].spec.csi.driver).toBe(storage.CSI_DRIVER);
    expect(unbound).toEqual([
      'PersistentVolumeClaim ns/rwx-from-block: class standard provides ReadWriteOnce, ReadWriteOncePod, not ReadWriteMany, so its provisioner gives no volume',
      'PersistentVolumeClaim ns/elsewhere: no class gp3 in the local storage profile (standard, nfs), so nothing provisions it',
    ]);
  });
});
