import { propError, Where } from '../../core/errors';
import { NameRule, validateLabels, validateName } from '../../core/names';

/** Where the platform's shared services run, as seen from a workload namespace. */
export interface PlatformServices {
  /**
   * Namespace of Prometheus (it scrapes the declared metrics ports).
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Namespaces of the inference gateway (Istio ingress gateway, Knative activator and autoscaler):
   * they forward requests to model servers and predictors.
   * @default ['istio-system', 'knative-serving']
   */
  readonly gatewayNamespaces?: readonly string[];
  /**
   * CIDRs of the Kubernetes API server (the Argo executor, the MPI launcher's `kubectl exec`) on 443/6443.
   * @default - the RFC 1918 private ranges (a private cluster endpoint); narrow to the endpoint's address
   */
  readonly apiServerCidrs?: readonly string[];
  /**
   * The cluster DNS pods every pod may query on port 53.
   * @default { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' } } (CoreDNS on EKS, GKE, kind, kubeadm)
   */
  readonly dns?: DnsService;
}

/** The pods serving cluster DNS. */
export interface DnsService {
  readonly namespace: string;
  /** Labels of the DNS pods; at least one (no label would open port 53 to every pod of the namespace). */
  readonly podLabels: Readonly<Record<string, string>>;
  /**
   * Node-level resolvers a pod selector cannot match, on port 53 only: NodeLocal DNSCache
   * (`169.254.20.10/32`), GKE Cloud DNS (`169.254.169.254/32`).
   * @default - none
   */
  readonly cidrs?: readonly string[];
}

/** PlatformServices with every default applied and validated. */
export interface ResolvedPlatform {
  readonly monitoringNamespace: string;
  readonly gatewayNamespaces: readonly string[];
  readonly apiServerCidrs: readonly string[];
  readonly dns: DnsService;
}

/** Label the API server puts on every namespace (its name): selects namespaces without our own labels. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** Ports of the API server: 443 behind the `kubernetes` Service, 6443 on the endpoints themselves. */
export const API_SERVER_PORTS: readonly number[] = Object.freeze([443, 6443]);
/** The DNS port (UDP, and TCP for large answers). */
export const DNS_PORT = 53;

/**
 * What "the internet" excludes: private (RFC 1918), carrier-grade NAT (RFC 6598, GKE/EKS custom
 * pod ranges), loopback and link-local (the cloud metadata endpoint 169.254.169.254), so internet
 * egress never reaches cluster pods, nodes or instance credentials.
 */
export const NON_INTERNET_CIDRS: readonly string[] = Object.freeze([
  '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16',
]);

export const PLATFORM_DEFAULTS: ResolvedPlatform = Object.freeze({
  monitoringNamespace: 'monitoring',
  gatewayNamespaces: Object.freeze(['istio-system', 'knative-serving']),
  apiServerCidrs: Object.freeze(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']),
  dns: Object.freeze({ namespace: 'kube-system', podLabels: Object.freeze({ 'k8s-app': 'kube-dns' }) }),
});

const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/** Applies the defaults and validates every value; errors name `scope` and `platform.<prop>`. */
export function resolvePlatform(scope: Where, props: PlatformServices = {}): ResolvedPlatform {
  const monitoringNamespace = validateName(scope, 'platform.monitoringNamespace', props.monitoringNamespace ?? PLATFORM_DEFAULTS.monitoringNamespace, NameRule.DNS_LABEL);
  const gatewayNamespaces = (props.gatewayNamespaces ?? PLATFORM_DEFAULTS.gatewayNamespaces)
    .map((ns, i) => validateName(scope, `platform.gatewayNamespaces[${i}]`, ns, NameRule.DNS_LABEL));
  const apiServerCidrs = (props.apiServerCidrs ?? PLATFORM_DEFAULTS.apiServerCidrs).map((c, i) => checkCidr(scope, `platform.apiServerCidrs[${i}]`, c));
  if (apiServerCidrs.includes('0.0.0.0/0')) {
    throw propError(scope, 'platform.apiServerCidrs', `[${apiServerCidrs.join(', ')}]`, "'0.0.0.0/0' would allow HTTPS egress to the whole internet; give the API server's address");
  }
  const dns = props.dns ?? PLATFORM_DEFAULTS.dns;
  validateName(scope, 'platform.dns.namespace', dns.namespace, NameRule.DNS_LABEL);
  if (Object.keys(dns.podLabels).length === 0) {
    throw propError(scope, 'platform.dns.podLabels', dns.podLabels, `name the labels of the DNS pods (e.g. { 'k8s-app': 'kube-dns' }); none would open port ${DNS_PORT} to every pod of '${dns.namespace}'`);
  }
  validateLabels(scope, 'platform.dns.podLabels', dns.podLabels);
  const cidrs = (dns.cidrs ?? []).map((c, i) => checkCidr(scope, `platform.dns.cidrs[${i}]`, c));
  if (cidrs.includes('0.0.0.0/0')) throw propError(scope, 'platform.dns.cidrs', `[${cidrs.join(', ')}]`, "'0.0.0.0/0' would let every pod query any DNS server on the internet; give the node-local resolver's address");
  return { monitoringNamespace, gatewayNamespaces, apiServerCidrs, dns: { namespace: dns.namespace, podLabels: { ...dns.podLabels }, cidrs } };
}

/** Throws unless `cidr` is an IPv4 CIDR. */
export function checkCidr(scope: Where, prop: string, cidr: string): string {
  const m = CIDR.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw propError(scope, prop, cidr, 'use an IPv4 CIDR like "10.0.0.0/8"');
  }
  return cidr;
}
