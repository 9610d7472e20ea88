import { KUEUE_PRIORITY_LABEL, KUEUE_QUEUE_LABEL } from '../../core/scheduling';
import type { ManifestEntry, PodTemplate } from '../manifest-entry';
import { groupKindOf, nameOf } from '../manifest-entry';
import { kueueCannotAdmit } from '../kinds';
import { formatLabels, selectorMatches } from '../selectors';
import { declares } from '../declared-externals';
import { CheckContext, SemanticRule } from '../semantic-rule';

/** Queues Volcano creates itself at install (volcano-sh/volcano installer/helm: `default` and `root`). */
const VOLCANO_BUILTIN_QUEUES = new Set(['default', 'root']);

/**
 * Queue references resolve, and the queue would admit: Kueue reads `kueue.x-k8s.io/queue-name`
 * on a job (or on a pod, for the `pod` integration) and looks the LocalQueue up in the object's
 * namespace; the LocalQueue's ClusterQueue admits only namespaces its `namespaceSelector` selects
 * (a null selector selects none) — otherwise the Workload stays pending with "Workload namespace
 * doesn't match ClusterQueue selector" (kueue v0.19 pkg/scheduler/scheduler.go; CRD docs of
 * ClusterQueue.spec.namespaceSelector). `kueue.x-k8s.io/priority-class` must name a
 * WorkloadPriorityClass. Every resource a queued pod requests must be covered by the ClusterQueue
 * or excluded from Kueue's quota (`checkCoveredResources`). A kind Kueue has no integration for is never admitted, target or not
 * (`kueueCannotAdmit`, kinds.ts: the training-operator's kubeflow.org/v1 MPIJob, while Kueue
 * v0.19.2's `kubeflow.org/mpijob` is mpi-operator's v2beta1). Volcano queues named by
 * training jobs and PodGroups must exist (or be Volcano's own `default`).
 */
export const queueReferences: SemanticRule = {
  id: 'queue-references',
  summary: 'Kueue LocalQueues/ClusterQueues/priorities and Volcano queues that workloads name exist and admit them (namespace, every requested resource)',
  check(ctx: CheckContext): void {
    const { index } = ctx;
    for (const e of index.entries) {
      const labels: Record<string, string> = e.object.metadata?.labels ?? {};
      checkKueue(ctx, e, 'metadata.labels', labels, index.podTemplatesOfEntry(e));
      const queue = e.object.spec?.runPolicy?.schedulingPolicy?.queue
        ?? (groupKindOf(e.object) === 'scheduling.volcano.sh/PodGroup' ? e.object.spec?.queue : undefined);
      if (typeof queue === 'string' && !VOLCANO_BUILTIN_QUEUES.has(queue) && !index.find('scheduling.volcano.sh/Queue', undefined, queue)) {
        ctx.report({
          entry: e, field: groupKindOf(e.object) === 'scheduling.volcano.sh/PodGroup' ? 'spec.queue' : 'spec.runPolicy.schedulingPolicy.queue', value: queue,
          message: `no Volcano Queue '${queue}' is deployed with it, so Volcano never schedules the gang; deploy the chart that creates it (VolcanoQueue) or use the 'default' queue`,
        });
      }
    }
    // Pods queued through Kueue's pod integration (e.g. Argo steps with spec.podMetadata labels).
    for (const t of index.podTemplates()) {
      if (t.labels[KUEUE_QUEUE_LABEL] && t.labels !== t.entry.object.metadata?.labels) checkKueue(ctx, t.entry, `${t.field} pod labels`, t.labels, [t]);
    }
  },
};

function checkKueue(ctx: CheckContext, e: ManifestEntry, field: string, labels: Readonly<Record<string, string>>, templates: readonly PodTemplate[]): void {
  const { index } = ctx;
  const queueName = labels[KUEUE_QUEUE_LABEL];
  const priority = labels[KUEUE_PRIORITY_LABEL];
  if (priority && !index.find('kueue.x-k8s.io/WorkloadPriorityClass', undefined, priority)) {
    ctx.report({
      entry: e, field: `${field}['${KUEUE_PRIORITY_LABEL}']`, value: priority,
      message: `no WorkloadPriorityClass '${priority}' is deployed with it, so Kueue rejects the workload; deploy the chart that defines it (PlatformPriorities)`,
    });
  }
  if (!queueName) return;
  const cannot = kueueCannotAdmit(e.object);
  if (cannot) {
    ctx.report({
      entry: e, field: `${field}['${KUEUE_QUEUE_LABEL}']`, value: queueName,
      message: `${cannot}; emit it as a TrainJob (output: TrainingApi.TRAINER_V2: an mlPolicy.mpi runtime, which Kueue admits through its trainer.kubeflow.org/trainjob integration as one gang), or gang-schedule the v1 job without Kueue (Volcano, coscheduling)`,
    });
    return;
  }
  const lq = index.find('kueue.x-k8s.io/LocalQueue', e.namespace, queueName);
  // Declared: made by another deployment (the stack's teams), which the plan checks together.
  if (!lq && declares(ctx.target?.externals?.localQueues, e.namespace, queueName)) return;
  if (!lq) {
    ctx.report({
      entry: e, field: `${field}['${KUEUE_QUEUE_LABEL}']`, value: queueName, severity: ctx.target?.wholeDeployment ? 'error' : 'warning',
      message: `no LocalQueue '${queueName}' is deployed in namespace '${e.namespace ?? 'default'}', so unless one exists there Kueue keeps the ${e.object.kind} suspended forever ("LocalQueue ${queueName} doesn't exist"); create it (Team, LocalQueue) in a chart deployed with this one, or declare it when the stack's teams make it (withExternals(target, { localQueues: ['${e.namespace ?? 'default'}/${queueName}'] }))`,
    });
    return;
  }
  const cqName: string | undefined = lq.object.spec?.clusterQueue;
  const cq = cqName ? index.find('kueue.x-k8s.io/ClusterQueue', undefined, cqName) : undefined;
  if (!cq) {
    ctx.report({
      entry: lq, field: 'spec.clusterQueue', value: cqName,
      message: `no ClusterQueue '${cqName}' is deployed with it, so the LocalQueue is inactive and admits nothing; deploy the chart that creates it`,
    });
    return;
  }
  const nsLabels = e.namespace ? index.namespaceLabels(e.namespace) : undefined;
  const selector = cq.object.spec?.namespaceSelector;
  if (nsLabels && (selector === undefined || selector === null || !selectorMatches(selector, nsLabels))) {
    ctx.report({
      entry: e, field: `${field}['${KUEUE_QUEUE_LABEL}']`, value: queueName,
      message: `ClusterQueue '${nameOf(cq.object)}' (behind LocalQueue '${queueName}') does not select namespace '${e.namespace}' (labels ${formatLabels(nsLabels)}; selector ${JSON.stringify(selector ?? null)}), so the workload stays pending ("Workload namespace doesn't match ClusterQueue selector"); widen the ClusterQueue's namespaceSelector or use a queue of a ClusterQueue that selects this namespace`,
    });
  }
  checkCoveredResources(ctx, e, cq, templates);
}

/**
 * Every resource a queued pod requests is covered by its ClusterQueue or excluded from Kueue's
 * accounting (`resources.excludeResourcePrefixes`, which only the target knows): Kueue counts
 * each requested resource against a flavor and refuses the workload otherwise ("couldn't assign
 * flavors to pod set ...: resource vpc.amazonaws.com/efa unavailable in ClusterQueue", seen by
 * verify:cluster with v0.19.2). DRA claims are not requests: Kueue maps them itself.
 */
function checkCoveredResources(ctx: CheckContext, e: ManifestEntry, cq: ManifestEntry, templates: readonly PodTemplate[]): void {
  const excluded = ctx.target?.kueue?.excludedResourcePrefixes;
  if (!excluded) return;
  const groups: { coveredResources?: string[] }[] = cq.object.spec?.resourceGroups ?? [];
  const covered = new Set(groups.flatMap((g) => g.coveredResources ?? []));
  const reported = new Set<string>();
  for (const t of templates) {
    for (const c of [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])]) {
      const requested = (['requests', 'limits'] as const).flatMap((kind) => Object.entries(c.resources?.[kind] ?? {}).map(([resource, amount]) => ({ kind, resource, amount })));
      for (const { kind, resource, amount } of requested) {
        if (covered.has(resource) || excluded.some((p) => resource.startsWith(p)) || reported.has(resource)) continue;
        reported.add(resource);
        ctx.report({
          entry: e, field: `${t.field}.containers[${c.name}].resources.${kind}['${resource}']`, value: amount,
          message: `the ${t.role} pods request ${resource}, which ClusterQueue '${nameOf(cq.object)}' does not cover (coveredResources: ${[...covered].join(', ') || 'none'}) and Kueue does not exclude (excludeResourcePrefixes: ${excluded.join(', ') || 'none'}), so Kueue never admits the workload ("resource ${resource} unavailable in ClusterQueue"); quota it in the ClusterQueue, or exclude it in Kueue's Configuration`,
        });
      }
    }
  }
}
