// Unit tests for verify:cluster's placement against construct intent (placement.ts): the pool
// and GPUs come from the construct, not from the pod's nodeSelector (kube-scheduler enforces that).
import { intentIndex, intentKey, placement, podGpus } from '../../../scripts/verify/cluster/placement';

const node = (name: string, pool: string, gpus = 0) => ({ metadata: { name, labels: { pool } }, status: { allocatable: gpus ? { 'nvidia.com/gpu': String(gpus) } : {} } });
const nodes = new Map([['cpu-0', node('cpu-0', 'cpu')], ['train-0', node('train-0', 'train-cpu')], ['gpu-0', node('gpu-0', 'gpu-l4', 1)]]);
const pod = (name: string, nodeName: string, gpus = 0, selector = 'cpu') => ({
  metadata: { name },
  spec: { nodeName, nodeSelector: { pool: selector }, containers: [{ name: 'main', resources: gpus ? { limits: { 'nvidia.com/gpu': String(gpus) } } : {} }] },
});
const intent = (pods: { pool: string; gpus: number }[]) => ({ group: 'batch', kind: 'Job', namespace: 'ns', name: 'j', construct: 'chart/j', pods });

describe('placement against construct intent', () => {
  test('a pod where its own nodeSelector sends it, but off its construct\'s pool, is wrong', () => {
    const r = placement([pod('p', 'train-0', 0, 'train-cpu')], nodes, 'pool', intent([{ pool: 'cpu', gpus: 0 }]));
    expect(r.pools).toEqual(['train-cpu']);
    expect(r.wrong).toEqual(['placement: pod p on node train-0 of pool train-cpu, but its construct chart/j rendered cpu with 0 GPU(s)']);
    expect(placement([pod('p', 'cpu-0')], nodes, 'pool', intent([{ pool: 'cpu', gpus: 0 }])).wrong).toEqual([]);
  });

  test('GPU counts: a GPU pod whose request was removed, a request on a node without GPUs', () => {
    const stripped = placement([pod('g', 'gpu-0', 0, 'gpu-l4')], nodes, 'pool', intent([{ pool: 'gpu-l4', gpus: 1 }]));
    expect(stripped.wrong).toEqual(['placement: pod g on node gpu-0 of pool gpu-l4 requests no nvidia.com/gpu but runs on a GPU node, but its construct chart/j rendered gpu-l4 with 1 GPU(s)']);
    expect(placement([pod('g', 'gpu-0', 2, 'gpu-l4')], nodes, 'pool', intent([{ pool: 'gpu-l4', gpus: 1 }])).wrong[0]).toMatch(/requests 2 nvidia.com\/gpu, but its construct/);
    expect(placement([pod('g', 'cpu-0', 1)], nodes, 'pool').wrong).toEqual(['placement: pod g on node cpu-0 of pool cpu requests 1 nvidia.com/gpu, but the node has none']);
  });

  test('a GPU-less pod on a GPU node: allowed (and reported) only where its construct put one', () => {
    const launcher = placement([pod('l', 'gpu-0', 0, 'gpu-l4'), pod('w', 'gpu-0', 1, 'gpu-l4')], nodes, 'pool', intent([{ pool: 'gpu-l4', gpus: 0 }, { pool: 'gpu-l4', gpus: 1 }]));
    expect(launcher.wrong).toEqual([]);
    expect(launcher.gpuNodeByIntent).toEqual(['pod l on node gpu-0 of pool gpu-l4 (no GPU request; its construct chart/j rendered gpu-l4 with 0 GPU(s), gpu-l4 with 1 GPU(s))']);
    expect(placement([pod('x', 'gpu-0', 0, 'gpu-l4')], nodes, 'pool').wrong).toEqual(['placement: pod x on node gpu-0 of pool gpu-l4 requests no nvidia.com/gpu but runs on a GPU node, and no construct intent known for it']);
  });

  test('unscheduled pods are skipped; GPUs count from requests or limits; intents are found by kind, namespace and name', () => {
    expect(placement([{ metadata: { name: 'u' }, spec: {} }], nodes, 'pool', intent([{ pool: 'cpu', gpus: 0 }]))).toEqual({ pools: [], wrong: [], gpuNodeByIntent: [] });
    expect(podGpus({ spec: { containers: [{ resources: { requests: { 'nvidia.com/gpu': '2' } } }, { resources: { limits: { 'nvidia.com/gpu': 1 } } }] } })).toBe(3);
    const index = intentIndex([intent([{ pool: 'cpu', gpus: 0 }])]);
    expect(index.get(intentKey({ group: 'batch', kind: 'Job', namespace: 'ns', name: 'j' }))?.construct).toBe('chart/j');
    expect(index.get(intentKey({ group: 'batch', kind: 'Job', namespace: 'other', name: 'j' }))).toBeUndefined();
  });
});
