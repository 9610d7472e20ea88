/**
 * The ClusterServingRuntimes the `kserve-runtime-configs` release installs: the table generated from
 * the pinned chart (scripts/gen-kserve-runtimes.mjs → constructs/imports/kserve-cluster-serving-runtimes.json,
 * typed here as constructs/checks/status-schemas.ts types its generated JSON), for values that enable
 * the runtimes and override none of them (`kserveRuntimeConfigsValues`).
 */
import type { ServingRuntimeFacts } from '../../constructs/checks/platform-target';
import generated from '../../constructs/imports/kserve-cluster-serving-runtimes.json';
import type { KServeRuntimeConfigsValues } from './addon-values';

/** The chart the table was generated from (checked against the pin by the tests). */
export const KSERVE_RUNTIMES_CHART: { readonly name: string; readonly version: string } = generated.chart;

/** The 14 runtimes of kserve-runtime-configs v0.20.0 as the install renders them, by name. */
export const KSERVE_CLUSTER_SERVING_RUNTIMES: readonly ServingRuntimeFacts[] = generated.runtimes;

/** The runtimes a values object of the kserve-runtime-configs chart renders: all of them, or none. */
export function clusterServingRuntimesOf(values: Record<string, unknown> | undefined): readonly ServingRuntimeFacts[] {
  return (values as KServeRuntimeConfigsValues | undefined)?.kserve?.servingruntime?.enabled === true ? KSERVE_CLUSTER_SERVING_RUNTIMES : [];
}
