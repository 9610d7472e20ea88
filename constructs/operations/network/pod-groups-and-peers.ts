import { propError } from '../../core/errors';
import { Labels } from '../../core/labels';
import { labelProblem, NameRule, nameProblem, validateName } from '../../core/names';
import { like, requireValue } from '../../core/required-props';

// Peers and pod groups in one module: a peer can be a pod group, and a group's needs name peers.
// Split in two files, that mutual reference was an import circle.

/** What kind of peer a `NetworkPeer` is. */
export enum PeerKind {
  /** The platform's inference gateways (`PlatformServices.gatewayNamespaces`). */
  GATEWAYS = 'gateways',
  /** Prometheus' namespace (`PlatformServices.monitoringNamespace`). */
  MONITORING = 'monitoring',
  /** Every pod of one namespace. */
  NAMESPACE = 'namespace',
  /** The pods of a registered pod group, in its own namespace. */
  GROUP = 'group',
}

/**
 * The other side of a connection, by object: a pod group another construct registered, the
 * platform's gateways or Prometheus (resolved per namespace from `PlatformServices`), or a
 * whole namespace. Peers are never written as raw selectors, so they cannot drift from the pods.
 */
export class NetworkPeer {
  /** The inference gateways: Istio ingress gateway, Knative activator and autoscaler. */
  public static gateways(): NetworkPeer {
    return new NetworkPeer(PeerKind.GATEWAYS);
  }

  /** Prometheus (the monitoring namespace). */
  public static monitoring(): NetworkPeer {
    return new NetworkPeer(PeerKind.MONITORING);
  }

  /** Every pod of `namespace`. */
  public static namespace(namespace: string): NetworkPeer {
    validateName({ kind: 'NetworkPeer', path: 'namespace' }, 'namespace', namespace, NameRule.DNS_LABEL);
    return new NetworkPeer(PeerKind.NAMESPACE, namespace);
  }

  /** The pods of `group` (another construct's, in its namespace). */
  public static group(group: PodGroup): NetworkPeer {
    // By shape (not instanceof): the message then lists the fields a pod group needs.
    requireValue({ kind: 'NetworkPeer', path: 'group' }, 'group', group, like<PodGroup>({ namespace: 'string', policyName: 'string', podLabels: 'object' }, "a pod group (a workflow's network, or the group a construct registered)"));
    return new NetworkPeer(PeerKind.GROUP, group.namespace, group);
  }

  private constructor(
    public readonly kind: PeerKind,
    /** Namespace of a NAMESPACE or GROUP peer. */
    public readonly namespace?: string,
    /** The group of a GROUP peer. */
    public readonly group?: PodGroup,
  ) {}

  public toString(): string {
    if (this.kind === PeerKind.GROUP) return `pods of ${this.group!.policyName} in ${this.namespace}`;
    return this.namespace ? `${this.kind} ${this.namespace}` : this.kind;
  }
}

/** A TCP port: a number, or the name of a container port (what monitors and Services refer to). */
export type NetworkPort = number | string;

/** An allowed incoming connection: from a peer, to some ports (all ports when omitted). */
export interface IngressNeed {
  readonly from: NetworkPeer;
  /** TCP ports. @default - every port */
  readonly ports?: readonly NetworkPort[];
}

/** An allowed outgoing connection to a peer that is not a pod group (groups derive it from their clients). */
export interface EgressNeed {
  readonly to: NetworkPeer;
  /** TCP ports. @default - every port */
  readonly ports?: readonly number[];
}

/**
 * What a construct's pods need from the network, declared once where the pods are built. Every
 * need becomes an allow rule of the group's NetworkPolicy; everything else stays denied by the
 * namespace's default-deny (DNS is always allowed by the namespace baseline).
 */
export interface PodGroupNeeds {
  /** `app.kubernetes.io/name` of the pods (the construct's object name). */
  readonly name: string;
  /** `app.kubernetes.io/component` of the pods (what they are: `training-job`, `model-server`, ...). */
  readonly component: string;
  /**
   * A sub-group: only the group's pods that also carry these labels (set by an operator, e.g. the
   * MPI launcher's replica-type label, or by the construct). Needs `role`.
   * @default - every pod of the group
   */
  readonly match?: Readonly<Record<string, string>>;
  /** Names the sub-group in the policy name. @default - none */
  readonly role?: string;
  /**
   * Every pod of the namespace instead of labelled pods: for namespaces whose workloads are
   * submitted at run time (team namespaces), which no construct labels.
   * @default false
   */
  readonly namespaceWide?: boolean;
  /**
   * Select pods another construct or an operator labels (e.g. the pods a PodMonitor scrapes)
   * instead of labelling pods: `podLabels` is then empty. Keys mapped to `undefined` only need to exist.
   * @default - the pods labelled with `podLabels`
   */
  readonly select?: Readonly<Record<string, string | undefined>>;
  /**
   * Pods of the group reach each other on every port: distributed jobs, whose collectives
   * (NCCL, Gloo, MPI) open ports chosen at run time besides the rendezvous port.
   * @default false
   */
  readonly withinGroup?: boolean;
  /** The pods call the Kubernetes API server (443/6443). @default false */
  readonly apiServer?: boolean;
  /** TCP ports opened to the internet (downloads). @default - none: no internet */
  readonly internetPorts?: readonly number[];
  /** Who may connect to the pods. Same-namespace group peers get the matching egress derived. @default - nobody */
  readonly clients?: readonly IngressNeed[];
  /** Ports Prometheus scrapes (numbers or container port names), from the monitoring namespace. @default - none */
  readonly metricsPorts?: readonly NetworkPort[];
  /** Outgoing connections to non-group peers (gateways, namespaces). @default - none */
  readonly egress?: readonly EgressNeed[];
}

/** A container port name (IANA service name): what a named NetworkPolicy port refers to. */
const PORT_NAME = /^(?=.{1,15}$)(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A registered set of pods and their needs; `podLabels` go on the construct's pod templates. */
export class PodGroup {
  /** Name of the group's NetworkPolicy (unique in the namespace). */
  public readonly policyName: string;
  /** Labels the construct must put on every pod of the group. Empty for namespace-wide groups. */
  public readonly podLabels: Readonly<Record<string, string>>;
  /** Labels the policy selects on: `podLabels` plus `match` (or `select`). Empty: every pod of the namespace. */
  public readonly selector: Readonly<Record<string, string>>;
  /** Label keys the selected pods must carry, whatever the value (from `select`). */
  public readonly selectorExists: readonly string[];

  constructor(
    public readonly namespace: string,
    /** Path of the construct that registered the group, for messages. */
    public readonly ownerPath: string,
    public readonly needs: PodGroupNeeds,
  ) {
    const base = needs.namespaceWide ? needs.component : `${needs.name}-${needs.component}`;
    const name = `${base}${needs.role ? `-${needs.role}` : ''}`;
    this.policyName = `allow-${name}`;
    const problem = nameProblem(this.policyName, NameRule.DNS_SUBDOMAIN);
    if (problem) throw propError(ownerPath, 'name', needs.name, `the network policy name '${this.policyName}' ${problem}`);
    if (needs.match && !needs.role) throw propError(ownerPath, 'role', needs.role, 'a sub-group (match) needs a role naming it');
    const selects = needs.select !== undefined;
    if (selects && Object.keys(needs.select!).length === 0) throw propError(ownerPath, 'select', needs.select, 'name at least one label; an empty selector is namespaceWide');
    this.podLabels = needs.namespaceWide || selects ? {} : { [Labels.NAME]: needs.name, [Labels.COMPONENT]: needs.component };
    const selected = Object.entries(needs.select ?? {});
    this.selector = needs.namespaceWide ? {} : selects
      ? Object.fromEntries(selected.filter((e): e is [string, string] => e[1] !== undefined))
      : { ...this.podLabels, ...needs.match };
    this.selectorExists = selected.filter(([, v]) => v === undefined).map(([k]) => k);
    for (const [key, value] of [...Object.entries(this.selector), ...this.selectorExists.map((k) => [k, 'x'])]) {
      const issue = labelProblem(key, value);
      if (issue) throw propError(ownerPath, selects ? 'select' : 'name', selects ? needs.select : needs.name, `it cannot select the pods: ${issue}`);
    }
    for (const [prop, ports] of [['internetPorts', needs.internetPorts], ['metricsPorts', needs.metricsPorts],
      ...(needs.clients ?? []).map((c, i) => [`clients[${i}].ports`, c.ports] as const),
      ...(needs.egress ?? []).map((e, i) => [`egress[${i}].ports`, e.ports] as const)] as const) {
      for (const port of ports ?? []) {
        if (typeof port === 'string' ? !PORT_NAME.test(port) : !Number.isInteger(port) || port < 1 || port > 65535) {
          throw propError(ownerPath, prop, port, 'use TCP ports from 1 to 65535, or a container port name (at most 15 lower-case letters, digits and "-", with a letter)');
        }
      }
    }
  }

  /** True when the needs add any rule beyond the namespace baseline. */
  public get hasRules(): boolean {
    const n = this.needs;
    return Boolean(n.withinGroup || n.apiServer || n.internetPorts?.length || n.clients?.length || n.metricsPorts?.length || n.egress?.length);
  }
}
