/**
 * The values context of a stack: what every values and configuration builder reads, built the
 * same way for the stack's installs (stacks/program.ts) and for anything that must configure the
 * operators exactly as the stack does (the simulated cluster of verify:cluster).
 */
import type { StackConfig } from '../config';
import type { ValuesContext } from './values';
import type { OperatorName, OperatorRelease } from './versions';

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
