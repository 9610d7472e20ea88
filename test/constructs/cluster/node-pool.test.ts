import { Size } from 'cdk8s';
import { Accelerator, NVIDIA_GPU_RESOURCE } from '../../../constructs/cluster/accelerator';
import { CapacityType, GPU_TAINT, NodePool, TaintEffect } from '../../../constructs/cluster/node-pool';

const gpuPool = () => NodePool.gpu({ name: 'h100-x8', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, maxSize: 2 });

describe('NodePool', () => {
  test('a CPU pool is untainted and selects its nodes by pool label', () => {
    const pool = NodePool.cpu({ name: 'cpu' });
    expect(pool.isGpu).toBe(false);
    expect(pool.tolerations()).toEqual([]);
    expect(pool.nodeSelector()).toEqual({ 'mlpatterns.dev/node-pool': 'cpu' });
    expect(pool.nodeLabels()).toEqual({
      'mlpatterns.dev/node-pool': 'cpu',
      'mlpatterns.dev/accelerator': 'none',
      'mlpatterns.dev/capacity-type': 'on-demand',
    });
  });

  test('a GPU pool is tainted and its tolerations match its taints exactly', () => {
    const pool = gpuPool();
    expect(pool.nodeTaints()).toEqual([GPU_TAINT]);
    expect(pool.tolerations()).toEqual([{ key: NVIDIA_GPU_RESOURCE, operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
    expect(pool.nodeLabels()['mlpatterns.dev/accelerator']).toBe('nvidia-h100-80gb');
  });

  test('extra taints yield extra tolerations; a value-less taint is tolerated with Exists', () => {
    const pool = NodePool.cpu({ name: 'spot', capacityType: CapacityType.SPOT, taints: [{ key: 'spot', effect: TaintEffect.NO_EXECUTE }] });
    expect(pool.tolerations()).toEqual([{ key: 'spot', operator: 'Exists', effect: 'NoExecute' }]);
    expect(pool.nodeLabels()['mlpatterns.dev/capacity-type']).toBe('spot');
  });

  test('gpuResources sets requests equal to limits', () => {
    const r = gpuPool().gpuResources(4);
    expect(r.requests[NVIDIA_GPU_RESOURCE].value).toBe(4);
    expect(r.limits[NVIDIA_GPU_RESOURCE].value).toBe(4);
  });

  test('capacity is per-node capacity times maxSize', () => {
    const pool = NodePool.cpu({ name: 'cpu', cpuPerNode: 16, memoryPerNode: Size.gibibytes(64), maxSize: 3 });
    expect(pool.capacity().cpu).toBe(48);
    expect(pool.capacity().memory.toGibibytes()).toBe(192);
    expect(gpuPool().capacity().gpus).toBe(16);
  });

  test('fails when GPUs are requested on a pool without GPUs', () => {
    expect(() => NodePool.cpu({ name: 'cpu' }).gpuResources(1, { scope: 'chart/job', prop: 'gpus' }))
      .toThrow(/'chart\/job': prop 'gpus' is 1; pool 'cpu' has no GPUs/);
  });

  test('fails when more GPUs are requested than a node has', () => {
    expect(() => gpuPool().gpuResources(16, { scope: 'training/llm-sft/Job', prop: 'gpusPerWorker' }))
      .toThrow(/prop 'gpusPerWorker' is 16; pool 'h100-x8' has 8 GPUs per node; use a value from 1 to 8/);
  });

  test('fails when a GPU pool has no GPU count', () => {
    expect(() => NodePool.gpu({ name: 'g', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 0 })).toThrow(/NodePool 'g': prop 'gpusPerNode' is 0; use an integer from 1 to 16/);
  });

  test('fails when minSize exceeds maxSize', () => {
    expect(() => NodePool.cpu({ name: 'cpu', minSize: 5, maxSize: 2 })).toThrow(/prop 'minSize' is 5; it exceeds maxSize 2/);
  });

  test('fails on an invalid pool name', () => {
    expect(() => NodePool.cpu({ name: 'GPU_Pool' })).toThrow(/prop 'name' is 'GPU_Pool'/);
  });

  test('fails when a label overrides a derived one', () => {
    expect(() => NodePool.cpu({ name: 'cpu', labels: { 'mlpatterns.dev/node-pool': 'other' } })).toThrow(/is set by the pool itself/);
  });

  test('fails when the GPU taint is given twice', () => {
    expect(() => NodePool.gpu({ name: 'g', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, taints: [GPU_TAINT] })).toThrow(/appears twice/);
  });

  test('Accelerator.fromName resolves presets', () => {
    expect(Accelerator.fromName('nvidia-l4')).toBe(Accelerator.NVIDIA_L4);
    expect(Accelerator.fromName('nvidia-unknown')).toBeUndefined();
  });
});
