/**
 * Which pinned releases a stack config selects and which of them the stack installs itself: one
 * place for the plan (stacks/program.ts), the config's `chartsDir` check and the harness.
 */
import type { ClusterKind, NodeAutoscaler } from '../cluster/kinds';
import { StackConfigError } from '../config-values';
import { clusterOperators, installOrder, OperatorName, OperatorRelease, ReleaseTable, releasesFor } from './versions';

/** What of the stack config the selection depends on (a `StackConfig` is one). */
export interface SelectionConfig {
  readonly kubernetesVersion: string;
  readonly cluster: ClusterKind;
  readonly autoscaler?: NodeAutoscaler;
  readonly operators: readonly OperatorName[];
  /** @default 'stack' */
  readonly operatorInstall?: 'stack' | 'external';
}

/** The release table of the config's Kubernetes minor; an unsupported minor is a `kubernetesVersion` error. */
export function releaseTableOf(config: Pick<SelectionConfig, 'kubernetesVersion'>): ReleaseTable {
  try {
    return releasesFor(config.kubernetesVersion);
  } catch (e) {
    throw new StackConfigError('kubernetesVersion', config.kubernetesVersion, (e as Error).message);
  }
}

/**
 * The releases the config selects, in install order: the cluster's own operators (EKS: its node
 * autoscaler, chosen by the cluster kind, not the list) and `operators`. Compatibility is not
 * checked here (`planReleases` does).
 */
export function selectedReleases(config: SelectionConfig): OperatorRelease[] {
  return installOrder(releaseTableOf(config), [...clusterOperators(config.cluster, config.autoscaler), ...config.operators]);
}

/**
 * The releases the stack installs itself: every selected one, or with `operatorInstall: external`
 * only the cluster's own (the listed operators exist already; the node autoscaler is wired to the
 * cluster's IAM and installed here all the same).
 */
export function installedReleases(config: SelectionConfig, releases: readonly OperatorRelease[] = selectedReleases(config)): OperatorRelease[] {
  if ((config.operatorInstall ?? 'stack') === 'stack') return [...releases];
  const own = clusterOperators(config.cluster, config.autoscaler);
  return releases.filter((r) => own.includes(r.name));
}
