import { Size } from 'cdk8s';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { CapacityReservation, GpuAllocation, GpuSharing, Interconnect } from '../../constructs/cluster/gpu-features';
import { CapacityType, NodePool } from '../../constructs/cluster/node-pool';
import { parseStackConfig, poolsConfigOf, StackConfigError } from '../../stacks/config';

const eks = (pools: unknown[]) => parseStackConfig({ cluster: 'eks', subnetIds: ['a', 'b'], autoscaler: 'karpenter', pools }, [], { awsRegion: 'us-west-2' });
const gke = (pools: unknown[]) => parseStackConfig({ cluster: 'gke', location: 'us-central1', pools }, []);
const h100 = (extra: Record<string, unknown>) => ({ name: 'h100', accelerator: 'nvidia-h100-80gb', gpusPerNode: 8, ...extra });
const a100 = (extra: Record<string, unknown>) => ({ name: 'a100', accelerator: 'nvidia-a100-80gb', gpusPerNode: 8, ...extra });

test('each GPU feature key becomes the NodePool.gpu option the construct API would give', () => {
  const [dra, mig, efa, block] = eks([
    h100({ name: 'dra', allocation: 'dra', topologyLevels: ['topology.k8s.aws/network-node-layer-1', 'kubernetes.io/hostname'] }),
    a100({ name: 'mig', sharing: { mig: '3g.40gb' }, allocation: 'device-plugin' }),
    h100({ name: 'efa', interconnect: 'efa', disks: { root: 500, localNvmeForEphemeralStorage: true } }),
    h100({ name: 'block', interconnect: { efa: 16 }, reservation: { ec2CapacityBlock: 'cr-0123456789abcdef0' }, disks: { root: '1Ti' } }),
  ]).pools;
  expect(dra.gpu).toMatchObject({ allocation: GpuAllocation.dra(), topologyLevels: ['topology.k8s.aws/network-node-layer-1', 'kubernetes.io/hostname'] });
  expect(mig.gpu).toMatchObject({ sharing: GpuSharing.mig('3g.40gb'), gpuUnitsPerNode: 16 });
  expect(efa.gpu).toMatchObject({ efaInterfaces: 32, rootDiskGiB: 500, localNvmeForEphemeralStorage: true });
  expect(efa.instanceType).toBe('p5.48xlarge');
  expect(block.gpu).toMatchObject({ efaInterfaces: 16, rootDiskGiB: 1024, reservation: CapacityReservation.ec2CapacityBlock('cr-0123456789abcdef0') });
  expect(block.capacityType).toBe(CapacityType.RESERVED);
  // The same pool as written with the construct API.
  expect(mig).toEqual(NodePool.gpu({ name: 'mig', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, instanceType: mig.instanceType, sharing: GpuSharing.mig('3g.40gb') }));
});

test('GKE keys: a reservation, flex-start with queued provisioning, GPUDirect, compact placement, a DeviceClass of its own, time-slicing and MPS', () => {
  const pools = gke([
    h100({ name: 'res', reservation: { gke: 'h100-res' }, compactPlacement: true }),
    h100({ name: 'flex', reservation: { gkeFlexStart: { queuedProvisioning: true } }, interconnect: 'gpudirect' }),
    h100({ name: 'flex-plain', reservation: { gkeFlexStart: {} } }),
    a100({ name: 'mig-dra', allocation: { dra: 'mig.nvidia.com' } }),
    { name: 'ts', accelerator: 'nvidia-l4', gpusPerNode: 1, sharing: { timeSlicing: 4 } },
    { name: 'mps', accelerator: 'nvidia-l4', gpusPerNode: 1, sharing: { mps: 2 }, interconnect: 'none' },
  ]).pools;
  expect(pools.map((p) => [p.name, String(p.gpu?.reservation ?? p.gpu?.sharing), p.capacityType])).toEqual([
    ['res', 'gke-reservation(h100-res)', 'reserved'], ['flex', 'gke-flex-start-queued', 'flex-start'], ['flex-plain', 'gke-flex-start', 'flex-start'],
    ['mig-dra', 'none', 'on-demand'], ['ts', 'time-slicing(4)', 'on-demand'], ['mps', 'mps(2)', 'on-demand'],
  ]);
  expect(pools[0].gpu?.compactPlacement).toBe(true);
  expect(pools[1].gpu?.interconnect).toBe(Interconnect.GPUDIRECT);
  expect(pools[3].gpu?.allocation.deviceClassName).toBe('mig.nvidia.com');
});

test('poolsConfigOf writes the GPU features back: parsing its output gives the same pools', () => {
  const pools = [
    NodePool.cpu({ name: 'cpu', maxSize: 2 }),
    NodePool.gpu({ name: 'dra', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, allocation: GpuAllocation.dra('mig.nvidia.com'), topologyLevels: ['kubernetes.io/hostname'] }),
    NodePool.gpu({ name: 'mig', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, sharing: GpuSharing.mig('1g.10gb'), capacityType: CapacityType.SPOT }),
    NodePool.gpu({ name: 'ts', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, sharing: GpuSharing.timeSlicing(3) }),
    NodePool.gpu({ name: 'efa', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, interconnect: Interconnect.efa(8), disks: { root: Size.gibibytes(400), localNvmeForEphemeralStorage: true }, reservation: CapacityReservation.ec2('cr-0123456789abcdef0') }),
    NodePool.gpu({ name: 'efa-all', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, interconnect: Interconnect.efa(), reservation: CapacityReservation.ec2CapacityBlock('cr-0123456789abcdef1') }),
  ];
  const config = poolsConfigOf(pools);
  expect(config.slice(1).map((p) => [p.allocation, p.sharing, p.interconnect, p.disks, p.reservation, p.capacityType])).toEqual([
    [{ dra: 'mig.nvidia.com' }, undefined, undefined, undefined, undefined, 'on-demand'],
    [undefined, { mig: '1g.10gb' }, undefined, undefined, undefined, 'spot'],
    [undefined, { timeSlicing: 3 }, undefined, undefined, undefined, 'on-demand'],
    [undefined, undefined, { efa: 8 }, { root: 400, localNvmeForEphemeralStorage: true }, { ec2: 'cr-0123456789abcdef0' }, undefined],
    [undefined, undefined, 'efa', undefined, { ec2CapacityBlock: 'cr-0123456789abcdef1' }, undefined],
  ]);
  // JSON, as Pulumi config carries it.
  expect(eks(JSON.parse(JSON.stringify(config))).pools).toEqual(pools);
  const flex = [NodePool.gpu({ name: 'flex', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'a3-highgpu-8g', reservation: CapacityReservation.gkeFlexStart({ queuedProvisioning: true }), interconnect: Interconnect.GPUDIRECT, compactPlacement: true })];
  expect(poolsConfigOf(flex)[0]).toMatchObject({ reservation: { gkeFlexStart: { queuedProvisioning: true } }, interconnect: 'gpudirect', compactPlacement: true });
  expect(gke(JSON.parse(JSON.stringify(poolsConfigOf(flex)))).pools).toEqual(flex);
});

test.each([
  ['allocation is an unknown mode', [h100({ allocation: 'mig' })], /pools\[0\]\.allocation' is 'mig'; use 'device-plugin', 'dra' or \{dra: '<DeviceClass>'\}/],
  ['a DeviceClass name is not a DNS subdomain', [h100({ allocation: { dra: 'GPU!' } })], /pools\[0\]\.allocation\.dra' is 'GPU!'; must be lower-case alphanumerics/],
  ['sharing has two kinds', [h100({ sharing: { mig: '1g.10gb', mps: 2 } })], /pools\[0\]\.sharing' is .*; use 'none', \{timeSlicing: <replicas>\}/],
  ['time-slicing has one replica', [h100({ sharing: { timeSlicing: 1 } })], /pools\[0\]\.sharing\.timeSlicing' is 1; use an integer from 2 to 64/],
  ['MPS replicas are a string', [h100({ sharing: { mps: '4' } })], /pools\[0\]\.sharing\.mps' is '4'; use the number of pods/],
  ['a MIG profile is malformed', [h100({ sharing: { mig: '3g' } })], /pools\[0\]\.sharing\.mig' is '3g'; use a MIG profile such as '1g.10gb'/],
  ['the GPU lacks the MIG profile', [{ name: 'l4', accelerator: 'nvidia-l4', gpusPerNode: 1, sharing: { mig: '1g.10gb' } }], /pools\[0\]\.sharing' is 'mig\(1g.10gb\)'.*nvidia-l4 offers no MIG/],
  ['DRA is combined with device-plugin sharing', [h100({ allocation: 'dra', sharing: { timeSlicing: 2 } })], /pools\[0\]\.sharing' is 'time-slicing\(2\)'.*cannot run on a DRA node/],
  ['interconnect is unknown', [h100({ interconnect: 'infiniband' })], /pools\[0\]\.interconnect' is 'infiniband'; use 'none', 'efa', \{efa: <interfaces>\} or 'gpudirect'/],
  ['EFA interfaces are zero', [h100({ interconnect: { efa: 0 } })], /pools\[0\]\.interconnect\.efa' is 0; use an integer from 1 to 32/],
  ['the instance type has no EFA', [{ name: 'l4', accelerator: 'nvidia-l4', gpusPerNode: 1, interconnect: 'efa' }], /pools\[0\]\.interconnect' is 'efa\(all\)'; .*instance type g6\.xlarge has no EFA.*types with EFA: .*p5\.48xlarge/],
  ['GPUDirect on an EC2 type', [h100({ interconnect: 'gpudirect' })], /pools\[0\]\.interconnect' is 'gpudirect'; .*machine type p5\.48xlarge has no GPUDirect/],
  ['a disks field is misspelled', [h100({ disks: { rootGiB: 500 } })], /pools\[0\]\.disks\.rootGiB' is 500; unknown disks field; use root, localNvmeForEphemeralStorage/],
  ['the root disk is too small', [h100({ disks: { root: 10 } })], /pools\[0\]\.disks\.root' is 10; .*use an integer from 30 to 16384/],
  ['the root disk is not a size', [h100({ disks: { root: '500GB' } })], /pools\[0\]\.disks\.root' is '500GB'; use GiB as a number/],
  ['local NVMe is a string', [h100({ disks: { localNvmeForEphemeralStorage: 'yes' } })], /pools\[0\]\.disks\.localNvmeForEphemeralStorage' is 'yes'; use true or false/],
  ['the type has no local NVMe', [{ name: 'l4', accelerator: 'nvidia-l4', gpusPerNode: 1, disks: { localNvmeForEphemeralStorage: true } }], /pools\[0\]\.disks\.localNvmeForEphemeralStorage' is true; .*instance type g6\.xlarge has no local NVMe/],
  ['a reservation id is malformed', [h100({ reservation: { ec2: 'res-1' } })], /pools\[0\]\.reservation\.ec2' is 'res-1'; use an EC2 capacity reservation id/],
  ['a reservation kind is unknown', [h100({ reservation: 'cr-0123456789abcdef0' })], /pools\[0\]\.reservation' is 'cr-0123456789abcdef0'; use \{ec2: 'cr-...'\}/],
  ['flex-start has an unknown field', [h100({ reservation: { gkeFlexStart: { queued: true } } })], /pools\[0\]\.reservation\.gkeFlexStart\.queued' is true; unknown gkeFlexStart field/],
  ['a GKE reservation is given on EKS', [h100({ reservation: { gke: 'h100-res' } })], /pools\[0\]\.reservation' is \{"gke":"h100-res"\}; a GKE reservation; eks pools take \{ec2: 'cr-...'\} or \{ec2CapacityBlock: 'cr-...'\}/],
  ['a reservation is combined with spot', [h100({ reservation: { ec2: 'cr-0123456789abcdef0' }, capacityType: 'spot' })], /pools\[0\]\.reservation' is .*capacityType is 'spot'/],
  ['topology levels are not a list', [h100({ topologyLevels: 'kubernetes.io/hostname' })], /pools\[0\]\.topologyLevels' is 'kubernetes.io\/hostname'; use a list of strings/],
  ['a topology level repeats', [h100({ topologyLevels: ['kubernetes.io/hostname', 'kubernetes.io/hostname'] })], /pools\[0\]\.topologyLevels' is .*each level appears once/],
  ['compactPlacement is a string', [h100({ compactPlacement: 'yes' })], /pools\[0\]\.compactPlacement' is 'yes'; use true or false/],
  ['a CPU pool has a GPU feature', [{ name: 'cpu', sharing: { timeSlicing: 2 } }], /pools\[0\]\.sharing' is .*a CPU pool has no GPUs/],
])('fails when %s', (_label, pools, message) => {
  expect(() => eks(pools)).toThrow(StackConfigError);
  expect(() => eks(pools)).toThrow(message);
});

test('fails when an EC2 reservation or Capacity Block is given on GKE', () => {
  expect(() => gke([h100({ reservation: { ec2CapacityBlock: 'cr-0123456789abcdef0' } })])).toThrow(/pools\[0\]\.reservation' is .*an EC2 Capacity Block; gke pools take/);
  expect(() => gke([h100({ reservation: { ec2: 'cr-0123456789abcdef0' } })])).toThrow(/pools\[0\]\.reservation' is \{"ec2":"cr-0123456789abcdef0"\}; an EC2 reservation; gke pools take \{gke: '<reservation>'\} or \{gkeFlexStart: \{queuedProvisioning\?: true\}\}/);
});

test('fails at config time when a managed node group (cluster-autoscaler) would need a launch template', () => {
  const raw = (pools: unknown[], autoscaler?: string) => ({ cluster: 'eks', subnetIds: ['a', 'b'], pools, ...(autoscaler ? { autoscaler } : {}) });
  const parse = (pools: unknown[], autoscaler?: string) => parseStackConfig(raw(pools, autoscaler), [], { awsRegion: 'us-west-2' });
  expect(() => parse([{ name: 'cpu' }, h100({ interconnect: 'efa' })])).toThrow(/pools\[1\]\.interconnect' is 'efa\(all\)'; EKS managed node groups \(autoscaler 'cluster-autoscaler'\) cannot carry it .*set autoscaler: karpenter/);
  expect(() => parse([h100({ reservation: { ec2: 'cr-0123456789abcdef0' } })])).toThrow(/pools\[0\]\.reservation' is 'ec2-reservation\(cr-0123456789abcdef0\)'; EKS managed node groups/);
  expect(() => parse([h100({ disks: { localNvmeForEphemeralStorage: true } })])).toThrow(/pools\[0\]\.disks\.localNvmeForEphemeralStorage' is true; EKS managed node groups/);
  // Karpenter derives them; sharing, DRA and the root disk need no launch template.
  expect(() => parse([h100({ interconnect: 'efa', reservation: { ec2: 'cr-0123456789abcdef0' } })], 'karpenter')).not.toThrow();
  expect(() => parse([a100({ sharing: { mig: '1g.10gb' }, disks: { root: 300 } }), h100({ allocation: 'dra' })])).not.toThrow();
});

describe('draDriver: NVIDIA\'s DRA driver installed out of band', () => {
  const local = (raw: Record<string, unknown>) => parseStackConfig({ cluster: 'local', ...raw }, []);
  const l4 = (extra: Record<string, unknown>) => ({ name: 'l4', accelerator: 'nvidia-l4', gpusPerNode: 1, nodes: ['n1'], ...extra });
  const mixed = [l4({ allocation: 'dra' }), l4({ name: 'l4-plugin', nodes: ['n2'] })];

  test('beside device-plugin pools it declares the driver\'s DeviceClasses to the checks, and the stack stops warning', () => {
    const config = local({ pools: mixed, draDriver: 'external' });
    expect(config.poolNotes).toEqual([]);
    const { platformTarget } = require('../../stacks/operators/platform-target') as typeof import('../../stacks/operators/platform-target');
    const { planReleases } = require('../../stacks/program') as typeof import('../../stacks/program');
    expect(platformTarget(config, planReleases(config)).draDriver?.deviceClasses).toEqual(expect.arrayContaining(['gpu.nvidia.com', 'mig.nvidia.com']));
    expect(local({ pools: mixed }).poolNotes).toEqual([expect.stringMatching(/^DRA pools \(l4\) next to device-plugin pools \(l4-plugin\)/)]);
  });

  test('refused without a DRA pool, where the gpu-operator installs its own, or with another value', () => {
    expect(() => local({ pools: [l4({})], draDriver: 'external' })).toThrow(new StackConfigError('draDriver', 'external', "no pool allocates its GPUs through DRA ('allocation: dra'); remove draDriver"));
    expect(() => local({ pools: [l4({ allocation: 'dra' })], draDriver: 'external' })).toThrow(/every GPU pool allocates through DRA, so the gpu-operator installs NVIDIA's DRA driver itself \(GPUCluster\)/);
    expect(() => local({ pools: mixed, draDriver: 'stack' })).toThrow("config 'ml-platform-patterns:draDriver' is 'stack'; use one of external");
  });
});
