import { Size } from 'cdk8s';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { CapacityReservation, GpuAllocation, GpuSharing, Interconnect } from '../../constructs/cluster/gpu-features';
import { NodePool } from '../../constructs/cluster/node-pool';
import { installMocks, named, promiseOf, Registered, settle } from './mocks';

jest.setTimeout(60_000);

const h100 = (name: string, o: Partial<Parameters<typeof NodePool.gpu>[0]> = {}) => NodePool.gpu({ name, accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, ...o });
const reserved = h100('h100-block', { reservation: CapacityReservation.ec2CapacityBlock('cr-0123456789abcdef0'), interconnect: Interconnect.efa(), disks: { root: Size.gibibytes(500), localNvmeForEphemeralStorage: true } });
const flex = h100('a3-flex', { instanceType: 'a3-highgpu-8g', reservation: CapacityReservation.gkeFlexStart({ queuedProvisioning: true }), interconnect: Interconnect.GPUDIRECT, disks: { localNvmeForEphemeralStorage: true } });
const gkeReserved = h100('a3-res', { instanceType: 'a3-highgpu-8g', reservation: CapacityReservation.gke('h100-res'), compactPlacement: true });
const gkeDra = h100('a3-dra', { instanceType: 'a3-highgpu-8g', allocation: GpuAllocation.dra() });
const mig = NodePool.gpu({ name: 'a100-mig', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, sharing: GpuSharing.mig('3g.40gb') });
const sliced = NodePool.gpu({ name: 'l4-sliced', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, sharing: GpuSharing.timeSlicing(4) });

let registered: Registered[];
let karpenter: typeof import('../../stacks/platform/karpenter-node-pools');
let eks: typeof import('../../stacks/cluster/eks');
let gke: typeof import('../../stacks/cluster/gke');
let sharing: typeof import('../../stacks/operators/gpu-sharing-values');

beforeAll(async () => {
  registered = installMocks({});
  // Modules load after the mocks are set (jest CommonJS).
  karpenter = require('../../stacks/platform/karpenter-node-pools');
  eks = require('../../stacks/cluster/eks');
  gke = require('../../stacks/cluster/gke');
  sharing = require('../../stacks/operators/gpu-sharing-values');
  const cluster = new gke.GkeCluster('gpu', { clusterName: 'gpu', kubernetesVersion: '1.34', location: 'us-central1-a', systemPool: { instanceType: 'e2-standard-4', minSize: 1, maxSize: 2 }, pools: [flex, gkeReserved, gkeDra] });
  await promiseOf(cluster.kubeconfig);
  await settle();
});

describe('Karpenter derives reservations, disks and shares from the pool', () => {
  test('a Capacity Block pool: capacity type reserved, reservation selector, RAID0 NVMe, root disk size, physical GPU limit', () => {
    const { nodePool, nodeClass } = karpenter.karpenterNodePoolFor(reserved, { clusterName: 'c', subnetIds: ['s'], nodeRoleName: 'r' });
    expect(nodePool.spec.template.spec.requirements).toContainEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['reserved'] });
    expect(nodeClass.spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
    expect(nodeClass.spec.instanceStorePolicy).toBe('RAID0');
    expect(nodeClass.spec.blockDeviceMappings[0].ebs.volumeSize).toBe('500Gi');
    const m = karpenter.karpenterNodePoolFor(mig, { clusterName: 'c', subnetIds: ['s'], nodeRoleName: 'r' });
    expect(m.nodePool.spec.limits['nvidia.com/gpu']).toBe('24');
    expect(m.nodePool.spec.template.metadata.labels['nvidia.com/mig.config']).toBe('all-3g.40gb');
  });

  test('fails when a flex-start pool is given to Karpenter', () => {
    expect(() => karpenter.karpenterNodePoolFor(flex, { clusterName: 'c', subnetIds: ['s'], nodeRoleName: 'r' })).toThrow(/NodePool 'a3-flex': prop 'reservation' is 'gke-flex-start-queued'; flex-start is GKE capacity/);
  });
});

describe('EKS managed node groups', () => {
  test('GPU pools get their root disk; shares are the autoscaler template resources', () => {
    expect(eks.eksNodeGroupSpec(mig, 'c').diskSize).toBe(200);
    expect(eks.eksNodeGroupSpec(sliced, 'c').tags['k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu']).toBe('4');
  });

  test('fails when a pool needs what a node group without launch template cannot carry', () => {
    expect(() => eks.eksNodeGroupSpec(reserved, 'c')).toThrow(/NodePool 'h100-block': prop 'interconnect' is 'efa\(all\)'; EKS managed node groups .* use autoscaler: karpenter/);
  });
});

describe('GKE node pools (Pulumi mocks)', () => {
  test('flex-start with queued provisioning: ProvisioningRequest only, from 0 nodes, no reservation, local SSDs, compact', () => {
    const inputs = named(registered, 'gpu-pool-a3-flex').inputs;
    expect(inputs.queuedProvisioning).toEqual({ enabled: true });
    expect(inputs.initialNodeCount).toBe(0);
    expect(inputs.placementPolicy).toEqual({ type: 'COMPACT' });
    expect(inputs.nodeConfig).toMatchObject({ flexStart: true, reservationAffinity: { consumeReservationType: 'NO_RESERVATION' }, ephemeralStorageLocalSsdConfig: { localSsdCount: 16 }, diskSizeGb: 200 });
  });

  test('a specific reservation and compact placement', () => {
    const inputs = named(registered, 'gpu-pool-a3-res').inputs;
    expect(inputs.nodeConfig.reservationAffinity).toEqual({ consumeReservationType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: ['h100-res'] });
    expect(inputs.placementPolicy).toEqual({ type: 'COMPACT' });
  });

  test('DRA: no GKE device plugin, no automatic driver install', () => {
    const inputs = named(registered, 'gpu-pool-a3-dra').inputs;
    expect(inputs.nodeConfig.labels['gke-no-default-nvidia-gpu-device-plugin']).toBe('true');
    expect(inputs.nodeConfig.guestAccelerators[0].gpuDriverInstallationConfig).toEqual({ gpuDriverVersion: 'INSTALLATION_DISABLED' });
  });

  test('fails when an EC2 reservation backs a GKE node pool', () => {
    expect(() => gke.gkeNodePoolSpec(reserved)).toThrow(/an EC2 reservation cannot back a GKE node pool/);
  });
});

describe('gpu-operator device plugin config', () => {
  test('one entry per time-slicing setting, a MIG-single default; nothing when no pool shares', () => {
    const values = sharing.gpuSharingValues([sliced, mig, reserved]) as any;
    expect(values.mig).toEqual({ strategy: 'single' });
    expect(values.devicePlugin.config).toMatchObject({ create: true, name: 'mlp-device-plugin-config', default: 'default' });
    expect(JSON.parse(values.devicePlugin.config.data['time-slicing-4'])).toEqual({
      version: 'v1', flags: { migStrategy: 'none' },
      sharing: { timeSlicing: { failRequestsGreaterThanOne: true, renameByDefault: false, resources: [{ name: 'nvidia.com/gpu', replicas: 4 }] } },
    });
    expect(sharing.gpuSharingValues([reserved])).toEqual({});
  });
});
