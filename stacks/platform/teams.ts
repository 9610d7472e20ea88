import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { NodePool } from '../../constructs/cluster/node-pool';
import { FairShareCohort, PoolQuota } from '../../constructs/operations/fair-share-cohort';
import { Team } from '../../constructs/operations/team';

/** Chart (and deployment) name of the stack's teams. */
export const TEAMS_CHART = 'platform-teams';

/** Kueue cohort the stack's teams share (`spec.cohortName` of their ClusterQueues). */
export const TEAMS_COHORT = 'platform-teams';

/** A tenant as the stack config describes it, with its pools already resolved to `NodePool` objects. */
export interface PlatformTeamSpec {
  /** Team name: namespace, ClusterQueue name and `mlpatterns.dev/team` label. */
  readonly name: string;
  /** Identity-provider group bound to the built-in `edit` ClusterRole in the team's namespace. */
  readonly group: string;
  /** @default 1 */
  readonly fairSharingWeight?: number;
  /** Quota per pool; every pool is one of `PlatformTeamsProps.pools`. */
  readonly quotas: readonly PoolQuota[];
}

/** Properties of `PlatformTeams`. */
export interface PlatformTeamsProps {
  /** The stack's node pools: the same objects its node groups are created from. */
  readonly pools: readonly NodePool[];
  /** One operations `Team` each. */
  readonly teams: readonly PlatformTeamSpec[];
}

/**
 * The stack's tenants, built with the project's tenant model: one `FairShareCohort` over the
 * stack's pools the teams quota (a ResourceFlavor per pool, nominal quotas booked against
 * `NodePool.capacity()`; a pool no team quotas stays free for a chart's own cohort, e.g. the GPU examples')
 * and one operations `Team` per configured team (restricted namespace, ResourceQuota, LimitRange,
 * ClusterQueue in the cohort, LocalQueue, `edit` RoleBinding for the team's group, workflow
 * ServiceAccount, default-deny NetworkPolicies). Nothing about a team is typed twice.
 */
export class PlatformTeams extends Chart {
  public readonly cohort: FairShareCohort;
  /** In config order; construct id = team name. */
  public readonly teams: readonly Team[];

  constructor(scope: Construct, id: string, props: PlatformTeamsProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const quotaed = props.pools.filter((p) => props.teams.some((t) => t.quotas.some((q) => q.pool === p)));
    this.cohort = new FairShareCohort(this, 'Cohort', { name: TEAMS_COHORT, pools: quotaed });
    this.teams = props.teams.map((t) => new Team(this, t.name, {
      group: t.group,
      cohort: this.cohort,
      quotas: t.quotas,
      fairSharingWeight: t.fairSharingWeight,
    }));
  }
}
