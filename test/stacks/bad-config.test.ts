import * as pulumi from '@pulumi/pulumi';
import { installMocks, Registered, settle } from './mocks';

jest.setTimeout(60_000);

/** A team with a GPU-pool quota of `gpus` (5 by default, of the 8 the default gpu-l4 pool has). */
const team = (o: Record<string, unknown>) => {
  const { gpus = 5, ...rest } = o;
  return { name: 'research', group: 'ml-research', quotas: [{ pool: 'gpu-l4', cpu: 4, memory: 16, gpus }], ...rest };
};

let registered: Registered[];
let main: typeof import('../../stacks/program').main;

beforeAll(() => {
  registered = installMocks({});
  // The same entry stacks/index.ts runs; config is swapped per case (setAllConfig overwrites it).
  main = require('../../stacks/program').main;
});

test.each([
  ['an unknown accelerator', { pools: [{ name: 'g', accelerator: 'nvidia-x1', gpusPerNode: 1 }] }, /pools\[0\]\.accelerator' is 'nvidia-x1'/],
  ['min > max', { pools: [{ name: 'g', minSize: 3, maxSize: 1 }] }, /pools\[0\]\.minSize' is 3/],
  ['a local pool sized apart from its nodes', { pools: [{ name: 'g', maxSize: 3, nodes: ['kind-worker'] }] }, /pools\[0\]\.maxSize' is 3; a local pool has exactly its 1 listed node\(s\); remove maxSize or list 3 nodes/],
  ['a GPU pool without GPU count', { pools: [{ name: 'g', accelerator: 'nvidia-l4' }] }, /pools\[0\]\.gpusPerNode' is undefined/],
  ['Kubernetes 1.34 (out of EKS standard support)', { kubernetesVersion: '1.34' }, /kubernetesVersion' is '1.34'; Kubernetes 1.34 is no longer supported \(EKS standard support ended 2026-12-02\); supported: 1.35, 1.36, 1.37/],
  ['Kubernetes 1.33 (out of EKS standard support)', { kubernetesVersion: '1.33' }, /kubernetesVersion' is '1.33'; Kubernetes 1.33 is no longer supported \(EKS standard support ended 2026-07-29\); supported: 1.35, 1.36, 1.37/],
  ['Kubernetes 1.31', { kubernetesVersion: '1.31' }, /kubernetesVersion' is '1.31'; Kubernetes 1.31 is no longer supported \(older than every supported minor, past EKS standard support\); supported: 1.35/],
  ['Kubernetes 1.37 with the default operators', { kubernetesVersion: '1.37' }, /operators' is .*; incompatible selection for kubernetesVersion '1.37':\n {2}cert-manager v1.21.1 supports Kubernetes 1.33 to 1.36, not 1.37\n {2}gpu-operator/],
  ['KServe without cert-manager', { operators: ['kserve-crd', 'kserve'] }, /kserve requires cert-manager/],
  ['an unknown chart', { charts: ['nope'] }, /charts\[0\]' is 'nope'/],
  ['Karpenter on GKE', { cluster: 'gke', location: 'us-central1', autoscaler: 'karpenter' }, /autoscaler' is 'karpenter'; only eks installs a node autoscaler/],
  ['an unknown autoscaler', { cluster: 'eks', subnetIds: ['a', 'b'], autoscaler: 'keda' }, /autoscaler' is 'keda'; use one of cluster-autoscaler, karpenter/],
  ['a team quota on an unknown pool', { teams: [team({ quotas: [{ pool: 'tpu', cpu: 1, memory: 1 }] })] }, /teams\[0\]\.quotas\[0\]\.pool' is 'tpu'; no such pool; use one of 'cpu', 'gpu-l4', 'train-cpu', 'train-l4'/],
  ['team quotas above a pool\'s capacity', { teams: [team({ name: 'a' }), team({ name: 'b' })] }, /teams\[1\]\.quotas\[0\]' is .*cohort 'platform-teams' the total on pool 'gpu-l4' exceeds its capacity at maxSize 8 \(gpus 10 > 8\)/],
  ['two teams with one name', { teams: [team({ gpus: 1 }), team({ gpus: 1 })] }, /teams\[1\]\.name' is 'research'; another team has this name/],
  ['a team without a group', { teams: [team({ group: undefined })] }, /teams\[0\]\.group' is undefined; name the identity-provider group .* no default/],
  ['EKS without aws:region', { cluster: 'eks', subnetIds: ['a', 'b'] }, /config 'aws:region' is undefined; EKS needs the AWS region/],
])('the program fails on %s before registering any resource', async (_label, config, message) => {
  pulumi.runtime.setAllConfig(Object.fromEntries(Object.entries(config).map(([k, v]) => [`ml-platform-patterns:${k}`, typeof v === 'string' ? v : JSON.stringify(v)])));
  expect(() => main()).toThrow(message);
  await settle(); // registrations reach the mocks asynchronously: wait before asserting there were none
  expect(registered).toEqual([]);
});
