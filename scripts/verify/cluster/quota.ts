// The over-quota scenario of verify-cluster: how much a ClusterQueue can admit in one flavor
// (its nominal quota plus what it may borrow from its cohort), and the two probe Jobs sized to
// exactly that. Pure (unit-tested by test/verify/cluster/).

import type { KubeObject } from '../core/objects';

const UNITS: Record<string, number> = { '': 1, m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, Ki: 1024, Mi: 1024 ** 2, Gi: 1024 ** 3, Ti: 1024 ** 4, Pi: 1024 ** 5 };

/** A Kubernetes quantity ("500m", "32Gi", "8") as a number of base units. */
export function parseQuantity(q: unknown): number {
  const m = /^([0-9.]+)([a-zA-Z]*)$/.exec(String(q).trim());
  if (!m || !(m[2] in UNITS)) throw new Error(`not a quantity: ${q}`);
  return Number(m[1]) * UNITS[m[2]];
}

function flavorResource(cq: KubeObject, flavor: string, resource: string): KubeObject | undefined {
  for (const g of cq.spec?.resourceGroups || []) {
    for (const f of g.flavors || []) {
      if (f.name !== flavor) continue;
      const r = (f.resources || []).find((x: { name: string }) => x.name === resource);
      if (r) return r;
    }
  }
  return undefined;
}

/**
 * What ClusterQueue `name` can admit of `resource` in `flavor`, as Kueue computes it for a flat
 * cohort (kueue v0.19 docs, concepts/cluster_queue "Borrowing limit" and "Lending limit"): its own
 * nominal quota, plus from the other queues of its cohort what they lend (lendingLimit, else their
 * whole nominal quota), capped by its borrowingLimit. Returns a number of base units.
 */
export function admissibleCapacity(clusterQueues: readonly KubeObject[], name: string, flavor: string, resource: string): number {
  const cq = clusterQueues.find((c) => c.metadata.name === name);
  if (!cq) throw new Error(`ClusterQueue ${name} not found`);
  const own = flavorResource(cq, flavor, resource);
  if (!own) return 0;
  const nominal = parseQuantity(own.nominalQuota ?? 0);
  const cohort = cq.spec.cohortName ?? cq.spec.cohort;
  if (!cohort) return nominal;
  let lendable = 0;
  for (const other of clusterQueues) {
    if (other === cq || (other.spec.cohortName ?? other.spec.cohort) !== cohort) continue;
    const r = flavorResource(other, flavor, resource);
    if (!r) continue;
    lendable += parseQuantity(r.lendingLimit ?? r.nominalQuota ?? 0);
  }
  const borrow = own.borrowingLimit === undefined ? lendable : Math.min(lendable, parseQuantity(own.borrowingLimit));
  return nominal + borrow;
}

/** The ResourceFlavor whose nodeLabels select `pool` (label `poolLabel`). */
export function flavorForPool(flavors: readonly KubeObject[], poolLabel: string, pool: string): string | undefined {
  return flavors.find((f) => f.spec?.nodeLabels?.[poolLabel] === pool)?.metadata.name;
}

/**
 * Pods of `perPod` requests that fill the queue's admissible capacity: the largest N such that N
 * pods fit every resource. Returns { pods, limitedBy, capacity } or throws when not even one fits.
 */
export function podsToFill(clusterQueues: readonly KubeObject[], name: string, flavor: string, perPod: Record<string, string>) {
  let best: { pods: number; limitedBy: string } | undefined;
  const capacity: Record<string, number> = {};
  for (const [resource, q] of Object.entries(perPod)) {
    capacity[resource] = admissibleCapacity(clusterQueues, name, flavor, resource);
    const n = Math.floor(capacity[resource] / parseQuantity(q) + 1e-9);
    if (!best || n < best.pods) best = { pods: n, limitedBy: resource };
  }
  if (!best || best.pods < 1) throw new Error(`ClusterQueue ${name} admits no pod of ${JSON.stringify(perPod)} in flavor ${flavor} (capacity ${JSON.stringify(capacity)})`);
  return { ...best, capacity };
}

/** Kueue delays completion of the probe pods: kwok's pod-complete stage reads this annotation. */
export const HOLD_ANNOTATION = 'pod-complete.stage.kwok.x-k8s.io/delay';

/**
 * A probe Job from the TS entry, sized to `pods` pods and kept running (the hold annotation on its
 * pod template), so it holds its quota until deleted.
 */
export function sizeProbeJob(job: KubeObject, pods: number): KubeObject {
  const copy = JSON.parse(JSON.stringify(job));
  copy.spec.parallelism = pods;
  copy.spec.completions = pods;
  const meta = copy.spec.template.metadata || {};
  copy.spec.template.metadata = { ...meta, annotations: { ...(meta.annotations || {}), [HOLD_ANNOTATION]: '1h' } };
  return copy;
}
