import { StorageProfiles } from '../../constructs/core/storage-profile';
import { installMocks, named, ofType, promiseOf, Registered, settle, urnName } from './mocks';

jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

const SYSTEM = { instanceType: 'm6i.xlarge', minSize: 2, maxSize: 4 };
let registered: Registered[];
let eksNodes: string[];

beforeAll(async () => {
  registered = installMocks({});
  // The cluster components alone (the program's charts are not needed to see the storage they create).
  const { EksCluster } = require('../../stacks/cluster/eks') as typeof import('../../stacks/cluster/eks');
  const { GkeCluster } = require('../../stacks/cluster/gke') as typeof import('../../stacks/cluster/gke');
  const eks = new EksCluster('mlp', {
    clusterName: 'mlp', kubernetesVersion: '1.36', subnetIds: ['subnet-a', 'subnet-b'], systemPool: SYSTEM, pools: [],
    autoscaler: 'cluster-autoscaler', autoscalerNamespace: 'kube-system',
  });
  const gke = new GkeCluster('g', { clusterName: 'g', kubernetesVersion: '1.36', location: 'us-central1', systemPool: { ...SYSTEM, instanceType: 'e2-standard-4' }, pools: [] });
  await promiseOf(eks.kubeconfig);
  await promiseOf(gke.kubeconfig);
  await settle();
  eksNodes = eks.nodes.map((r) => (r as any).__name);
});

describe('EKS storage profile', () => {
  test('EBS and EFS CSI add-ons, each with a Pod Identity role for its controller ServiceAccount', () => {
    for (const [id, addonName, sa, policy] of [
      ['ebs', 'aws-ebs-csi-driver', 'ebs-csi-controller-sa', 'AmazonEBSCSIDriverPolicy'],
      ['efs', 'aws-efs-csi-driver', 'efs-csi-controller-sa', 'AmazonEFSCSIDriverPolicy'],
    ]) {
      const addon = named(registered, `mlp-storage-${id}-csi`);
      expect(addon.inputs).toMatchObject({ clusterName: 'mlp', addonName });
      expect(addon.inputs.podIdentityAssociations).toEqual([{ roleArn: `arn:aws:iam::123456789012:role/mlp-storage-${id}-csi-role`, serviceAccount: sa }]);
      expect(named(registered, `mlp-storage-${id}-csi-policy`).inputs.policyArn).toBe(`arn:aws:iam::aws:policy/service-role/${policy}`);
      expect(JSON.parse(named(registered, `mlp-storage-${id}-csi-role`).inputs.assumeRolePolicy).Statement[0].Principal).toEqual({ Service: 'pods.eks.amazonaws.com' });
      // The Pod Identity agent (the autoscaler's identity component) and the nodes come first.
      expect(addon.dependencies.map(urnName)).toEqual(expect.arrayContaining(['mlp-autoscaler-pod-identity-agent', 'mlp-system', `mlp-storage-${id}-csi-policy`]));
    }
  });

  test('an encrypted EFS file system, a mount target per subnet, NFS only from the cluster security group', () => {
    expect(named(registered, 'mlp-storage-efs').inputs).toMatchObject({ encrypted: true, throughputMode: 'elastic' });
    const targets = ofType(registered, 'aws:efs/mountTarget:MountTarget');
    expect(targets.map((t) => t.inputs.subnetId).sort()).toEqual(['subnet-a', 'subnet-b']);
    for (const t of targets) expect(t.inputs).toMatchObject({ fileSystemId: 'mlp-storage-efs-id', securityGroups: ['mlp-storage-efs-sg-id'] });
    expect(named(registered, 'mlp-storage-efs-sg').inputs.vpcId).toBe('vpc-0123');
    expect(named(registered, 'mlp-storage-efs-nfs').inputs).toMatchObject({
      securityGroupId: 'mlp-storage-efs-sg-id', referencedSecurityGroupId: 'sg-cluster', ipProtocol: 'tcp', fromPort: 2049, toPort: 2049,
    });
  });

  test('the profile\'s classes: gp3 (default, block) and efs (shared, one access point per claim)', () => {
    const gp3 = named(registered, 'mlp-storage-gp3').inputs;
    expect(gp3.metadata).toEqual({ name: StorageProfiles.EKS.default.name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } });
    expect(gp3).toMatchObject({ provisioner: 'ebs.csi.aws.com', volumeBindingMode: 'WaitForFirstConsumer', parameters: { type: 'gp3', encrypted: 'true' } });
    const efs = named(registered, 'mlp-storage-efs-class');
    expect(efs.inputs.metadata.name).toBe(StorageProfiles.EKS.shared.name);
    expect(efs.inputs).toMatchObject({ provisioner: 'efs.csi.aws.com', parameters: { provisioningMode: 'efs-ap', fileSystemId: 'mlp-storage-efs-id' } });
    expect(efs.dependencies.map(urnName)).toEqual(expect.arrayContaining(['mlp-storage-efs-csi', 'mlp-storage-efs-mount-0', 'mlp-storage-efs-mount-1']));
  });

  test('operators and charts wait for the classes (they are in the cluster\'s nodes)', () => {
    expect(eksNodes).toEqual(expect.arrayContaining(['mlp-storage-gp3', 'mlp-storage-efs-class']));
  });
});

describe('GKE storage profile', () => {
  test('Filestore and Persistent Disk CSI drivers on; the cluster waits for the Filestore API', () => {
    const cluster = ofType(registered, 'gcp:container/cluster:Cluster')[0];
    expect(cluster.inputs.addonsConfig).toEqual({ gcePersistentDiskCsiDriverConfig: { enabled: true }, gcpFilestoreCsiDriverConfig: { enabled: true } });
    expect(named(registered, 'g-filestore-api').inputs).toMatchObject({ service: 'file.googleapis.com', disableOnDestroy: false });
    expect(cluster.dependencies.map(urnName)).toContain('g-filestore-api');
  });
});
