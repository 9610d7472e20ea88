import { NetworkPeer, PeerKind, PodGroup } from './pod-groups-and-peers';
import { API_SERVER_PORTS, DNS_PORT, NAMESPACE_NAME_LABEL, NON_INTERNET_CIDRS, ResolvedPlatform } from './platform-services';

/** A NetworkPolicy peer / port / rule / spec as plain JSON (what the apiserver stores). */
export type PolicyPeer = Record<string, unknown>;
export interface PolicyPort { readonly protocol: 'TCP' | 'UDP'; readonly port: number | string }
export interface PolicyRule { readonly peers?: PolicyPeer[]; readonly ports?: PolicyPort[] }
export interface NetworkPolicySpecJson {
  readonly podSelector: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string }[] };
  readonly policyTypes: ('Ingress' | 'Egress')[];
  readonly ingress?: { from?: PolicyPeer[]; ports?: PolicyPort[] }[];
  readonly egress?: { to?: PolicyPeer[]; ports?: PolicyPort[] }[];
}

/** An egress rule of a client group towards a group that lists it among its clients. */
export interface DerivedEgress {
  readonly target: PodGroup;
  readonly ports?: readonly (number | string)[];
}

/** Numbers first, ascending, then names: deterministic output. */
const byPort = (a: number | string, b: number | string) =>
  typeof a === typeof b ? (typeof a === 'number' ? a - (b as number) : String(a).localeCompare(String(b))) : typeof a === 'number' ? -1 : 1;
const tcp = (ports: readonly (number | string)[] | undefined): PolicyPort[] | undefined =>
  ports?.length ? [...new Set(ports)].sort(byPort).map((port) => ({ protocol: 'TCP', port })) : undefined;
const byNames = (namespaces: readonly string[]): PolicyPeer => ({
  namespaceSelector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...namespaces] }] },
});
const podSelector = (labels: Readonly<Record<string, string>>, exists: readonly string[] = []) => ({
  ...(Object.keys(labels).length ? { matchLabels: { ...labels } } : {}),
  ...(exists.length ? { matchExpressions: exists.map((key) => ({ key, operator: 'Exists' })) } : {}),
});

/** The policy peers of `peer` as seen from a group in `from`: empty when it resolves to nobody. */
export function peerSelectors(peer: NetworkPeer, from: string, platform: ResolvedPlatform): PolicyPeer[] {
  switch (peer.kind) {
    case PeerKind.GATEWAYS:
      return platform.gatewayNamespaces.length ? [byNames(platform.gatewayNamespaces)] : [];
    case PeerKind.MONITORING:
      return [byNames([platform.monitoringNamespace])];
    case PeerKind.NAMESPACE:
      return [byNames([peer.namespace!])];
    case PeerKind.GROUP: {
      const group = peer.group!;
      const pods = { podSelector: podSelector(group.selector, group.selectorExists) };
      // Same namespace: a bare podSelector; another namespace: both selectors in ONE peer (an AND).
      return group.namespace === from ? [pods] : [{ ...byNames([group.namespace]), ...pods }];
    }
  }
}

/** Baseline: no pod of the namespace sends or receives anything that no other policy allows. */
export function defaultDenySpec(): NetworkPolicySpecJson {
  return { podSelector: {}, policyTypes: ['Ingress', 'Egress'] };
}

/** Baseline: every pod may query the cluster DNS (UDP, and TCP for truncated answers). */
export function dnsEgressSpec(platform: ResolvedPlatform): NetworkPolicySpecJson {
  return {
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [{
      to: [
        { ...byNames([platform.dns.namespace]), podSelector: podSelector(platform.dns.podLabels) },
        ...(platform.dns.cidrs ?? []).map((cidr) => ({ ipBlock: { cidr } })),
      ],
      ports: [{ protocol: 'UDP', port: DNS_PORT }, { protocol: 'TCP', port: DNS_PORT }],
    }],
  };
}

/**
 * The NetworkPolicy of one pod group: one ingress rule per need (own pods, clients, metrics) and
 * one egress rule per need (own pods, API server, internet, declared peers, and the groups that
 * list this one among their clients). Policy types are only those with rules; a group without
 * any rule selects its pods for ingress only, which the baseline already denies.
 */
export function groupPolicySpec(group: PodGroup, platform: ResolvedPlatform, derived: readonly DerivedEgress[]): NetworkPolicySpecJson {
  const n = group.needs;
  const own = [{ podSelector: podSelector(group.selector, group.selectorExists) }];
  const ingress: { from?: PolicyPeer[]; ports?: PolicyPort[] }[] = [];
  const egress: { to?: PolicyPeer[]; ports?: PolicyPort[] }[] = [];
  if (n.withinGroup) ingress.push({ from: own });
  for (const client of n.clients ?? []) {
    const from = peerSelectors(client.from, group.namespace, platform);
    if (from.length) ingress.push({ from, ports: tcp(client.ports) });
  }
  if (n.metricsPorts?.length) ingress.push({ from: peerSelectors(NetworkPeer.monitoring(), group.namespace, platform), ports: tcp(n.metricsPorts) });

  if (n.withinGroup) egress.push({ to: own });
  if (n.apiServer && platform.apiServerCidrs.length) {
    egress.push({ to: platform.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: tcp(API_SERVER_PORTS) });
  }
  if (n.internetPorts?.length) {
    egress.push({ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: [...NON_INTERNET_CIDRS] } }], ports: tcp(n.internetPorts) });
  }
  for (const e of n.egress ?? []) {
    const to = peerSelectors(e.to, group.namespace, platform);
    if (to.length) egress.push({ to, ports: tcp(e.ports) });
  }
  for (const d of derived) {
    egress.push({ to: peerSelectors(NetworkPeer.group(d.target), group.namespace, platform), ports: tcp(d.ports) });
  }
  const policyTypes: ('Ingress' | 'Egress')[] = [];
  if (ingress.length || !egress.length) policyTypes.push('Ingress');
  if (egress.length) policyTypes.push('Egress');
  return {
    podSelector: podSelector(group.selector, group.selectorExists),
    policyTypes,
    ingress: ingress.length ? ingress.map(dropUndefinedPorts('from')) : undefined,
    egress: egress.length ? egress.map(dropUndefinedPorts('to')) : undefined,
  };
}

/** `{ from, ports: undefined }` → `{ from }`, so the JSON has no undefined members. */
function dropUndefinedPorts<K extends 'from' | 'to'>(key: K) {
  return (rule: { from?: PolicyPeer[]; to?: PolicyPeer[]; ports?: PolicyPort[] }) =>
    (rule.ports ? { [key]: rule[key], ports: rule.ports } : { [key]: rule[key] }) as never;
}

/**
 * Egress each client group needs towards the same-app groups that list it as a client: one pass
 * over every group's clients (linear in the number of rules), keyed by the client group.
 */
export function deriveClientEgress(groups: Iterable<PodGroup>): Map<PodGroup, DerivedEgress[]> {
  const out = new Map<PodGroup, DerivedEgress[]>();
  for (const target of groups) {
    for (const client of target.needs.clients ?? []) {
      if (client.from.kind !== PeerKind.GROUP || client.from.group === target) continue;
      const list = out.get(client.from.group!) ?? [];
      list.push({ target, ports: client.ports });
      out.set(client.from.group!, list);
    }
  }
  return out;
}
