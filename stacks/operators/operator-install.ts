import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { upstreamOf } from '../cluster/target';
import { OperatorRelease } from './versions';

/** Arguments of `OperatorInstall`. */
export interface OperatorInstallArgs {
  /** The pinned release (from `OPERATOR_VERSIONS`). */
  readonly release: OperatorRelease;
  /** Helm values (sorted keys); ignored for kustomize sources. @default - the chart's defaults */
  readonly values?: Record<string, unknown>;
  /** Kustomize sources: the kustomization to build (the stack's own, layered on the pinned one). @default - the source's URL */
  readonly directory?: string;
  /** Helm sources: a local chart folder to install instead of the repository's (`chartsDir`). @default - the repository */
  readonly chartDir?: string;
  readonly provider: k8s.Provider;
}

/**
 * How a Helm chart is referenced: a local folder by its path (no version: Helm reads it from the
 * folder, checked against the pin when the config loaded), OCI charts by full reference, others by
 * repository + name.
 */
export function chartReference(release: OperatorRelease, chartDir?: string): { chart: string; repo?: string; version?: string } {
  if (release.source.kind !== 'helm') throw new Error(`${release.name} is not a Helm chart`);
  if (chartDir) return { chart: chartDir };
  return release.source.repository.startsWith('oci://')
    ? { chart: `${release.source.repository}/${release.source.chart}`, version: release.source.version }
    : { chart: release.source.chart, repo: release.source.repository, version: release.source.version };
}

/**
 * How an operator is installed: charts with hooks (helm.v4.Chart drops them), CRDs (a Release
 * can be retained on delete as one unit, CRDs included) or a namespace of their own to create
 * become a `helm.v3.Release`; the rest a
 * `helm.v4.Chart` (one Pulumi resource per object); kustomize sources a `kustomize.v2.Directory`.
 */
export function installKind(release: OperatorRelease): 'kustomize' | 'release' | 'chart' {
  if (release.source.kind === 'kustomize') return 'kustomize';
  return release.usesHooks || release.bringsCrds || release.ownNamespace ? 'release' : 'chart';
}

/**
 * One operator, installed from its pinned source (see `installKind`). CRD-bearing installs are
 * kept on delete (Release) or protected (kustomize), so custom resources never vanish with them.
 */
export class OperatorInstall extends pulumi.ComponentResource {
  /** The Helm Release, Chart or Directory. */
  public readonly resource: pulumi.Resource;

  constructor(name: string, args: OperatorInstallArgs, opts?: pulumi.ComponentResourceOptions) {
    const { release } = args;
    super(release.token, name, {}, opts);
    const child = { parent: this, provider: args.provider, dependsOn: upstreamOf(opts) };
    const kind = installKind(release);
    if (release.source.kind === 'kustomize') {
      // retainOnDelete does not reach a component's children; protect does (lift with `pulumi state unprotect`).
      this.resource = new k8s.kustomize.v2.Directory(`${name}-kustomize`, { directory: args.directory ?? release.source.url }, { ...child, protect: release.bringsCrds });
    } else if (kind === 'release') {
      const ref = chartReference(release, args.chartDir);
      this.resource = new k8s.helm.v3.Release(`${name}-release`, {
        name: release.name,
        chart: ref.chart,
        version: ref.version,
        repositoryOpts: ref.repo ? { repo: ref.repo } : undefined,
        namespace: release.namespace,
        createNamespace: true,
        values: args.values ?? {},
        atomic: true,
        timeout: 900,
      }, { ...child, retainOnDelete: release.bringsCrds });
    } else {
      const ref = chartReference(release, args.chartDir);
      this.resource = new k8s.helm.v4.Chart(`${name}-chart`, {
        name: release.name,
        chart: ref.chart,
        version: ref.version,
        repositoryOpts: ref.repo ? { repo: ref.repo } : undefined,
        namespace: release.namespace,
        values: args.values ?? {},
      }, child);
    }
    this.registerOutputs({});
  }
}
