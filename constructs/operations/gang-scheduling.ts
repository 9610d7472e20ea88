import { Construct } from 'constructs';
import { Amounts, quantities, toAmounts } from './resource-amounts';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { ContainerResources, DEFAULT_RESOURCES } from '../core/compute';
import { requireInteger, Where } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { CONTAINER_RESOURCES } from '../core/prop-checks';
import { optional, PropChecks, shape } from '../core/required-props';

/**
 * A gang: pods that are scheduled all together or not at all. Workload constructs put
 * `schedulerName`, `podLabels()` and `podAnnotations()` on every pod of the gang.
 */
export interface IPodGroup {
  readonly name: string;
  /** Scheduler that understands the group. */
  readonly schedulerName: string;
  /** Pods needed before any of them starts. */
  readonly minMember: number;
  podLabels(): Record<string, string>;
  podAnnotations(): Record<string, string>;
}

/** Scheduler names the gang-scheduling plugins are deployed under (their Helm charts' defaults). */
export const GangSchedulerName = {
  VOLCANO: 'volcano',
  SCHEDULER_PLUGINS: 'scheduler-plugins-scheduler',
} as const;

/** What every member pod of a gang requests: minResources is derived from it. */
export interface GangMemberResources {
  /** Pool the members run on (checks the GPU count). */
  readonly pool: NodePool;
  /** @default DEFAULT_RESOURCES (500m CPU, 1 GiB) */
  readonly resources?: ContainerResources;
  /** @default 0 */
  readonly gpus?: number;
}

/** Options shared by the PodGroup constructs. */
export interface PodGroupOptions {
  /**
   * PodGroup name; the workload's pods refer to it.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the gang's pods.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** Pods that must be schedulable together (workers + masters/launchers). */
  readonly minMember: number;
  /**
   * Resources of one member; `minResources` = `minMember` times this, so the scheduler only
   * starts the gang when the whole gang fits.
   * @default - no minResources (the scheduler counts pods only)
   */
  readonly memberResources?: GangMemberResources;
}

/** Checked name, namespace, minMember and minResources of a PodGroup. */
export interface ResolvedPodGroup {
  readonly name: string;
  readonly minMember: number;
  readonly minResources?: Record<string, string>;
}

/** Validates PodGroup options and derives `minResources` from one member's resources. */
export function resolvePodGroup(scope: Construct, id: string, options: PodGroupOptions): ResolvedPodGroup {
  const name = validateName(scope, 'name', options.name ?? id, NameRule.DNS_SUBDOMAIN);
  if (options.namespace !== undefined) validateName(scope, 'namespace', options.namespace, NameRule.DNS_LABEL);
  const minMember = requireInteger(scope, 'minMember', options.minMember, 1, 10_000);
  const member = options.memberResources && memberAmounts(scope, options.memberResources);
  if (!member) return { name, minMember };
  const total: Amounts = { cpuMillis: member.cpuMillis * minMember, memoryMebibytes: member.memoryMebibytes * minMember, gpus: member.gpus * minMember };
  return { name, minMember, minResources: quantities(total, total.gpus > 0) };
}

function memberAmounts(where: Where, m: GangMemberResources): Amounts {
  const gpus = m.gpus ?? 0;
  if (gpus > 0) m.pool.checkGpuCount(gpus, { scope: where, prop: 'memberResources.gpus' });
  const cpu = m.resources?.cpu ?? DEFAULT_RESOURCES.cpu;
  return toAmounts(where, 'memberResources', { cpu, memory: m.resources?.memory ?? DEFAULT_RESOURCES.memory, gpus });
}

/** Run-time checks of the options every PodGroup construct shares (spread into each table). */
export const POD_GROUP_CHECKS: PropChecks<PodGroupOptions> = {
  name: optional('string'),
  namespace: optional('string'),
  minMember: 'number',
  memberResources: optional(shape<GangMemberResources>({ pool: NODE_POOL, resources: optional(CONTAINER_RESOURCES), gpus: optional('number') }, 'member resources ({ pool, resources, gpus })')),
};
