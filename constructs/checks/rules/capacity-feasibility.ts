import { Labels } from '../../core/labels';
import { KUEUE_QUEUE_LABEL } from '../../core/scheduling';
import type { ObjectIndex } from '../object-index';
import type { ManifestEntry } from '../manifest-entry';
import { nameOf } from '../manifest-entry';
import { concurrentTotal, stepOf, WorkflowOrder } from '../concurrency';
import type { PodTemplate } from '../pod-templates';
import { add, containerDemands, cpuMillisOf, Demand, excess, memoryMebibytesOf, NO_DEMAND, podDemand, times } from '../quantities';
import { SERVING_KINDS } from '../kinds';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Requests that can never be met are caught at synth, each error naming both sides:
 * - a pod (or a ResourceFlavor) selecting a pool the cluster does not have matches no node;
 * - a pod larger than one node of its pool never schedules ("0/N nodes are available: Insufficient
 *   cpu", kube-scheduler NodeResourcesFit; needs the target's node pools);
 * - a container whose limits exceed its namespace's LimitRange max is rejected at admission
 *   (LimitRanger admission plugin, Kubernetes v1.34);
 * - a Kueue-queued gang needing more than its ClusterQueue can ever get on the flavor of its pool —
 *   nominal quota plus what it may borrow (its borrowingLimit, at most what the cohort's other
 *   queues lend) — or a resource the queue does not cover, is never admitted ("insufficient quota
 *   ... > maximum capacity", kueue v0.19 pkg/scheduler/flavorassigner);
 * - a queued gang larger than its pools hold at maxSize never runs whole: reported as the pool's
 *   size (raising a quota would not help), before any quota is compared;
 * - a queued gang larger than its namespace's ResourceQuota can never have all its pods at once;
 * - on a pool Kueue books (ResourceFlavors), its nominal quotas plus what pods Kueue does not
 *   admit can take at once (serving replicas at their autoscaling maximum, workflow steps and the
 *   jobs they create, DaemonSets aside) must fit the pool: Kueue admits by quota, not by free
 *   nodes, so an admitted gang would otherwise start partially and hold its nodes waiting (the
 *   simulated cluster saw exactly this: "gang: started partially");
 * - a distributed training job no gang scheduler admits starts its pods one by one: beside the
 *   serving pods that stay on its pool (at their minimum replicas), the whole job must still fit,
 *   or its started replicas hold their nodes waiting forever for the rest.
 * Severity: what can never fit is an error, a job beside the serving that never leaves included.
 * Quotas booked above a pool are a warning: whether they ever collide depends on what runs at
 * once, which the manifests do not say; suppress it with a reason when the overbooking is deliberate.
 */
export const capacityFeasibility: SemanticRule = {
  id: 'capacity-feasibility',
  summary: 'pods select pools the cluster has and fit a node of it and the LimitRange; queued gangs fit their ClusterQueue and ResourceQuota; pools fit what Kueue books plus what it does not admit',
  check(ctx: CheckContext): void {
    const { index, target } = ctx;
    const limitRanges = new Map<string, Partial<Demand>>();
    for (const lr of index.ofKind('/LimitRange')) {
      const max = (lr.object.spec?.limits ?? []).find((l: Record<string, any>) => l.type === 'Container')?.max;
      if (max) limitRanges.set(lr.namespace ?? '', { cpuMillis: max.cpu !== undefined ? cpuMillisOf(max.cpu) : undefined, memoryMebibytes: max.memory !== undefined ? memoryMebibytesOf(max.memory) : undefined });
    }
    const gangs = new Map<ManifestEntry, { demand: Demand; pools: Set<string> }>();
    for (const t of index.podTemplates()) {
      const pool: string | undefined = t.spec.nodeSelector?.[Labels.NODE_POOL];
      const pod = podDemand(t.spec);
      const shape = pool ? target?.nodePools?.get(pool) : undefined;
      if (pool && target?.nodePools && !shape) {
        ctx.report({ entry: t.entry, field: `${t.field}.nodeSelector['${Labels.NODE_POOL}']`, value: pool, message: `${t.role}: the cluster has no node pool '${pool}' (its pools: ${[...target.nodePools.keys()].join(', ')}), so no node matches and the pods stay Pending; add the pool to the cluster or use one of those` });
      }
      const tooBig = shape ? excess(pod, shape) : [];
      if (shape && tooBig.length) {
        const fix = pod.gpus && !shape.gpus
          ? `pool '${pool}' has no GPUs: put the pod on a GPU pool or request no nvidia.com/gpu (more nodes would not help)`
          : 'request less or use a pool with bigger nodes (more nodes would not help: a pod runs on one)';
        ctx.report({ entry: t.entry, field: `${t.field}.containers[*].resources`, value: describe(pod), message: `${t.role}: one pod needs more than a node of pool '${pool}' has (${tooBig.join(', ')}), so it never schedules ("Insufficient ..."); ${fix}` });
      }
      const max = limitRanges.get(t.entry.namespace ?? '');
      for (const { container, limits } of max ? containerDemands(t.spec) : []) {
        const over = excess(limits, max!);
        if (over.length) {
          ctx.report({ entry: t.entry, field: `${t.field} container '${container.name}' resources.limits`, value: describe(limits), message: `${t.role}: the LimitRange of namespace '${t.entry.namespace}' allows at most ${describe({ ...NO_DEMAND, ...max! })} per container (${over.join(', ')}), so admission rejects the pod` });
        }
      }
      if (t.entry.object.metadata?.labels?.[KUEUE_QUEUE_LABEL] && Number.isFinite(t.maxPods)) {
        const g = gangs.get(t.entry) ?? { demand: { ...NO_DEMAND }, pools: new Set<string>() };
        g.demand = add(g.demand, times(pod, t.maxPods));
        if (pool) g.pools.add(pool);
        gangs.set(t.entry, g);
      }
    }
    const cohorts = lendableByCohort(index);
    for (const [entry, gang] of gangs) checkGang(ctx, entry, gang, cohorts);
    checkPoolBooking(ctx);
    checkUngangedJobs(ctx);
  },
};

/** Kinds whose replicas only work all together (distributed training). */
const DISTRIBUTED = new Set(['TFJob', 'PyTorchJob', 'MPIJob', 'XGBoostJob', 'PaddleJob', 'JAXJob', 'TrainJob']);

/** Unqueued, un-gang-scheduled distributed jobs fit their pool beside its serving pods. */
function checkUngangedJobs(ctx: CheckContext): void {
  const { index, target } = ctx;
  if (!target?.nodePools) return;
  const poolOf = (t: PodTemplate) => t.spec.nodeSelector?.[Labels.NODE_POOL] as string | undefined;
  const serving = new Map<string, { demand: Demand; who: string[] }>();
  const jobs = new Map<ManifestEntry, { pool: string; demand: Demand; runtime?: ManifestEntry }>();
  for (const t of index.podTemplates()) {
    const pool = poolOf(t);
    if (!pool || !target.nodePools.has(pool) || !Number.isFinite(t.maxPods)) continue;
    const demand = times(podDemand(t.spec), t.maxPods);
    if (SERVING_KINDS.has(t.entry.object.kind) && t.minPods > 0) {
      // Serving scaled up only delays a job; what it keeps at its minimum never leaves.
      const steady = times(podDemand(t.spec), t.minPods);
      const s = serving.get(pool) ?? { demand: { ...NO_DEMAND }, who: [] };
      s.demand = add(s.demand, steady);
      if (steady.gpus || s.who.length < 3) s.who.push(`${t.entry.path} (${describe(steady)})`);
      serving.set(pool, s);
    }
    const o = t.entry.object;
    // A TrainJob is gang-scheduled by its runtime's podGroupPolicy (Trainer v2.3.0 plugins/coscheduling, volcano).
    if (DISTRIBUTED.has(o.kind) && !o.metadata?.labels?.[KUEUE_QUEUE_LABEL] && !o.spec?.runPolicy?.schedulingPolicy && !t.runtime?.object.spec?.podGroupPolicy) {
      const j = jobs.get(t.entry) ?? { pool, demand: { ...NO_DEMAND }, runtime: t.runtime };
      j.demand = add(j.demand, demand);
      jobs.set(t.entry, j);
    }
  }
  for (const [entry, { pool, demand, runtime }] of jobs) {
    const shape = target.nodePools.get(pool)!;
    const held = serving.get(pool);
    const free = add(times({ cpuMillis: shape.cpuMillis, memoryMebibytes: shape.memoryMebibytes, gpus: shape.gpus }, shape.maxNodes), times(held?.demand ?? NO_DEMAND, -1));
    const over = excess(demand, free);
    if (!over.length) continue;
    ctx.report({
      entry, field: runtime ? `${runtime.object.kind} '${nameOf(runtime.object)}' spec.podGroupPolicy` : 'spec.runPolicy', value: 'no gang scheduling',
      message: `its replicas start one by one and need ${describe(demand)} together, but pool '${pool}' keeps only ${describe(free)} beside the serving pods it always runs (at their minimum replicas: ${held?.who.join('; ') ?? 'none'}): ${over.join(', ')}, so started replicas could wait forever for the rest; gang-schedule it (GangScheduling.kueue), shrink it, or give serving fewer replicas or another pool`,
    });
  }
}

/** Per pool Kueue books: its nominal quotas plus the most that unqueued pods take at once fit the pool. */
function checkPoolBooking(ctx: CheckContext): void {
  const { index, target } = ctx;
  if (!target?.nodePools) return;
  const booked = new Map<string, { flavor: ManifestEntry; demand: Demand }>();
  for (const f of index.ofKind('kueue.x-k8s.io/ResourceFlavor')) {
    const pool = f.object.spec?.nodeLabels?.[Labels.NODE_POOL];
    if (pool && target.nodePools.has(pool)) booked.set(nameOf(f.object), { flavor: f, demand: { ...NO_DEMAND } });
    else if (pool) ctx.report({ entry: f, field: `spec.nodeLabels['${Labels.NODE_POOL}']`, value: pool, message: `the cluster has no node pool '${pool}' (its pools: ${[...target.nodePools.keys()].join(', ')}): Kueue would admit workloads to this flavor whose pods no node accepts` });
  }
  if (!booked.size) return;
  for (const cq of index.ofKind('kueue.x-k8s.io/ClusterQueue')) {
    for (const [flavor, q] of flavorQuotas(cq)) {
      const b = booked.get(flavor);
      if (b) b.demand = add(b.demand, q.nominal);
    }
  }
  const poolOf = (t: PodTemplate) => t.spec.nodeSelector?.[Labels.NODE_POOL] as string | undefined;
  const unqueued = index.podTemplates().filter((t) => Number.isFinite(t.maxPods) && !t.entry.object.metadata?.labels?.[KUEUE_QUEUE_LABEL] && !t.labels[KUEUE_QUEUE_LABEL]);
  const order = new WorkflowOrder(index);
  for (const { flavor, demand } of booked.values()) {
    // A flavor no queue gives quota admits nothing: what runs there is not Kueue's to overbook.
    if (!demand.cpuMillis && !demand.memoryMebibytes && !demand.gpus) continue;
    const pool: string = flavor.object.spec.nodeLabels[Labels.NODE_POOL];
    const shape = target.nodePools.get(pool)!;
    const onPool = unqueued.filter((t) => poolOf(t) === pool).map((t) => ({ t, ...stepOf(t), pod: times(podDemand(t.spec), t.maxPods) }));
    const outside: Demand = {
      cpuMillis: concurrentTotal(onPool, order, (x) => x.pod.cpuMillis),
      memoryMebibytes: concurrentTotal(onPool, order, (x) => x.pod.memoryMebibytes),
      gpus: concurrentTotal(onPool, order, (x) => x.pod.gpus),
    };
    const capacity = times({ cpuMillis: shape.cpuMillis, memoryMebibytes: shape.memoryMebibytes, gpus: shape.gpus }, shape.maxNodes);
    const over = excess(add(demand, outside), capacity);
    if (!over.length) continue;
    const biggest = [...onPool].sort((a, b) => b.pod.gpus - a.pod.gpus || b.pod.cpuMillis - a.pod.cpuMillis).slice(0, 4).map((x) => `${x.t.entry.path} ${x.t.role} (${describe(x.pod)})`);
    ctx.report({
      entry: flavor, field: `spec.nodeLabels['${Labels.NODE_POOL}']`, value: pool, severity: 'warning',
      message: `Kueue books ${describe(demand)} of pool '${pool}' (its ClusterQueues' nominal quotas)${onPool.length ? ` while pods it does not admit can take ${describe(outside)} at once (${biggest.join('; ')}${onPool.length > 4 ? '; ...' : ''}), together` : ','} more than the pool's ${shape.maxNodes} nodes hold (${over.join(', ')}): Kueue admits by quota, so admitted gangs could start partially; lower the queues' quotas, move those workloads to another pool, or cap them (fewer serving maxReplicas; Kueue queues only the job kinds it integrates, never an InferenceService or a Deployment)`,
    });
  }
}

const describe = (d: Partial<Demand>) => [
  d.cpuMillis !== undefined ? `cpu ${Math.round(d.cpuMillis)}m` : undefined,
  d.memoryMebibytes !== undefined ? `memory ${Math.round(d.memoryMebibytes)}Mi` : undefined,
  d.gpus ? `nvidia.com/gpu ${d.gpus}` : undefined,
].filter(Boolean).join(', ');

/** A ClusterQueue's quota on one flavor. */
interface FlavorQuota {
  readonly nominal: Demand;
  readonly borrowingLimit?: Partial<Demand>;
  readonly lendingLimit?: Partial<Demand>;
}

function amounts(resources: Record<string, any>[] | undefined, key: 'nominalQuota' | 'borrowingLimit' | 'lendingLimit'): Partial<Demand> {
  const r = Object.fromEntries((resources ?? []).filter((x) => x[key] !== undefined).map((x) => [x.name, x[key]]));
  return {
    cpuMillis: r.cpu !== undefined ? cpuMillisOf(r.cpu) : undefined,
    memoryMebibytes: r.memory !== undefined ? memoryMebibytesOf(r.memory) : undefined,
    gpus: r['nvidia.com/gpu'] !== undefined ? Number(r['nvidia.com/gpu']) : undefined,
  };
}

/** Quota of a ClusterQueue per flavor name. */
function flavorQuotas(cq: ManifestEntry): Map<string, FlavorQuota> {
  const out = new Map<string, FlavorQuota>();
  for (const group of cq.object.spec?.resourceGroups ?? []) {
    for (const f of group.flavors ?? []) {
      const n = amounts(f.resources, 'nominalQuota');
      out.set(f.name, { nominal: { cpuMillis: n.cpuMillis ?? 0, memoryMebibytes: n.memoryMebibytes ?? 0, gpus: n.gpus ?? 0 }, borrowingLimit: amounts(f.resources, 'borrowingLimit'), lendingLimit: amounts(f.resources, 'lendingLimit') });
    }
  }
  return out;
}

/** What each cohort's queues lend on each flavor (lendingLimit, else all nominal), by cohort|flavor and queue. */
function lendableByCohort(index: ObjectIndex): Map<string, Map<string, Demand>> {
  const out = new Map<string, Map<string, Demand>>();
  for (const cq of index.ofKind('kueue.x-k8s.io/ClusterQueue')) {
    const cohort = cq.object.spec?.cohortName ?? cq.object.spec?.cohort;
    if (!cohort) continue;
    for (const [flavor, q] of flavorQuotas(cq)) {
      const key = `${cohort}|${flavor}`;
      const byQueue = out.get(key) ?? new Map<string, Demand>();
      byQueue.set(nameOf(cq.object), { cpuMillis: q.lendingLimit?.cpuMillis ?? q.nominal.cpuMillis, memoryMebibytes: q.lendingLimit?.memoryMebibytes ?? q.nominal.memoryMebibytes, gpus: q.lendingLimit?.gpus ?? q.nominal.gpus });
      out.set(key, byQueue);
    }
  }
  return out;
}

function checkGang(ctx: CheckContext, entry: ManifestEntry, gang: { demand: Demand; pools: Set<string> }, cohorts: Map<string, Map<string, Demand>>): void {
  const { index } = ctx;
  const field = `metadata.labels['${KUEUE_QUEUE_LABEL}']`;
  const queue = entry.object.metadata.labels[KUEUE_QUEUE_LABEL];
  // A gang larger than its pools at maxSize runs nowhere, whatever the quotas say: say so first.
  const poolsHold = [...gang.pools].map((p) => ctx.target?.nodePools?.get(p)).filter((s) => s !== undefined)
    .reduce((sum, s) => add(sum, times({ cpuMillis: s.cpuMillis, memoryMebibytes: s.memoryMebibytes, gpus: s.gpus }, s.maxNodes)), { ...NO_DEMAND });
  const poolShort = gang.pools.size && [...gang.pools].every((p) => ctx.target?.nodePools?.has(p)) ? excess(gang.demand, poolsHold) : [];
  if (poolShort.length) {
    const sizes = [...gang.pools].map((p) => `'${p}' ${ctx.target!.nodePools!.get(p)!.maxNodes} node(s)`).join(', ');
    ctx.report({ entry, field, value: queue, message: `all ${entry.object.kind} pods together need ${describe(gang.demand)}, more than pool(s) ${sizes} hold at maxSize (${describe(poolsHold)}: ${poolShort.join(', ')}), so the gang never runs whole, whatever the queue's quota; give the pool more nodes (maxSize) or shrink the job` });
    return;
  }
  const lq = index.find('kueue.x-k8s.io/LocalQueue', entry.namespace, queue);
  const cq = lq ? index.find('kueue.x-k8s.io/ClusterQueue', undefined, lq.object.spec?.clusterQueue) : undefined;
  const quota = index.ofKind('/ResourceQuota').find((q) => q.namespace === entry.namespace)?.object.spec?.hard;
  if (quota) {
    const hard = { cpuMillis: quota['requests.cpu'] !== undefined ? cpuMillisOf(quota['requests.cpu']) : undefined, memoryMebibytes: quota['requests.memory'] !== undefined ? memoryMebibytesOf(quota['requests.memory']) : undefined, gpus: quota['requests.nvidia.com/gpu'] !== undefined ? Number(quota['requests.nvidia.com/gpu']) : undefined };
    const over = excess(gang.demand, hard);
    if (over.length) ctx.report({ entry, field, value: queue, message: `all ${entry.object.kind} pods together need ${describe(gang.demand)}, more than the ResourceQuota of namespace '${entry.namespace}' allows (${over.join(', ')}), so the gang can never run whole; raise the team's quota or shrink the job` });
  }
  if (!cq) return; // queue-references reports the missing queue
  const quotas = flavorQuotas(cq);
  const cohort = cq.object.spec?.cohortName ?? cq.object.spec?.cohort;
  for (const pool of gang.pools) {
    const flavor = [...quotas.keys()].find((f) => index.find('kueue.x-k8s.io/ResourceFlavor', undefined, f)?.object.spec?.nodeLabels?.[Labels.NODE_POOL] === pool);
    if (!flavor) {
      ctx.report({ entry, field, value: queue, message: `its pods run on pool '${pool}', but ClusterQueue '${nameOf(cq.object)}' has no flavor for that pool (flavors: ${[...quotas.keys()].join(', ') || 'none'}), so Kueue never admits it; add a quota for the pool to the queue` });
      continue;
    }
    const q = quotas.get(flavor)!;
    const lenders = [...(cohort ? cohorts.get(`${cohort}|${flavor}`) ?? new Map<string, Demand>() : new Map<string, Demand>()).entries()].filter(([name]) => name !== nameOf(cq.object)).map(([, d]) => d).reduce(add, { ...NO_DEMAND });
    const borrow = (k: keyof Demand) => Math.min(q.borrowingLimit?.[k] ?? Infinity, lenders[k]);
    const most: Demand = { cpuMillis: q.nominal.cpuMillis + borrow('cpuMillis'), memoryMebibytes: q.nominal.memoryMebibytes + borrow('memoryMebibytes'), gpus: q.nominal.gpus + borrow('gpus') };
    const over = excess(gang.demand, most);
    if (over.length) {
      ctx.report({ entry, field, value: queue, message: `the whole gang needs ${describe(gang.demand)} on flavor '${flavor}', but ClusterQueue '${nameOf(cq.object)}' can get at most ${describe(most)} there (nominal ${describe(q.nominal)} plus what it may borrow in cohort '${cohort ?? 'none'}'): ${over.join(', ')}, so Kueue never admits it ("insufficient quota ... > maximum capacity"); raise the queue's quota or borrowing limit, or shrink the job` });
    }
  }
}
