import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { NameRule, validateName } from './names';
import { KUBERNETES_MINOR } from './versions';

export interface RestrictedNamespaceProps {
  /** @default - the construct id */
  readonly name?: string;
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A namespace that enforces the Pod Security Standard `restricted` (and warns and audits on it),
 * pinned to the platform's Kubernetes minor so an upgrade never tightens rules silently.
 */
export class RestrictedNamespace extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: RestrictedNamespaceProps = {}) {
    super(scope, id);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    const labels: Record<string, string> = { ...props.labels };
    for (const mode of ['enforce', 'audit', 'warn']) {
      labels[`pod-security.kubernetes.io/${mode}`] = 'restricted';
      labels[`pod-security.kubernetes.io/${mode}-version`] = `v${KUBERNETES_MINOR}`;
    }
    new k8s.KubeNamespace(this, 'Resource', { metadata: { name: this.name, labels } });
  }
}
