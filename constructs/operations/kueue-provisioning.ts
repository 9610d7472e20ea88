/**
 * Kueue's ProvisioningRequest admission check for GKE flex-start pools with queued provisioning.
 * Such a pool starts at 0 nodes and GKE adds nodes only for a cluster-autoscaler
 * ProvisioningRequest of class `queued-provisioning.gke.io` (GKE how-to "provisioningrequest"), which
 * Kueue creates for a workload that reserved quota on a flavor whose ClusterQueue names an
 * AdmissionCheck of controller `kueue.x-k8s.io/provisioning-request`; without the check a job is
 * admitted, its pods stay Pending and the pool never grows.
 *
 * Derived per pool: one `ProvisioningRequestConfig` and one `AdmissionCheck` (kueue.x-k8s.io/v1beta2,
 * both cluster-scoped, served and stored in Kueue v0.19.2), named after the pool as its ResourceFlavor
 * is, made once by the cohort that owns the flavor; every ClusterQueue quotaing the pool lists the
 * check in `spec.admissionChecksStrategy.admissionChecks` with `onFlavors: [<the pool's flavor>]`, so
 * workloads on the other flavors are not held by it. Per pool rather than one shared check because
 * `managedResources` follows the pool's allocation (below).
 *
 * Kueue v0.19.2: ProvisioningRequest support is GA since v0.14 and has no feature gate; the controller
 * runs when the cluster serves `autoscaling.x-k8s.io` ProvisioningRequests (cmd/kueue/main.go,
 * `ServerSupportsProvisioningRequest`), as GKE does. The chart's ClusterRole may create, watch and
 * delete provisioningrequests and read provisioningrequestconfigs (templates/rbac/role.yaml).
 * @see https://kueue.sigs.k8s.io/docs/concepts/admission_check/provisioning_request/
 */
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NVIDIA_GPU_RESOURCE } from '../cluster/accelerator';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { propError } from '../core/errors';
import { requireProps } from '../core/required-props';
import { resourceFlavorName } from './resource-flavor';

/** The cluster-autoscaler provisioning class of GKE flex-start with queued provisioning. */
export const GKE_QUEUED_PROVISIONING_CLASS = 'queued-provisioning.gke.io';

/** Kueue's built-in ProvisioningRequest admission check controller (apis/kueue/v1beta2 `ProvisioningRequestControllerName`). */
export const PROVISIONING_REQUEST_CONTROLLER = 'kueue.x-k8s.io/provisioning-request';

/** True when the pool's nodes come only through ProvisioningRequests (GKE flex-start with queued provisioning). */
export function needsProvisioningRequest(pool: NodePool): boolean {
  return pool.gpu?.reservation?.kind === 'gke-flex-start-queued';
}

/**
 * The name of the pool's AdmissionCheck and ProvisioningRequestConfig (undefined when the pool needs
 * none): the pool's, like its ResourceFlavor; a DNS label, as the check's `parameters.name` must be.
 */
export function provisioningCheckNameOf(pool: NodePool): string | undefined {
  return needsProvisioningRequest(pool) ? resourceFlavorName(pool) : undefined;
}

/**
 * The resources the ProvisioningRequest is made for: the workload's pod sets requesting
 * `nvidia.com/gpu` on a device-plugin pool. Kueue v0.19.2 matches them against container requests
 * only (provisioning/controller.go `requiredPodSets`/`podUses`), so a DRA pool's claims would match
 * nothing and the check would pass without nodes: there it is left empty, which Kueue reads as
 * "every pod set of the workload".
 */
export function managedResourcesOf(pool: NodePool): string[] | undefined {
  return pool.draDeviceClass ? undefined : [NVIDIA_GPU_RESOURCE];
}

/** Properties for `KueueProvisioningCheck`. */
export interface KueueProvisioningCheckProps {
  /** A GKE flex-start pool with queued provisioning. */
  readonly pool: NodePool;
}

/** The ProvisioningRequestConfig and AdmissionCheck of one queued-provisioning pool. */
export class KueueProvisioningCheck extends Construct {
  /** The AdmissionCheck's name (the ClusterQueues' `admissionChecksStrategy` entries). */
  public readonly name: string;
  public readonly pool: NodePool;

  constructor(scope: Construct, id: string, props: KueueProvisioningCheckProps) {
    super(scope, id);
    requireProps(this, props, { pool: NODE_POOL });
    const name = provisioningCheckNameOf(props.pool);
    if (!name) throw propError(this, 'pool', props.pool.name, 'only a pool with CapacityReservation.gkeFlexStart({ queuedProvisioning: true }) needs a ProvisioningRequest check');
    this.name = name;
    this.pool = props.pool;
    new ApiObject(this, 'Config', {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'ProvisioningRequestConfig',
      metadata: { name },
      spec: { provisioningClassName: GKE_QUEUED_PROVISIONING_CLASS, managedResources: managedResourcesOf(props.pool) },
    });
    new ApiObject(this, 'Resource', {
      apiVersion: 'kueue.x-k8s.io/v1beta2',
      kind: 'AdmissionCheck',
      metadata: { name },
      spec: {
        controllerName: PROVISIONING_REQUEST_CONTROLLER,
        parameters: { apiGroup: 'kueue.x-k8s.io', kind: 'ProvisioningRequestConfig', name },
      },
    });
  }
}
