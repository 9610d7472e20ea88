import { Construct } from 'constructs';
import { gpuQuotaResource } from './kueue-gpu-resources';
import { KueueProvisioningCheck, needsProvisioningRequest } from './kueue-provisioning';
import { KueueTopology, topologyLevelsOf, topologyNameOf } from './kueue-topology';
import { PoolResourceFlavor } from './resource-flavor';
import { addAmounts, Amounts, excess, poolCapacity, quantities, ResourceAmounts, toAmounts, ZERO } from './resource-amounts';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { propError, Where } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { arrayOf, optional, PropChecks, requireProps } from '../core/required-props';

/** A team's share of one pool: what it is guaranteed, may borrow and must lend. */
export interface PoolQuota {
  /** The pool (it must be one of the cohort's pools). */
  readonly pool: NodePool;
  /** Guaranteed quota (`nominalQuota`). The sum over all teams must fit the pool's capacity. */
  readonly nominal: ResourceAmounts;
  /**
   * How much more than `nominal` the team may borrow from idle quota of the cohort.
   * @default - no limit (borrow whatever is idle)
   */
  readonly borrowingLimit?: ResourceAmounts;
  /**
   * How much of `nominal` other teams may borrow while this team does not use it.
   * @default - all of it
   */
  readonly lendingLimit?: ResourceAmounts;
}

/** A `PoolQuota` checked and converted to wire units. */
export interface ResolvedPoolQuota {
  readonly pool: NodePool;
  readonly flavor: PoolResourceFlavor;
  readonly nominal: Amounts;
  readonly borrowingLimit?: Amounts;
  readonly lendingLimit?: Amounts;
}

/** Properties for `FairShareCohort`. */
export interface FairShareCohortProps {
  /**
   * Cohort name (`spec.cohortName` of every member ClusterQueue).
   * @default - the construct id
   */
  readonly name?: string;
  /** The pools the teams share: one ResourceFlavor is derived from each. */
  readonly pools: readonly NodePool[];
  /**
   * Book nominal quotas above what a pool holds at `maxSize` (deliberate overcommit: the teams
   * rarely use their quotas at once). Kueue then admits by quota, so admitted gangs can start
   * partially; synth warns for each such pool (rule `capacity-feasibility`), which
   * `Checks.suppress(cohort, 'capacity-feasibility', reason)` silences with a reason.
   * @default false - quotas above a pool are an error
   */
  readonly overcommit?: boolean;
}

/**
 * The teams that share a set of node pools and borrow each other's idle quota (a Kueue cohort).
 * It owns the ResourceFlavors (one per pool), the Kueue Topologies of their `topologyLevels`, the
 * ProvisioningRequest admission checks of GKE flex-start pools with queued provisioning (one per such
 * pool, made here once however many teams quota it), and the books: every member ClusterQueue reserves its
 * nominal quota here, and reserving more than a pool can hold (`NodePool.capacity()`) is an error,
 * because Kueue would happily admit workloads that can never be scheduled, unless the cohort opts
 * in with `overcommit` (then a synth warning).
 * @see https://kueue.sigs.k8s.io/docs/concepts/cohort/
 */
export class FairShareCohort extends Construct {
  public readonly name: string;
  public readonly pools: readonly NodePool[];
  private readonly flavors = new Map<string, PoolResourceFlavor>();
  private readonly members = new Map<string, string>();
  private readonly reserved = new Map<string, Amounts>();
  private readonly overcommit: boolean;
  /** The Kueue Topologies of the pools' `topologyLevels`, one per distinct list. */
  public readonly topologies: readonly KueueTopology[];
  /** The ProvisioningRequest admission checks of the queued-provisioning pools, in pool order. */
  public readonly provisioningChecks: readonly KueueProvisioningCheck[];

  constructor(scope: Construct, id: string, props: FairShareCohortProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    if (props.pools.length === 0) throw propError(this, 'pools', '[]', 'list at least one node pool');
    const flavorScope = new Construct(this, 'Flavors');
    for (const pool of props.pools) {
      const same = this.flavors.get(pool.name)?.pool;
      if (same) {
        throw propError(this, 'pools', `[${props.pools.join(', ')}]`, same === pool
          ? `pool '${pool.name}' appears twice; list each pool once`
          : `two different NodePool objects are named '${pool.name}' (${describePool(same)}; ${describePool(pool)}); a pool name is the node label, so give each pool its own name or pass the same object`);
      }
      this.flavors.set(pool.name, new PoolResourceFlavor(flavorScope, pool.name, { pool }));
      this.reserved.set(pool.name, ZERO);
    }
    this.pools = [...props.pools];
    this.overcommit = props.overcommit ?? false;
    this.topologies = this.makeTopologies(flavorScope);
    this.provisioningChecks = this.pools.filter(needsProvisioningRequest)
      .map((pool) => new KueueProvisioningCheck(flavorScope, `provisioning-${pool.name}`, { pool }));
  }

  /** The ProvisioningRequest admission check of `pool` (undefined when its nodes need none). */
  public provisioningCheckOf(pool: NodePool): KueueProvisioningCheck | undefined {
    return this.provisioningChecks.find((c) => c.pool === pool);
  }

  /**
   * One Kueue Topology per distinct `topologyLevels` list of the pools, beside their flavors (which
   * name it in `topologyName`); two different lists with one derived name are an error.
   */
  private makeTopologies(scope: Construct): KueueTopology[] {
    const byName = new Map<string, { levels: readonly string[]; pool: string }>();
    for (const pool of this.pools) {
      const levels = topologyLevelsOf(pool);
      if (!levels.length) continue;
      const name = topologyNameOf(levels);
      const seen = byName.get(name);
      if (seen && seen.levels.join(',') !== levels.join(',')) {
        throw propError(this, 'pools', pool.name, `its topologyLevels [${levels.join(', ')}] and those of pool '${seen.pool}' [${seen.levels.join(', ')}] both name Kueue Topology '${name}'; give both pools the same levels, or use label names that differ`);
      }
      if (!seen) byName.set(name, { levels, pool: pool.name });
    }
    return [...byName.entries()].map(([name, { levels }]) => new KueueTopology(scope, `topology-${name}`, { levels }));
  }

  /** The flavor of `pool`; throws naming `where` and `prop` when the pool is not in the cohort. */
  public flavorOf(pool: NodePool, where: Where, prop: string): PoolResourceFlavor {
    const flavor = this.flavors.get(pool.name);
    if (flavor && flavor.pool !== pool) {
      throw propError(where, prop, pool.name, `cohort '${this.name}' shares another NodePool object named '${pool.name}' (${describePool(flavor.pool)}; this one: ${describePool(pool)}); pass the cohort's pool object, or give the other pool its own name`);
    }
    if (!flavor) {
      throw propError(where, prop, pool.name, `pool '${pool.name}' is not shared by cohort '${this.name}'; use one of ${[...this.flavors.keys()].map((p) => `'${p}'`).join(', ')} or add it to the cohort's pools`);
    }
    return flavor;
  }

  /** Nominal quota reserved so far on `pool` by all members. */
  public reservedOn(pool: NodePool): Amounts {
    return this.reserved.get(pool.name) ?? ZERO;
  }

  /** Names of the member queues, in the order they joined. */
  public get memberNames(): string[] {
    return [...this.members.keys()];
  }

  /**
   * Checks a member's quotas and books its nominal quota. Throws when the name is taken, a pool
   * is unknown or listed twice, a limit is inconsistent, or the cohort's total exceeds a pool.
   */
  public reserve(where: Where, member: string, quotas: readonly PoolQuota[]): ResolvedPoolQuota[] {
    const other = this.members.get(member);
    if (other !== undefined) throw propError(where, 'name', member, `cohort '${this.name}' already has a member named '${member}' (${other}); team names must be unique`);
    if (quotas.length === 0) throw propError(where, 'quotas', '[]', 'give the team a quota on at least one pool');
    const seen = new Set<string>();
    const resolved = quotas.map((q, i) => {
      const prop = `quotas[${i}]`;
      const flavor = this.flavorOf(q.pool, where, `${prop}.pool`);
      if (seen.has(q.pool.name)) throw propError(where, `${prop}.pool`, q.pool.name, 'the pool appears twice; give one quota per pool');
      seen.add(q.pool.name);
      const nominal = toAmounts(where, `${prop}.nominal`, q.nominal);
      const lendingLimit = q.lendingLimit && toAmounts(where, `${prop}.lendingLimit`, q.lendingLimit);
      if (lendingLimit) {
        const over = excess(lendingLimit, nominal);
        if (over) throw propError(where, `${prop}.lendingLimit`, quantities(lendingLimit, true, gpuQuotaResource(q.pool)), `a team can lend at most its nominal quota (${over}); lower the lending limit`);
      }
      const borrowingLimit = q.borrowingLimit && toAmounts(where, `${prop}.borrowingLimit`, q.borrowingLimit);
      return { pool: q.pool, flavor, nominal, borrowingLimit, lendingLimit };
    });
    // Check every pool before booking anything, so a failed member leaves the books unchanged.
    for (const [i, q] of resolved.entries()) {
      if (!q.pool.isGpu && q.nominal.gpus) {
        throw propError(where, `quotas[${i}].nominal`, quantities(q.nominal, true, gpuQuotaResource(q.pool)), `pool '${q.pool.name}' is a CPU pool and has no GPUs; give GPU quota on a GPU pool of cohort '${this.name}' (${this.pools.filter((p) => p.isGpu).map((p) => `'${p.name}'`).join(', ') || 'none: add one to its pools'})`);
      }
      if (this.overcommit) continue;
      const total = addAmounts(this.reservedOn(q.pool), q.nominal);
      const over = excess(total, poolCapacity(q.pool));
      if (over) {
        throw propError(where, `quotas[${i}].nominal`, quantities(q.nominal, true, gpuQuotaResource(q.pool)), `with the quotas already in cohort '${this.name}' the total on pool '${q.pool.name}' exceeds its capacity at maxSize ${q.pool.maxSize} (${over}); lower the quota, give the pool more nodes (maxSize), or book above it deliberately with overcommit: true on the cohort (synth then warns, rule capacity-feasibility)`);
      }
    }
    for (const q of resolved) this.reserved.set(q.pool.name, addAmounts(this.reservedOn(q.pool), q.nominal));
    this.members.set(member, typeof where === 'string' ? where : 'node' in where ? where.node.path : where.path);
    return resolved;
  }
}

const PROP_CHECKS: PropChecks<FairShareCohortProps> = { name: optional('string'), pools: arrayOf(NODE_POOL), overcommit: optional('boolean') };

const describePool = (p: NodePool) => `${p.instanceType}, ${p.gpusPerNode ? `${p.gpusPerNode} x ${p.accelerator}` : 'no GPU'}, maxSize ${p.maxSize}`;
