import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { KueueClusterQueue } from './cluster-queue';
import { FairShareCohort, PoolQuota, ResolvedPoolQuota } from './fair-share-cohort';
import { gpuResourceQuotaKey } from './kueue-gpu-resources';
import { KueueLocalQueue } from './local-queue';
import { tagMetadata } from './metadata-convention';
import { PreemptionPolicy } from './preemption-policy';
import { addAmounts, Amounts, cpuText, memoryText, POOL_QUOTA, poolCapacity, ZERO } from './resource-amounts';
import { PlatformServices, TeamNetworkPolicies } from './team-network-policies';
import { VolcanoQueue, VolcanoQueueOptions } from './volcano-queue';
import { NVIDIA_GPU_RESOURCE } from '../cluster/accelerator';
import { cpuMillis, DEFAULT_RESOURCES } from '../core/compute';
import { withDefaults } from '../core/defaults';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { RestrictedNamespace } from './restricted-namespace';
import { arrayOf, instanceOf, optional, PropChecks, requireProps } from '../core/required-props';
import { EXECUTOR_RULE, mergeRules } from '../workflow/workflow-rbac';

/** Properties for `Team`. */
export interface TeamProps {
  /**
   * Team name: the ClusterQueue name, the `mlpatterns.dev/team` label, and the namespace default.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * The team's namespace (created, Pod Security `restricted`).
   * @default - the team name
   */
  readonly namespace?: string;
  /** Identity-provider group whose members get the built-in `edit` role in the namespace only. */
  readonly group: string;
  /** The cohort whose pools the team shares. */
  readonly cohort: FairShareCohort;
  /** Quota per pool of the cohort. */
  readonly quotas: readonly PoolQuota[];
  /** @default 1 */
  readonly fairSharingWeight?: number;
  /** @default PreemptionPolicy.RECLAIM_QUOTA */
  readonly preemption?: PreemptionPolicy;
  /** @default - the PlatformServices defaults (monitoring, istio-system, knative-serving) */
  readonly platform?: PlatformServices;
}

const DEFAULTS = Object.freeze({ fairSharingWeight: 1, preemption: PreemptionPolicy.RECLAIM_QUOTA });

/** Names of the objects a Team creates in its namespace. */
export const TEAM_OBJECT_NAMES = {
  QUOTA: 'team-quota',
  LIMITS: 'container-defaults',
  EDITORS: 'team-editors',
  WORKFLOW: 'workflow',
  QUEUE: 'default',
} as const;

/**
 * A tenant of the ML platform as one object: its namespace (Pod Security `restricted`), a
 * ResourceQuota and LimitRange derived from its pool quotas, a Kueue ClusterQueue in the shared
 * cohort and the LocalQueue its jobs use, its group bound to `edit` in its namespace only, the
 * workflow ServiceAccount, and default-deny NetworkPolicies. Every object is tagged with the team.
 */
export class Team extends Construct {
  public readonly name: string;
  public readonly namespace: string;
  public readonly group: string;
  public readonly clusterQueue: KueueClusterQueue;
  /** The queue the team's jobs are labelled with. */
  public readonly queue: KueueLocalQueue;
  /** Name of the ServiceAccount Argo workflows of the team run as. */
  public readonly workflowServiceAccountName: string;
  public readonly networkPolicies: TeamNetworkPolicies;
  /** Namespace ResourceQuota: per pool, nominal plus borrowing limit, capped at the pool's capacity. */
  public readonly quotaLimit: Amounts;
  /** Sum of the nominal quotas over all pools. */
  public readonly nominalTotal: Amounts;
  private volcanoQueue?: VolcanoQueue;

  constructor(scope: Construct, id: string, props: TeamProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    this.namespace = validateName(this, 'namespace', props.namespace ?? this.name, NameRule.DNS_LABEL);
    this.group = props.group;
    if (!props.group.trim()) throw propError(this, 'group', props.group, 'name the identity-provider group of the team');
    tagMetadata(this, { team: this.name });

    new RestrictedNamespace(this, 'Resource', { name: this.namespace, network: props.platform });
    this.clusterQueue = new KueueClusterQueue(this, 'ClusterQueue', {
      name: this.name,
      cohort: props.cohort,
      quotas: props.quotas,
      namespaces: [this.namespace],
      fairSharingWeight: p.fairSharingWeight,
      preemption: p.preemption,
    });
    this.queue = new KueueLocalQueue(this, 'LocalQueue', { name: TEAM_OBJECT_NAMES.QUEUE, namespace: this.namespace, clusterQueue: this.clusterQueue });
    this.nominalTotal = this.clusterQueue.quotas.reduce((sum, q) => addAmounts(sum, q.nominal), ZERO);
    this.quotaLimit = this.clusterQueue.quotas.reduce((sum, q) => addAmounts(sum, usableOn(q)), ZERO);

    this.renderQuota();
    this.renderLimitRange(this.clusterQueue.quotas);
    this.renderRbac();
    this.workflowServiceAccountName = TEAM_OBJECT_NAMES.WORKFLOW;
    this.networkPolicies = new TeamNetworkPolicies(this, 'NetworkPolicies', { namespace: this.namespace });
  }

  /**
   * The team's Volcano queue (created on first call): capability = the namespace quota, deserved
   * = the nominal quota, weight = the fair-sharing weight, so gang-scheduled jobs see the same
   * share under Volcano as under Kueue.
   */
  public addVolcanoQueue(options: VolcanoQueueOptions = {}): VolcanoQueue {
    if (this.volcanoQueue) throw propError(this, 'addVolcanoQueue', this.volcanoQueue.name, 'the team already has a Volcano queue; use team.volcanoQueue');
    this.volcanoQueue = new VolcanoQueue(this, 'VolcanoQueue', {
      name: this.name,
      weight: Math.max(1, this.clusterQueue.fairSharingWeight),
      capability: this.quotaLimit,
      deserved: this.nominalTotal,
      ...options,
    });
    return this.volcanoQueue;
  }

  /** The Volcano queue, once `addVolcanoQueue` was called. */
  public get volcano(): VolcanoQueue | undefined {
    return this.volcanoQueue;
  }

  private renderQuota(): void {
    const q = (s: string) => k8s.Quantity.fromString(s);
    const l = this.quotaLimit;
    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: { name: TEAM_OBJECT_NAMES.QUOTA, namespace: this.namespace },
      spec: {
        hard: {
          'requests.cpu': q(cpuText(l.cpuMillis)),
          'limits.cpu': q(cpuText(l.cpuMillis)),
          'requests.memory': q(memoryText(l.memoryMebibytes)),
          'limits.memory': q(memoryText(l.memoryMebibytes)),
          // Extended resources only have a requests quota; 0 forbids GPUs to a CPU-only team.
          // DRA pools' GPUs count per DeviceClass instead (`gpuResourceQuotaKey`).
          ...Object.fromEntries(Object.entries(this.gpuQuotas()).map(([k, v]) => [k, q(String(v))])),
        },
      },
    });
  }

  /**
   * GPUs the team may use per ResourceQuota key: `requests.nvidia.com/gpu` (always, 0 forbids the
   * device plugin's GPUs) over device-plugin pools, `<DeviceClass>.deviceclass.resource.k8s.io/devices`
   * over DRA pools; each pool's part is what `usableOn` allows.
   */
  private gpuQuotas(): Record<string, number> {
    const out: Record<string, number> = { [`requests.${NVIDIA_GPU_RESOURCE}`]: 0 };
    for (const quota of this.clusterQueue.quotas.filter((x) => x.pool.isGpu)) {
      const key = gpuResourceQuotaKey(quota.pool);
      out[key] = (out[key] ?? 0) + usableOn(quota).gpus;
    }
    return out;
  }

  /** Defaults for containers without resources; max = the largest node of the team's pools. */
  private renderLimitRange(quotas: readonly ResolvedPoolQuota[]): void {
    const maxCpu = Math.max(...quotas.map((x) => x.pool.cpuPerNode));
    const maxMemory = Math.max(...quotas.map((x) => x.pool.memoryPerNode.toMebibytes()));
    const defaults = {
      cpu: k8s.Quantity.fromString(cpuText(cpuMillis(DEFAULT_RESOURCES.cpu))),
      memory: k8s.Quantity.fromString(memoryText(DEFAULT_RESOURCES.memory.toMebibytes())),
    };
    new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: { name: TEAM_OBJECT_NAMES.LIMITS, namespace: this.namespace },
      spec: {
        limits: [{
          type: 'Container',
          default: defaults,
          defaultRequest: defaults,
          max: { cpu: k8s.Quantity.fromString(cpuText(Math.round(maxCpu * 1000))), memory: k8s.Quantity.fromString(memoryText(maxMemory)) },
        }],
      },
    });
  }

  private renderRbac(): void {
    const ns = this.namespace;
    // A RoleBinding (not a ClusterRoleBinding) to the built-in `edit` ClusterRole: edit rights in this namespace only.
    new k8s.KubeRoleBinding(this, 'Editors', {
      metadata: { name: TEAM_OBJECT_NAMES.EDITORS, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'edit' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: this.group }],
    });
    const name = TEAM_OBJECT_NAMES.WORKFLOW;
    // Only the Argo executor talks to the API server; it needs exactly the executor rule.
    new k8s.KubeServiceAccount(this, 'WorkflowServiceAccount', { metadata: { name, namespace: ns }, automountServiceAccountToken: true });
    new k8s.KubeRole(this, 'WorkflowRole', { metadata: { name, namespace: ns }, rules: mergeRules([EXECUTOR_RULE]) });
    new k8s.KubeRoleBinding(this, 'WorkflowRoleBinding', {
      metadata: { name, namespace: ns },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
      subjects: [{ kind: 'ServiceAccount', name, namespace: ns }],
    });
  }
}

/** What a team can use on one pool: nominal + borrowing limit (unlimited: the pool), at most the pool. */
function usableOn(q: ResolvedPoolQuota): Amounts {
  const cap = poolCapacity(q.pool);
  const wanted = q.borrowingLimit ? addAmounts(q.nominal, q.borrowingLimit) : cap;
  return {
    cpuMillis: Math.min(wanted.cpuMillis, cap.cpuMillis),
    memoryMebibytes: Math.min(wanted.memoryMebibytes, cap.memoryMebibytes),
    gpus: Math.min(wanted.gpus, cap.gpus),
  };
}

const PROP_CHECKS: PropChecks<TeamProps> = {
  name: optional('string'),
  namespace: optional('string'),
  group: 'string',
  cohort: instanceOf(FairShareCohort, 'new FairShareCohort(scope, id, { pools })'),
  quotas: arrayOf(POOL_QUOTA),
  fairSharingWeight: optional('number'),
  preemption: optional(instanceOf(PreemptionPolicy, 'PreemptionPolicy.RECLAIM_QUOTA, ... or PreemptionPolicy.custom(...)')),
  platform: optional('object'),
};
