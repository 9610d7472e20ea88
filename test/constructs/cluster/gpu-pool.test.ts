import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Accelerator, NVIDIA_GPU_RESOURCE } from '../../../constructs/cluster/accelerator';
import { CapacityReservation, GpuAllocation, GpuSharing, Interconnect } from '../../../constructs/cluster/gpu-features';
import { CapacityType, GpuNodePoolOptions, NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { renderPodSpec } from '../../../constructs/core/pod-template';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { byKindName, synth, testChart } from '../../helpers';

const h100 = (o: Partial<GpuNodePoolOptions> = {}) => NodePool.gpu({ name: 'h100', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, ...o });
const image = ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime');

describe('NodePool.gpu features (issue 26)', () => {
  test('defaults: device plugin, no sharing, no interconnect, 200 GiB root, one unit per GPU', () => {
    const g = h100().gpu!;
    expect([g.allocation.mode, g.sharing.kind, g.interconnect.kind, g.rootDiskGiB, g.gpuUnitsPerNode, g.efaInterfaces]).toEqual(['device-plugin', 'none', 'none', 200, 8, 0]);
    expect(NodePool.cpu({ name: 'cpu' }).gpu).toBeUndefined();
  });

  test('MIG: units are GPUs x instances of the profile; the node carries the MIG manager layout label', () => {
    const pool = h100({ sharing: GpuSharing.mig('1g.10gb') });
    expect(pool.gpuUnitsPerNode).toBe(56);
    expect(pool.nodeLabels()['nvidia.com/mig.config']).toBe('all-1g.10gb');
    expect(pool.capacity().gpus).toBe(56 * 3);
    expect(pool.gpuResources(2).limits[NVIDIA_GPU_RESOURCE].value).toBe(2);
  });

  test('fails when the MIG profile is not offered by the accelerator, naming pool, prop and value', () => {
    expect(() => h100({ sharing: GpuSharing.mig('1g.5gb') })).toThrow(/NodePool 'h100': prop 'sharing' is 'mig\(1g.5gb\)'; nvidia-h100-80gb offers the MIG profiles 1g.10gb, .*7g.80gb/);
    expect(() => NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, sharing: GpuSharing.mig('1g.10gb') })).toThrow(/nvidia-l4 offers no MIG/);
  });

  test('time-slicing: replicas shares per GPU, one share per container, the device plugin config label', () => {
    const pool = NodePool.gpu({ name: 'l4-shared', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, sharing: GpuSharing.timeSlicing(4) });
    expect(pool.gpuUnitsPerNode).toBe(4);
    expect(pool.nodeLabels()['nvidia.com/device-plugin.config']).toBe('time-slicing-4');
    expect(() => pool.gpuResources(2)).toThrow(/prop 'gpus' is 2; pool 'l4-shared' shares its GPUs \(time-slicing\(4\): 4 shares per node\); use a value from 1 to 1/);
  });

  test('fails when DRA is combined with device-plugin sharing', () => {
    expect(() => h100({ allocation: GpuAllocation.dra(), sharing: GpuSharing.mps(4) }))
      .toThrow(/NodePool 'h100': prop 'sharing' is 'mps\(4\)'; allocation is dra\(gpu.nvidia.com\).*cannot run on a DRA node/);
  });

  test('EFA: all interfaces of the type by default; more than it takes, or a type without EFA, fails', () => {
    expect(h100({ interconnect: Interconnect.efa() }).gpu!.efaInterfaces).toBe(32);
    expect(h100({ interconnect: Interconnect.efa(16) }).gpu!.efaInterfaces).toBe(16);
    expect(() => NodePool.gpu({ name: 'a100', accelerator: Accelerator.NVIDIA_A100_40GB, gpusPerNode: 8, interconnect: Interconnect.efa(8) })).toThrow(/p4d.24xlarge takes at most 4 EFA interfaces/);
    expect(() => NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, instanceType: 'g6.2xlarge', interconnect: Interconnect.efa() }))
      .toThrow(/NodePool 'l4': prop 'interconnect' is 'efa\(all\)'; instance type g6.2xlarge has no EFA .*p5.48xlarge/);
  });

  test('GPUDirect needs an A3 machine type', () => {
    expect(h100({ instanceType: 'a3-highgpu-8g', interconnect: Interconnect.GPUDIRECT }).gpu!.interconnect.kind).toBe('gpudirect');
    expect(() => h100({ interconnect: Interconnect.GPUDIRECT })).toThrow(/machine type p5.48xlarge has no GPUDirect-TCPX\(O\); types with it: a3-highgpu-8g, a3-megagpu-8g/);
  });

  test('a reservation sets the capacity type; on the wrong cloud or with spot it fails', () => {
    expect(h100({ reservation: CapacityReservation.ec2CapacityBlock('cr-0123456789abcdef0') }).capacityType).toBe(CapacityType.RESERVED);
    expect(h100({ instanceType: 'a3-highgpu-8g', reservation: CapacityReservation.gkeFlexStart({ queuedProvisioning: true }) }).nodeLabels()['mlpatterns.dev/capacity-type']).toBe('flex-start');
    expect(() => h100({ reservation: CapacityReservation.gke('h100-block') })).toThrow(/prop 'reservation' is 'gke-reservation\(h100-block\)'; instance type p5.48xlarge is a aws type/);
    expect(() => h100({ capacityType: CapacityType.SPOT, reservation: CapacityReservation.ec2('cr-0123456789abcdef0') })).toThrow(/capacityType is 'spot'/);
    expect(() => CapacityReservation.ec2('r-1')).toThrow(/CapacityReservation 'ec2': prop 'id' is 'r-1'/);
    expect(() => h100({ capacityType: CapacityType.RESERVED })).toThrow(/prop 'capacityType' is 'reserved'; it is derived from `reservation`/);
  });

  test('disks: root size checked, local NVMe only on a type that has it', () => {
    expect(h100({ disks: { root: Size.gibibytes(500), localNvmeForEphemeralStorage: true } }).gpu).toMatchObject({ rootDiskGiB: 500, localNvmeCount: 8 });
    expect(() => h100({ disks: { root: Size.gibibytes(10) } })).toThrow(/prop 'disks.root' is 10; use an integer from 30 to 16384/);
    expect(() => NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, instanceType: 'g6.2xlarge', disks: { localNvmeForEphemeralStorage: true } })).toThrow(/g6.2xlarge has no local NVMe/);
  });

  test('topology levels are label keys, each once', () => {
    expect(h100({ topologyLevels: ['topology.k8s.aws/network-node-layer-1', 'kubernetes.io/hostname'] }).gpu!.topologyLevels).toHaveLength(2);
    expect(() => h100({ topologyLevels: ['kubernetes.io/hostname', 'kubernetes.io/hostname'] })).toThrow(/topologyLevels.*each level appears once/);
  });

  test('DRA: a training job claims its GPUs from a ResourceClaimTemplate in its namespace, no nvidia.com/gpu', () => {
    const pool = h100({ allocation: GpuAllocation.dra() });
    expect(pool.nodeLabels()['nvidia.com/gpu.deploy.device-plugin']).toBe('false');
    const chart = testChart('train');
    new AllReduceTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, framework: CollectiveFramework.PYTORCH, image, pool, command: ['python', 'train.py'], workers: 2, gpusPerWorker: 4, resources: { cpu: Cpu.units(8), memory: Size.gibibytes(64) } });
    const objects = synth(chart);
    const template = byKindName(objects, 'ResourceClaimTemplate', 'h100-gpus-4');
    expect(template.apiVersion).toBe('resource.k8s.io/v1');
    expect(template.metadata.namespace).toBe('train');
    expect(template.spec.spec.devices.requests).toEqual([{ name: 'gpus', exactly: { deviceClassName: 'gpu.nvidia.com', allocationMode: 'ExactCount', count: 4 } }]);
    const spec = byKindName(objects, 'PyTorchJob', 'job').spec.pytorchReplicaSpecs.Worker.template.spec;
    expect(spec.resourceClaims).toEqual([{ name: 'gpus', resourceClaimTemplateName: 'h100-gpus-4' }]);
    expect(spec.containers[0].resources.claims).toEqual([{ name: 'gpus' }]);
    expect(spec.containers[0].resources.limits[NVIDIA_GPU_RESOURCE]).toBeUndefined();
  });

  test('fails when a typed (cdk8s-plus-27) pod asks a DRA pool for GPUs', () => {
    const pool = h100({ allocation: GpuAllocation.dra() });
    expect(() => renderPodSpec({ owner: 'serve/api', containerName: 'main', container: { image, gpus: 1 }, pool }))
      .toThrow(/'serve\/api': prop 'gpus' is 1; pool 'h100' allocates GPUs through DRA/);
  });
});
