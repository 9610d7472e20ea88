/**
 * The values context of a stack: what every values and configuration builder reads, built the
 * same way for the stack's installs (stacks/program.ts) and for anything that must configure the
 * operators exactly as the stack does (the simulated cluster of verify:cluster).
 */
import type { NodePool } from '../../constructs/cluster/node-pool';
import type { ClusterKind, GangSchedulerChoice } from '../cluster/kinds';
import type { StackConfig } from '../config';
import type { OperatorName, OperatorRelease } from './versions';

/** Everything the values builders read: the selection, the cluster kind, the pools, the domain. */
export interface ValuesContext {
  /** The pinned releases being installed (image tags come from their appVersion). */
  readonly releases?: readonly OperatorRelease[];
  readonly cluster: ClusterKind;
  readonly pools: readonly NodePool[];
  readonly operators: readonly OperatorName[];
  readonly domain: string;
  /** eks: cluster name (autoscaler discovery) and region. */
  readonly clusterName?: string;
  readonly awsRegion?: string;
  /** The training-operator's gang scheduler (`gangScheduler` config key). @default 'none' */
  readonly gangScheduler?: GangSchedulerChoice;
}

/** `releases`: the plan's releases (`planReleases(config)`), the cluster's own included. */
export function valuesContextFor(config: StackConfig, releases: readonly OperatorRelease[]): ValuesContext {
  return {
    cluster: config.cluster,
    pools: config.pools,
    operators: releases.map((r): OperatorName => r.name),
    releases,
    domain: config.domain,
    clusterName: config.clusterName,
    awsRegion: config.awsRegion,
    gangScheduler: config.gangScheduler,
  };
}
