import { parseStackConfig, StackConfigError } from '../../stacks/config';
import { planPlatform } from '../../stacks/program';
import { buildPlatform, examplePools } from '../../charts';

const gpu = (extra: Record<string, unknown>) => ({ pools: [{ name: 'gpu', accelerator: 'nvidia-l4', gpusPerNode: 1, ...extra }] });

test('defaults: local cluster, the example pools, default operators, Kubernetes 1.34', () => {
  const c = parseStackConfig({}, Object.values(examplePools));
  expect(c).toMatchObject({ cluster: 'local', kubernetesVersion: '1.34', domain: 'example.com' });
  expect(c.pools.map((p) => p.name)).toEqual(['cpu', 'gpu-l4']);
  expect(c.operators).not.toContain('volcano');
});

test.each([
  ['an unknown accelerator', gpu({ accelerator: 'nvidia-b200' }), /pools\[0\]\.accelerator' is 'nvidia-b200'.*nvidia-l4/],
  ['minSize exceeds maxSize', gpu({ minSize: 5, maxSize: 2 }), /pools\[0\]\.minSize' is 5; it exceeds pools\[0\]\.maxSize 2/],
  ['a GPU pool has no GPU count', { pools: [{ name: 'gpu', accelerator: 'nvidia-l4' }] }, /pools\[0\]\.gpusPerNode' is undefined.*nvidia-l4/],
  ['GPUs per node is out of range', gpu({ gpusPerNode: 32 }), /pools\[0\]\.gpusPerNode' is 32.*1 to 16/],
  ['a CPU pool has a GPU count', { pools: [{ name: 'cpu', gpusPerNode: 2 }] }, /pools\[0\]\.gpusPerNode' is 2.*CPU pool/],
  ['a pool field is misspelled', gpu({ maxsize: 3 }), /pools\[0\]\.maxsize' is 3; unknown pool field/],
  ['two pools share a name', { pools: [{ name: 'a' }, { name: 'a' }] }, /pools\[1\]\.name' is 'a'/],
  ['the cluster kind is unknown', { cluster: 'aks' }, /cluster' is 'aks'; use one of local, eks, gke/],
  ['EKS has fewer than two subnets', { cluster: 'eks', subnetIds: ['subnet-a'] }, /subnetIds' is 'subnet-a'; EKS needs/],
  ['GKE has no location', { cluster: 'gke' }, /location' is undefined/],
  ['GKE does not offer the accelerator', { cluster: 'gke', location: 'x', ...gpu({ accelerator: 'nvidia-a10g' }) }, /pools\[0\]\.accelerator' is 'nvidia-a10g'; GKE offers no/],
  ['a local-only field is used on EKS', { cluster: 'eks', subnetIds: ['a', 'b'], ...gpu({ nodes: ['n1'] }) }, /pools\[0\]\.nodes'.*only the local stack/],
  ['an operator is unknown', { operators: ['kubeflow'] }, /operators\[0\]' is 'kubeflow'/],
  ['a key is unknown', { pool: [] }, /pool' is ''; unknown key/],
  ['a team asks for more GPUs than the pools have', { ...gpu({ maxSize: 2 }), teams: [{ name: 'a', gpuQuota: 3 }] }, /teams\[0\]\.gpuQuota' is 3.*2 GPUs/],
  ['the Kubernetes version is malformed', { kubernetesVersion: 'latest' }, /kubernetesVersion' is 'latest'/],
])('fails when %s', (_label, raw, message) => {
  expect(() => parseStackConfig(raw)).toThrow(StackConfigError);
  expect(() => parseStackConfig(raw)).toThrow(message);
});

test.each([
  ['the Kubernetes minor has no pinned operators', { kubernetesVersion: '1.30' }, /kubernetesVersion' is '1.30'.*supported: 1.33, 1.34/],
  ['KServe is selected without cert-manager', { operators: ['kserve-crd', 'kserve'] }, /kserve requires cert-manager/],
  ['a chart name is unknown', { charts: ['nope'] }, /charts\[0\]' is 'nope'; no such chart; use one of .*book-pipeline/],
])('fails before any resource when %s', (_label, raw, message) => {
  expect(() => planPlatform(parseStackConfig(raw, Object.values(examplePools)), buildPlatform())).toThrow(message);
});
