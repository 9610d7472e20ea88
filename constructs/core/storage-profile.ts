import { AccessMode, StorageClassRef } from './volume-types';

/**
 * The storage a cluster kind offers, modelled like node pools: the stacks install it, the charts
 * take it, and the storage-vs-placement check reads it. `shared` is the class for data that pods on
 * several nodes mount at once (ReadWriteMany); block storage (`default`) attaches to one node.
 */
export interface StorageProfile {
  /** Profile name, for messages (`local`, `eks`, `gke`). */
  readonly name: string;
  /** The cluster's default StorageClass: what a claim without `storageClassName` gets. */
  readonly default: StorageClassRef;
  /** A shared-filesystem class (ReadWriteMany). */
  readonly shared: StorageClassRef;
}

const RWO = [AccessMode.READ_WRITE_ONCE, AccessMode.READ_WRITE_ONCE_POD] as const;
const RWX = [AccessMode.READ_WRITE_MANY, AccessMode.READ_ONLY_MANY, AccessMode.READ_WRITE_ONCE] as const;

/**
 * The storage profile of each cluster kind the stacks create.
 * - local: kind/minikube ship rancher's local-path provisioner as class `standard` (node-local
 *   directories, ReadWriteOnce only); the local stack installs an NFS server provisioner whose
 *   class `nfs` is ReadWriteMany (kubernetes-sigs/nfs-ganesha-server-and-external-provisioner).
 * - eks: the EBS CSI driver's `gp3` class (block, ReadWriteOnce) and the EFS CSI driver's `efs`
 *   class (NFS, ReadWriteMany), both installed by the EKS stack (aws-ebs-csi-driver and
 *   aws-efs-csi-driver add-ons).
 * - gke: `standard-rwo` (Persistent Disk, ReadWriteOnce) and `standard-rwx`, which GKE creates when
 *   the Filestore CSI driver add-on is enabled (cloud.google.com/kubernetes-engine/docs/how-to/persistent-volumes/filestore-csi-driver).
 */
export const StorageProfiles = {
  LOCAL: { name: 'local', default: { name: 'standard', accessModes: RWO }, shared: { name: 'nfs', accessModes: RWX } },
  EKS: { name: 'eks', default: { name: 'gp3', accessModes: RWO }, shared: { name: 'efs', accessModes: RWX } },
  GKE: { name: 'gke', default: { name: 'standard-rwo', accessModes: RWO }, shared: { name: 'standard-rwx', accessModes: RWX } },
} as const satisfies Record<string, StorageProfile>;

/** The class a claim gets: its own, or the profile's default. */
export function storageClassOf(profile: StorageProfile, storageClassName: string | undefined): StorageClassRef | undefined {
  const name = storageClassName ?? profile.default.name;
  return [profile.default, profile.shared].find((c) => c.name === name);
}
