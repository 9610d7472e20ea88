import * as eks from '@pulumi/aws/eks';
import * as iam from '@pulumi/aws/iam';
import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { NVIDIA_GPU_RESOURCE } from '../../constructs/cluster/accelerator';
import { CapacityType, NodePool } from '../../constructs/cluster/node-pool';
import { formatValue } from '../../constructs/core/errors';
import { Labels } from '../../constructs/core/labels';
import { SystemPoolConfig } from '../config';
import { launchTemplateFeature } from '../config-gpu';
import { OperatorName } from '../operators/versions';
import { SYSTEM_POOL_NAME } from '../operators/values';
import { EksNodeAutoscalerIdentity } from './eks-autoscaling';
import { EksStorage } from './eks-storage';
import { NodeAutoscaler } from './kinds';
import { cloudTaint, execKubeconfig, IClusterTarget } from './target';

/** Arguments of `EksCluster`. */
export interface EksClusterArgs {
  /** EKS cluster name. */
  readonly clusterName: string;
  /** Kubernetes minor (`'1.36'`). */
  readonly kubernetesVersion: string;
  /** Subnets of an existing VPC, in two or more availability zones. */
  readonly subnetIds: readonly pulumi.Input<string>[];
  /** The untainted nodes operators and system pods run on. */
  readonly systemPool: Required<SystemPoolConfig>;
  /** One managed node group per pool; GPU pools get the NVIDIA AMI, the GPU taint and labels. */
  readonly pools: readonly NodePool[];
  /** What scales the node groups (or replaces them for Karpenter-provisioned capacity). */
  readonly autoscaler: NodeAutoscaler;
  /** Namespace the autoscaler runs in (its Pod Identity association names it). */
  readonly autoscalerNamespace: string;
}

/** The node-group fields derived from one pool (everything but cluster, role and subnets). */
export interface EksNodeGroupSpec {
  readonly nodeGroupName: string;
  readonly amiType: 'AL2023_x86_64_NVIDIA' | 'AL2023_x86_64_STANDARD';
  readonly instanceTypes: string[];
  readonly capacityType: 'ON_DEMAND' | 'SPOT';
  readonly labels: Record<string, string>;
  readonly taints: ReturnType<typeof cloudTaint>[];
  readonly scalingConfig: { minSize: number; maxSize: number; desiredSize: number };
  readonly tags: Record<string, string>;
  /** Root EBS volume in GiB (EKS defaults to 20 GiB, too small for CUDA images). */
  readonly diskSize?: number;
}

/**
 * The GPU feature of `pool` a managed node group without a launch template cannot carry (EFA,
 * reservations, local NVMe: `launchTemplateFeature`, which the config check uses too), as text.
 */
export function unsupportedOnManagedNodeGroups(pool: NodePool): string | undefined {
  const f = launchTemplateFeature(pool);
  return f && `prop '${f.prop}' is ${formatValue(f.value)}`;
}

const AUTOSCALER_TEMPLATE = 'k8s.io/cluster-autoscaler/node-template';

/**
 * The VPC CNI add-on configuration that turns on NetworkPolicy enforcement (the network policy
 * agent on every node; off by default). Needs VPC CNI 1.14+ and kernel 5.10+ (AL2023 AMIs): AWS
 * VPC CNI network policy FAQ; the field is the add-on's `configurationValues` JSON
 * (`aws eks describe-addon-configuration --addon-name vpc-cni`).
 */
export const VPC_CNI_NETWORK_POLICY = Object.freeze({ enableNetworkPolicy: 'true' });
const NODE_POLICIES = ['AmazonEKSWorkerNodePolicy', 'AmazonEKS_CNI_Policy', 'AmazonEC2ContainerRegistryReadOnly'] as const;

/**
 * The managed node group of `pool`: labels and taints from the pool model, the NVIDIA AL2023 AMI
 * (driver and container toolkit preinstalled) for GPU pools, and the cluster-autoscaler
 * node-template tags that let a group at size 0 be scaled up for a pending GPU pod.
 */
export function eksNodeGroupSpec(pool: NodePool, clusterName: string): EksNodeGroupSpec {
  const unsupported = unsupportedOnManagedNodeGroups(pool);
  if (unsupported) {
    throw new Error(`NodePool '${pool.name}': ${unsupported}; EKS managed node groups (autoscaler: cluster-autoscaler) do not derive it yet; use autoscaler: karpenter, or drop it`);
  }
  const labels = pool.nodeLabels();
  const taints = pool.nodeTaints().map(cloudTaint);
  const tags: Record<string, string> = {
    [`k8s.io/cluster-autoscaler/${clusterName}`]: 'owned',
    'k8s.io/cluster-autoscaler/enabled': 'true',
  };
  for (const [k, v] of Object.entries(labels)) tags[`${AUTOSCALER_TEMPLATE}/label/${k}`] = v;
  for (const t of pool.nodeTaints()) tags[`${AUTOSCALER_TEMPLATE}/taint/${t.key}`] = `${t.value ?? ''}:${t.effect}`;
  if (pool.isGpu) tags[`${AUTOSCALER_TEMPLATE}/resources/${NVIDIA_GPU_RESOURCE}`] = String(pool.gpuUnitsPerNode);
  return {
    nodeGroupName: pool.name,
    amiType: pool.isGpu ? 'AL2023_x86_64_NVIDIA' : 'AL2023_x86_64_STANDARD',
    instanceTypes: [pool.instanceType],
    capacityType: pool.capacityType === CapacityType.SPOT ? 'SPOT' : 'ON_DEMAND',
    labels,
    taints,
    scalingConfig: { minSize: pool.minSize, maxSize: pool.maxSize, desiredSize: pool.minSize },
    tags,
    ...(pool.gpu ? { diskSize: pool.gpu.rootDiskGiB } : {}),
  };
}

/** An EKS cluster with a system node group and one managed node group per pool. */
export class EksCluster extends pulumi.ComponentResource implements IClusterTarget {
  public readonly cluster: eks.Cluster;
  public readonly nodeGroups: Record<string, eks.NodeGroup>;
  public readonly provider: k8s.Provider;
  public readonly kubeconfig: pulumi.Output<string>;
  public readonly nodes: pulumi.Resource[];
  public readonly autoscalerIdentity: EksNodeAutoscalerIdentity;
  /** EBS/EFS CSI add-ons and the `gp3`/`efs` classes of the EKS storage profile. */
  public readonly storage: EksStorage;
  /** The managed VPC CNI add-on, enforcing the charts' NetworkPolicies. */
  public readonly vpcCni: eks.Addon;
  public readonly operatorPrerequisites: Partial<Record<OperatorName, pulumi.Resource[]>>;

  constructor(name: string, args: EksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:cluster:EksCluster', name, {}, opts);
    const clusterRole = new iam.Role(`${name}-cluster-role`, { assumeRolePolicy: assumeRole('eks.amazonaws.com') }, { parent: this });
    const clusterPolicy = new iam.RolePolicyAttachment(`${name}-cluster-policy`, {
      role: clusterRole.name, policyArn: 'arn:aws:iam::aws:policy/AmazonEKSClusterPolicy',
    }, { parent: this });
    this.cluster = new eks.Cluster(`${name}-cluster`, {
      name: args.clusterName,
      version: args.kubernetesVersion,
      roleArn: clusterRole.arn,
      vpcConfig: { subnetIds: [...args.subnetIds], endpointPrivateAccess: true, endpointPublicAccess: true },
      // Access entries (API): whoever runs `pulumi up` is cluster admin; no aws-auth ConfigMap.
      accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
    }, { parent: this, dependsOn: [clusterPolicy] });

    const nodeRole = new iam.Role(`${name}-node-role`, { assumeRolePolicy: assumeRole('ec2.amazonaws.com') }, { parent: this });
    const nodePolicies = NODE_POLICIES.map((p) => new iam.RolePolicyAttachment(`${name}-node-${p}`, {
      role: nodeRole.name, policyArn: `arn:aws:iam::aws:policy/${p}`,
    }, { parent: this }));
    const group = (id: string, spec: EksNodeGroupSpec) => new eks.NodeGroup(`${name}-${id}`, {
      ...spec,
      clusterName: this.cluster.name,
      nodeRoleArn: nodeRole.arn,
      subnetIds: [...args.subnetIds],
    }, {
      parent: this,
      dependsOn: nodePolicies,
      // The cluster autoscaler owns the size between min and max.
      ignoreChanges: ['scalingConfig.desiredSize'],
    });
    const system = group('system', {
      nodeGroupName: SYSTEM_POOL_NAME, amiType: 'AL2023_x86_64_STANDARD', instanceTypes: [args.systemPool.instanceType],
      // The label the autoscaler's nodeSelector matches: it never runs on nodes it may remove.
      capacityType: 'ON_DEMAND', labels: { [Labels.NODE_POOL]: SYSTEM_POOL_NAME }, taints: [], tags: {},
      scalingConfig: { minSize: args.systemPool.minSize, maxSize: args.systemPool.maxSize, desiredSize: args.systemPool.minSize },
    });
    this.nodeGroups = { system };
    for (const pool of args.pools) this.nodeGroups[pool.name] = group(`pool-${pool.name}`, eksNodeGroupSpec(pool, args.clusterName));
    // Takes over the self-managed VPC CNI EKS installs with the cluster (OVERWRITE) and enables the
    // network policy agent. No addonVersion: EKS installs its default build for the pinned minor
    // (the policy agent needs VPC CNI 1.14; not re-checked per minor that the
    // 1.35-1.37 default builds are newer, which their release dates suggest). Operators and charts wait for it (it is in `nodes`), so
    // no workload starts before the policies are enforced.
    this.vpcCni = new eks.Addon(`${name}-vpc-cni`, {
      clusterName: this.cluster.name,
      addonName: 'vpc-cni',
      configurationValues: JSON.stringify(VPC_CNI_NETWORK_POLICY),
      resolveConflictsOnCreate: 'OVERWRITE',
      resolveConflictsOnUpdate: 'OVERWRITE',
    }, { parent: this });
    this.nodes = [...Object.values(this.nodeGroups), this.vpcCni];
    this.autoscalerIdentity = new EksNodeAutoscalerIdentity(`${name}-autoscaler`, {
      autoscaler: args.autoscaler,
      clusterName: this.cluster.name,
      clusterArn: this.cluster.arn,
      nodePolicyArns: NODE_POLICIES.map((p) => `arn:aws:iam::aws:policy/${p}`),
      namespace: args.autoscalerNamespace,
    }, { parent: this });
    this.operatorPrerequisites = { [args.autoscaler]: this.autoscalerIdentity.ready };

    this.kubeconfig = pulumi.secret(pulumi.all([this.cluster.name, this.cluster.endpoint, this.cluster.certificateAuthority])
      .apply(([clusterName, endpoint, ca]) => execKubeconfig(clusterName, endpoint, ca.data ?? '', 'aws', ['eks', 'get-token', '--cluster-name', clusterName, '--output', 'json'])));
    this.provider = new k8s.Provider(`${name}-k8s`, { kubeconfig: this.kubeconfig }, { parent: this });
    // Operators and charts wait for the storage classes through `nodes` (the add-ons need nodes and the Pod Identity agent).
    this.storage = new EksStorage(`${name}-storage`, { cluster: this.cluster, subnetIds: args.subnetIds, provider: this.provider }, { parent: this, dependsOn: [...this.nodes, this.autoscalerIdentity] });
    this.nodes.push(...this.storage.ready);
    this.registerOutputs({ kubeconfig: this.kubeconfig, clusterName: this.cluster.name });
  }
}

function assumeRole(service: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  });
}
