/**
 * The storage the GKE storage profile promises (`StorageProfiles.GKE`): Persistent Disk through
 * its CSI driver (class `standard-rwo`) and Filestore through the Filestore CSI driver add-on,
 * with which GKE creates the class `standard-rwx` itself (GKE docs "Access Filestore instances
 * with the Filestore CSI driver"; the driver needs the Cloud Filestore API enabled in the project).
 * Note the cost: each ReadWriteMany claim of `standard-rwx` is its own Filestore (basic HDD)
 * instance of at least 1 TiB.
 */
import * as projects from '@pulumi/gcp/projects';
import * as pulumi from '@pulumi/pulumi';

/** `addonsConfig` of the cluster: both CSI drivers on (Persistent Disk's is GKE's default; stated so it cannot be dropped). */
export const GKE_STORAGE_ADDONS = Object.freeze({
  gcePersistentDiskCsiDriverConfig: { enabled: true },
  gcpFilestoreCsiDriverConfig: { enabled: true },
});

/** The API the Filestore CSI driver provisions instances through. */
export const FILESTORE_API = 'file.googleapis.com';

/** Enables the Filestore API in the provider's project (kept enabled when the stack is destroyed). */
export function enableFilestoreApi(name: string, parent: pulumi.Resource): projects.Service {
  return new projects.Service(`${name}-filestore-api`, { service: FILESTORE_API, disableOnDestroy: false }, { parent });
}
