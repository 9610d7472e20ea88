// Placement of verify-cluster asserted against intent (issue 21): where a workload's pods may run
// and how many GPUs each may request comes from the construct that built it (construct-intent.ts,
// through cluster-inputs.ts), not from the pod's own nodeSelector, which kube-scheduler enforces.
// Two invariants hold for every pod: one requesting `nvidia.com/gpu` runs on a node of a GPU pool,
// one requesting none runs on a GPU node only where its construct put a GPU-less pod on that pool.
// Pure (unit-tested by test/verify/cluster/).

import type { KubeObject } from '../core/objects';

export const GPU_RESOURCE = 'nvidia.com/gpu';

/** One pod template as its construct rendered it: the pool it was given and the GPUs it asked for. */
export interface PodIntent {
  readonly pool: string;
  readonly gpus: number;
}

/** What cluster-inputs.ts prints per workload object (dist or canary). */
export interface WorkloadIntent {
  readonly group: string;
  readonly kind: string;
  readonly namespace?: string;
  readonly name: string;
  /** Path of the construct that rendered the pod templates. */
  readonly construct: string;
  /** Path of the ApiObject itself (its `mlpatterns.dev/construct-path`): finds the objects workflow steps create. */
  readonly path?: string;
  /** Every pod template the construct rendered (one per role), deduplicated. */
  readonly pods: readonly PodIntent[];
}

/** Key that matches a workload object to its intent. */
export function intentKey(o: { group: string; kind: string; namespace?: string; name?: string }): string {
  return `${o.group}/${o.kind}|${o.namespace ?? ''}/${o.name ?? ''}`;
}

/** Intent by intentKey. */
export function intentIndex(intents: readonly WorkloadIntent[]): Map<string, WorkloadIntent> {
  return new Map(intents.map((i) => [intentKey(i), i]));
}

/** GPUs a pod requests (limits count: for extended resources requests default to limits). */
export function podGpus(pod: KubeObject): number {
  let total = 0;
  for (const c of pod.spec?.containers || []) {
    const r = c.resources || {};
    total += Number(r.requests?.[GPU_RESOURCE] ?? r.limits?.[GPU_RESOURCE] ?? 0);
  }
  return total;
}

/** A node offers GPUs (its pool is a GPU pool). */
export function isGpuNode(node: KubeObject): boolean {
  return Number(node.status?.allocatable?.[GPU_RESOURCE] ?? 0) > 0;
}

/** Prefix of every placement reason; main.ts fails a workload with one. */
export const PLACEMENT_PREFIX = 'placement: ';

const describeIntent = (i: WorkloadIntent) => i.pods.map((p) => `${p.pool} with ${p.gpus} GPU(s)`).join(', ');

/**
 * Where the pods ran (`pools`) and every pod that is off its intent (`wrong`, each starting with
 * PLACEMENT_PREFIX). `gpuNodeByIntent`: pods without GPU requests on GPU nodes that their
 * construct put there (reported, not failed).
 */
export function placement(pods: readonly KubeObject[], nodesByName: ReadonlyMap<string, KubeObject>, poolLabel: string, intent?: WorkloadIntent): { pools: string[]; wrong: string[]; gpuNodeByIntent: string[] } {
  const pools = new Set<string>();
  const wrong: string[] = [];
  const gpuNodeByIntent: string[] = [];
  for (const p of pods) {
    const node = p.spec?.nodeName && nodesByName.get(p.spec.nodeName);
    if (!node) continue;
    const pool: string = node.metadata.labels?.[poolLabel] || '?';
    pools.add(pool);
    const gpus = podGpus(p);
    const where = `pod ${p.metadata.name} on node ${node.metadata.name} of pool ${pool}`;
    const construct = intent ? `its construct ${intent.construct} rendered ${describeIntent(intent)}` : 'no construct intent known for it';
    if (gpus > 0 && !isGpuNode(node)) {
      wrong.push(`${PLACEMENT_PREFIX}${where} requests ${gpus} ${GPU_RESOURCE}, but the node has none`);
      continue;
    }
    if (intent && !intent.pods.some((i) => i.pool === pool)) {
      wrong.push(`${PLACEMENT_PREFIX}${where}, but ${construct}`);
      continue;
    }
    if (intent && !intent.pods.some((i) => i.pool === pool && i.gpus === gpus)) {
      const asked = gpus === 0 && isGpuNode(node) ? `requests no ${GPU_RESOURCE} but runs on a GPU node` : `requests ${gpus} ${GPU_RESOURCE}`;
      wrong.push(`${PLACEMENT_PREFIX}${where} ${asked}, but ${construct}`);
      continue;
    }
    if (gpus === 0 && isGpuNode(node)) {
      if (intent) gpuNodeByIntent.push(`${where} (no GPU request; ${construct})`);
      else wrong.push(`${PLACEMENT_PREFIX}${where} requests no ${GPU_RESOURCE} but runs on a GPU node, and ${construct}`);
    }
  }
  return { pools: [...pools].sort(), wrong, gpuNodeByIntent };
}
