// Storage for verify-cluster: there is no provisioner, so every claim gets a statically
// provisioned PersistentVolume (pre-bound to it, with the claim's access modes and size) in a
// StorageClass of the claim's class name; kube-controller-manager's PV controller binds them as
// on a real cluster. Pure functions (unit-tested by test/verify/cluster/).

import type { KubeObject, ObjectRecord } from '../core/objects';

export interface Claim {
  namespace: string;
  name: string;
  storageClassName?: string;
  accessModes: string[];
  storage: string;
  /** What makes the claim (for messages). */
  from?: string;
}

/** Class created when claims name none: marked default, so DefaultStorageClass admission sets it. */
export const DEFAULT_CLASS = 'verify-cluster-default';
/** CSI driver name of the simulated volumes. No CSIDriver object exists, so volumes count as
 *  attachable and the attach-detach controller enforces ReadWriteOnce across nodes. */
export const CSI_DRIVER = 'verify-cluster.csi.local';

/**
 * Claims that will exist: PersistentVolumeClaims in `objects` (records as documentsToObjects makes them)
 * and the ones StatefulSets create from volumeClaimTemplates (`<template>-<set>-<ordinal>`).
 * Returns [{ namespace, name, storageClassName|undefined, accessModes, storage, from }].
 */
export function expectedClaims(objects: readonly Pick<ObjectRecord, 'group' | 'kind' | 'name' | 'namespace' | 'body'>[]): Claim[] {
  const claims: Claim[] = [];
  for (const o of objects) {
    if (o.group === '' && o.kind === 'PersistentVolumeClaim') {
      const spec = o.body.spec || {};
      claims.push({
        namespace: o.namespace || 'default',
        name: o.name!,
        storageClassName: spec.storageClassName,
        accessModes: spec.accessModes || ['ReadWriteOnce'],
        storage: spec.resources?.requests?.storage || '1Gi',
        from: `PersistentVolumeClaim ${o.namespace}/${o.name}`,
      });
    }
    if (o.group === 'apps' && o.kind === 'StatefulSet') {
      const spec = o.body.spec || {};
      const replicas = spec.replicas ?? 1;
      for (const t of spec.volumeClaimTemplates || []) {
        for (let i = 0; i < replicas; i++) {
          claims.push({
            namespace: o.namespace || 'default',
            name: `${t.metadata.name}-${o.name}-${i}`,
            storageClassName: t.spec?.storageClassName,
            accessModes: t.spec?.accessModes || ['ReadWriteOnce'],
            storage: t.spec?.resources?.requests?.storage || '1Gi',
            from: `StatefulSet ${o.namespace}/${o.name} volumeClaimTemplate ${t.metadata.name}`,
          });
        }
      }
    }
  }
  return claims;
}

/** StorageClass per class name the claims use, plus the default class (for claims naming none). */
export function storageClasses(claims: readonly Claim[]): KubeObject[] {
  const names = new Set(claims.map((c) => c.storageClassName).filter((n): n is string => Boolean(n)));
  const classes = [...names].sort().map((name) => storageClass(name, false));
  classes.push(storageClass(DEFAULT_CLASS, true));
  return classes;
}

function storageClass(name: string, isDefault: boolean): KubeObject {
  return {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name,
      ...(isDefault ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } } : {}),
    },
    // Volumes are created up front and pre-bound; nothing provisions on demand.
    provisioner: 'kubernetes.io/no-provisioner',
    volumeBindingMode: 'Immediate',
    reclaimPolicy: 'Delete',
  };
}

/** PV name for a claim: short, unique, a valid DNS subdomain. */
function volumeName(claim: Claim, index: number): string {
  const base = `pv-${claim.namespace}-${claim.name}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 200);
  return `${base}-${index}`;
}

/** One PersistentVolume per claim, pre-bound (claimRef) with the claim's access modes and size. */
export function persistentVolumes(claims: readonly Claim[]): KubeObject[] {
  return claims.map((c, i) => ({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: volumeName(c, i), labels: { 'verify-cluster/claim-namespace': c.namespace } },
    spec: {
      capacity: { storage: c.storage },
      accessModes: c.accessModes,
      storageClassName: c.storageClassName || DEFAULT_CLASS,
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: c.namespace, name: c.name },
      csi: { driver: CSI_DRIVER, volumeHandle: volumeName(c, i) },
    },
  }));
}
