import { installMocks, named, ofType, promiseOf, Registered, settle } from './mocks';

const POOLS = [{ name: 'gpu-a100', accelerator: 'nvidia-a100-40gb', gpusPerNode: 2, minSize: 0, maxSize: 2 }];
jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  registered = installMocks({ cluster: 'gke', location: 'us-central1', pools: JSON.stringify(POOLS), operators: JSON.stringify(['cert-manager', 'kserve-crd', 'kserve', 'volcano']), charts: JSON.stringify([]) });
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

test('GPU node pool: guest accelerators from the accelerator, machine type that carries them, autoscaling from 0', () => {
  const pool = named(registered, 'mlp-pool-gpu-a100').inputs;
  expect(pool.nodeConfig.guestAccelerators).toEqual([{ type: 'nvidia-tesla-a100', count: 2, gpuDriverInstallationConfig: { gpuDriverVersion: 'DEFAULT' } }]);
  expect(pool.nodeConfig.machineType).toBe('a2-highgpu-2g');
  expect(pool.autoscaling).toEqual({ minNodeCount: 0, maxNodeCount: 2 });
  expect(pool.nodeConfig.labels['mlpatterns.dev/node-pool']).toBe('gpu-a100');
  // GKE taints GPU nodes itself; setting the same taint again is left out.
  expect(pool.nodeConfig.taints).toEqual([]);
});

test('the cluster is pinned, protected and has no default pool', () => {
  expect(ofType(registered, 'gcp:container/cluster:Cluster')[0].inputs).toMatchObject({
    minMasterVersion: '1.36', removeDefaultNodePool: true, deletionProtection: true, location: 'us-central1',
  });
});

test('only the selected operators are installed, Volcano included, in dependency order', () => {
  expect(Object.keys(program.operatorVersions)).toEqual(['cert-manager', 'kserve-crd', 'kserve', 'volcano']);
  expect(registered.some((r) => r.name.startsWith('operators-argo-workflows'))).toBe(false);
  expect(named(registered, 'operators-volcano-release').inputs).toMatchObject({ chart: 'volcano', version: '1.15.1' });
  expect(program.argoServer).toBeUndefined();
});

test('no node autoscaler is installed: GKE autoscales its node pools itself', () => {
  expect(registered.filter((r) => /operators-(cluster-autoscaler|karpenter)|autoscaler/.test(r.name))).toEqual([]);
});
