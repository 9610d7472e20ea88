import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Where } from './errors';

/** Resource requests and limits for `nvidia.com/gpu` (requests = limits, as the device plugin requires). */
export interface GpuResources {
  readonly requests: Record<string, k8s.Quantity>;
  readonly limits: Record<string, k8s.Quantity>;
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
}
