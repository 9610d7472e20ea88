/**
 * What verify-pulumi needs to know of a stack config before the engine runs it, computed by the
 * stacks' own pure plan step (`parseStackConfig` + `planPlatform`, the ones `pulumi up` runs):
 * the operators it checks against, the charts' objects and the node patches it will deploy
 * (claims to back with volumes, CRDs it needs, objects a config change touches). Bundled by
 * verify-pulumi with esbuild.
 */
import { buildPlatform, examplePools, localExamplePools, stackDefaultPools } from '../../../charts';
import { nodePatchSpec } from '../../../stacks/cluster/local';
import { parseStackConfig, PoolConfig, poolsConfigOf } from '../../../stacks/config';
import { planPlatform } from '../../../stacks/program';

export interface PlannedStack {
  readonly operatorInstall: string;
  /** Releases in install order (name, version and, when the version table has them, CRD groups). */
  readonly releases: { name: string; version: string; crdGroups?: readonly string[] }[];
  readonly manifests: { name: string; objects: Record<string, any>[] }[];
  /** What the local cluster's NodePatches write, as Node objects (name, labels, taints). */
  readonly nodePatches: Record<string, any>[];
}

/** `raw`: the project's config keys as `loadStackConfig` hands them to `parseStackConfig`. */
export function planStack(raw: Record<string, unknown>): PlannedStack {
  const config = parseStackConfig(raw, stackDefaultPools);
  const plan = planPlatform(config, buildPlatform({ pools: config.pools }));
  return {
    operatorInstall: config.operatorInstall,
    releases: plan.releases.map((r) => ({ name: r.name, version: r.source.version, ...(r.crdGroups ? { crdGroups: r.crdGroups } : {}) })),
    manifests: plan.manifests.map((m) => ({ name: m.name, objects: m.objects })),
    nodePatches: config.pools.flatMap((pool) => (config.poolNodes[pool.name] ?? []).map((node) => ({ apiVersion: 'v1', kind: 'Node', ...nodePatchSpec(pool, node) }))),
  };
}

/** The example charts' pools (the local stack's default) as `pools` config listing `nodes[pool]`. */
export function examplePoolsConfig(nodes: Record<string, readonly string[]>): PoolConfig[] {
  return poolsConfigOf(localExamplePools(), nodes);
}

/**
 * The config change verify-pulumi applies: the example charts' GPU pools (`examplePools`: gpu-l4,
 * train-l4) get another accelerator (labels of their NodePatches), on a type of the same size as
 * their g6.2xlarge (8 vCPU, 32 GiB, 1 GPU; the config rejects an L4 type with an A10G), so the
 * queues' quotas on them still fit. The GPU examples' pools keep theirs (an A10G has no MIG).
 */
export const UPDATED_ACCELERATOR = 'nvidia-a10g';
const UPDATED_INSTANCE_TYPE = 'g5.2xlarge';

export function updatedPoolsConfig(pools: readonly PoolConfig[]): PoolConfig[] {
  const updated = new Set(Object.values(examplePools).filter((p) => p.isGpu).map((p) => p.name));
  return pools.map((p) => (updated.has(p.name) ? { ...p, accelerator: UPDATED_ACCELERATOR, instanceType: UPDATED_INSTANCE_TYPE } : p));
}
