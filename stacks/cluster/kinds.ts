/**
 * The closed sets the stacks branch on: where the platform runs and which node autoscaler an EKS
 * cluster gets. A leaf module (no imports), so config, version map and values all share one type.
 */

/** Where the platform runs. */
export type ClusterKind = 'local' | 'eks' | 'gke';
export const CLUSTER_KINDS: readonly ClusterKind[] = ['local', 'eks', 'gke'];

/**
 * What grows and shrinks EKS node capacity: the Kubernetes cluster-autoscaler over the managed
 * node groups, or Karpenter provisioning EC2 instances from NodePool/EC2NodeClass objects. GKE
 * autoscales its node pools itself and a local cluster has fixed nodes, so neither gets one.
 */
export type NodeAutoscaler = 'cluster-autoscaler' | 'karpenter';
export const NODE_AUTOSCALERS: readonly NodeAutoscaler[] = ['cluster-autoscaler', 'karpenter'];

/** Every cluster kind (the default of `OperatorRelease.clusters`). */
export const ANY_CLUSTER: readonly ClusterKind[] = CLUSTER_KINDS;

/**
 * Gang scheduler of the training-operator (`--gang-scheduler-name`): PodGroups for Volcano, or for
 * scheduler-plugins' coscheduling second scheduler; 'none' leaves `runPolicy.schedulingPolicy`
 * unused (the operator then creates no PodGroup). One per cluster: the flag takes one name.
 */
export type GangSchedulerChoice = 'none' | 'volcano' | 'scheduler-plugins';
export const GANG_SCHEDULERS: readonly GangSchedulerChoice[] = ['none', 'volcano', 'scheduler-plugins'];
