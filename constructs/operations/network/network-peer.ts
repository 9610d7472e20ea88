import type { PodGroup } from './pod-group';
import { NameRule, validateName } from '../../core/names';
import { like, requireValue } from '../../core/required-props';

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
    // By shape: pod-group.ts imports this module, so the class is not available here at load time.
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
