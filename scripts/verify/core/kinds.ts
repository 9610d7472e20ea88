// Which kinds the API server serves itself, which are reported but never applied, and the order
// objects are applied in (shared by verify:apiserver and verify:cluster).

import { groupKind, type ObjectRecord, splitApiVersion } from './objects';

// API groups served by kube-apiserver v1.34 itself (no CRD needed). Used for the pre-flight
// check before the server is started; the server's discovery is authoritative afterwards.
export const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

// Kinds that are reported but never applied: they point the apiserver at operator services
// that do not exist here, so writes or discovery would fail (or silently do nothing).
export const NOT_APPLIED_KINDS: Readonly<Record<string, string>> = Object.freeze({
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
    'admission webhook configuration: the webhook service is not running here',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration':
    'admission webhook configuration: the webhook service is not running here',
  'apiregistration.k8s.io/APIService':
    'aggregated API: its backing service is not running here',
});

export function notAppliedReason(obj: Pick<ObjectRecord, 'apiVersion' | 'kind'>): string | undefined {
  const { group } = splitApiVersion(obj.apiVersion);
  return NOT_APPLIED_KINDS[groupKind(group, obj.kind)];
}

// Roughly helm's install order: namespaces first, custom resources after the built-in kinds.
const KIND_ORDER = [
  'Namespace', 'PriorityClass', 'CustomResourceDefinition', 'StorageClass', 'PersistentVolume',
  'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'ConfigMap',
  'PersistentVolumeClaim', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service',
  'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job',
  'CronJob', 'Ingress',
];

function kindRank(o: Pick<ObjectRecord, 'group' | 'kind'>): number {
  if (!BUILTIN_GROUPS.has(o.group)) return 500; // custom resources after built-ins
  const i = KIND_ORDER.indexOf(o.kind);
  return i < 0 ? 400 : i;
}

export function sortForApply<T extends Pick<ObjectRecord, 'group' | 'kind'>>(objects: readonly T[]): T[] {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => kindRank(a.o) - kindRank(b.o) || a.i - b.i)
    .map((x) => x.o);
}

