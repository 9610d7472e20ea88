// Talking to cyclonus v0.5.6 (`analyze --mode query-traffic`): its input files and its verdicts.
// Formats read from the module source, github.com/mattfenwick/cyclonus@v0.5.6:
// - policies: `pkg/kube/read.go` walks --policy-path; every file is parsed strictly as ONE
//   NetworkPolicyList (or one NetworkPolicy; no multi-document files), and every policy must set
//   spec.policyTypes;
// - traffic: `pkg/matcher/traffic.go` Traffic{Source, Destination: {Internal{PodLabels,
//   NamespaceLabels, Namespace}, IP}, ResolvedPort, ResolvedPortName, Protocol}, a JSON array;
// - verdicts: `pkg/cli/analyze.go` QueryTraffic prints, per traffic in order, a table whose footer
//   is `Is allowed? | true|false` (`pkg/matcher/policy.go` AllowedResult.Table; tablewriter upper-cases it).

import type { KubeObject } from '../core/objects';
import type { Endpoint } from './expectations';

/** What a traffic description needs of a pod or address. */
export type TrafficPeer = Pick<Endpoint, 'namespace' | 'labels' | 'ip' | 'external' | 'portNames'>;

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A NetworkPolicyList of `policies`, keeping only the fields the API defines (strict parsing). */
export function policyList(policies: readonly KubeObject[]): KubeObject {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicyList',
    items: policies.map((p) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: p.metadata.name, namespace: p.metadata.namespace, labels: p.metadata.labels },
      spec: p.spec,
    })),
  };
}

/** A cyclonus traffic peer: a pod (namespace, labels, IP) or an external address. */
function peer(endpoint: TrafficPeer, namespaceLabels: (ns: string) => Record<string, string>) {
  if (endpoint.external) return { IP: endpoint.ip };
  return {
    Internal: {
      PodLabels: endpoint.labels,
      NamespaceLabels: { ...namespaceLabels(endpoint.namespace!), [NAMESPACE_NAME_LABEL]: endpoint.namespace },
      Namespace: endpoint.namespace,
    },
    IP: endpoint.ip,
  };
}

/** The traffic file: one entry per pair, in order. */
export function trafficFile(pairs: readonly { from: TrafficPeer; to: TrafficPeer; port: number; protocol?: string }[], namespaceLabels: (ns: string) => Record<string, string>) {
  return pairs.map((p) => ({
    Source: peer(p.from, namespaceLabels),
    Destination: peer(p.to, namespaceLabels),
    ResolvedPort: p.port,
    // Named policy ports match on the name of the destination's container port.
    ResolvedPortName: Object.entries(p.to.portNames ?? {}).find(([, n]) => n === p.port)?.[0] ?? '',
    Protocol: p.protocol ?? 'TCP',
  }));
}

const VERDICT = /IS ALLOWED\?\s*\|\s*(TRUE|FALSE)\b/gi;

/** The verdicts of a query-traffic run, in traffic order; throws unless there is exactly one per traffic. */
export function parseVerdicts(stdout: string, expected: number): boolean[] {
  const verdicts = [...stdout.matchAll(VERDICT)].map((m) => m[1].toUpperCase() === 'TRUE');
  if (verdicts.length !== expected) {
    throw new Error(`cyclonus printed ${verdicts.length} verdicts for ${expected} traffics; output starts:\n${stdout.slice(0, 2000)}`);
  }
  return verdicts;
}
