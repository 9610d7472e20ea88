/**
 * IAM for the EKS node autoscaler, through EKS Pod Identity (no OIDC provider, no ServiceAccount
 * annotation): the Pod Identity agent add-on, one role per autoscaler with a least-privilege inline
 * policy scoped by the cluster's tags, and the association naming the chart's ServiceAccount.
 * Karpenter also gets the role its nodes run as, and an access entry that lets them join.
 */
import * as eks from '@pulumi/aws/eks';
import * as iam from '@pulumi/aws/iam';
import * as pulumi from '@pulumi/pulumi';
import { AUTOSCALER_SERVICE_ACCOUNTS } from '../operators/values';
import { NodeAutoscaler } from './kinds';

/** An IAM policy document. */
export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly { Sid: string; Effect: 'Allow'; Action: string[]; Resource: string | string[]; Condition?: Record<string, Record<string, string | string[]>> }[];
}

/** Where the cluster lives, parsed from its ARN (`arn:aws:eks:us-west-2:123456789012:cluster/mlp`). */
export interface ClusterArn {
  readonly partition: string;
  readonly region: string;
  readonly accountId: string;
  readonly clusterName: string;
}

/** Parses an EKS cluster ARN; throws on anything else. */
export function parseClusterArn(arn: string): ClusterArn {
  const m = /^arn:([^:]+):eks:([^:]+):(\d{12}):cluster\/(.+)$/.exec(arn);
  if (!m) throw new Error(`'${arn}' is not an EKS cluster ARN`);
  return { partition: m[1], region: m[2], accountId: m[3], clusterName: m[4] };
}

/** Node-group tag EKS puts on the Auto Scaling groups of a cluster's managed node groups. */
export const clusterOwnedTag = (clusterName: string) => `k8s.io/cluster-autoscaler/${clusterName}`;

/**
 * cluster-autoscaler on AWS, least privilege: reads are unscoped (the Describe APIs take no
 * resource), writes (`SetDesiredCapacity`, `TerminateInstanceInAutoScalingGroup`) only on groups
 * tagged as this cluster's, `eks:DescribeNodegroup` (labels/taints for scale from 0) only on its node groups.
 * @see https://github.com/kubernetes/autoscaler/blob/master/cluster-autoscaler/cloudprovider/aws/README.md#iam-policy
 */
export function clusterAutoscalerPolicy(cluster: ClusterArn): PolicyDocument {
  const { partition, region, accountId, clusterName } = cluster;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'ScaleOwnedGroups',
        Effect: 'Allow',
        Action: ['autoscaling:SetDesiredCapacity', 'autoscaling:TerminateInstanceInAutoScalingGroup'],
        Resource: '*',
        Condition: { StringEquals: { [`aws:ResourceTag/${clusterOwnedTag(clusterName)}`]: 'owned', 'aws:ResourceTag/k8s.io/cluster-autoscaler/enabled': 'true' } },
      },
      {
        Sid: 'Describe',
        Effect: 'Allow',
        Action: [
          'autoscaling:DescribeAutoScalingGroups', 'autoscaling:DescribeAutoScalingInstances', 'autoscaling:DescribeLaunchConfigurations',
          'autoscaling:DescribeScalingActivities', 'autoscaling:DescribeTags', 'ec2:DescribeImages', 'ec2:DescribeInstanceTypes',
          'ec2:DescribeLaunchTemplateVersions', 'ec2:GetInstanceTypesFromInstanceRequirements',
        ],
        Resource: '*',
      },
      {
        Sid: 'DescribeOwnNodegroups',
        Effect: 'Allow',
        Action: ['eks:DescribeNodegroup'],
        Resource: `arn:${partition}:eks:${region}:${accountId}:nodegroup/${clusterName}/*/*`,
      },
    ],
  };
}

/**
 * Karpenter controller, condensed from the upstream v1 controller policy: launches and tags only
 * what carries this cluster's ownership tag, terminates only its own NodeClaims' instances, passes
 * only the node role, reads regionally.
 * @see https://karpenter.sh/docs/reference/cloudformation/
 */
export function karpenterControllerPolicy(cluster: ClusterArn, nodeRoleArn: string): PolicyDocument {
  const { partition, region, accountId, clusterName } = cluster;
  const ec2 = (r: string) => `arn:${partition}:ec2:${region}:*:${r}`;
  const owned = { [`aws:RequestTag/kubernetes.io/cluster/${clusterName}`]: 'owned', 'aws:RequestTag/eks:eks-cluster-name': clusterName };
  const ownedResource = { [`aws:ResourceTag/kubernetes.io/cluster/${clusterName}`]: 'owned' };
  const launched = ['fleet/*', 'instance/*', 'volume/*', 'network-interface/*', 'launch-template/*', 'spot-instances-request/*'].map(ec2);
  return {
    Version: '2012-10-17',
    Statement: [
      { Sid: 'LaunchFromSharedResources', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateFleet'], Resource: [`arn:${partition}:ec2:${region}::image/*`, `arn:${partition}:ec2:${region}::snapshot/*`, ec2('security-group/*'), ec2('subnet/*'), ec2('capacity-reservation/*')] },
      { Sid: 'LaunchFromOwnTemplates', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateFleet'], Resource: ec2('launch-template/*'), Condition: { StringEquals: ownedResource, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'CreateOwned', Effect: 'Allow', Action: ['ec2:RunInstances', 'ec2:CreateFleet', 'ec2:CreateLaunchTemplate'], Resource: launched, Condition: { StringEquals: owned, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'TagOnCreate', Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: launched, Condition: { StringEquals: { ...owned, 'ec2:CreateAction': ['RunInstances', 'CreateFleet', 'CreateLaunchTemplate'] }, StringLike: { 'aws:RequestTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'TagOwnInstances', Effect: 'Allow', Action: ['ec2:CreateTags'], Resource: ec2('instance/*'), Condition: { StringEquals: ownedResource, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } } },
      { Sid: 'DeleteOwned', Effect: 'Allow', Action: ['ec2:TerminateInstances', 'ec2:DeleteLaunchTemplate'], Resource: [ec2('instance/*'), ec2('launch-template/*')], Condition: { StringEquals: ownedResource, StringLike: { 'aws:ResourceTag/karpenter.sh/nodepool': '*' } } },
      {
        Sid: 'RegionalRead', Effect: 'Allow',
        Action: ['ec2:DescribeAvailabilityZones', 'ec2:DescribeCapacityReservations', 'ec2:DescribeImages', 'ec2:DescribeInstances', 'ec2:DescribeInstanceTypeOfferings', 'ec2:DescribeInstanceTypes', 'ec2:DescribeLaunchTemplates', 'ec2:DescribeSecurityGroups', 'ec2:DescribeSpotPriceHistory', 'ec2:DescribeSubnets'],
        Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': region } },
      },
      { Sid: 'AmiParameters', Effect: 'Allow', Action: ['ssm:GetParameter'], Resource: `arn:${partition}:ssm:${region}::parameter/aws/service/*` },
      { Sid: 'Pricing', Effect: 'Allow', Action: ['pricing:GetProducts'], Resource: '*' },
      { Sid: 'PassNodeRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: nodeRoleArn, Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
      {
        Sid: 'OwnInstanceProfiles', Effect: 'Allow',
        Action: ['iam:CreateInstanceProfile', 'iam:TagInstanceProfile', 'iam:AddRoleToInstanceProfile', 'iam:RemoveRoleFromInstanceProfile', 'iam:DeleteInstanceProfile'],
        Resource: `arn:${partition}:iam::${accountId}:instance-profile/*`,
        Condition: { StringEquals: { 'aws:ResourceTag/eks:eks-cluster-name': clusterName, ...ownedResource }, StringLike: { 'aws:ResourceTag/karpenter.k8s.aws/ec2nodeclass': '*' } },
      },
      { Sid: 'TagNewInstanceProfiles', Effect: 'Allow', Action: ['iam:CreateInstanceProfile', 'iam:TagInstanceProfile'], Resource: `arn:${partition}:iam::${accountId}:instance-profile/*`, Condition: { StringEquals: owned, StringLike: { 'aws:RequestTag/karpenter.k8s.aws/ec2nodeclass': '*' } } },
      { Sid: 'ReadInstanceProfiles', Effect: 'Allow', Action: ['iam:GetInstanceProfile', 'iam:ListInstanceProfiles'], Resource: '*' },
      { Sid: 'DiscoverEndpoint', Effect: 'Allow', Action: ['eks:DescribeCluster'], Resource: `arn:${partition}:eks:${region}:${accountId}:cluster/${clusterName}` },
    ],
  };
}

/** Name of the IAM role Karpenter's nodes run as (an EC2NodeClass names it; fixed so objects stay pure). */
export const karpenterNodeRoleName = (clusterName: string) => `${clusterName}-karpenter-node`;

/** Arguments of `EksNodeAutoscalerIdentity`. */
export interface EksNodeAutoscalerIdentityArgs {
  readonly autoscaler: NodeAutoscaler;
  readonly clusterName: pulumi.Input<string>;
  readonly clusterArn: pulumi.Input<string>;
  /** Managed policies of the worker nodes (Karpenter's node role gets the same). */
  readonly nodePolicyArns: readonly string[];
  /** Namespace of the autoscaler's ServiceAccount. */
  readonly namespace: string;
}

/** Pod Identity agent, autoscaler role + policy + association; for Karpenter its node role and access entry. */
export class EksNodeAutoscalerIdentity extends pulumi.ComponentResource {
  public readonly role: iam.Role;
  /** What the autoscaler's install must wait for. */
  public readonly ready: pulumi.Resource[];

  constructor(name: string, args: EksNodeAutoscalerIdentityArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:cluster:EksNodeAutoscalerIdentity', name, {}, opts);
    const child = { parent: this };
    const agent = new eks.Addon(`${name}-pod-identity-agent`, { clusterName: args.clusterName, addonName: 'eks-pod-identity-agent' }, child);
    this.role = new iam.Role(`${name}-role`, {
      assumeRolePolicy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }],
      }),
    }, child);
    const cluster = pulumi.output(args.clusterArn).apply(parseClusterArn);
    const ready: pulumi.Resource[] = [agent];
    let policy: pulumi.Output<string>;
    if (args.autoscaler === 'karpenter') {
      const nodeRole = new iam.Role(`${name}-node-role`, {
        name: pulumi.output(args.clusterName).apply(karpenterNodeRoleName),
        assumeRolePolicy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }),
      }, child);
      const attachments = [...args.nodePolicyArns, 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore'].map((arn) => new iam.RolePolicyAttachment(
        `${name}-node-${arn.slice(arn.lastIndexOf('/') + 1)}`, { role: nodeRole.name, policyArn: arn }, child));
      // Authentication mode API: nodes join through an access entry, not the aws-auth ConfigMap.
      const entry = new eks.AccessEntry(`${name}-node-access`, { clusterName: args.clusterName, principalArn: nodeRole.arn, type: 'EC2_LINUX' }, child);
      ready.push(nodeRole, ...attachments, entry);
      policy = pulumi.all([cluster, nodeRole.arn]).apply(([c, arn]) => JSON.stringify(karpenterControllerPolicy(c, arn)));
    } else {
      policy = cluster.apply((c) => JSON.stringify(clusterAutoscalerPolicy(c)));
    }
    const inline = new iam.RolePolicy(`${name}-policy`, { role: this.role.name, policy }, child);
    const association = new eks.PodIdentityAssociation(`${name}-association`, {
      clusterName: args.clusterName,
      namespace: args.namespace,
      serviceAccount: AUTOSCALER_SERVICE_ACCOUNTS[args.autoscaler],
      roleArn: this.role.arn,
    }, { parent: this, dependsOn: [agent] });
    ready.push(inline, association);
    this.ready = ready;
    this.registerOutputs({ roleArn: this.role.arn });
  }
}
