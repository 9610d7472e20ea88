import { deployedObjects, installMocks, named, ofType, promiseOf, Registered, settle } from './mocks';

const POOLS = [
  { name: 'cpu', maxSize: 3 },
  { name: 'gpu-l4', accelerator: 'nvidia-l4', gpusPerNode: 1, maxSize: 4, capacityType: 'spot' },
];
jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  registered = installMocks({ cluster: 'eks', clusterName: 'mlp-eks', subnetIds: JSON.stringify(['subnet-a', 'subnet-b']), pools: JSON.stringify(POOLS), charts: JSON.stringify(['book-pipeline-gpu']) }, { 'aws:region': 'us-west-2' });
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

test('the cluster runs the pinned Kubernetes minor on the given subnets', () => {
  const cluster = ofType(registered, 'aws:eks/cluster:Cluster')[0];
  expect(cluster.inputs).toMatchObject({ name: 'mlp-eks', version: '1.36', vpcConfig: { subnetIds: ['subnet-a', 'subnet-b'] } });
});

test('GPU node group: NVIDIA AMI, GPU taint, pool labels, scales from 0, autoscaler templates', () => {
  const gpu = named(registered, 'mlp-eks-pool-gpu-l4').inputs;
  expect(gpu.amiType).toBe('AL2023_x86_64_NVIDIA');
  expect(gpu.instanceTypes).toEqual(['g6.xlarge']);
  expect(gpu.capacityType).toBe('SPOT');
  expect(gpu.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NO_SCHEDULE' }]);
  expect(gpu.labels).toMatchObject({ 'mlpatterns.dev/node-pool': 'gpu-l4', 'mlpatterns.dev/accelerator': 'nvidia-l4' });
  expect(gpu.scalingConfig).toEqual({ minSize: 0, maxSize: 4, desiredSize: 0 });
  expect(gpu.tags['k8s.io/cluster-autoscaler/node-template/resources/nvidia.com/gpu']).toBe('1');
  expect(gpu.tags['k8s.io/cluster-autoscaler/node-template/taint/nvidia.com/gpu']).toBe('present:NoSchedule');
});

test('CPU and system node groups are untainted standard AMIs', () => {
  expect(named(registered, 'mlp-eks-pool-cpu').inputs).toMatchObject({ amiType: 'AL2023_x86_64_STANDARD', taints: [] });
  expect(named(registered, 'mlp-eks-system').inputs.scalingConfig).toEqual({ minSize: 2, maxSize: 4, desiredSize: 2 });
});

test('the kubeconfig is a secret exec config (no stored token) and feeds the provider', async () => {
  const kubeconfig = JSON.parse(await promiseOf(program.kubeconfig));
  expect(kubeconfig.users[0].user.exec).toMatchObject({ command: 'aws', args: expect.arrayContaining(['get-token', 'mlp-eks']) });
  expect(ofType(registered, 'pulumi:providers:kubernetes')).toHaveLength(1);
});

test('only the selected chart is deployed; the GPU operator tolerates exactly the GPU pool taints', () => {
  expect(program.charts).toEqual(['book-pipeline-gpu']);
  expect(registered.some((r) => r.name === 'charts-book-pipeline')).toBe(false);
  const values = named(registered, 'operators-gpu-operator-release').inputs.values;
  expect(values.daemonsets.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' }]);
  expect(values.driver.enabled).toBe(false);
});

test('the deployed objects of the selected chart equal its cdk8s synth output as the stack applies it', () => {
  const { buildPlatform } = require('../../charts');
  const { asDeployed } = require('../../stacks/platform/platform-charts');
  const { defaultPlatformTarget } = require('../../stacks/operators/platform-target');
  // Built for the EKS target, as the stack builds it (EFS class for shared volumes).
  const expected = buildPlatform({ target: defaultPlatformTarget('eks') }).synthManifests().find((m: { name: string }) => m.name === 'book-pipeline-gpu');
  expect(deployedObjects(registered, 'book-pipeline-gpu')).toEqual(expected.objects.map(asDeployed));
});
