import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { propError, requireInteger, Where } from '../core/errors';

/** torchrun rendezvous backend (`elasticPolicy.rdzvBackend`). */
export enum RendezvousBackend {
  /** The C10d TCP store in the first worker: no extra service (torchrun's recommended default). */
  C10D = 'c10d',
  /** An external etcd (v3 API). */
  ETCD_V2 = 'etcd-v2',
  ETCD = 'etcd',
}

/**
 * Elastic training (PyTorchJob `elasticPolicy`): workers may come and go between `minReplicas`
 * and `maxReplicas`; torchrun re-forms the group through the rendezvous. PyTorch only: TFJob and
 * MPIJob v1 have no elastic policy.
 * @see https://github.com/kubeflow/trainer/blob/release-1.9/pkg/apis/kubeflow.org/v1/pytorch_types.go
 */
export interface ElasticPolicyOptions {
  /** Fewest workers the job keeps training with. */
  readonly minReplicas: number;
  /** Most workers the job (or its HPA) may scale to. */
  readonly maxReplicas: number;
  /** @default RendezvousBackend.C10D */
  readonly rendezvousBackend?: RendezvousBackend;
  /**
   * Times torchrun restarts the worker group after a failure or membership change.
   * @default 3
   */
  readonly maxRestarts?: number;
  /**
   * Metrics for the HPA the operator creates; with none, no HPA is created.
   * @default - no autoscaling (membership changes only through failures and restarts)
   */
  readonly metrics?: readonly k8s.MetricSpecV2[];
}

const DEFAULTS = Object.freeze({ rendezvousBackend: RendezvousBackend.C10D, maxRestarts: 3 });

/** Checks the policy against the worker count and renders `spec.elasticPolicy`. */
export function renderElasticPolicy(scope: Where, elastic: ElasticPolicyOptions, workers: number): Record<string, unknown> {
  const min = requireInteger(scope, 'elastic.minReplicas', elastic.minReplicas, 1);
  const max = requireInteger(scope, 'elastic.maxReplicas', elastic.maxReplicas, 1);
  if (min > max) {
    throw propError(scope, 'elastic.minReplicas', min, `it exceeds elastic.maxReplicas ${max}; use minReplicas <= maxReplicas`);
  }
  if (workers < min || workers > max) {
    throw propError(scope, 'workers', workers, `elastic workers start within elastic.minReplicas ${min} and elastic.maxReplicas ${max}; use a value from ${min} to ${max}`);
  }
  const maxRestarts = requireInteger(scope, 'elastic.maxRestarts', elastic.maxRestarts ?? DEFAULTS.maxRestarts, 0);
  const metrics = elastic.metrics?.map((m) => k8s.toJson_MetricSpecV2(m));
  return {
    minReplicas: min,
    maxReplicas: max,
    rdzvBackend: elastic.rendezvousBackend ?? DEFAULTS.rendezvousBackend,
    maxRestarts,
    metrics: metrics?.length ? metrics : undefined,
  };
}
