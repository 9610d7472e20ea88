import { Construct } from 'constructs';
import { FairShareCohort, PoolQuota, ResolvedPoolQuota } from './fair-share-cohort';
import { PreemptionPolicy } from './preemption-policy';
import { gpuQuotaResource } from './kueue-gpu-resources';
import { Amounts, POOL_QUOTA, quantities, RESOURCE_NAMES } from './resource-amounts';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { STRINGS } from '../core/prop-checks';
import { arrayOf, instanceOf, oneOf, optional, PropChecks, requireProps } from '../core/required-props';
import {
  ClusterQueueV1Beta2,
  ClusterQueueV1Beta2SpecFairSharingWeight,
  ClusterQueueV1Beta2SpecQueueingStrategy,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResources as FlavorResource,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesBorrowingLimit as BorrowingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesLendingLimit as LendingLimit,
  ClusterQueueV1Beta2SpecResourceGroupsFlavorsResourcesNominalQuota as NominalQuota,
} from '../imports/kueue.x-k8s.io';

/** Properties for `KueueClusterQueue`. */
export interface KueueClusterQueueProps {
  /**
   * ClusterQueue name (unique in the cohort).
   * @default - the construct id
   */
  readonly name?: string;
  /** The cohort whose pools the queue draws on and whose idle quota it may borrow. */
  readonly cohort: FairShareCohort;
  /** Quota per pool; every pool must belong to the cohort. */
  readonly quotas: readonly PoolQuota[];
  /** Namespaces whose LocalQueues may submit to this queue (least privilege: never all namespaces). */
  readonly namespaces: readonly string[];
  /**
   * Fair-sharing weight: a queue with weight 2 is entitled to twice the idle quota of weight 1.
   * Only used when fair sharing is enabled in the Kueue configuration.
   * @default 1
   */
  readonly fairSharingWeight?: number;
  /** @default PreemptionPolicy.RECLAIM_QUOTA */
  readonly preemption?: PreemptionPolicy;
  /** @default ClusterQueueV1Beta2SpecQueueingStrategy.BEST_EFFORT_FIFO (a large job never blocks small ones behind it) */
  readonly queueingStrategy?: ClusterQueueV1Beta2SpecQueueingStrategy;
}

const DEFAULTS = Object.freeze({
  fairSharingWeight: 1,
  preemption: PreemptionPolicy.RECLAIM_QUOTA,
  queueingStrategy: ClusterQueueV1Beta2SpecQueueingStrategy.BEST_EFFORT_FIFO,
});

/**
 * A Kueue ClusterQueue (v1beta2) in a fair-share cohort. Quotas are given per pool object; the
 * flavors, the covered resources and the capacity check all come from the cohort and its pools.
 * CPU flavors are listed before GPU flavors so CPU-only jobs never take GPU nodes while a CPU
 * pool has quota. A GKE flex-start pool with queued provisioning is quotaed through its
 * ProvisioningRequest admission check (`admissionChecksStrategy`, on that pool's flavor only).
 * @see https://kueue.sigs.k8s.io/docs/concepts/cluster_queue/
 */
export class KueueClusterQueue extends Construct {
  public readonly name: string;
  public readonly cohort: FairShareCohort;
  /** The checked quotas, in flavor order. */
  public readonly quotas: readonly ResolvedPoolQuota[];
  public readonly fairSharingWeight: number;
  public readonly preemption: PreemptionPolicy;

  constructor(scope: Construct, id: string, props: KueueClusterQueueProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_SUBDOMAIN);
    this.fairSharingWeight = requireInteger(this, 'fairSharingWeight', p.fairSharingWeight, 0, 1000);
    this.preemption = p.preemption;
    this.cohort = props.cohort;
    if (props.namespaces.length === 0) throw propError(this, 'namespaces', '[]', 'list the namespaces allowed to submit workloads');
    for (const [i, ns] of props.namespaces.entries()) validateName(this, `namespaces[${i}]`, ns, NameRule.DNS_LABEL);
    const resolved = props.cohort.reserve(this, this.name, props.quotas);
    this.quotas = [...resolved].sort((a, b) => Number(a.pool.isGpu) - Number(b.pool.isGpu));
    // GPUs under each GPU pool's resource: nvidia.com/gpu for the device plugin, the
    // deviceClassMappings name for DRA (`gpuQuotaResource`); device-plugin GPUs first.
    const gpuResources = [...new Set(this.quotas.filter((q) => q.pool.isGpu).map((q) => gpuQuotaResource(q.pool)))]
      .sort((a, b) => Number(a !== RESOURCE_NAMES.gpu) - Number(b !== RESOURCE_NAMES.gpu) || a.localeCompare(b));
    const covered: string[] = [RESOURCE_NAMES.cpu, RESOURCE_NAMES.memory, ...gpuResources];
    // A queued-provisioning pool's flavor goes through its ProvisioningRequest check (made by the
    // cohort); the other flavors are admitted on quota alone.
    const checks = this.quotas.flatMap((q) => {
      const check = props.cohort.provisioningCheckOf(q.pool);
      return check ? [{ name: check.name, onFlavors: [q.flavor.name] }] : [];
    });

    new ClusterQueueV1Beta2(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        cohortName: props.cohort.name,
        namespaceSelector: {
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [...props.namespaces].sort() }],
        },
        queueingStrategy: p.queueingStrategy,
        // A quantity: Kueue stores it as the string "2", so a number would differ from the live
        // object on every apply (found by verify:pulumi: a second `up` was not a no-op).
        fairSharing: { weight: ClusterQueueV1Beta2SpecFairSharingWeight.fromString(String(this.fairSharingWeight)) },
        preemption: this.preemption.toSpec(),
        admissionChecksStrategy: checks.length ? { admissionChecks: checks } : undefined,
        // One group: every flavor lists the same resources, so a pod set gets all of them from one
        // pool; a GPU resource of another pool's allocation is 0 on a flavor (a DRA job fits only a DRA flavor).
        resourceGroups: [{
          coveredResources: covered,
          flavors: this.quotas.map((q) => ({ name: q.flavor.name, resources: covered.map((r) => flavorResource(r, q)) })),
        }],
      },
    });
  }
}

/** One resource of one flavor: nominal quota plus the optional borrowing and lending limits. */
function flavorResource(resource: string, q: ResolvedPoolQuota): FlavorResource {
  const of = (a: Amounts): string => quantities(a, true, gpuQuotaResource(q.pool))[resource] ?? '0';
  return {
    name: resource,
    nominalQuota: NominalQuota.fromString(of(q.nominal)),
    borrowingLimit: q.borrowingLimit && BorrowingLimit.fromString(of(q.borrowingLimit)),
    lendingLimit: q.lendingLimit && LendingLimit.fromString(of(q.lendingLimit)),
  };
}

const PROP_CHECKS: PropChecks<KueueClusterQueueProps> = {
  name: optional('string'),
  cohort: instanceOf(FairShareCohort, 'new FairShareCohort(scope, id, { pools })'),
  quotas: arrayOf(POOL_QUOTA),
  namespaces: STRINGS,
  fairSharingWeight: optional('number'),
  preemption: optional(instanceOf(PreemptionPolicy, 'PreemptionPolicy.RECLAIM_QUOTA, ... or PreemptionPolicy.custom(...)')),
  queueingStrategy: optional(oneOf(ClusterQueueV1Beta2SpecQueueingStrategy, 'ClusterQueueV1Beta2SpecQueueingStrategy')),
};
