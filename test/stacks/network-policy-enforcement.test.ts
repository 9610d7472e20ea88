// The cloud clusters enforce the charts' NetworkPolicies: EKS through the VPC CNI add-on's network
// policy agent, GKE through Dataplane V2. The cluster components run under Pulumi mocks directly.
import { installMocks, ofType, promiseOf, Registered, settle, urnName } from './mocks';

jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

let registered: Registered[];
let eksCluster: import('../../stacks/cluster/eks').EksCluster;

beforeAll(async () => {
  registered = installMocks({});
  const { EksCluster } = require('../../stacks/cluster/eks');
  const { GkeCluster } = require('../../stacks/cluster/gke');
  const { NodePool } = require('../../constructs/cluster/node-pool');
  const pools = [NodePool.cpu({ name: 'cpu', maxSize: 2 })];
  const systemPool = { instanceType: 'm6i.xlarge', minSize: 2, maxSize: 4 };
  eksCluster = new EksCluster('eks', {
    clusterName: 'mlp-eks', kubernetesVersion: '1.36', subnetIds: ['subnet-a', 'subnet-b'], systemPool, pools,
    autoscaler: 'cluster-autoscaler', autoscalerNamespace: 'kube-system',
  });
  new GkeCluster('gke', { clusterName: 'mlp-gke', kubernetesVersion: '1.36', location: 'us-central1', systemPool: { ...systemPool, instanceType: 'e2-standard-4' }, pools });
  await promiseOf(eksCluster.kubeconfig);
  await settle();
});

test('EKS: the managed VPC CNI add-on runs with the network policy agent on, taking over the self-managed CNI', () => {
  const addons = ofType(registered, 'aws:eks/addon:Addon').filter((a) => a.inputs.addonName === 'vpc-cni');
  expect(addons).toHaveLength(1);
  const { inputs } = addons[0];
  expect(inputs).toMatchObject({ clusterName: 'mlp-eks', addonName: 'vpc-cni', resolveConflictsOnCreate: 'OVERWRITE', resolveConflictsOnUpdate: 'OVERWRITE' });
  expect(JSON.parse(inputs.configurationValues)).toEqual({ enableNetworkPolicy: 'true' });
});

test('EKS: operators and charts wait for enforcement (the add-on is among the resources they depend on)', () => {
  expect(eksCluster.nodes).toContain(eksCluster.vpcCni);
  // The node role keeps the CNI policy the agent needs to manage pod ENIs.
  const attachments = ofType(registered, 'aws:iam/rolePolicyAttachment:RolePolicyAttachment').map((r) => r.inputs.policyArn);
  expect(attachments).toContain('arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy');
});

test('GKE: Dataplane V2 on a VPC-native cluster, without the legacy Calico add-on', () => {
  const [cluster] = ofType(registered, 'gcp:container/cluster:Cluster');
  expect(cluster.inputs).toMatchObject({ name: 'mlp-gke', datapathProvider: 'ADVANCED_DATAPATH', networkingMode: 'VPC_NATIVE', ipAllocationPolicy: {} });
  expect(cluster.inputs.networkPolicy).toBeUndefined();
  expect(cluster.inputs.addonsConfig?.networkPolicyConfig).toBeUndefined();
});

test('the EKS add-on is created after the cluster it configures (clusterName is the cluster output)', () => {
  const addon = ofType(registered, 'aws:eks/addon:Addon').find((a) => a.inputs.addonName === 'vpc-cni')!;
  expect(addon.dependencies.map(urnName)).toEqual(['eks-cluster']);
  expect(addon.inputs.clusterName).toBe(ofType(registered, 'aws:eks/cluster:Cluster')[0].inputs.name);
});
