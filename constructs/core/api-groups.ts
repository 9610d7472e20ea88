// API groups and kinds of objects, read from their apiVersion: core for apply order, RBAC rules
// (workflow-resource.ts) and the app's output.

/** Core groups have no dot (`apps`, `batch`) or end in `.k8s.io`; everything else is a CRD's. */
export function isCoreGroup(group: string): boolean {
  return !group.includes('.') || group.endsWith('.k8s.io');
}

/** The API group of an apiVersion (`''` for the core group `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** True for the apiVersion of a Kubernetes kind (core group), false for a CRD's. */
export function isCoreApiVersion(apiVersion: string): boolean {
  return isCoreGroup(apiGroupOf(apiVersion));
}

/**
 * Cluster-scoped kinds (`group/Kind`, core group empty). cdk8s stamps a chart's namespace on every
 * object; on these it is meaningless and rejected by strict tools, so it is removed.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace', '/PersistentVolume', 'storage.k8s.io/StorageClass', 'scheduling.k8s.io/PriorityClass',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'networking.k8s.io/IngressClass', 'node.k8s.io/RuntimeClass',
  'kueue.x-k8s.io/ClusterQueue', 'kueue.x-k8s.io/ResourceFlavor', 'kueue.x-k8s.io/WorkloadPriorityClass', 'kueue.x-k8s.io/Cohort', 'kueue.x-k8s.io/Topology',
  'kueue.x-k8s.io/AdmissionCheck', 'kueue.x-k8s.io/ProvisioningRequestConfig',
  'scheduling.volcano.sh/Queue', 'trainer.kubeflow.org/ClusterTrainingRuntime', 'serving.kserve.io/ClusterServingRuntime',
  'serving.kserve.io/ClusterStorageContainer', 'argoproj.io/ClusterWorkflowTemplate', 'karpenter.sh/NodePool',
  'karpenter.k8s.aws/EC2NodeClass', 'apiregistration.k8s.io/APIService',
]);

/** `group/Kind` of a manifest (`/Kind` for the core group). */
export function groupKind(obj: { apiVersion: string; kind: string }): string {
  return `${apiGroupOf(obj.apiVersion)}/${obj.kind}`;
}


/**
 * Kinds (`group/Kind`) whose object runs once to an end (Complete, Succeeded or Failed) and never
 * again: re-applying a finished one changes nothing and its status still says how it ended. A
 * pipeline step that runs one must therefore create a fresh object per run.
 */
export const RUNS_TO_COMPLETION_KINDS: ReadonlySet<string> = new Set([
  'batch/Job', 'kubeflow.org/TFJob', 'kubeflow.org/PyTorchJob', 'kubeflow.org/MPIJob', 'kubeflow.org/XGBoostJob',
  'kubeflow.org/JAXJob', 'kubeflow.org/PaddleJob', 'trainer.kubeflow.org/TrainJob', 'jobset.x-k8s.io/JobSet',
  'batch.volcano.sh/Job', 'argoproj.io/Workflow',
]);
