import { Labels } from '../../core/labels';
import {
  HOSTNAME_TOPOLOGY_LEVEL, KUEUE_PREFERRED_TOPOLOGY_ANNOTATION, KUEUE_QUEUE_LABEL, KUEUE_REQUIRED_TOPOLOGY_ANNOTATION,
} from '../../core/scheduling';
import type { ManifestEntry } from '../manifest-entry';
import { nameOf } from '../manifest-entry';
import type { ObjectIndex } from '../object-index';
import type { PodTemplate } from '../pod-templates';
import { Demand, excess, podDemand, times } from '../quantities';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Kueue Topology Aware Scheduling requests of gangs: the pod-template annotations
 * `kueue.x-k8s.io/podset-required-topology` / `podset-preferred-topology` (kueue v0.19.2
 * apis/kueue/v1beta2/topology_types.go), which Kueue reads per pod set — each replica spec, each
 * replicated job of a TrainJob's runtime (pkg/controller/jobframework/tas.go
 * NewPodSetTopologyRequest) — and places each pod set in one domain of the level. Judged only
 * where the outcome is certain:
 * - a pod set requiring `kubernetes.io/hostname` (one node) whose pods together need more than
 *   one node of their pool has (the target's `nodePools`): no domain ever fits it, and a required
 *   request does not fall back (pkg/cache/scheduler/tas_flavor_snapshot.go
 *   findLevelWithFitDomains: "topology ... allows to fit only N out of M pod(s)"), so Kueue
 *   never admits the job. An error.
 * - the pool's ResourceFlavors (among the manifests) name no Topology, or their Topology (among
 *   the manifests) lacks the level: "Flavor ... does not support TopologyAwareScheduling" /
 *   "does not contain the requested level" (pkg/scheduler/flavorassigner/tas_flavorassigner.go
 *   checkPodSetAndFlavorMatchForTAS), never admitted. An error.
 * - the annotation on an object without a Kueue queue label: Kueue never manages it, so nothing
 *   keeps the pods together. A warning (it only does nothing).
 * Not judged, because the project cannot know: how many nodes a domain of a wider level (rack,
 * block) holds — the cloud's, not declared; at most the pool's maxNodes, which capacity-feasibility
 * checks for the whole gang — so a required wider level is never reported; preferred requests
 * (Kueue goes up a level, then spreads); GPUs claimed through DRA (only `nvidia.com/gpu`, CPU
 * and memory are compared); a single pod larger than a node (capacity-feasibility's).
 */
export const topologyDomains: SemanticRule = {
  id: 'topology-domains',
  summary: "a gang's pod set requiring a topology level fits one domain of it (one node for kubernetes.io/hostname) and its pool's flavor has that level",
  check(ctx: CheckContext): void {
    for (const t of ctx.index.podTemplates()) {
      const required = t.annotations?.[KUEUE_REQUIRED_TOPOLOGY_ANNOTATION];
      const preferred = t.annotations?.[KUEUE_PREFERRED_TOPOLOGY_ANNOTATION];
      const key = required !== undefined ? KUEUE_REQUIRED_TOPOLOGY_ANNOTATION : preferred !== undefined ? KUEUE_PREFERRED_TOPOLOGY_ANNOTATION : undefined;
      if (!key) continue;
      const level = (required ?? preferred)!;
      const field = `${t.field.replace(/\.spec$/, '')}.metadata.annotations['${key}']`;
      if (!t.entry.object.metadata?.labels?.[KUEUE_QUEUE_LABEL]) {
        ctx.report({ entry: t.entry, field, value: level, severity: 'warning', message: `${t.role}: the ${t.entry.object.kind} has no '${KUEUE_QUEUE_LABEL}' label, so Kueue never manages it and nothing reads this topology request (the pods are placed one by one); queue it (GangScheduling.kueue({ queue, topology })) or drop the annotation` });
        continue;
      }
      const pool: string | undefined = t.spec.nodeSelector?.[Labels.NODE_POOL];
      if (!pool) continue;
      checkFlavorLevel(ctx, t, field, pool, level);
      if (required !== undefined && level === HOSTNAME_TOPOLOGY_LEVEL) checkOneNode(ctx, t, field, pool, level);
    }
  },
};

/** The pool's flavors among the manifests must name a Topology that has the level. */
function checkFlavorLevel(ctx: CheckContext, t: PodTemplate, field: string, pool: string, level: string): void {
  const flavors = flavorsOf(ctx.index, pool);
  if (!flavors.length) return; // flavors made elsewhere: nothing certain
  const named = flavors.filter((f) => f.object.spec?.topologyName);
  if (!named.length) {
    ctx.report({ entry: t.entry, field, value: level, message: `${t.role}: the ResourceFlavor(s) of pool '${pool}' (${flavors.map((f) => nameOf(f.object)).join(', ')}) name no Kueue Topology, so Kueue never admits a pod set asking for a level ("Flavor ... does not support TopologyAwareScheduling"); give the pool topologyLevels or drop the topology request` });
    return;
  }
  const topologies = named.map((f) => ctx.index.find('kueue.x-k8s.io/Topology', undefined, f.object.spec.topologyName));
  if (topologies.some((tp) => !tp)) return; // a Topology made elsewhere may have the level
  const levels = (tp: ManifestEntry) => (tp.object.spec?.levels ?? []).map((l: Record<string, string>) => l.nodeLabel);
  if (topologies.every((tp) => !levels(tp!).includes(level))) {
    const have = topologies.map((tp) => `'${nameOf(tp!.object)}' [${levels(tp!).join(', ')}]`).join(', ');
    ctx.report({ entry: t.entry, field, value: level, message: `${t.role}: pool '${pool}' has Kueue Topology ${have}, without this level, so Kueue never admits the job ("Flavor ... does not contain the requested level"); ask for one of those levels` });
  }
}

/** Required one node: the pod set's pods together fit one node of the pool. */
function checkOneNode(ctx: CheckContext, t: PodTemplate, field: string, pool: string, level: string): void {
  const shape = ctx.target?.nodePools?.get(pool);
  if (!shape || !Number.isFinite(t.maxPods) || t.maxPods < 2) return;
  const pod = podDemand(t.spec);
  if (excess(pod, shape).length) return; // one pod alone is too big: capacity-feasibility says so
  const all = times(pod, t.maxPods);
  const over = excess(all, shape);
  if (!over.length) return;
  const fit = Math.min(...([['cpuMillis', pod.cpuMillis], ['memoryMebibytes', pod.memoryMebibytes], ['gpus', pod.gpus]] as [keyof Demand, number][])
    .filter(([, n]) => n > 0).map(([k, n]) => Math.floor(shape[k] / n)));
  ctx.report({
    entry: t.entry, field, value: level,
    message: `${t.role}: its ${t.maxPods} pods must all run on one node (${level}), but together they need more than a node of pool '${pool}' has (${over.join(', ')}; one node fits ${fit}), so Kueue never admits the job (a required level does not fall back: "allows to fit only ${fit} out of ${t.maxPods} pod(s)"); ask for a wider level of the pool's topology, make it preferred, or use fewer, bigger pods`,
  });
}

/** ResourceFlavors among the manifests that select the pool. */
function flavorsOf(index: ObjectIndex, pool: string): readonly ManifestEntry[] {
  return index.ofKind('kueue.x-k8s.io/ResourceFlavor').filter((f) => f.object.spec?.nodeLabels?.[Labels.NODE_POOL] === pool);
}
