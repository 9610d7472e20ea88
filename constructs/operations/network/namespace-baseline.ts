import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { NamespaceNetwork } from './namespace-network';
import { PlatformServices, ResolvedPlatform, resolvePlatform } from './platform-services';
import { defaultDenySpec, dnsEgressSpec } from './render-policy';
import { pathOf } from '../../core/errors';
import { NameRule, validateName } from '../../core/names';
import { optional, requireProps } from '../../core/required-props';

/** Properties for `NamespaceBaseline`. */
export interface NamespaceBaselineProps {
  /** The namespace the policies protect. */
  readonly namespace: string;
  /** @default - the PlatformServices defaults */
  readonly platform?: PlatformServices;
}

/** Names of the baseline policies, exported so tests and `kubectl` checks refer to them by constant. */
export const BASELINE_POLICY_NAMES = {
  DEFAULT_DENY: 'default-deny-all',
  DNS: 'allow-dns-egress',
} as const;

/**
 * Zero-trust baseline of a namespace: deny all ingress and egress of every pod, then allow DNS
 * (which no prop can take away). Everything else a pod may do comes from the pod groups the
 * constructs register in `NamespaceNetwork`. Also sets the namespace's platform services and,
 * at synth, checks the registered needs against them.
 */
export class NamespaceBaseline extends Construct {
  public readonly namespace: string;
  public readonly platform: ResolvedPlatform;
  public readonly network: NamespaceNetwork;

  constructor(scope: Construct, id: string, props: NamespaceBaselineProps) {
    super(scope, id);
    requireProps(this, props, { namespace: 'string', platform: optional('object') });
    this.namespace = validateName(this, 'namespace', props.namespace, NameRule.DNS_LABEL);
    this.platform = resolvePlatform(this, props.platform);
    this.policy('Resource', BASELINE_POLICY_NAMES.DEFAULT_DENY, defaultDenySpec());
    this.policy('Dns', BASELINE_POLICY_NAMES.DNS, dnsEgressSpec(this.platform));
    this.network = NamespaceNetwork.forNamespace(this, this.namespace);
    this.network.attachBaseline({ path: pathOf(this), platform: this.platform });
    this.node.addValidation({ validate: () => (this.network.baseline?.path === pathOf(this) ? this.network.problems() : []) });
  }

  private policy(id: string, name: string, spec: object): void {
    new ApiObject(this, id, { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: this.namespace }, spec });
  }
}
