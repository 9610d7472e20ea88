/**
 * The operators of a stack as it installs them from local charts, for tools that render them
 * outside Pulumi (`helm template`, `kubectl kustomize`): per release its checked chart folder,
 * release name, namespace and exactly the stack's values, from the same functions the Pulumi
 * install uses (`operatorInstallInputs` over `valuesContextFor`).
 */
import type { StackConfig } from '../config';
import { StackConfigError } from '../config-values';
import { planReleases } from '../program';
import { LocalChart, resolveLocalCharts } from './local-charts';
import { OperatorInstallInputs, operatorInstallInputs } from './platform-operators';
import { valuesContextFor } from './values-context';
import type { OperatorName } from './versions';

/** One operator as the stack installs it from `chartsDir`. */
export interface LocalOperatorInstall extends OperatorInstallInputs {
  readonly operator: OperatorName;
  /** Helm release name (what `OperatorInstall` names the Release or Chart). */
  readonly releaseName: string;
  readonly namespace: string;
  /**
   * The checked local chart: `chart.dir` is the chart folder (helm: subcharts it lacks are in
   * `chart.dependencies`; `assembleLocalChart(chart)` gives a folder Helm renders) or the overlay
   * the `kustomization` builds on (kustomize: `writeKustomization(operator, kustomization, root,
   * kustomizationLinks)` gives a folder `kubectl kustomize` renders).
   */
  readonly chart: LocalChart;
}

/** What to render (`localOperatorInstalls`). */
export interface LocalInstallsOptions {
  /** Only these operators (each must be planned). @default - every planned one */
  readonly operators?: readonly OperatorName[];
  /** The charts directory. @default - the config's `chartsDir` */
  readonly chartsDir?: string;
  /**
   * Not for installs: a folder of `chartsDir` standing in for an operator's pinned chart folder
   * (its chart name checked, its version not: a warning says which), for rendering where the
   * pinned version is not at hand (../shared/charts has argo-workflows 1.0.18 for the pinned 2.0.4).
   */
  readonly standIns?: Readonly<Partial<Record<OperatorName, string>>>;
}

/**
 * The operators the config plans (`planReleases`: installed by the stack or, with `operatorInstall:
 * external`, not), or those of `options.operators`, in install order, each with its checked local
 * chart and its install inputs. The values are those of the whole plan (as `runPlatformStack`
 * computes them), whatever subset is asked for. A `StackConfigError` when no charts directory is
 * given, or a chart is missing or not the pinned one. Reads the chart folders; writes nothing.
 */
export function localOperatorInstalls(config: StackConfig, options: LocalInstallsOptions = {}): LocalOperatorInstall[] {
  const chartsDir = options.chartsDir ?? config.chartsDir;
  if (chartsDir === undefined) throw new StackConfigError('chartsDir', undefined, 'set it to the directory of local charts to render the operators from');
  const planned = planReleases(config);
  const { operators } = options;
  const unknown = (operators ?? []).filter((o) => !planned.some((r) => r.name === o));
  if (unknown.length) throw new Error(`not planned by this config: ${unknown.join(', ')}; planned: ${planned.map((r) => r.name).join(', ')}`);
  const releases = operators ? planned.filter((r) => operators.includes(r.name)) : planned;
  const charts = resolveLocalCharts(chartsDir, releases, 'chartsDir', options.standIns);
  const ctx = valuesContextFor(config, planned);
  return releases.map((release, i) => ({
    operator: release.name,
    releaseName: release.name,
    namespace: release.namespace,
    chart: charts[i],
    ...operatorInstallInputs(release, ctx, charts[i]),
  }));
}
