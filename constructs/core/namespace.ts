import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { NameRule, validateName } from './names';
import { KUBERNETES_MINOR } from './versions';
import { NamespaceBaseline } from '../operations/network/namespace-baseline';
import { PlatformServices } from '../operations/network/platform-services';

export interface RestrictedNamespaceProps {
  /** @default - the construct id */
  readonly name?: string;
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
  /**
   * Where the platform services the namespace's network policies allow are (DNS, API server,
   * gateways, Prometheus).
   * @default - the PlatformServices defaults
   */
  readonly network?: PlatformServices;
}

/**
 * A namespace that enforces the Pod Security Standard `restricted` (and warns and audits on it),
 * pinned to the platform's Kubernetes minor so an upgrade never tightens rules silently, and
 * denies all network traffic but DNS by default (`NamespaceBaseline`): the constructs whose pods
 * run in it add exactly what they need (`NamespaceNetwork`).
 */
export class RestrictedNamespace extends Construct {
  public readonly name: string;
  /** Default-deny and DNS policies; the namespace's platform services. */
  public readonly network: NamespaceBaseline;

  constructor(scope: Construct, id: string, props: RestrictedNamespaceProps = {}) {
    super(scope, id);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    const labels: Record<string, string> = { ...props.labels };
    for (const mode of ['enforce', 'audit', 'warn']) {
      labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      labels[`pod-security.kubernetes.io/${mode}-version`] = `v${KUBERNETES_MINOR}`;
    }
    new k8s.KubeNamespace(this, 'Resource', { metadata: { name: this.name, labels } });
    this.network = new NamespaceBaseline(this, 'NetworkPolicies', { namespace: this.name, platform: props.network });
  }
}
