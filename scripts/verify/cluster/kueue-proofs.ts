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

/** Per topology level some placed pod requires: its domains (the node's label value) with the pods in each. */
function domainsByLevel(pods: readonly KubeObject[], nodesByName: ReadonlyMap<string, KubeObject>): Map<string, Map<string, string[]>> {
  const byLevel = new Map<string, Map<string, string[]>>();
  for (const p of pods) {
    const level: string | undefined = p.metadata?.annotations?.[KUEUE_REQUIRED_TOPOLOGY_ANNOTATION];
    if (!level || !p.spec?.nodeName) continue;
    const domain = nodesByName.get(p.spec.nodeName)?.metadata?.labels?.[level] ?? `(node ${p.spec.nodeName} has no label ${level})`;
    const domains = byLevel.get(level) ?? new Map<string, string[]>();
    domains.set(domain, [...(domains.get(domain) ?? []), p.metadata.name]);
    byLevel.set(level, domains);
  }
  return byLevel;
}

/** The admitted Workloads and every [resource, quantity] their pod sets were counted under. */
function admittedUsage(kueueWorkloads: readonly KubeObject[]): { admitted: KubeObject[]; usage: [string, string][] } {
  const admitted = kueueWorkloads.filter((w) => w.status?.admission);
  const usage = admitted.flatMap((w) => (w.status.admission.podSetAssignments ?? []).flatMap((a: KubeObject) => Object.entries(a.resourceUsage ?? {}) as [string, string][]));
  return { admitted, usage };
}

const claimsDevices = (pods: readonly KubeObject[]) => pods.some((p) => (p.spec?.resourceClaims ?? []).length > 0);
const isDraResource = ([resource]: [string, string]) => resource.startsWith(`${DRA_QUOTA_PREFIX}/`);

/** Why the placed pods that require a topology level are not inside one domain of it (empty when they are). */
export function topologyProblems(pods: readonly KubeObject[], nodesByName: ReadonlyMap<string, KubeObject>): string[] {
  return [...domainsByLevel(pods, nodesByName)].filter(([, domains]) => domains.size > 1).map(([level, domains]) => `${KUEUE_PROMISE_PREFIX}TAS: the pods required one ${level} domain but ran in ${domains.size}: ${[...domains].map(([d, names]) => `${d} (${names.join(', ')})`).join('; ')}`);
}

/** Why pods claiming DRA devices were not counted by Kueue (empty when they were, or nothing was admitted yet). */
export function draAccountingProblems(pods: readonly KubeObject[], kueueWorkloads: readonly KubeObject[]): string[] {
  if (!claimsDevices(pods)) return [];
  const { admitted, usage } = admittedUsage(kueueWorkloads);
  return admitted.length && !usage.some(isDraResource)
    ? [`${KUEUE_PROMISE_PREFIX}DRA: its pods claim DRA devices, but admitted Workload ${admitted.map((w) => w.metadata.name).join(', ')} counts no ${DRA_QUOTA_PREFIX}/ resource (resource usage: ${usage.map(([r]) => r).join(', ') || 'none'}): Kueue's deviceClassMappings did not apply, so the quota does not bound these GPUs`]
    : [];
}

/**
 * What the checks above were seen holding on one workload, for the log (empty when they had nothing
 * to check or found a problem): the DRA resources Kueue counted, the one domain its pods ran in.
 */
export function keptPromises(pods: readonly KubeObject[], kueueWorkloads: readonly KubeObject[], nodesByName: ReadonlyMap<string, KubeObject>): string[] {
  const counted = admittedUsage(kueueWorkloads).usage.filter(isDraResource);
  const kept = claimsDevices(pods) && counted.length ? [`DRA devices counted (${counted.map(([r, q]) => `${r}: ${q}`).join(', ')})`] : [];
  for (const [level, domains] of domainsByLevel(pods, nodesByName)) {
    const [[domain, names]] = [...domains];
    if (domains.size === 1 && names.length > 1) kept.push(`${names.length} pods inside one ${level} domain (${domain})`);
  }
  return kept;
}
