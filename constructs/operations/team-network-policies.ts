import { Construct } from 'constructs';
import { BASELINE_POLICY_NAMES } from './network/namespace-baseline';
import { NamespaceNetwork } from './network/namespace-network';
import { NetworkPeer, PodGroup } from './network/pod-groups-and-peers';
import { PodComponent } from './network/workload-traffic';
import { NameRule, validateName } from '../core/names';
import { requireProps } from '../core/required-props';

// The platform services type lives with the network module; re-exported for existing importers.
export { PlatformServices } from './network/platform-services';

/** Properties for `TeamNetworkPolicies`. */
export interface TeamNetworkPoliciesProps {
  /** The team's namespace (its `RestrictedNamespace` brings default-deny, DNS and the platform services). */
  readonly namespace: string;
}

/** Names of a team namespace's policies, exported so tests and `kubectl` checks refer to them by constant. */
export const TEAM_POLICY_NAMES = {
  DEFAULT_DENY: BASELINE_POLICY_NAMES.DEFAULT_DENY,
  DNS: BASELINE_POLICY_NAMES.DNS,
  WORKLOADS: `allow-${PodComponent.TEAM}`,
} as const;

/**
 * What a team namespace's pods may do on top of the namespace baseline (default-deny, DNS).
 *
 * A team's workloads are submitted at run time by its members (TFJobs, workflows,
 * InferenceServices, plain pods), not built by constructs, so no construct labels them and no
 * per-job allow can be derived at synth. The team is the trust boundary instead: its pods reach
 * each other on any port (distributed training), the API server (Argo executors, the MPI
 * launcher), the inference gateways (calling served models); Prometheus and the gateways reach
 * them. Everything else, other teams' pods and the internet included, stays denied. Declared
 * through the same registry as every construct (`NamespaceNetwork`), as one namespace-wide group.
 */
export class TeamNetworkPolicies extends Construct {
  public readonly namespace: string;
  /** The namespace-wide pod group (every pod of the team). */
  public readonly group: PodGroup;

  constructor(scope: Construct, id: string, props: TeamNetworkPoliciesProps) {
    super(scope, id);
    requireProps(this, props, { namespace: 'string' });
    this.namespace = validateName(this, 'namespace', props.namespace, NameRule.DNS_LABEL);
    this.group = NamespaceNetwork.forNamespace(this, this.namespace).group(this, {
      name: PodComponent.TEAM,
      component: PodComponent.TEAM,
      namespaceWide: true,
      withinGroup: true,
      apiServer: true,
      clients: [{ from: NetworkPeer.monitoring() }, { from: NetworkPeer.gateways() }],
      egress: [{ to: NetworkPeer.gateways() }],
    });
  }
}
