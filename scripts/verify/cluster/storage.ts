// Storage for verify-cluster: there is no provisioner, so the harness provisions as the stack's
// storage profile would: the profile's two classes, and for every claim whose class is one of them
// and provides the modes it asks, a PersistentVolume pre-bound to it (its modes and size). A claim
// naming another class, or a mode its class lacks (RWX from a block class), gets no volume and stays
// Pending. kube-controller-manager's PV controller binds them as on a real cluster. Pure functions
// (unit-tested by test/verify/cluster/).

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

/** A StorageClass of the stack's storage profile (constructs/core/storage-profile.ts) and the modes it provides. */
export interface StorageClassInput {
  name: string;
  accessModes: string[];
}

/** The stack's StorageProfile as cluster-inputs.ts prints it. */
export interface StorageProfileInput {
  name: string;
  default: StorageClassInput;
  shared: StorageClassInput;
}

/** The profile's classes: `default` marked default (DefaultStorageClass admission), `shared`. */
export function profileClasses(profile: StorageProfileInput): KubeObject[] {
  const classes = [storageClass(profile.default.name, true)];
  if (profile.shared.name !== profile.default.name) classes.push(storageClass(profile.shared.name, false));
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

function volume(c: Claim, name: string, storageClassName: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'verify-cluster/claim-namespace': c.namespace } },
    spec: {
      capacity: { storage: c.storage },
      accessModes: c.accessModes,
      storageClassName,
      persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: c.namespace, name: c.name },
      csi: { driver: CSI_DRIVER, volumeHandle: name },
    },
  };
}

/** PV name for a claim: short, unique, a valid DNS subdomain. */
function volumeName(claim: Claim, index: number): string {
  const base = `pv-${claim.namespace}-${claim.name}`.toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 200);
  return `${base}-${index}`;
}

/** Why the profile's provisioner would not give `claim` a volume, or undefined when it would. */
export function unprovisionable(claim: Claim, profile: StorageProfileInput): string | undefined {
  const name = claim.storageClassName ?? profile.default.name;
  const cls = [profile.default, profile.shared].find((c) => c.name === name);
  if (!cls) return `${claim.from ?? claim.name}: no class ${name} in the ${profile.name} storage profile (${profile.default.name}, ${profile.shared.name}), so nothing provisions it`;
  const missing = claim.accessModes.filter((m) => !cls.accessModes.includes(m));
  if (missing.length) return `${claim.from ?? claim.name}: class ${name} provides ${cls.accessModes.join(', ')}, not ${missing.join(', ')}, so its provisioner gives no volume`;
  return undefined;
}

/**
 * The volumes the profile's provisioners would create: one per claim whose class is in the profile
 * and provides every mode it asks for, pre-bound (claimRef) with the claim's modes and size (what a
 * CSI provisioner writes). Other claims get none (`unbound`, with why) and stay Pending, as they
 * would on the stack's cluster. `offset` keeps names unique across calls.
 */
export function provisionedVolumes(claims: readonly Claim[], profile: StorageProfileInput, offset = 0): { volumes: KubeObject[]; unbound: string[] } {
  const volumes: KubeObject[] = [];
  const unbound: string[] = [];
  claims.forEach((c, i) => {
    const why = unprovisionable(c, profile);
    if (why) {
      unbound.push(why);
      return;
    }
    volumes.push(volume(c, volumeName(c, i + offset), c.storageClassName ?? profile.default.name));
  });
  return { volumes, unbound };
}
