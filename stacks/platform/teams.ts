import { Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { NVIDIA_GPU_RESOURCE } from '../../constructs/cluster/accelerator';
import { RestrictedNamespace } from '../../constructs/core/namespace';
import { TeamConfig } from '../config';

/** Properties of `TeamNamespaces`. */
export interface TeamNamespacesProps {
  /** One namespace per team. */
  readonly teams: readonly Required<TeamConfig>[];
}

/**
 * Tenant namespaces from the stack config, built with the same constructs as the example charts:
 * Pod Security `restricted`, and a ResourceQuota capping the GPUs each team may hold at once.
 */
export class TeamNamespaces extends Chart {
  constructor(scope: Construct, id: string, props: TeamNamespacesProps) {
    super(scope, id, { disableResourceNameHashes: true });
    for (const team of props.teams) {
      const ns = new RestrictedNamespace(this, team.name, { labels: { 'mlpatterns.dev/team': team.name } });
      new k8s.KubeResourceQuota(this, `${team.name}-gpu-quota`, {
        metadata: { name: 'gpu-quota', namespace: ns.name },
        spec: { hard: { [`requests.${NVIDIA_GPU_RESOURCE}`]: k8s.Quantity.fromNumber(team.gpuQuota) } },
      });
    }
  }
}
