/**
 * The storage the EKS storage profile promises (`StorageProfiles.EKS`): block volumes from the EBS
 * CSI driver (class `gp3`, the default) and a shared NFS file system from the EFS CSI driver (class
 * `efs`, ReadWriteMany), both as EKS add-ons with Pod Identity roles, plus the EFS file system, a
 * mount target per subnet and the security group letting the nodes reach it on NFS (TCP 2049).
 */
import * as ec2 from '@pulumi/aws/ec2';
import * as efs from '@pulumi/aws/efs';
import * as eks from '@pulumi/aws/eks';
import * as iam from '@pulumi/aws/iam';
import * as vpc from '@pulumi/aws/vpc';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { StorageProfiles } from '../../constructs/core/storage-profile';
import { upstreamOf } from './target';

/**
 * Each CSI driver's controller ServiceAccount (kube-system) and the AWS managed policy it needs
 * (AWS docs "Amazon EBS CSI driver" / "Amazon EFS CSI driver": IAM role for the add-on, Pod
 * Identity supported by both add-ons; not re-checked offline).
 */
export const CSI_ADDONS = {
  ebs: { addonName: 'aws-ebs-csi-driver', serviceAccount: 'ebs-csi-controller-sa', policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy' },
  efs: { addonName: 'aws-efs-csi-driver', serviceAccount: 'efs-csi-controller-sa', policyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEFSCSIDriverPolicy' },
} as const;

/** NFS port the mount targets accept from the nodes. */
export const NFS_PORT = 2049;

/** A StorageClass as the stack creates it. */
export interface StorageClassSpec {
  readonly metadata: { readonly name: string; readonly annotations?: Record<string, string> };
  readonly provisioner: string;
  readonly parameters: Record<string, pulumi.Input<string>>;
  readonly volumeBindingMode: 'Immediate' | 'WaitForFirstConsumer';
  readonly allowVolumeExpansion?: boolean;
  readonly reclaimPolicy: 'Delete' | 'Retain';
}

/** The `gp3` class: encrypted gp3 EBS volumes, bound where the pod lands (volumes are per-AZ). */
export function gp3StorageClass(): StorageClassSpec {
  return {
    metadata: { name: StorageProfiles.EKS.default.name, annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
    provisioner: 'ebs.csi.aws.com',
    parameters: { type: 'gp3', encrypted: 'true', 'csi.storage.k8s.io/fstype': 'ext4' },
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true,
    reclaimPolicy: 'Delete',
  };
}

/**
 * The `efs` class: one EFS access point per claim (`provisioningMode: efs-ap`), under `/dynamic`.
 * The access point fixes the POSIX owner from `gidRangeStart..End`, so pods of any non-root UID
 * (Pod Security restricted) can write. Parameters from aws-efs-csi-driver's dynamic provisioning docs.
 */
export function efsStorageClass(fileSystemId: pulumi.Input<string>): StorageClassSpec {
  return {
    metadata: { name: StorageProfiles.EKS.shared.name },
    provisioner: 'efs.csi.aws.com',
    parameters: {
      provisioningMode: 'efs-ap',
      fileSystemId,
      directoryPerms: '700',
      basePath: '/dynamic',
      gidRangeStart: '50000',
      gidRangeEnd: '59999',
    },
    // Claims bind at once: EFS is regional, reachable from every subnet with a mount target.
    volumeBindingMode: 'Immediate',
    reclaimPolicy: 'Delete',
  };
}

/** Arguments of `EksStorage`. */
export interface EksStorageArgs {
  /** The cluster: its name, VPC and cluster security group (managed node groups run in it). */
  readonly cluster: eks.Cluster;
  /** One EFS mount target per subnet: give one subnet per availability zone. */
  readonly subnetIds: readonly pulumi.Input<string>[];
  readonly provider: k8s.Provider;
}

/** CSI add-ons, EFS file system and mount targets, and the `gp3`/`efs` StorageClasses. */
export class EksStorage extends pulumi.ComponentResource {
  public readonly fileSystem: efs.FileSystem;
  /** What claims wait for: the classes (and through them the add-ons and mount targets). */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: EksStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:cluster:EksStorage', name, {}, opts);
    const child = { parent: this };
    // Children do not inherit the component's dependsOn (nodes, Pod Identity agent): hand it down.
    const upstream = upstreamOf(opts);
    const clusterName = args.cluster.name;
    const addons = Object.entries(CSI_ADDONS).map(([id, a]) => {
      const role = new iam.Role(`${name}-${id}-csi-role`, {
        assumeRolePolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
        }),
      }, child);
      const policy = new iam.RolePolicyAttachment(`${name}-${id}-csi-policy`, { role: role.name, policyArn: a.policyArn }, child);
      return new eks.Addon(`${name}-${id}-csi`, {
        clusterName,
        addonName: a.addonName,
        podIdentityAssociations: [{ roleArn: role.arn, serviceAccount: a.serviceAccount }],
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'PRESERVE',
      }, { ...child, dependsOn: [...upstream, policy] });
    });

    this.fileSystem = new efs.FileSystem(`${name}-efs`, {
      encrypted: true,
      performanceMode: 'generalPurpose',
      throughputMode: 'elastic',
      tags: { Name: pulumi.interpolate`${clusterName}-shared` },
      // The shared data outlives the stack (claims are retained the same way).
    }, { ...child, retainOnDelete: true });
    const group = new ec2.SecurityGroup(`${name}-efs-sg`, {
      vpcId: args.cluster.vpcConfig.vpcId,
      description: 'EFS mount targets of the cluster shared storage: NFS from the cluster nodes only',
    }, child);
    const nfs = new vpc.SecurityGroupIngressRule(`${name}-efs-nfs`, {
      securityGroupId: group.id,
      referencedSecurityGroupId: args.cluster.vpcConfig.clusterSecurityGroupId,
      ipProtocol: 'tcp',
      fromPort: NFS_PORT,
      toPort: NFS_PORT,
      description: 'NFS from the EKS cluster security group',
    }, child);
    const targets = args.subnetIds.map((subnetId, i) => new efs.MountTarget(`${name}-efs-mount-${i}`, {
      fileSystemId: this.fileSystem.id, subnetId, securityGroups: [group.id],
    }, { ...child, dependsOn: [nfs] }));

    const k8sChild = { parent: this, provider: args.provider };
    const [ebsAddon, efsAddon] = addons;
    const gp3 = new k8s.storage.v1.StorageClass(`${name}-gp3`, gp3StorageClass(), { ...k8sChild, dependsOn: [ebsAddon] });
    const shared = new k8s.storage.v1.StorageClass(`${name}-efs-class`, efsStorageClass(this.fileSystem.id), {
      ...k8sChild, dependsOn: [efsAddon, ...targets],
    });
    this.ready = [gp3, shared];
    this.registerOutputs({ fileSystemId: this.fileSystem.id });
  }
}
