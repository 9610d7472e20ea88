import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { upstreamOf } from '../cluster/target';
import { OperatorInstall } from './operator-install';
import { trainingOperatorKustomization, writeKustomization } from './training-operator-kustomize';
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
      installs.set(release.name, new OperatorInstall(`${name}-${release.name}`, {
        release,
        values: operatorValues(release.name, args.values),
        directory: kustomizeDirectory(release, args.values),
        provider: args.provider,
      }, { parent: this, dependsOn: [...upstreamOf(opts), ...deps, ...(args.prerequisites?.[release.name] ?? [])] }));
    }
    this.installs = installs;
    this.versions = Object.fromEntries(args.releases.map((r) => [r.name, r.source.version]));
    this.registerOutputs({ versions: this.versions });
  }
}

/** The stack's kustomization of a kustomize-installed operator, written where the provider reads it. */
export function kustomizeDirectory(release: OperatorRelease, ctx: ValuesContext): string | undefined {
  if (release.source.kind !== 'kustomize') return undefined;
  if (release.name !== 'training-operator') throw new Error(`no kustomization for ${release.name}; add one beside training-operator-kustomize.ts`);
  return writeKustomization(release.name, trainingOperatorKustomization(release, ctx));
}
