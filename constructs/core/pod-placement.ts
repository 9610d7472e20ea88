import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Where } from './errors';

/** Resource requests and limits for `nvidia.com/gpu` (requests = limits, as the device plugin requires). */
export interface GpuResources {
  readonly requests: Record<string, k8s.Quantity>;
  readonly limits: Record<string, k8s.Quantity>;
}

/**
 * GPUs through Dynamic Resource Allocation: the pod's claim (`spec.resourceClaims[]` in the
 * resource.k8s.io/v1 shape, Kubernetes 1.31+) made from a ResourceClaimTemplate in its namespace.
 */
export interface GpuClaim {
  /** Name in `spec.resourceClaims[]` and in the container's `resources.claims[]`. */
  readonly name: string;
  /** The ResourceClaimTemplate the pod's claim is made from. */
  readonly templateName: string;
  /** That template (resource.k8s.io/v1 ResourceClaimTemplate, without namespace). */
  readonly template: Record<string, unknown>;
}

/**
 * Where a pod runs, as a pod template needs it: node selector, tolerations and GPU resources.
 * `NodePool` (constructs/cluster/) is the implementation; core renders pods against this
 * interface so the ground floor does not import the cluster model built on top of it.
 */
export interface PodPlacement {
  nodeSelector(): Record<string, string>;
  tolerations(): k8s.Toleration[];
  /** Requests = limits for `count` GPUs; throws naming `owner` when a node has fewer. */
  gpuResources(count: number, owner: { scope: Where; prop: string }): GpuResources;
  /**
   * For a pool that allocates GPUs through DRA: the claim for `count` GPUs (undefined otherwise).
   * Throws naming `owner` like `gpuResources`.
   */
  gpuClaim?(count: number, owner: { scope: Where; prop: string }): GpuClaim | undefined;
  /** Extended resources a pod with `gpus` GPUs requests for the pool's interconnect (EFA devices); `{}` for none. */
  interconnectResources?(gpus: number): Record<string, k8s.Quantity>;
  /** Environment NCCL needs in a container with `gpus` GPUs to use the pool's interconnect (EFA's libfabric settings); `{}` for none. */
  interconnectEnv?(gpus: number): Record<string, string>;
}
