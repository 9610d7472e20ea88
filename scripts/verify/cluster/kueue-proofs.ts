// What Kueue promised a workload, checked on what ran (issue 26), for every workload of dist and the
// proofs alike (observe.ts describeWorkload):
// - a pod set that requires a topology level (`kueue.x-k8s.io/podset-required-topology`, which Kueue
//   v0.19.2 TAS reads from the pod template) ran inside one domain of that level: all its placed pods
//   on nodes with one value of the level's label;
// - pods that claim DRA devices were counted by Kueue: their admitted Workload's resource usage names
//   a `resources.deviceClassMappings` resource (constructs/operations/kueue-gpu-resources.ts). Without
//   the mapping Kueue admits the claim with no device usage, and the quota never bounds GPUs.
// Pure (unit-tested by test/verify/cluster/kueue-proofs.test.ts).

import { DRA_QUOTA_PREFIX } from '../../../constructs/operations/kueue-gpu-resources';
import { KUEUE_REQUIRED_TOPOLOGY_ANNOTATION } from '../../../constructs/core/scheduling';
import type { KubeObject } from '../core/objects';

/** Prefix of every problem found here; the verdict fails a workload with one (workload-verdict.ts). */
export const KUEUE_PROMISE_PREFIX = 'kueue promise: ';

/** Why the placed pods that require a topology level are not inside one domain of it (empty when they are). */
export function topologyProblems(pods: readonly KubeObject[], nodesByName: ReadonlyMap<string, KubeObject>): string[] {
  const byLevel = new Map<string, Map<string, string[]>>();
  for (const p of pods) {
    const level: string | undefined = p.metadata?.annotations?.[KUEUE_REQUIRED_TOPOLOGY_ANNOTATION];
    if (!level || !p.spec?.nodeName) continue;
    const domain = nodesByName.get(p.spec.nodeName)?.metadata?.labels?.[level] ?? `(node ${p.spec.nodeName} has no label ${level})`;
    const domains = byLevel.get(level) ?? new Map<string, string[]>();
    domains.set(domain, [...(domains.get(domain) ?? []), p.metadata.name]);
    byLevel.set(level, domains);
  }
  return [...byLevel].filter(([, domains]) => domains.size > 1).map(([level, domains]) => `${KUEUE_PROMISE_PREFIX}TAS: the pods required one ${level} domain but ran in ${domains.size}: ${[...domains].map(([d, names]) => `${d} (${names.join(', ')})`).join('; ')}`);
}

/** Why pods claiming DRA devices were not counted by Kueue (empty when they were, or nothing was admitted yet). */
export function draAccountingProblems(pods: readonly KubeObject[], kueueWorkloads: readonly KubeObject[]): string[] {
  if (!pods.some((p) => (p.spec?.resourceClaims ?? []).length > 0)) return [];
  const admitted = kueueWorkloads.filter((w) => w.status?.admission);
  const counted = admitted.some((w) => (w.status.admission.podSetAssignments ?? []).some((a: KubeObject) => Object.keys(a.resourceUsage ?? {}).some((r) => r.startsWith(`${DRA_QUOTA_PREFIX}/`))));
  return admitted.length && !counted
    ? [`${KUEUE_PROMISE_PREFIX}DRA: its pods claim DRA devices, but admitted Workload ${admitted.map((w) => w.metadata.name).join(', ')} counts no ${DRA_QUOTA_PREFIX}/ resource (resource usage: ${admitted.flatMap((w) => (w.status.admission.podSetAssignments ?? []).flatMap((a: KubeObject) => Object.keys(a.resourceUsage ?? {}))).join(', ') || 'none'}): Kueue's deviceClassMappings did not apply, so the quota does not bound these GPUs`]
    : [];
}

/**
 * What the checks above were seen holding on one workload, for the log (empty when they had nothing
 * to check or found a problem): the DRA resources Kueue counted, the one domain its pods ran in.
 */
export function keptPromises(pods: readonly KubeObject[], kueueWorkloads: readonly KubeObject[], nodesByName: ReadonlyMap<string, KubeObject>): string[] {
  const kept: string[] = [];
  const usage = kueueWorkloads.flatMap((w) => (w.status?.admission?.podSetAssignments ?? []).flatMap((a: KubeObject) => Object.entries(a.resourceUsage ?? {})));
  const counted = usage.filter(([r]) => r.startsWith(`${DRA_QUOTA_PREFIX}/`));
  if (pods.some((p) => (p.spec?.resourceClaims ?? []).length > 0) && counted.length) kept.push(`DRA devices counted (${counted.map(([r, q]) => `${r}: ${q}`).join(', ')})`);
  const placed = pods.filter((p) => p.spec?.nodeName && p.metadata?.annotations?.[KUEUE_REQUIRED_TOPOLOGY_ANNOTATION]);
  if (placed.length > 1 && !topologyProblems(pods, nodesByName).length) {
    const level = placed[0].metadata.annotations[KUEUE_REQUIRED_TOPOLOGY_ANNOTATION];
    kept.push(`${placed.length} pods inside one ${level} domain (${nodesByName.get(placed[0].spec.nodeName)?.metadata?.labels?.[level]})`);
  }
  return kept;
}
