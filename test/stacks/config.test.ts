import { parseStackConfig, StackConfigError } from '../../stacks/config';
import { planPlatform } from '../../stacks/program';
import { buildPlatform, examplePools } from '../../charts';

const team = (extra: Record<string, unknown>) => ({ name: 'a', group: 'ml-a', quotas: [{ pool: 'gpu', cpu: 2, memory: '8Gi', gpus: 1 }], ...extra });
const gpu = (extra: Record<string, unknown>) => ({ pools: [{ name: 'gpu', accelerator: 'nvidia-l4', gpusPerNode: 1, ...extra }] });

test('defaults: local cluster, the example pools, default operators, Kubernetes 1.36', () => {
  const c = parseStackConfig({}, Object.values(examplePools));
  expect(c).toMatchObject({ cluster: 'local', kubernetesVersion: '1.36', domain: 'example.com' });
  expect(c.pools.map((p) => p.name)).toEqual(['cpu', 'gpu-l4', 'train-cpu', 'train-l4']);
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
  ['an EC2 instance type is given on GKE', { cluster: 'gke', location: 'x', ...gpu({ instanceType: 'g6.2xlarge' }) }, /pools\[0\]\.instanceType' is 'g6.2xlarge'; an AWS EC2 instance type; gke node pools need a GCP machine type \(e.g. 'g2-standard-\d+'\)/],
  ['a GCP machine type is given on EKS', { cluster: 'eks', subnetIds: ['a', 'b'], pools: [{ name: 'cpu', instanceType: 'e2-standard-8' }] }, /pools\[0\]\.instanceType' is 'e2-standard-8'; a GCP machine type; eks node pools need an AWS EC2 instance type/],
  ['a local-only field is used on EKS', { cluster: 'eks', subnetIds: ['a', 'b'], ...gpu({ nodes: ['n1'] }) }, /pools\[0\]\.nodes'.*only the local stack/],
  ['an operator is unknown', { operators: ['kubeflow'] }, /operators\[0\]' is 'kubeflow'/],
  ['a key is unknown', { pool: [] }, /pool' is ''; unknown key/],
  ['a team still uses the retired gpuQuota', { teams: [{ name: 'a', gpuQuota: 3 }] }, /teams\[0\]\.gpuQuota' is 3; gpuQuota was replaced by quotas/],
  ['a team quota names an unknown pool', { ...gpu({}), teams: [team({ quotas: [{ pool: 'cpu', cpu: 1, memory: 1 }] })] }, /teams\[0\]\.quotas\[0\]\.pool' is 'cpu'; no such pool; use one of 'gpu'/],
  ['a team has no group', { ...gpu({}), teams: [team({ group: undefined })] }, /teams\[0\]\.group' is undefined; name the identity-provider group/],
  ['a team group is blank', { ...gpu({}), teams: [team({ group: ' ' })] }, /teams\[0\]\.group' is ' '; use a non-empty string/],
  ['two teams share a name', { ...gpu({ maxSize: 4 }), teams: [team({}), team({})] }, /teams\[1\]\.name' is 'a'; another team has this name/],
  ['a team has no quota', { ...gpu({}), teams: [team({ quotas: [] })] }, /teams\[0\]\.quotas' is ''; give the team a list of quotas/],
  ['a quota field is misspelled', { ...gpu({}), teams: [team({ quotas: [{ pool: 'gpu', cpu: 1, memory: 1, gpu: 1 }] })] }, /teams\[0\]\.quotas\[0\]\.gpu' is 1; unknown quota field/],
  ['memory is not a binary quantity', { ...gpu({}), teams: [team({ quotas: [{ pool: 'gpu', cpu: 1, memory: '16G' }] })] }, /teams\[0\]\.quotas\[0\]\.memory' is '16G'; use GiB as a number/],
  ['cpu is finer than a millicore', { ...gpu({}), teams: [team({ quotas: [{ pool: 'gpu', cpu: 0.0001, memory: 1 }] })] }, /teams\[0\]\.quotas\[0\]\.cpu' is 0.0001/],
  ['a team asks for more GPUs than the pool has', { ...gpu({ maxSize: 2 }), teams: [team({ quotas: [{ pool: 'gpu', cpu: 1, memory: 1, gpus: 3 }] })] }, /teams\[0\]\.quotas\[0\]' is .*KueueClusterQueue 'platform-teams\/a\/ClusterQueue'.*exceeds its capacity at maxSize 2 \(gpus 3 > 2\)/],
  ['a team lends more than its nominal quota', { ...gpu({}), teams: [team({ quotas: [{ pool: 'gpu', cpu: 1, memory: 1, lendingLimit: { cpu: 2, memory: 1 } }] })] }, /teams\[0\]\.quotas\[0\]\.lendingLimit' is .*lend at most its nominal quota/],
  ['a team weight is out of range', { ...gpu({}), teams: [team({ fairSharingWeight: 5000 })] }, /teams\[0\]\.fairSharingWeight' is 5000/],
  ['teams are configured without Kueue', { ...gpu({}), operators: ['argo-workflows'], teams: [team({})] }, /operators' is 'argo-workflows'; teams need 'kueue'/],
  ['the Kubernetes version is malformed', { kubernetesVersion: 'latest' }, /kubernetesVersion' is 'latest'/],
])('fails when %s', (_label, raw, message) => {
  expect(() => parseStackConfig(raw)).toThrow(StackConfigError);
  expect(() => parseStackConfig(raw)).toThrow(message);
});

test('the default pools on a cloud take that cloud\'s machines; local keeps the example pools as they are', () => {
  const gke = parseStackConfig({ cluster: 'gke', location: 'us-central1' }, Object.values(examplePools));
  expect(gke.pools.map((p) => [p.name, p.instanceType])).toEqual([['cpu', 'e2-standard-8'], ['gpu-l4', 'g2-standard-8'], ['train-cpu', 'e2-standard-8'], ['train-l4', 'g2-standard-8']]);
  expect(gke.pools.map((p) => [p.maxSize, p.gpusPerNode])).toEqual(Object.values(examplePools).map((p) => [p.maxSize, p.gpusPerNode]));
  const eks = parseStackConfig({ cluster: 'eks', subnetIds: ['a', 'b'] }, Object.values(examplePools), { awsRegion: 'us-west-2' });
  expect(eks.pools.map((p) => p.instanceType)).toEqual(Object.values(examplePools).map((p) => p.instanceType));
  expect(parseStackConfig({}, Object.values(examplePools)).pools).toEqual(Object.values(examplePools));
});

test.each([
  ['the Kubernetes minor is past EKS standard support', { kubernetesVersion: '1.34' }, /kubernetesVersion' is '1.34'; Kubernetes 1.34 is no longer supported \(EKS standard support ended 2026-12-02\); supported: 1.35, 1.36, 1.37/],
  ['the Kubernetes minor is older still', { kubernetesVersion: '1.30' }, /kubernetesVersion' is '1.30'.*no longer supported.*supported: 1.35, 1.36, 1.37/],
  ['the Kubernetes minor is newer than the map', { kubernetesVersion: '1.38' }, /kubernetesVersion' is '1.38'; no pinned operator versions for Kubernetes 1.38; supported: 1.35, 1.36, 1.37/],
  ['KServe is selected without cert-manager', { operators: ['kserve-crd', 'kserve'] }, /kserve requires cert-manager/],
  ['a chart name is unknown', { charts: ['nope'] }, /charts\[0\]' is 'nope'; no such chart; use one of .*book-pipeline/],
])('fails before any resource when %s', (_label, raw, message) => {
  expect(() => planPlatform(parseStackConfig(raw, Object.values(examplePools)), buildPlatform())).toThrow(message);
});

test('teams resolve their pools to the stack\'s NodePool objects; amounts are parsed from cores, GiB and quantities', () => {
  const c = parseStackConfig({
    pools: [{ name: 'cpu', maxSize: 2 }, { name: 'gpu', accelerator: 'nvidia-l4', gpusPerNode: 1, maxSize: 2 }],
    teams: [{ name: 'research', group: 'ml-research', fairSharingWeight: 2, quotas: [
      { pool: 'cpu', cpu: '500m', memory: '512Mi' },
      { pool: 'gpu', cpu: 4, memory: 16, gpus: 1, borrowingLimit: { cpu: 2.5, memory: '1Ti' }, lendingLimit: { cpu: 1, memory: 8, gpus: 1 } },
    ] }],
  });
  const [t] = c.teams;
  expect(t).toMatchObject({ name: 'research', group: 'ml-research', fairSharingWeight: 2 });
  expect(t.quotas.map((q) => q.pool)).toEqual(c.pools); // the same objects the node groups come from
  expect(t.quotas.map((q) => [String(q.nominal.cpu.amount), q.nominal.memory.toMebibytes(), q.nominal.gpus])).toEqual([['500m', 512, 0], ['4000m', 16384, 1]]);
  expect([String(t.quotas[1].borrowingLimit!.cpu.amount), t.quotas[1].borrowingLimit!.memory.toMebibytes()]).toEqual(['2500m', 1024 * 1024]);
  expect(parseStackConfig({}).teams).toEqual([]);
});

test.each([
  ['1.35', undefined],
  ['1.36', undefined],
  ['1.37', ['kube-prometheus-stack', 'metrics-server', 'nfs-provisioner', 'argo-workflows']],
])('plans on Kubernetes %s (operators %j; 1.37 only without the operators whose range ends at 1.36)', (kubernetesVersion, operators) => {
  const config = parseStackConfig({ kubernetesVersion, ...(operators ? { operators } : {}) }, Object.values(examplePools));
  const names = (operators ?? config.operators) as readonly string[];
  // Without the training operator and KServe the book pipeline's steps would create kinds nothing serves.
  const charts = operators ? ['ingestion-examples'] : ['book-pipeline', 'ingestion-examples'];
  expect(() => planPlatform({ ...config, charts }, buildPlatform())).not.toThrow();
  expect(config.operators).toEqual(names);
});
