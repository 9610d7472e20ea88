import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { upstreamOf } from '../cluster/target';
import { assembleLocalChart, LocalChart } from './local-charts';
import { OperatorInstall } from './operator-install';
import { KustomizationFiles, KustomizationLinks, LOCAL_BASE_LINK, trainingOperatorKustomization, writeKustomization } from './training-operator-kustomize';
import { operatorValues } from './values';
import { ValuesContext } from './values-context';
import { dependenciesOf, OperatorName, OperatorRelease } from './versions';

/** Arguments of `PlatformOperators`. */
export interface PlatformOperatorsArgs {
  /** Releases in install order (`installOrder`), already checked by `checkCompatibility`. */
  readonly releases: readonly OperatorRelease[];
  /** Inputs of the Helm values builders. */
  readonly values: ValuesContext;
  readonly provider: k8s.Provider;
  /** Per operator, extra resources to wait for (cluster IAM of the node autoscaler). @default - none */
  readonly prerequisites?: Partial<Record<OperatorName, pulumi.Resource[]>>;
  /** Local charts to install from (`chartsDir`, checked at config load). @default - the pinned repositories */
  readonly localCharts?: readonly LocalChart[];
}

/** What an operator is installed with, besides its chart: Helm values, or the stack's kustomization. */
export interface OperatorInstallInputs {
  /** Helm values (`operatorValues`); undefined for kustomize sources. */
  readonly values?: Record<string, unknown>;
  /** Kustomize sources: the stack's kustomization over the pinned overlay (its local copy with `local`). */
  readonly kustomization?: KustomizationFiles;
  /** With a local overlay: the link the kustomization names it by (`writeKustomization(name, files, root, links)`). */
  readonly kustomizationLinks?: KustomizationLinks;
}

/**
 * The install inputs of one release: the one code path for the Pulumi install (`PlatformOperators`)
 * and anything that renders the charts as the stack installs them (`localOperatorInstalls`). Pure.
 */
export function operatorInstallInputs(release: OperatorRelease, ctx: ValuesContext, local?: LocalChart): OperatorInstallInputs {
  if (release.source.kind === 'helm') return { values: operatorValues(release.name, ctx) };
  if (release.name !== 'training-operator') throw new Error(`no kustomization for ${release.name}; add one beside training-operator-kustomize.ts`);
  return {
    kustomization: trainingOperatorKustomization(release, ctx, local !== undefined),
    ...(local ? { kustomizationLinks: { [LOCAL_BASE_LINK]: local.dir } } : {}),
  };
}

/**
 * Every selected operator, each `dependsOn` what it requires (cert-manager before KServe and
 * Kueue, KServe CRDs before the KServe controller, monitoring CRDs before ServiceMonitors).
 */
export class PlatformOperators extends pulumi.ComponentResource {
  public readonly installs: ReadonlyMap<OperatorName, OperatorInstall>;
  /** Chart version per operator, for the stack outputs. */
  public readonly versions: Record<string, string>;

  constructor(name: string, args: PlatformOperatorsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:operators:PlatformOperators', name, {}, opts);
    const selected = args.releases.map((r) => r.name);
    const installs = new Map<OperatorName, OperatorInstall>();
    for (const release of args.releases) {
      const deps = dependenciesOf(release, selected).map((d) => {
        const dep = installs.get(d);
        if (!dep) throw new pulumi.ResourceError(`${release.name} depends on ${d}, which is not installed before it; pass releases in installOrder()`, this);
        return dep;
      });
      const local = args.localCharts?.find((c) => c.operator === release.name);
      if (args.localCharts && !local) throw new pulumi.ResourceError(`${release.name} has no local chart among those checked for chartsDir`, this);
      const inputs = operatorInstallInputs(release, args.values, local);
      installs.set(release.name, new OperatorInstall(`${name}-${release.name}`, {
        release,
        values: inputs.values,
        directory: inputs.kustomization && writeKustomization(release.name, inputs.kustomization, undefined, inputs.kustomizationLinks),
        chartDir: local?.kind === 'helm' ? assembleLocalChart(local) : undefined,
        provider: args.provider,
      }, { parent: this, dependsOn: [...upstreamOf(opts), ...deps, ...(args.prerequisites?.[release.name] ?? [])] }));
    }
    this.installs = installs;
    this.versions = Object.fromEntries(args.releases.map((r) => [r.name, r.source.version]));
    this.registerOutputs({ versions: this.versions });
  }
}

/** The stack's kustomization of a kustomize-installed operator, written where the provider reads it. */
export function kustomizeDirectory(release: OperatorRelease, ctx: ValuesContext, local?: LocalChart): string | undefined {
  if (release.source.kind !== 'kustomize') return undefined;
  const inputs = operatorInstallInputs(release, ctx, local);
  return writeKustomization(release.name, inputs.kustomization!, undefined, inputs.kustomizationLinks);
}
