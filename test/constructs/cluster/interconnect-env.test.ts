import { Accelerator } from '../../../constructs/cluster/accelerator';
import { GpuAllocation, Interconnect } from '../../../constructs/cluster/gpu-features';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { AllReduceTrainingJob, AllReduceTrainingJobProps, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { ParameterServerTrainingJob } from '../../../constructs/training/parameter-server-job';
import { byKindName, Manifest, synth, testChart } from '../../helpers';

const image = ContainerImage.of('example/train:1.0');
const command = ['python', 'train.py'];
const p5 = (extra: Record<string, unknown> = {}) => NodePool.gpu({ name: 'h100-efa', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', interconnect: Interconnect.efa(), ...extra });
const p4d = NodePool.gpu({ name: 'a100-efa', accelerator: Accelerator.NVIDIA_A100_40GB, gpusPerNode: 8, instanceType: 'p4d.24xlarge', interconnect: Interconnect.efa() });
// EFA without RDMA: one EFA interface, 8 x A10G.
const g5 = NodePool.gpu({ name: 'a10g-efa', accelerator: Accelerator.NVIDIA_A10G, gpusPerNode: 8, instanceType: 'g5.48xlarge', interconnect: Interconnect.efa() });
const plainP5 = NodePool.gpu({ name: 'h100', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge' });
const a3High = NodePool.gpu({ name: 'a3', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'a3-highgpu-8g', interconnect: Interconnect.GPUDIRECT, compactPlacement: true });
const RDMA = { FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '1' };

const envOf = (container: Manifest): Record<string, string> => Object.fromEntries((container.env ?? []).map((e: Manifest) => [e.name, e.value]));
const podsOf = (runtime: Manifest): Manifest[] => runtime.spec.template.spec.replicatedJobs.map((j: Manifest) => j.template.spec.template.spec);
const forwarded = (argv: string[]) => argv.flatMap((a, i) => (argv[i - 1] === '-x' ? [a] : []));

function trainJob(pool: NodePool, props: Partial<AllReduceTrainingJobProps> = {}) {
  const chart = testChart('team');
  new AllReduceTrainingJob(chart, 'job', { framework: CollectiveFramework.PYTORCH, image, pool, command, workers: 2, ...props });
  return synth(chart);
}

describe('NodePool.interconnectEnv: what NCCL needs to use the pool\'s interconnect', () => {
  test('EFA: FI_PROVIDER=efa everywhere, FI_EFA_USE_DEVICE_RDMA=1 only where EFA does RDMA (p4d, p4de, p5)', () => {
    expect(p5().interconnectEnv(8)).toEqual(RDMA);
    expect(p5({ interconnect: Interconnect.efa(16) }).interconnectEnv(1)).toEqual(RDMA);
    expect(p4d.interconnectEnv(4)).toEqual(RDMA);
    expect(NodePool.gpu({ name: 'p4de', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, interconnect: Interconnect.efa() }).interconnectEnv(8)).toEqual(RDMA);
    expect(g5.interconnectEnv(8)).toEqual({ FI_PROVIDER: 'efa' });
  });

  test('nothing without EFA, on GPUDirect (no daemon, host volumes or extra networks built), nor for a container without GPUs', () => {
    expect(plainP5.interconnectEnv(8)).toEqual({});
    expect(a3High.interconnectEnv(8)).toEqual({});
    expect(NodePool.cpu({ name: 'cpu' }).interconnectEnv(0)).toEqual({});
    expect(p5().interconnectEnv(0)).toEqual({});
  });
});

describe('GPU containers on an EFA pool carry it, whatever builds them', () => {
  test('TrainJob (PyTorch): the nodes have it beside their EFA devices, on device-plugin and DRA pools alike', () => {
    for (const pool of [p5(), p5({ allocation: GpuAllocation.dra() })]) {
      const [node] = podsOf(byKindName(trainJob(pool), 'TrainingRuntime', 'job'));
      expect(envOf(node.containers[0])).toEqual(RDMA);
      expect(node.containers[0].resources.limits['vpc.amazonaws.com/efa']).toBe(32);
    }
  });

  test('training-operator v1 PyTorchJob: Master and Worker', () => {
    const job = byKindName(trainJob(g5, { output: TrainingApi.TRAINING_OPERATOR_V1 }), 'PyTorchJob', 'job');
    for (const role of ['Master', 'Worker']) expect(envOf(job.spec.pytorchReplicaSpecs[role].template.spec.containers[0])).toEqual({ FI_PROVIDER: 'efa' });
  });

  test('not on containers without GPUs (parameter servers on the same pool), nor on pools without EFA', () => {
    const chart = testChart('team');
    new ParameterServerTrainingJob(chart, 'ps', { image, pool: p4d, command, ps: {}, worker: { replicas: 2, gpus: 8 } });
    const pods = podsOf(byKindName(synth(chart), 'TrainingRuntime', 'ps'));
    const byRole = Object.fromEntries(pods.map((p) => [p.containers[0].resources.limits['nvidia.com/gpu'] ? 'gpu' : 'cpu', p.containers[0]]));
    expect(envOf(byRole.gpu)).toMatchObject(RDMA);
    expect(envOf(byRole.cpu)).not.toHaveProperty('FI_PROVIDER');
    for (const pool of [plainP5, a3High]) {
      const [node] = podsOf(byKindName(trainJob(pool), 'TrainingRuntime', 'job'));
      expect(node.containers[0].env).toBeUndefined();
    }
  });

  test('a variable the job sets wins over the derived one; the others stay', () => {
    const [node] = podsOf(byKindName(trainJob(p5(), { env: { FI_EFA_USE_DEVICE_RDMA: '0', EPOCHS: '3' } }), 'TrainingRuntime', 'job'));
    expect(envOf(node.containers[0])).toEqual({ EPOCHS: '3', FI_PROVIDER: 'efa', FI_EFA_USE_DEVICE_RDMA: '0' });
  });
});

describe('MPI: ranks mpirun starts get the derived settings', () => {
  const mpi = (pool: NodePool, props: Partial<AllReduceTrainingJobProps> = {}) => trainJob(pool, { framework: CollectiveFramework.MPI_HOROVOD, ...props });

  test('Trainer v2 (ranks over SSH, a login environment): mpirun sets them by value, since the launcher has no GPUs and so not them', () => {
    const [node, launcher] = podsOf(byKindName(mpi(p5()), 'TrainingRuntime', 'job'));
    expect(envOf(node.containers[0])).toEqual(RDMA);
    expect(launcher.containers[0].env).toBeUndefined();
    expect(forwarded(launcher.containers[0].command)).toEqual(['LD_LIBRARY_PATH', 'PATH', 'NCCL_DEBUG=INFO', 'FI_PROVIDER=efa', 'FI_EFA_USE_DEVICE_RDMA=1']);
  });

  test('v1 MPIJob alike; a name the job sets is forwarded from the launcher\'s env instead (the job\'s value wins)', () => {
    const job = byKindName(mpi(g5, { output: TrainingApi.TRAINING_OPERATOR_V1, env: { FI_PROVIDER: 'efa;ofi_rxm' } }), 'MPIJob', 'job');
    const launcher = job.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0];
    expect(forwarded(launcher.command)).toEqual(['LD_LIBRARY_PATH', 'PATH', 'NCCL_DEBUG=INFO', 'FI_PROVIDER']);
    expect(envOf(launcher)).toEqual({ FI_PROVIDER: 'efa;ofi_rxm' });
    expect(envOf(job.spec.mpiReplicaSpecs.Worker.template.spec.containers[0])).toEqual({ FI_PROVIDER: 'efa;ofi_rxm' });
  });

  test('without EFA the command is unchanged', () => {
    const [, launcher] = podsOf(byKindName(mpi(plainP5), 'TrainingRuntime', 'job'));
    expect(forwarded(launcher.containers[0].command)).toEqual(['LD_LIBRARY_PATH', 'PATH', 'NCCL_DEBUG=INFO']);
  });
});
