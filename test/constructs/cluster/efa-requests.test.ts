import { Accelerator } from '../../../constructs/cluster/accelerator';
import { GpuAllocation, Interconnect } from '../../../constructs/cluster/gpu-features';
import { EFA_RESOURCE, NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { AllReduceTrainingJob, CollectiveFramework } from '../../../constructs/training/allreduce-job';
import { byKindName, synth, testChart } from '../../helpers';

const p5 = (extra: Record<string, unknown> = {}) => NodePool.gpu({ name: 'h100-efa', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', interconnect: Interconnect.efa(), ...extra });
const amount = (q: unknown) => (q as { value: unknown }).value;

describe('GPU pods on an EFA pool request their share of the node\'s EFA devices', () => {
  test('a whole node\'s GPUs get all its interfaces; fewer GPUs a proportional share, at least one', () => {
    expect(amount(p5().gpuResources(8).limits[EFA_RESOURCE])).toBe(32);
    expect(amount(p5().gpuResources(1).requests[EFA_RESOURCE])).toBe(4);
    expect(amount(NodePool.gpu({ name: 'p4d', accelerator: Accelerator.NVIDIA_A100_40GB, gpusPerNode: 8, instanceType: 'p4d.24xlarge', interconnect: Interconnect.efa() }).gpuResources(1).limits[EFA_RESOURCE])).toBe(1);
    // Without EFA: GPUs only.
    expect(Object.keys(NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1 }).gpuResources(1).limits)).toEqual(['nvidia.com/gpu']);
  });

  test('a multi-node TrainJob\'s nodes request the EFA devices with their GPUs; on a DRA pool beside the GPU claim', () => {
    const run = (pool: NodePool) => {
      const chart = testChart('team');
      new AllReduceTrainingJob(chart, 'job', { framework: CollectiveFramework.PYTORCH, image: ContainerImage.of('example/train:1.0'), pool, workers: 2, command: ['torchrun', 'train.py'] });
      const runtime = byKindName(synth(chart), 'TrainingRuntime', 'job');
      return runtime.spec.template.spec.replicatedJobs[0].template.spec.template.spec.containers[0].resources;
    };
    expect(run(p5()).limits).toMatchObject({ 'nvidia.com/gpu': 8, [EFA_RESOURCE]: 32 });
    const dra = run(p5({ allocation: GpuAllocation.dra() }));
    expect(dra.limits[EFA_RESOURCE]).toBe(32);
    expect(dra.limits['nvidia.com/gpu']).toBeUndefined();
    expect(dra.claims).toEqual([{ name: 'gpus' }]);
  });
});
