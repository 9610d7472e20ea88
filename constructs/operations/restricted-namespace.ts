import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { STRING_MAP } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';
import { KUBERNETES_MINOR } from '../core/versions';
import { NamespaceBaseline } from './network/namespace-baseline';
import { PlatformServices } from './network/platform-services';

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
  /**
   * An explicit, documented exception to enforcing `restricted`, for workloads whose
   * operator-injected containers cannot comply (the training-operator's MPIJob v1 launcher gets a
   * `kubectl-delivery` init container without a securityContext). `restricted` is still warned and
   * audited, so every other pod's violations stay visible.
   * @default - `restricted` is enforced
   */
  readonly podSecurityException?: PodSecurityException;
}

/** Enforce a weaker Pod Security level in one namespace, and say why. */
export interface PodSecurityException {
  readonly enforce: 'baseline';
  /** Why the namespace cannot enforce `restricted` (recorded as an annotation). */
  readonly reason: string;
}

/** Annotation recording why a namespace enforces less than `restricted`. */
export const POD_SECURITY_EXCEPTION_ANNOTATION = 'mlpatterns.dev/pod-security-exception';

const PROP_CHECKS: PropChecks<RestrictedNamespaceProps> = {
  name: optional('string'),
  labels: optional(STRING_MAP),
  network: optional('object'),
  podSecurityException: optional(shape<PodSecurityException>({ enforce: oneOf(['baseline']), reason: 'string' }, "a pod security exception ({ enforce: 'baseline', reason })")),
};

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
    requireProps(this, props, PROP_CHECKS);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    const labels: Record<string, string> = { ...props.labels };
    const exception = props.podSecurityException;
    if (exception && !exception.reason.trim()) throw propError(this, 'podSecurityException.reason', exception.reason, 'say why the namespace cannot enforce restricted');
    for (const mode of ['enforce', 'audit', 'warn']) {
      labels[`pod-security.kubernetes.io/${mode}`] = mode === 'enforce' && exception ? exception.enforce : 'restricted';
      labels[`pod-security.kubernetes.io/${mode}-version`] = `v${KUBERNETES_MINOR}`;
    }
    new k8s.KubeNamespace(this, 'Resource', {
      metadata: { name: this.name, labels, annotations: exception ? { [POD_SECURITY_EXCEPTION_ANNOTATION]: exception.reason } : undefined },
    });
    this.network = new NamespaceBaseline(this, 'NetworkPolicies', { namespace: this.name, platform: props.network });
  }
}
