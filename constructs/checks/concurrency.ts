import { workflowSpecOf } from './argo';
import type { ObjectIndex } from './object-index';
import type { ManifestEntry } from './manifest-entry';
import type { PodTemplate } from './pod-templates';

/** Pods that may run at the same time as others: which workflow step (if any) runs them. */
export interface Concurrent {
  /** Workflow the pods belong to (its construct path), and the step that runs them. */
  readonly workflow?: string;
  readonly step?: string;
}

/** Kinds whose pods keep running after the workflow step that created them finished. */
const LONG_RUNNING = new Set(['InferenceService', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet']);

/**
 * The workflow and step a pod template runs in, or neither: pods outside workflows, and serving
 * objects a step creates (they outlive the step and overlap with every later run), run any time.
 */
export function stepOf(t: PodTemplate): Concurrent {
  if (LONG_RUNNING.has(t.entry.object.kind)) return {};
  const workflow = workflowKey(t.entry);
  const step = t.step ?? t.entry.step;
  return workflow && step ? { workflow, step } : {};
}

/** The construct path identifying a workflow, for its own step pods and the objects its steps create. */
function workflowKey(e: ManifestEntry): string | undefined {
  if (e.embeddedIn) return e.embeddedIn;
  return workflowSpecOf(e) ? e.path.slice(0, e.path.lastIndexOf('/')) : undefined;
}

/**
 * The most of `value` that `items` may hold at once: items outside workflows all may; inside one
 * workflow, steps ordered by the DAG never overlap.
 */
export function concurrentTotal<T extends Concurrent>(items: readonly T[], order: WorkflowOrder, value: (item: T) => number): number {
  let total = 0;
  const byWorkflow = new Map<string, Map<string, number>>();
  for (const m of items) {
    if (!m.workflow || !m.step) {
      total += value(m);
      continue;
    }
    const steps = byWorkflow.get(m.workflow) ?? new Map<string, number>();
    steps.set(m.step, (steps.get(m.step) ?? 0) + value(m));
    byWorkflow.set(m.workflow, steps);
  }
  for (const [workflow, steps] of byWorkflow) {
    // A step's pods overlap with every step the DAG does not order against it (an upper bound:
    // steps unordered with it may still be ordered among themselves). Steps per workflow are few.
    let most = 0;
    for (const [a, pods] of steps) {
      let overlap = pods;
      for (const [b, other] of steps) if (a !== b && !order.ordered(workflow, a, b)) overlap += other;
      most = Math.max(most, overlap);
    }
    total += most;
  }
  return total;
}

/** Step order of every workflow: which steps a step transitively depends on. */
export class WorkflowOrder {
  private readonly ancestors = new Map<string, Map<string, Set<string>>>();

  constructor(index: ObjectIndex) {
    for (const e of index.entries) {
      const wf = workflowSpecOf(e);
      if (!wf) continue;
      const tasks: Record<string, any>[] = (wf.spec.templates ?? []).find((t: any) => t.name === wf.spec.entrypoint)?.dag?.tasks ?? [];
      const direct = new Map(tasks.map((t) => [t.template ?? t.name, dependencyNames(t)] as const));
      const closure = new Map<string, Set<string>>();
      const visit = (step: string, trail: Set<string>): Set<string> => {
        const known = closure.get(step);
        if (known) return known;
        const all = new Set<string>();
        for (const d of direct.get(step) ?? []) {
          if (trail.has(d)) continue;
          all.add(d);
          for (const a of visit(d, new Set([...trail, d]))) all.add(a);
        }
        closure.set(step, all);
        return all;
      };
      for (const step of direct.keys()) visit(step, new Set([step]));
      this.ancestors.set(e.path.slice(0, e.path.lastIndexOf('/')), closure);
    }
  }

  /** True when one of the two steps runs only after the other finished. */
  public ordered(workflow: string, a: string, b: string): boolean {
    const closure = this.ancestors.get(workflow);
    return !!closure && (closure.get(a)?.has(b) === true || closure.get(b)?.has(a) === true);
  }
}

/** Task names a DAG task waits for: `dependencies`, or the names in its `depends` expression. */
export function dependencyNames(task: Record<string, any>): string[] {
  if (Array.isArray(task.dependencies)) return task.dependencies;
  if (typeof task.depends !== 'string') return [];
  return [...new Set([...task.depends.matchAll(/([A-Za-z0-9][-A-Za-z0-9]*)(?:\.[A-Za-z]+)?/g)].map((m) => m[1]))];
}
