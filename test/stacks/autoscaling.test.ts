import { Size } from 'cdk8s';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { CapacityType, NodePool, TaintEffect } from '../../constructs/cluster/node-pool';
import { clusterAutoscalerPolicy, parseClusterArn } from '../../stacks/cluster/eks-autoscaling';
import { parseStackConfig } from '../../stacks/config';
import { clusterOperators, compatibilityProblems, releasesFor } from '../../stacks/operators/versions';
import { karpenterNodePoolFor, karpenterRequirements } from '../../stacks/platform/karpenter-node-pools';

const opts = { clusterName: 'mlp', subnetIds: ['subnet-a'], nodeRoleName: 'mlp-karpenter-node' };
const req = (pool: NodePool) => Object.fromEntries(karpenterRequirements(pool).map((r) => [r.key, r.values]));

test.each([
  ['L4 x1 spot', NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, capacityType: CapacityType.SPOT }), { 'karpenter.sh/capacity-type': ['spot'], 'karpenter.k8s.aws/instance-gpu-name': ['l4'], 'karpenter.k8s.aws/instance-gpu-count': ['1'] }],
  ['A100 80GB x8', NodePool.gpu({ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8 }), { 'karpenter.k8s.aws/instance-gpu-name': ['a100'], 'karpenter.k8s.aws/instance-family': ['p4de'], 'karpenter.k8s.aws/instance-gpu-count': ['8'] }],
  ['CPU pool', NodePool.cpu({ name: 'cpu', instanceType: 'm7i.2xlarge' }), { 'karpenter.sh/capacity-type': ['on-demand'], 'node.kubernetes.io/instance-type': ['m7i.2xlarge'] }],
  ['custom accelerator', NodePool.gpu({ name: 'x', accelerator: Accelerator.custom('acme-x1', Accelerator.NVIDIA_L4.memory, { awsInstanceType: 'x1.large' }), gpusPerNode: 1, cpuPerNode: 7.5, memoryPerNode: Size.gibibytes(28) }), { 'node.kubernetes.io/instance-type': ['x1.large'] }],
])('requirements of %s come from the pool', (_label, pool, expected) => {
  expect(req(pool)).toMatchObject(expected);
});

test.each([
  ['GPU pool', NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2, maxSize: 3, taints: [{ key: 'team', value: 'a', effect: TaintEffect.NO_SCHEDULE }] }), 'WhenEmpty', '6'],
  ['CPU pool', NodePool.cpu({ name: 'cpu', maxSize: 2 }), 'WhenEmptyOrUnderutilized', undefined],
])('%s: labels, taints, limits and disruption are derived', (_label, pool, policy, gpuLimit) => {
  const { nodePool, nodeClass } = karpenterNodePoolFor(pool, opts);
  expect(nodePool.spec.template.metadata.labels).toEqual(pool.nodeLabels());
  expect(nodePool.spec.template.spec.taints).toEqual(pool.nodeTaints());
  expect(nodePool.spec.limits['nvidia.com/gpu']).toBe(gpuLimit);
  expect(nodePool.spec.limits.cpu).toBe(String(pool.capacity().cpu));
  expect(nodePool.spec.disruption.consolidationPolicy).toBe(policy);
  expect(nodePool.spec.template.spec.nodeClassRef).toEqual({ group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: nodeClass.metadata.name });
  expect(nodeClass.spec).toMatchObject({ role: 'mlp-karpenter-node', subnetSelectorTerms: [{ id: 'subnet-a' }] });
});

test.each([
  ['eks', 'cluster-autoscaler', ['cluster-autoscaler']],
  ['eks', 'karpenter', ['karpenter']],
  ['eks', undefined, ['cluster-autoscaler']],
  ['gke', undefined, []],
  ['local', undefined, []],
] as const)('%s with autoscaler %s installs %j', (cluster, autoscaler, expected) => {
  expect(clusterOperators(cluster, autoscaler)).toEqual(expected);
});

test('node autoscalers are eks-only in the version map, and match the Kubernetes minor', () => {
  expect(compatibilityProblems('1.36', [releasesFor('1.36')['cluster-autoscaler']], 'gke')).toEqual(['cluster-autoscaler runs on eks clusters only, not gke']);
  expect(releasesFor('1.36')['cluster-autoscaler'].appVersion).toMatch(/^1\.36\./);
  expect(releasesFor('1.35')['cluster-autoscaler'].appVersion).toMatch(/^1\.35\./);
  // No 1.37 cluster-autoscaler is known: the 1.37 row keeps the 1.36 one, which the check refuses.
  expect(compatibilityProblems('1.37', [releasesFor('1.37')['cluster-autoscaler']], 'eks')).toEqual([
    'cluster-autoscaler 1.36.1 supports Kubernetes 1.36 to 1.36, not 1.37',
  ]);
  expect(compatibilityProblems('1.37', [releasesFor('1.37').karpenter], 'eks')).toEqual(['karpenter 1.14.1 supports Kubernetes 1.26 to 1.36, not 1.37']);
});

test.each([
  ['karpenter on gke', { cluster: 'gke', location: 'x', autoscaler: 'karpenter' }, /autoscaler' is 'karpenter'; only eks.*GKE autoscales/],
  ['an autoscaler on local', { autoscaler: 'cluster-autoscaler' }, /autoscaler' is 'cluster-autoscaler'; only eks.*fixed nodes/],
  ['an unknown autoscaler', { cluster: 'eks', subnetIds: ['a', 'b'], autoscaler: 'keda' }, /autoscaler' is 'keda'; use one of cluster-autoscaler, karpenter/],
  ['the autoscaler listed as an operator', { operators: ['karpenter'] }, /operators\[0\]' is 'karpenter'.*'autoscaler' key/],
  ['a malformed region', { cluster: 'eks', subnetIds: ['a', 'b'], region: 'west' }, /aws:region' is 'west'/],
])('fails when %s', (_label, raw, message) => {
  const { region, ...rest } = raw as Record<string, unknown>;
  expect(() => parseStackConfig(rest, [], { awsRegion: (region as string) ?? 'us-west-2' })).toThrow(message);
});

test('the cluster-autoscaler policy scopes writes to the cluster\'s groups and node groups', () => {
  const policy = clusterAutoscalerPolicy(parseClusterArn('arn:aws:eks:us-west-2:123456789012:cluster/mlp'));
  const byId = Object.fromEntries(policy.Statement.map((s) => [s.Sid, s]));
  expect(byId.ScaleOwnedGroups.Condition!.StringEquals['aws:ResourceTag/k8s.io/cluster-autoscaler/mlp']).toBe('owned');
  expect(byId.DescribeOwnNodegroups.Resource).toBe('arn:aws:eks:us-west-2:123456789012:nodegroup/mlp/*/*');
  expect(policy.Statement.flatMap((s) => s.Action).filter((a) => !/^(autoscaling|ec2):(Describe|Get)|^eks:Describe/.test(a))).toEqual(['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup']);
});
