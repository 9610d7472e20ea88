import { parse } from 'yaml';
import { chartObjects, installMocks, named, promiseOf, Registered, settle, stackFileMocks } from './mocks';

jest.setTimeout(120_000);

/** Pulumi.gke-gpu.yaml run whole against the mocks: what `pulumi up` would register for its GPU pools. */
let registered: Registered[];

beforeAll(async () => {
  const { config, otherNamespaces } = stackFileMocks('gke-gpu');
  registered = installMocks(config, otherNamespaces);
  const program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

const pool = (name: string) => named(registered, `mlp-gke-gpu-pool-${name}`).inputs;

test('the DRA pool: no GKE device plugin and no automatic driver install', () => {
  const { nodeConfig } = pool('l4-dra');
  expect(nodeConfig.labels).toMatchObject({ 'gke-no-default-nvidia-gpu-device-plugin': 'true', 'nvidia.com/gpu.deploy.device-plugin': 'false' });
  expect(nodeConfig.guestAccelerators).toEqual([{ type: 'nvidia-l4', count: 1, gpuDriverInstallationConfig: { gpuDriverVersion: 'INSTALLATION_DISABLED' } }]);
});

test('the MIG pool: a2-ultragpu-8g with the MIG manager layout label', () => {
  const { nodeConfig } = pool('a100-mig');
  expect(nodeConfig.machineType).toBe('a2-ultragpu-8g');
  expect(nodeConfig.labels['nvidia.com/mig.config']).toBe('all-3g.40gb');
});

test('the GPUDirect pool: a3-highgpu-8g, compact placement, 500 GB boot disk, its 16 local SSDs for ephemeral storage', () => {
  const p = pool('h100-gpudirect');
  expect(p.nodeConfig).toMatchObject({ machineType: 'a3-highgpu-8g', diskSizeGb: 500, ephemeralStorageLocalSsdConfig: { localSsdCount: 16 } });
  expect(p.placementPolicy).toEqual({ type: 'COMPACT' });
});

test('the reserved pool: nodes from the named reservation, compact', () => {
  const p = pool('h100-reserved');
  expect(p.nodeConfig.reservationAffinity).toEqual({ consumeReservationType: 'SPECIFIC_RESERVATION', key: 'compute.googleapis.com/reservation-name', values: ['h100-reservation'] });
  expect(p.nodeConfig.labels['mlpatterns.dev/capacity-type']).toBe('reserved');
  expect(p.placementPolicy).toEqual({ type: 'COMPACT' });
});

test('the flex-start pool: queued provisioning from 0 nodes, no reservation', () => {
  const p = pool('h100-flex');
  expect(p).toMatchObject({ initialNodeCount: 0, autoscaling: { minNodeCount: 0, maxNodeCount: 4 }, queuedProvisioning: { enabled: true } });
  expect(p.nodeConfig).toMatchObject({ flexStart: true, reservationAffinity: { consumeReservationType: 'NO_RESERVATION' } });
  expect(p.nodeConfig.labels['mlpatterns.dev/capacity-type']).toBe('flex-start');
});

test('the gpu-operator: MIG strategy single; the pools without sharing keep the default config', () => {
  const values = named(registered, 'operators-gpu-operator-release').inputs.values;
  expect(values.mig).toEqual({ strategy: 'single' });
  expect(Object.keys(values.devicePlugin.config.data)).toEqual(['default']);
});

test('Kueue: the DRA pool\'s DeviceClass mapped in its Configuration and quotaed under that name by the GPU examples; the GPUDirect pool a TAS flavor of GKE\'s topology', () => {
  const config = parse(named(registered, 'operators-kueue-release').inputs.values.managerConfig.controllerManagerConfigYaml);
  // No EFA pool: nothing is left out of Kueue's quota.
  expect(config.resources).toEqual({ deviceClassMappings: [{ name: 'dra.mlpatterns.dev/gpu.nvidia.com', deviceClassNames: ['gpu.nvidia.com'] }] });
  const objs = chartObjects(registered, 'gpu-examples');
  const name = 'gce-topology-block.gce-topology-subblock.hostname';
  const topologies = objs.filter((o) => o.kind === 'Topology');
  expect(topologies.map((t) => [t.metadata.name, t.spec.levels.map((l: any) => l.nodeLabel)])).toEqual([[name, ['cloud.google.com/gce-topology-block', 'cloud.google.com/gce-topology-subblock', 'kubernetes.io/hostname']]]);
  expect(objs.find((o) => o.kind === 'ResourceFlavor' && o.metadata.name === 'h100-gpudirect')!.spec.topologyName).toBe(name);
  const flavor = objs.find((o) => o.kind === 'ClusterQueue')!.spec.resourceGroups[0].flavors.find((f: any) => f.name === 'l4-dra');
  // The examples' team books the DRA pool but the node its InferenceService serves on: 3 of 4 nodes of one L4.
  expect(flavor.resources.find((r: any) => r.name === 'dra.mlpatterns.dev/gpu.nvidia.com').nominalQuota).toBe('3');
  expect(objs.filter((o) => o.kind === 'TrainJob').map((o) => o.metadata.name).sort()).toEqual(['dra-ddp', 'multi-node-ddp', 'reserved-ddp', 'shared-gpu-ddp']);
});

test('the config\'s team has only the flex-start pool: its cohort has that flavor alone, the other pools are the GPU examples\'', () => {
  const objs = named(registered, 'charts-platform-teams').inputs.objs as Record<string, any>[];
  expect(objs.filter((o) => o.kind === 'ResourceFlavor').map((o) => o.metadata.name)).toEqual(['h100-flex']);
  expect(chartObjects(registered, 'gpu-examples').filter((o) => o.kind === 'ResourceFlavor').map((o) => o.metadata.name).sort()).toEqual(['a100-mig', 'h100-gpudirect', 'h100-reserved', 'l4-dra']);
});

test('Kueue: the flex-start pool with queued provisioning gets its ProvisioningRequestConfig and AdmissionCheck, which the team\'s ClusterQueue runs on that flavor', () => {
  const objs = named(registered, 'charts-platform-teams').inputs.objs as Record<string, any>[];
  const only = (kind: string) => objs.filter((o) => o.kind === kind);
  expect(only('ProvisioningRequestConfig').map((o) => [o.metadata.name, o.metadata.namespace, o.spec])).toEqual([['h100-flex', undefined, { provisioningClassName: 'queued-provisioning.gke.io', managedResources: ['nvidia.com/gpu'] }]]);
  expect(only('AdmissionCheck').map((o) => [o.metadata.name, o.metadata.namespace, o.spec])).toEqual([['h100-flex', undefined, {
    controllerName: 'kueue.x-k8s.io/provisioning-request', parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'ProvisioningRequestConfig', name: 'h100-flex' },
  }]]);
  expect(only('ClusterQueue')[0].spec.admissionChecksStrategy).toEqual({ admissionChecks: [{ name: 'h100-flex', onFlavors: ['h100-flex'] }] });
  expect(only('ResourceFlavor').find((o) => o.metadata.name === 'h100-flex')!.spec.tolerations).toContainEqual({ key: 'cloud.google.com/gke-queued', operator: 'Equal', value: 'true', effect: 'NoSchedule' });
  // GKE taints the queued pool's nodes itself: the node pool does not repeat it.
  expect(pool('h100-flex').nodeConfig.taints ?? []).toEqual([]);
});
