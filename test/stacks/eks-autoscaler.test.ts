import { installMocks, named, ofType, promiseOf, Registered, settle, urnName } from './mocks';

const POOLS = [
  { name: 'cpu', maxSize: 3 },
  { name: 'gpu-l4', accelerator: 'nvidia-l4', gpusPerNode: 1, maxSize: 4 },
];
jest.setTimeout(60_000);

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  registered = installMocks({ cluster: 'eks', clusterName: 'mlp-eks', subnetIds: JSON.stringify(['subnet-a', 'subnet-b']), pools: JSON.stringify(POOLS), charts: JSON.stringify([]) }, { 'aws:region': 'eu-west-1' });
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

test('cluster-autoscaler is installed from the kubernetes autoscaler repo at the pinned 1.36 version', () => {
  const { OPERATOR_VERSIONS } = require('../../stacks/operators/versions');
  const pinned = OPERATOR_VERSIONS['1.36']['cluster-autoscaler'];
  const release = named(registered, 'operators-cluster-autoscaler-chart').inputs;
  expect(release).toMatchObject({ chart: 'cluster-autoscaler', version: '9.59.0', repositoryOpts: { repo: 'https://kubernetes.github.io/autoscaler' }, namespace: 'kube-system' });
  expect(release.version).toBe(pinned.source.version);
  // Chart 9.59.0 defaults to 1.35.0; the values run the cluster's minor.
  expect(release.values.image.tag).toBe('v1.36.1');
  expect(program.operatorVersions['cluster-autoscaler']).toBe('9.59.0');
  expect(registered.some((r) => r.name.startsWith('operators-karpenter'))).toBe(false);
});

test('values: discovery by cluster name, region, balanced groups, least-waste, system pool, restricted', () => {
  const v = named(registered, 'operators-cluster-autoscaler-chart').inputs.values;
  expect(v).toMatchObject({ cloudProvider: 'aws', awsRegion: 'eu-west-1', autoDiscovery: { clusterName: 'mlp-eks' } });
  expect(v.extraArgs).toMatchObject({ 'balance-similar-node-groups': true, expander: 'least-waste', 'scale-down-enabled': true });
  expect(v.nodeSelector).toEqual({ 'mlpatterns.dev/node-pool': 'system' });
  expect(named(registered, 'mlp-eks-system').inputs.labels).toEqual({ 'mlpatterns.dev/node-pool': 'system' });
  expect(v.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
  expect(v.containerSecurityContext).toMatchObject({ allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
});

test('the IAM role is wired through Pod Identity to the chart\'s ServiceAccount', () => {
  const v = named(registered, 'operators-cluster-autoscaler-chart').inputs.values;
  const assoc = ofType(registered, 'aws:eks/podIdentityAssociation:PodIdentityAssociation');
  expect(assoc).toHaveLength(1);
  expect(assoc[0].inputs).toMatchObject({ clusterName: 'mlp-eks', namespace: 'kube-system', serviceAccount: v.rbac.serviceAccount.name, roleArn: 'arn:aws:iam::123456789012:role/mlp-eks-autoscaler-role' });
  const trust = JSON.parse(named(registered, 'mlp-eks-autoscaler-role').inputs.assumeRolePolicy);
  expect(trust.Statement[0].Principal.Service).toBe('pods.eks.amazonaws.com');
  const policy = JSON.parse(named(registered, 'mlp-eks-autoscaler-policy').inputs.policy);
  const write = policy.Statement.find((s: any) => s.Action.includes('autoscaling:SetDesiredCapacity'));
  expect(write.Condition.StringEquals['aws:ResourceTag/k8s.io/cluster-autoscaler/mlp-eks']).toBe('owned');
  // One Pod Identity agent for the cluster (the CSI storage add-ons use it too).
  expect(ofType(registered, 'aws:eks/addon:Addon').filter((a) => a.inputs.addonName === 'eks-pod-identity-agent')).toHaveLength(1);
});

test('the install waits for the node groups and the IAM wiring', () => {
  const deps = named(registered, 'operators-cluster-autoscaler').dependencies.map(urnName);
  expect(deps).toEqual(expect.arrayContaining(['mlp-eks-system', 'mlp-eks-pool-gpu-l4', 'mlp-eks-pool-cpu', 'mlp-eks-autoscaler-association', 'mlp-eks-autoscaler-policy']));
});
