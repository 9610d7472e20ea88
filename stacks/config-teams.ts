/**
 * The `teams` key: tenants of the platform, parsed into operations `Team` inputs whose pools are
 * the stack's own `NodePool` objects, then checked by building them once (off the deployed app),
 * so FairShareCohort and Team errors (quota above a pool's capacity, lending above nominal,
 * weight out of range) surface as config errors naming the key, before any resource exists.
 */
import { App, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { NodePool } from '../constructs/cluster/node-pool';
import { PropError } from '../constructs/core/errors';
import { ResourceAmounts } from '../constructs/operations/resource-amounts';
import { PoolQuota } from '../constructs/operations/fair-share-cohort';
import { dnsLabel, int, obj, onlyFields, StackConfigError, str } from './config-values';
import { PlatformTeams, PlatformTeamSpec, TEAMS_CHART } from './platform/teams';

/** Amounts as written in config: cores, GiB (or a quantity string), GPUs. */
export interface AmountsConfig {
  /** Cores (`12`, `0.5`) or a CPU quantity (`'500m'`). */
  readonly cpu: number | string;
  /** GiB (`48`) or a binary quantity (`'512Mi'`, `'48Gi'`, `'1Ti'`). */
  readonly memory: number | string;
  /** @default 0 */
  readonly gpus?: number;
}

/** A team's quota on one pool (`teams[i].quotas[j]`): the nominal amounts plus limits. */
export interface QuotaConfig extends AmountsConfig {
  /** Name of a pool of the `pools` key. */
  readonly pool: string;
  /** @default - borrow whatever the cohort has idle */
  readonly borrowingLimit?: AmountsConfig;
  /** @default - lend all of the nominal quota */
  readonly lendingLimit?: AmountsConfig;
}

/** A tenant team as written in config (`teams` key). */
export interface TeamConfig {
  /** Team name: its namespace and ClusterQueue (DNS label). */
  readonly name: string;
  /** Identity-provider group bound to `edit` in the team's namespace. Required: no default. */
  readonly group: string;
  /** Kueue fair-sharing weight, 0–1000. @default 1 */
  readonly fairSharingWeight?: number;
  /** One quota per pool the team uses (at least one). */
  readonly quotas: readonly QuotaConfig[];
}

const TEAM_FIELDS = ['name', 'group', 'fairSharingWeight', 'quotas'] as const;
const QUOTA_FIELDS = ['pool', 'cpu', 'memory', 'gpus', 'borrowingLimit', 'lendingLimit'] as const;
const AMOUNT_FIELDS = ['cpu', 'memory', 'gpus'] as const;
const RETIRED = { gpuQuota: "gpuQuota was replaced by quotas: [{pool, cpu, memory, gpus}] (one per pool, checked against the pool's capacity)" };
const SHAPE = '[{name, group, fairSharingWeight?, quotas: [{pool, cpu, memory, gpus?, borrowingLimit?, lendingLimit?}]}]';

/** Parses and checks `teams` against `pools` (the stack's pool objects); [] when unset. */
export function parseTeams(raw: unknown, pools: readonly NodePool[]): PlatformTeamSpec[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw new StackConfigError('teams', raw, `use a list of ${SHAPE}`);
  const teams: PlatformTeamSpec[] = [];
  raw.forEach((entry, i) => {
    const key = `teams[${i}]`;
    const t = obj(key, entry);
    onlyFields(key, t, TEAM_FIELDS, 'team', RETIRED);
    const name = dnsLabel(`${key}.name`, t.name);
    if (teams.some((x) => x.name === name)) throw new StackConfigError(`${key}.name`, name, 'another team has this name; team names (namespaces, ClusterQueues) must be unique');
    if (t.group === undefined) {
      throw new StackConfigError(`${key}.group`, undefined, `name the identity-provider group whose members get 'edit' in namespace '${name}' (e.g. 'ml-${name}'); there is no default`);
    }
    const group = str(`${key}.group`, t.group);
    const fairSharingWeight = t.fairSharingWeight === undefined ? undefined : num(`${key}.fairSharingWeight`, t.fairSharingWeight);
    if (!Array.isArray(t.quotas) || t.quotas.length === 0) {
      throw new StackConfigError(`${key}.quotas`, t.quotas, `give the team a list of quotas, at least one: [{pool, cpu, memory, gpus?}]; pools: ${poolNames(pools)}`);
    }
    const quotas = t.quotas.map((q, j) => parseQuota(`${key}.quotas[${j}]`, q, pools));
    teams.push({ name, group, fairSharingWeight, quotas });
  });
  checkTeams(pools, teams);
  return teams;
}

function parseQuota(key: string, raw: unknown, pools: readonly NodePool[]): PoolQuota {
  const q = obj(key, raw);
  onlyFields(key, q, QUOTA_FIELDS, 'quota');
  const poolName = str(`${key}.pool`, q.pool);
  const pool = pools.find((p) => p.name === poolName);
  if (!pool) throw new StackConfigError(`${key}.pool`, poolName, `no such pool; use one of ${poolNames(pools)} (the 'pools' key)`);
  return {
    pool,
    nominal: amounts(key, q),
    borrowingLimit: q.borrowingLimit === undefined ? undefined : limit(`${key}.borrowingLimit`, q.borrowingLimit),
    lendingLimit: q.lendingLimit === undefined ? undefined : limit(`${key}.lendingLimit`, q.lendingLimit),
  };
}

function limit(key: string, raw: unknown): ResourceAmounts {
  const o = obj(key, raw);
  onlyFields(key, o, AMOUNT_FIELDS, 'limit');
  return amounts(key, o);
}

function amounts(key: string, o: Record<string, unknown>): ResourceAmounts {
  return { cpu: parseCpu(`${key}.cpu`, o.cpu), memory: parseMemory(`${key}.memory`, o.memory), gpus: o.gpus === undefined ? 0 : int(`${key}.gpus`, o.gpus, 0) };
}

/** Cores as a number (whole millicores) or a quantity: `'500m'`, `'2'`, `'2.5'`. */
export function parseCpu(key: string, v: unknown): Cpu {
  const bad = () => new StackConfigError(key, v, "use cores as a number (12, 0.5) or a CPU quantity ('500m'), in whole millicores >= 0");
  let millis: number;
  if (typeof v === 'number') millis = v * 1000;
  else if (typeof v === 'string' && /^\d+m$/.test(v)) millis = Number(v.slice(0, -1));
  else if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) millis = Number(v) * 1000;
  else throw bad();
  const whole = Math.round(millis);
  if (!Number.isFinite(millis) || millis < 0 || Math.abs(millis - whole) > 1e-6) throw bad();
  return Cpu.millis(whole);
}

const MEBIBYTES: Readonly<Record<string, number>> = { Mi: 1, Gi: 1024, Ti: 1024 * 1024 };

/** GiB as a number, or a binary quantity (`'512Mi'`, `'48Gi'`, `'1Ti'`), in whole mebibytes. */
export function parseMemory(key: string, v: unknown): Size {
  const bad = () => new StackConfigError(key, v, "use GiB as a number (48) or a quantity in Mi, Gi or Ti ('48Gi', '512Mi'), in whole mebibytes >= 0");
  let mebibytes: number;
  const m = typeof v === 'string' ? /^(\d+(?:\.\d+)?)(Mi|Gi|Ti)$/.exec(v) : null;
  if (typeof v === 'number') mebibytes = v * 1024;
  else if (m) mebibytes = Number(m[1]) * MEBIBYTES[m[2]];
  else throw bad();
  const whole = Math.round(mebibytes);
  if (!Number.isFinite(mebibytes) || mebibytes < 0 || Math.abs(mebibytes - whole) > 1e-6) throw bad();
  return Size.mebibytes(whole);
}

function num(key: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new StackConfigError(key, v, 'use a number from 0 to 1000');
  return v;
}

function poolNames(pools: readonly NodePool[]): string {
  return pools.length ? pools.map((p) => `'${p.name}'`).join(', ') : "none (the 'pools' key lists no pool)";
}

/**
 * Builds the teams chart once in a scratch app: the FairShareCohort books every nominal quota
 * against `NodePool.capacity()` and the Team constructs check their own props. A `PropError`
 * becomes a `StackConfigError` naming the team's key (`teams[1].quotas[0]` for its nominal
 * amounts, `teams[1].quotas[0].lendingLimit`, `teams[1].fairSharingWeight`).
 */
export function checkTeams(pools: readonly NodePool[], teams: readonly PlatformTeamSpec[]): void {
  if (teams.length === 0) return;
  try {
    new PlatformTeams(new App(), TEAMS_CHART, { pools, teams });
  } catch (e) {
    if (!(e instanceof PropError)) throw e;
    const [, teamId] = e.path.split('/');
    const i = teams.findIndex((t) => t.name === teamId);
    if (i < 0) throw new StackConfigError('pools', pools.map((p) => p.name), e.message);
    const prop = e.prop.replace(/^(quotas\[\d+\])\.nominal/, '$1');
    throw new StackConfigError(`teams[${i}].${prop}`, e.value, e.message);
  }
}
