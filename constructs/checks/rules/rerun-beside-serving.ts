import { concurrentTotal, stepOf, WorkflowOrder } from '../concurrency';
import type { ManifestEntry } from '../manifest-entry';
import { nameOf } from '../manifest-entry';
import { podDemand } from '../quantities';
import { SERVING_KINDS } from '../kinds';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * A workflow that creates serving runs again while that serving still holds its GPUs: serving a
 * step creates is not owned by the Workflow (the project's default), so it stays after the run,
 * and at its minimum replicas it keeps its `nvidia.com/gpu` requests. The namespace's
 * ResourceQuota counts them (Kubernetes v1.34 ResourceQuota admission: "exceeded quota:
 * requests.nvidia.com/gpu"), so on the next run the GPU steps' pods are refused although the first
 * run fit. The most GPUs the workflow's steps request at once (steps the DAG orders never overlap)
 * plus what the namespace's serving keeps must fit `requests.nvidia.com/gpu`.
 * Severity: an error; the serving is the workflow's own, so every re-run (a resubmission, a
 * CronWorkflow's next schedule) meets it.
 */
export const rerunBesideServing: SemanticRule = {
  id: 'rerun-beside-serving',
  summary: 'a workflow that creates GPU serving can run again beside it within its namespace\'s GPU quota',
  check(ctx: CheckContext): void {
    const { index } = ctx;
    const templates = index.podTemplates();
    const order = new WorkflowOrder(index);
    const quotaOf = (ns: string | undefined) => index.ofKind('/ResourceQuota').find((q) => q.namespace === ns && q.object.spec?.hard?.['requests.nvidia.com/gpu'] !== undefined);
    const workflows = new Map<string, ManifestEntry[]>();
    for (const t of templates) {
      const e = t.entry;
      if (!e.embeddedIn || !SERVING_KINDS.has(e.object.kind) || !(podDemand(t.spec).gpus * t.minPods)) continue;
      workflows.set(e.embeddedIn, [...(workflows.get(e.embeddedIn) ?? []), e]);
    }
    for (const [workflow, own] of workflows) {
      const ns = own[0].namespace;
      const quota = quotaOf(ns);
      if (!quota) continue;
      const hard = Number(quota.object.spec.hard['requests.nvidia.com/gpu']);
      const held = templates.filter((t) => t.entry.namespace === ns && SERVING_KINDS.has(t.entry.object.kind) && t.minPods > 0)
        .map((t) => ({ t, gpus: podDemand(t.spec).gpus * t.minPods })).filter((x) => x.gpus > 0);
      const heldGpus = held.reduce((sum, x) => sum + x.gpus, 0);
      const steps = templates.map((t) => ({ t, ...stepOf(t) })).filter((x) => x.workflow === workflow && Number.isFinite(x.t.maxPods))
        .map((x) => ({ ...x, gpus: podDemand(x.t.spec).gpus * x.t.maxPods })).filter((x) => x.gpus > 0);
      const stepGpus = concurrentTotal(steps, order, (x) => x.gpus);
      // A run that does not fit even without serving is capacity-feasibility's to report.
      if (!stepGpus || stepGpus > hard || stepGpus + heldGpus <= hard) continue;
      const wf = index.entries.find((e) => e.path.startsWith(`${workflow}/`) && ['Workflow', 'CronWorkflow', 'WorkflowTemplate'].includes(e.object.kind)) ?? own[0];
      ctx.report({
        entry: wf, field: 'spec.templates (GPU steps)', value: `nvidia.com/gpu ${stepGpus}`,
        message: `a re-run of this workflow requests up to ${stepGpus} GPUs at once (${steps.map((x) => `${x.t.entry.path} ${x.t.role}: ${x.gpus}`).join('; ')}) while the serving it created stays and keeps ${heldGpus} (${held.map((x) => `${x.t.entry.object.kind} ${nameOf(x.t.entry.object)}: ${x.gpus}`).join('; ')}), more than ResourceQuota '${nameOf(quota.object)}' of namespace '${ns}' allows (requests.nvidia.com/gpu ${hard}): the first run fits, every later one is refused ("exceeded quota"); raise the team's GPU quota to ${stepGpus + heldGpus}, let serving scale to zero (minReplicas 0), or serve from another namespace`,
      });
    }
  },
};
