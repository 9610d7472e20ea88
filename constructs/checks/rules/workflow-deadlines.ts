import { workflowSpecOf } from '../argo';
import { dependencyNames } from '../concurrency';
import type { ManifestEntry } from '../manifest-entry';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * A Workflow's `activeDeadlineSeconds` leaves its steps the time their own deadlines give them.
 * Argo fails the whole run when the Workflow's deadline passes ("Step exceeded its deadline",
 * argo-workflows workflow/controller/operator.go, v3.4+/v4), whatever its steps were allowed: a
 * chain of steps whose own deadlines (a template's `activeDeadlineSeconds`, the deadline of the
 * Job or training job a resource step creates) add up to more than the Workflow's is cut short
 * while each step is still within its own. A warning: steps usually finish before their deadline,
 * and only the chain's sum is known here.
 */
export const workflowDeadlines: SemanticRule = {
  id: 'workflow-deadlines',
  summary: 'a workflow\'s deadline leaves its longest chain of steps the time their own deadlines give them',
  check(ctx: CheckContext): void {
    for (const e of ctx.index.entries) {
      const wf = workflowSpecOf(e);
      const deadline = seconds(wf?.spec.activeDeadlineSeconds);
      if (!wf || deadline === undefined) continue;
      const templates = new Map<string, Record<string, any>>((wf.spec.templates ?? []).map((t: Record<string, any>) => [t.name, t]));
      const tasks: Record<string, any>[] = templates.get(wf.spec.entrypoint)?.dag?.tasks ?? [];
      const byName = new Map(tasks.map((t) => [t.name as string, t] as const));
      const own = (task: Record<string, any>) => stepDeadline(ctx, e, templates.get(task.template ?? task.name));
      const longest = new Map<string, { total: number; chain: string[] } | null>();
      // Longest chain ending at a task, counting only steps that have a deadline (cycles end it).
      const chainTo = (name: string, trail: Set<string>): { total: number; chain: string[] } | null => {
        if (longest.has(name)) return longest.get(name)!;
        const task = byName.get(name);
        const mine = task ? own(task) : undefined;
        if (!task || mine === undefined) return null;
        let best = { total: 0, chain: [] as string[] };
        for (const d of dependencyNames(task)) {
          if (trail.has(d)) continue;
          const before = chainTo(d, new Set([...trail, d]));
          if (before && before.total > best.total) best = before;
        }
        const result = { total: best.total + mine, chain: [...best.chain, name] };
        longest.set(name, result);
        return result;
      };
      const worst = tasks.map((t) => chainTo(t.name, new Set([t.name]))).filter((c) => c !== null).sort((a, b) => b.total - a.total)[0];
      if (!worst || worst.total <= deadline) continue;
      ctx.report({
        entry: e, field: `${wf.field}.activeDeadlineSeconds`, value: deadline, severity: 'warning',
        message: `step${worst.chain.length > 1 ? 's' : ''} ${worst.chain.map((s) => `'${s}'`).join(' → ')} may take up to ${worst.total}s by their own deadlines, more than the Workflow's ${deadline}s, so Argo can fail the run while they are still within theirs; raise the Workflow's activeDeadline to at least ${worst.total}s or shorten the steps'`,
      });
    }
  },
};

/** Seconds of an `activeDeadlineSeconds` (a number, or a numeric string in Argo templates). */
function seconds(value: unknown): number | undefined {
  const n = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

/** A step's own deadline: its template's, else that of the object a resource step creates. */
function stepDeadline(ctx: CheckContext, workflow: ManifestEntry, template: Record<string, any> | undefined): number | undefined {
  if (!template) return undefined;
  const ownDeadline = seconds(template.activeDeadlineSeconds);
  if (ownDeadline !== undefined || !template.resource) return ownDeadline;
  const created = ctx.index.createdBy(workflow, template.name)?.object.spec;
  return seconds(created?.activeDeadlineSeconds ?? created?.runPolicy?.activeDeadlineSeconds);
}
