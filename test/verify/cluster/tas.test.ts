import { TAS_NAMESPACE, tasInputs, tasProblems } from '../../../scripts/verify/cluster/tas-inputs';

const { tas, canary } = tasInputs('verify-canaries');
const byKind = (objects: Record<string, any>[], kind: string) => objects.filter((o) => o.kind === kind);

describe('the TAS proof\'s inputs (built with the constructs)', () => {
  test('a Topology on kubernetes.io/hostname, a TAS flavor, a queue, and a TrainJob whose pod sets require one node', () => {
    expect(byKind(tas.proof.objects, 'Topology')[0].spec.levels).toEqual([{ nodeLabel: 'kubernetes.io/hostname' }]);
    const flavor = byKind(tas.proof.objects, 'ResourceFlavor')[0];
    expect(flavor.spec.topologyName).toBe(byKind(tas.proof.objects, 'Topology')[0].metadata.name);
    expect(flavor.metadata.namespace).toBeUndefined();
    const job = byKind(tas.proof.objects, 'TrainJob')[0];
    expect(job.metadata).toMatchObject({ namespace: TAS_NAMESPACE, labels: { 'kueue.x-k8s.io/queue-name': 'tas' } });
    const pod = byKind(tas.proof.objects, 'TrainingRuntime')[0].spec.template.spec.replicatedJobs[0].template.spec.template;
    expect(pod.metadata.annotations['kueue.x-k8s.io/podset-required-topology']).toBe('kubernetes.io/hostname');
    expect(tas.pool.allocatable['nvidia.com/gpu']).toBe('2');
    expect(canary).toMatchObject({ name: 'tas-gang-larger-than-its-domain', namespace: 'verify-canaries', workload: { kind: 'TrainJob', name: 'tas-canary-gang' } });
  });

  test('the proof holds when both pods ran on one node of the pool', () => {
    // Kueue's topology ungater writes the assigned node into the pod's nodeSelector.
    const pod = (node: string, assigned: string | null = node) => ({ metadata: { name: `p-${node}` }, spec: { nodeName: node, nodeSelector: assigned ? { 'kubernetes.io/hostname': assigned } : {} } });
    expect(tasProblems([pod('verify-tas-0'), pod('verify-tas-0')], tas)).toEqual([]);
    expect(tasProblems([pod('verify-tas-0'), pod('verify-tas-1')], tas)).toEqual(['tas: the gang required one kubernetes.io/hostname domain but ran on verify-tas-0, verify-tas-1']);
    expect(tasProblems([pod('verify-tas-0')], tas)).toEqual(['tas: 1 pod(s) of the gang placed, expected 2']);
    expect(tasProblems([pod('cpu-0'), pod('cpu-0')], tas)).toEqual(['tas: a pod ran on node cpu-0, not on pool verify-tas']);
    // On one node by kube-scheduler's choice, not Kueue's: not the proof.
    expect(tasProblems([pod('verify-tas-0', null), pod('verify-tas-0')], tas)).toEqual(['tas: pod p-verify-tas-0 on verify-tas-0 has nodeSelector kubernetes.io/hostname=(none): Kueue did not assign its domain']);
  });
});
