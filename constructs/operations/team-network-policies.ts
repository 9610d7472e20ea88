import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { withDefaults } from '../core/defaults';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';

/** Where the platform's shared services run, as seen from a team namespace. */
export interface PlatformServices {
  /**
   * Namespace of Prometheus (it scrapes the team's pods).
   * @default 'monitoring'
   */
  readonly monitoringNamespace?: string;
  /**
   * Namespaces of the inference gateway (Istio ingress gateway, Knative activator): they forward
   * requests to the team's InferenceServices, and the team calls other models through them.
   * @default ['istio-system', 'knative-serving']
   */
  readonly gatewayNamespaces?: readonly string[];
  /**
   * CIDRs of the Kubernetes API server (the Argo executor and operators' SDKs call it on 443/6443).
   * @default - the RFC 1918 private ranges (a private cluster endpoint); narrow to the endpoint's address
   */
  readonly apiServerCidrs?: readonly string[];
}

/** Properties for `TeamNetworkPolicies`. */
export interface TeamNetworkPoliciesProps {
  /** The namespace the policies protect. */
  readonly namespace: string;
  /** @default - the PlatformServices defaults */
  readonly platform?: PlatformServices;
}

const DEFAULTS = Object.freeze({
  monitoringNamespace: 'monitoring',
  gatewayNamespaces: Object.freeze(['istio-system', 'knative-serving']) as readonly string[],
  apiServerCidrs: Object.freeze(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']) as readonly string[],
});
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const NAMESPACE_LABEL = 'kubernetes.io/metadata.name';

/** Names of the policies, exported so tests and `kubectl` checks refer to them by constant. */
export const TEAM_POLICY_NAMES = {
  DEFAULT_DENY: 'default-deny-all',
  SAME_NAMESPACE: 'allow-same-namespace',
  DNS: 'allow-dns-egress',
  PLATFORM: 'allow-platform-services',
  API_SERVER: 'allow-api-server-egress',
} as const;

const byName = (namespaces: readonly string[]): k8s.LabelSelector => ({
  matchExpressions: [{ key: NAMESPACE_LABEL, operator: 'In', values: [...namespaces] }],
});
const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });

/**
 * Zero-trust networking for a team namespace: deny all ingress and egress, then allow exactly
 * pod-to-pod traffic inside the namespace (distributed training), DNS, scraping and inference
 * traffic from the platform namespaces, and calls to the API server.
 */
export class TeamNetworkPolicies extends Construct {
  public readonly namespace: string;
  public readonly monitoringNamespace: string;
  public readonly gatewayNamespaces: readonly string[];
  public readonly apiServerCidrs: readonly string[];

  constructor(scope: Construct, id: string, props: TeamNetworkPoliciesProps) {
    super(scope, id);
    const p = withDefaults(DEFAULTS, props.platform ?? {});
    this.namespace = validateName(this, 'namespace', props.namespace, NameRule.DNS_LABEL);
    this.monitoringNamespace = validateName(this, 'platform.monitoringNamespace', p.monitoringNamespace, NameRule.DNS_LABEL);
    this.gatewayNamespaces = p.gatewayNamespaces.map((ns, i) => validateName(this, `platform.gatewayNamespaces[${i}]`, ns, NameRule.DNS_LABEL));
    this.apiServerCidrs = p.apiServerCidrs.map((c, i) => checkCidr(this, `platform.apiServerCidrs[${i}]`, c));
    if (this.apiServerCidrs.includes('0.0.0.0/0')) {
      throw propError(this, 'platform.apiServerCidrs', `[${this.apiServerCidrs.join(', ')}]`, "'0.0.0.0/0' would allow HTTPS egress to the whole internet; give the API server's address");
    }

    this.policy('Resource', TEAM_POLICY_NAMES.DEFAULT_DENY, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    this.policy('SameNamespace', TEAM_POLICY_NAMES.SAME_NAMESPACE, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: {} }] }],
      egress: [{ to: [{ podSelector: {} }] }],
    });
    this.policy('Dns', TEAM_POLICY_NAMES.DNS, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{
        to: [{ namespaceSelector: byName(['kube-system']), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
        ports: [{ protocol: 'UDP', port: k8s.IntOrString.fromNumber(53) }, tcp(53)],
      }],
    });
    this.policy('Platform', TEAM_POLICY_NAMES.PLATFORM, {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: byName([this.monitoringNamespace, ...this.gatewayNamespaces]) }] }],
      egress: this.gatewayNamespaces.length ? [{ to: [{ namespaceSelector: byName(this.gatewayNamespaces) }] }] : undefined,
    });
    this.policy('ApiServer', TEAM_POLICY_NAMES.API_SERVER, {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: this.apiServerCidrs.map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(443), tcp(6443)] }],
    });
  }

  private policy(id: string, name: string, spec: k8s.NetworkPolicySpec): void {
    new k8s.KubeNetworkPolicy(this, id, { metadata: { name, namespace: this.namespace }, spec });
  }
}

function checkCidr(scope: Construct, prop: string, cidr: string): string {
  const m = CIDR.exec(cidr);
  if (!m || m.slice(1, 5).some((o) => Number(o) > 255) || Number(m[5]) > 32) {
    throw propError(scope, prop, cidr, 'use an IPv4 CIDR like "10.0.0.0/8"');
  }
  return cidr;
}
