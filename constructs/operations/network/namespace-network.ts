import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { PeerKind, PodGroup, PodGroupNeeds } from './pod-groups-and-peers';
import { PLATFORM_DEFAULTS, ResolvedPlatform } from './platform-services';
import { DerivedEgress, deriveClientEgress, groupPolicySpec } from './render-policy';
import { pathOf } from '../../core/errors';
import { IEmbeddedScope } from '../../core/embedded-scope';

/** What a namespace baseline tells the registry: its path and its resolved platform services. */
export interface BaselineRef {
  readonly path: string;
  readonly platform: ResolvedPlatform;
}

const isEmbedded = (chart: Chart) => (chart as Partial<IEmbeddedScope>).embedded === true;

/**
 * The chart whose file carries `scope`'s pods: its own chart, or for objects built in a
 * workflow's embedded-manifests scope (created by a step at run time) the workflow's chart.
 */
export function emittingChart(scope: IConstruct): Chart {
  let chart = Chart.of(scope);
  while (isEmbedded(chart) && chart.node.scope) chart = Chart.of(chart.node.scope);
  return chart;
}

/** Where a group's policy object is built: the owner, or the construct holding its embedded scope. */
function emittingScope(owner: Construct): Construct {
  let scope: Construct = owner;
  let chart = Chart.of(scope);
  while (isEmbedded(chart) && chart.node.scope) {
    scope = chart.node.scope as Construct;
    chart = Chart.of(scope);
  }
  return scope;
}

/** Every namespace's registry of one app, plus the app-wide index rebuilt only when groups change. */
class AppNetwork {
  public readonly namespaces = new Map<string, NamespaceNetwork>();
  private version = 0;
  private indexed = -1;
  private egress = new Map<PodGroup, DerivedEgress[]>();

  public changed(): void {
    this.version++;
  }

  /** Client-derived egress of `group`; the index is built once per change of the registered groups. */
  public derivedEgress(group: PodGroup): readonly DerivedEgress[] {
    if (this.indexed !== this.version) {
      this.egress = deriveClientEgress([...this.namespaces.values()].flatMap((n) => n.groups));
      this.indexed = this.version;
    }
    return this.egress.get(group) ?? [];
  }
}

const apps = new WeakMap<IConstruct, AppNetwork>();

/**
 * The network registry of one namespace: constructs declare their pods' needs with `group()`;
 * the namespace baseline (`RestrictedNamespace`) contributes default-deny, DNS and the platform
 * services. Each group's NetworkPolicy is built in the chart that emits its pods and rendered
 * at synth time from the app-wide index, so peers declared in any order resolve.
 *
 * Groups of a namespace without a baseline get no policy: without default-deny an allow rule
 * means nothing (charts deploying into namespaces they do not create are left as they are).
 */
export class NamespaceNetwork {
  /** The registry of the namespace `scope`'s pods run in (see `emittingChart`). */
  public static of(scope: IConstruct): NamespaceNetwork {
    return NamespaceNetwork.forNamespace(scope, emittingChart(scope).namespace ?? '');
  }

  /** The registry of `namespace` in `scope`'s app. */
  public static forNamespace(scope: IConstruct, namespace: string): NamespaceNetwork {
    const root = scope.node.root;
    let app = apps.get(root);
    if (!app) {
      app = new AppNetwork();
      apps.set(root, app);
    }
    let network = app.namespaces.get(namespace);
    if (!network) {
      network = new NamespaceNetwork(namespace, app);
      app.namespaces.set(namespace, network);
    }
    return network;
  }

  private baselineRef?: BaselineRef;
  private readonly registered: PodGroup[] = [];
  private readonly owners = new Map<PodGroup, Construct>();
  private readonly materialized = new Set<PodGroup>();

  private constructor(
    /** The namespace ('' when the chart has none: such groups never get a policy). */
    public readonly namespace: string,
    private readonly app: AppNetwork,
  ) {}

  /** The groups registered so far. */
  public get groups(): readonly PodGroup[] {
    return this.registered;
  }

  /** The namespace's baseline, once one was built. */
  public get baseline(): BaselineRef | undefined {
    return this.baselineRef;
  }

  /** Platform services of the namespace (the defaults until a baseline says otherwise). */
  public get platform(): ResolvedPlatform {
    return this.baselineRef?.platform ?? PLATFORM_DEFAULTS;
  }

  /**
   * Declares the needs of `owner`'s pods; returns the group (its `podLabels` go on the pods). The
   * policy object is built in the emitting chart at once if the namespace has a baseline, or as
   * soon as it gets one.
   */
  public group(owner: Construct, needs: PodGroupNeeds): PodGroup {
    const group = new PodGroup(this.namespace, pathOf(owner), needs);
    this.registered.push(group);
    this.owners.set(group, owner);
    this.app.changed();
    // A group registered now cannot be a client yet (clients name it by its handle, which only
    // now exists), so no index lookup here: registration stays O(1).
    if (this.baselineRef) this.materialize(group, false);
    // A client group needs an egress rule towards this one: make sure its policy exists too.
    for (const client of needs.clients ?? []) {
      const peer = client.from.group;
      if (peer) this.app.namespaces.get(peer.namespace)?.ensurePolicy(peer);
    }
    return group;
  }

  /** Called by the namespace baseline; later baselines for the same namespace are ignored (synth reports the duplicate objects). */
  public attachBaseline(ref: BaselineRef): void {
    if (this.baselineRef) return;
    this.baselineRef = ref;
    for (const group of this.registered) this.materialize(group, this.app.derivedEgress(group).length > 0);
  }

  /** Why the namespace's declared needs cannot work with its platform services (checked at synth). */
  public problems(): string[] {
    const problems: string[] = [];
    const platform = this.platform;
    const seen = new Map<string, PodGroup>();
    for (const g of this.registered) {
      const where = `NamespaceBaseline '${this.baselineRef?.path ?? this.namespace}'`;
      if (g.needs.apiServer && platform.apiServerCidrs.length === 0) {
        problems.push(`${where}: prop 'platform.apiServerCidrs' is []; '${g.ownerPath}' calls the Kubernetes API server (${g.policyName}), so its pods would fail; give the API server's CIDR`);
      }
      const servesGateways = g.needs.clients?.some((c) => c.from.kind === PeerKind.GATEWAYS);
      if (servesGateways && !g.needs.namespaceWide && platform.gatewayNamespaces.length === 0) {
        problems.push(`${where}: prop 'platform.gatewayNamespaces' is []; '${g.ownerPath}' serves requests that arrive through the inference gateways (${g.policyName}), so nothing could reach it; name the gateway namespaces`);
      }
      const other = seen.get(g.policyName);
      if (other && other.ownerPath !== g.ownerPath) {
        problems.push(`'${g.ownerPath}' and '${other.ownerPath}' both register pod group '${g.policyName}' in namespace '${this.namespace}'; their pods would share one policy (and talk to each other); give one a different name`);
      }
      seen.set(g.policyName, g);
    }
    return problems;
  }

  /** @internal Builds `group`'s policy (if the namespace has a baseline): another group lists it as a client. */
  public ensurePolicy(group: PodGroup): void {
    if (this.baselineRef) this.materialize(group, true);
  }

  /** Builds the policy object of `group`, unless it has no rule of its own and is nobody's client. */
  private materialize(group: PodGroup, isClient: boolean): void {
    if (this.materialized.has(group) || !this.namespace || !(group.hasRules || isClient)) return;
    this.materialized.add(group);
    const scope = emittingScope(this.owners.get(group)!);
    new ApiObject(scope, `NetworkPolicy-${group.policyName}`, {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: group.policyName, namespace: this.namespace },
      spec: Lazy.any({ produce: () => groupPolicySpec(group, this.platform, this.app.derivedEgress(group)) }),
    });
  }
}
