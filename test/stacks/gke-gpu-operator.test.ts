import { Accelerator } from '../../constructs/cluster/accelerator';
import { NodePool } from '../../constructs/cluster/node-pool';
import { installMocks, named, promiseOf, Registered, settle } from './mocks';

// The GKE stack with NVIDIA's gpu-operator selected: what NVIDIA's GKE page asks of the cluster.
const POOLS = [
  { name: 'gpu-a100', accelerator: 'nvidia-a100-40gb', gpusPerNode: 2, minSize: 0, maxSize: 2 },
  { name: 'cpu', minSize: 0, maxSize: 2 },
];
jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  registered = installMocks({ cluster: 'gke', location: 'us-central1', pools: JSON.stringify(POOLS), operators: JSON.stringify(['gpu-operator']), charts: JSON.stringify([]) });
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

const urnOf = (r: Registered) => expect.stringContaining(`::${r.name}`);

test('the gpu-operator namespace gets the PriorityClass quota of NVIDIA\'s GKE page, and the chart waits for it', () => {
  const ns = named(registered, 'mlp-gpu-operator-namespace');
  expect(ns.inputs.metadata.name).toBe('gpu-operator');
  const quota = named(registered, 'mlp-gpu-operator-quota');
  expect(quota.type).toBe('kubernetes:core/v1:ResourceQuota');
  expect(quota.inputs.metadata).toMatchObject({ name: 'gpu-operator-quota', namespace: 'gpu-operator' });
  expect(quota.inputs.spec).toEqual({
    hard: { pods: '100' },
    scopeSelector: { matchExpressions: [{ operator: 'In', scopeName: 'PriorityClass', values: ['system-node-critical', 'system-cluster-critical'] }] },
  });
  expect(quota.dependencies).toContainEqual(urnOf(ns));
  const install = named(registered, 'operators-gpu-operator');
  expect(install.dependencies).toContainEqual(urnOf(quota));
});

test('GPU pools leave the device plugin to the operator; CPU pools do not get the label', () => {
  expect(named(registered, 'mlp-pool-gpu-a100').inputs.nodeConfig.labels['gke-no-default-nvidia-gpu-device-plugin']).toBe('true');
  expect(named(registered, 'mlp-pool-cpu').inputs.nodeConfig.labels['gke-no-default-nvidia-gpu-device-plugin']).toBeUndefined();
});

test('chart values: no driver container, the toolkit and driver paths under GKE\'s /home/kubernetes/bin/nvidia, CDI on', () => {
  const values = named(registered, 'operators-gpu-operator-release').inputs.values;
  expect(values.driver).toEqual({ enabled: false });
  expect(values.toolkit).toEqual({ enabled: true, installDir: '/home/kubernetes/bin/nvidia' });
  expect(values.hostPaths).toEqual({ driverInstallDir: '/home/kubernetes/bin/nvidia' });
  expect(values.cdi).toEqual({ enabled: true });
});

test('without the gpu-operator a GPU pool keeps GKE\'s own device plugin', () => {
  const { gkeNodePoolSpec } = require('../../stacks/cluster/gke') as typeof import('../../stacks/cluster/gke');
  const pool = NodePool.gpu({ name: 'g', accelerator: Accelerator.NVIDIA_A100_40GB, gpusPerNode: 2 });
  expect(gkeNodePoolSpec(pool).nodeConfig.labels['gke-no-default-nvidia-gpu-device-plugin']).toBeUndefined();
  expect(gkeNodePoolSpec(pool, true).nodeConfig.labels['gke-no-default-nvidia-gpu-device-plugin']).toBe('true');
});
