import { propError } from '../core/errors';
import { arrayOf, instanceOf, like, requireValue } from '../core/required-props';
import { ITaskRef } from './workflow-io';

/**
 * An Argo `depends` expression over step objects. Argo evaluates it only once every step it
 * names has finished, so it decides *whether* a step runs (e.g. "if any branch succeeded"), not
 * *when*: a step that should start before its siblings finish must not name them at all.
 * @see https://argo-workflows.readthedocs.io/en/latest/enhanced-depends-logic/
 */
export class Depends {
  /** The step succeeded (for a fanned-out step: every iteration succeeded). */
  public static succeeded(task: ITaskRef): Depends {
    requireValue({ kind: 'Depends', path: 'succeeded' }, 'task', task, STEP);
    return new Depends(`${task.name}.Succeeded`, [task]);
  }

  /** The step failed. */
  public static failed(task: ITaskRef): Depends {
    requireValue({ kind: 'Depends', path: 'failed' }, 'task', task, STEP);
    return new Depends(`${task.name}.Failed`, [task]);
  }

  /** The step finished, successfully or not (Succeeded, Failed or Errored). */
  public static completed(task: ITaskRef): Depends {
    requireValue({ kind: 'Depends', path: 'completed' }, 'task', task, STEP);
    return new Depends(`(${task.name}.Succeeded || ${task.name}.Failed || ${task.name}.Errored)`, [task]);
  }

  /** At least one iteration of a fanned-out step succeeded: tolerant fan-in. */
  public static anySucceeded(task: ITaskRef): Depends {
    requireValue({ kind: 'Depends', path: 'anySucceeded' }, 'task', task, STEP);
    Depends.requireFanOut(task, 'anySucceeded');
    return new Depends(`${task.name}.AnySucceeded`, [task]);
  }

  /** Every iteration of a fanned-out step failed: fallback branch. */
  public static allFailed(task: ITaskRef): Depends {
    requireValue({ kind: 'Depends', path: 'allFailed' }, 'task', task, STEP);
    Depends.requireFanOut(task, 'allFailed');
    return new Depends(`${task.name}.AllFailed`, [task]);
  }

  /** Every expression holds. */
  public static all(...terms: readonly Depends[]): Depends {
    return Depends.join(' && ', terms, 'all');
  }

  /** At least one expression holds. */
  public static any(...terms: readonly Depends[]): Depends {
    return Depends.join(' || ', terms, 'any');
  }

  private static join(op: string, terms: readonly Depends[], prop: string): Depends {
    requireValue({ kind: 'Depends', path: prop }, 'terms', terms, arrayOf(instanceOf(Depends, 'Depends.succeeded(step), ...')));
    if (terms.length === 0) throw propError('Depends', prop, terms, 'give at least one term');
    if (terms.length === 1) return terms[0];
    return new Depends(`(${terms.map((t) => t.expression).join(op)})`, terms.flatMap((t) => t.tasks));
  }

  private static requireFanOut(task: ITaskRef, prop: string): void {
    if (!task.fansOut) {
      throw propError(task.path, prop, task.name, 'the step does not fan out (no withItems/withParam); use Depends.succeeded for a single step');
    }
  }

  private constructor(
    /** The expression as Argo reads it. */
    public readonly expression: string,
    /** Every step the expression names. */
    public readonly tasks: readonly ITaskRef[],
  ) {}

  /** The expression without redundant outer parentheses. */
  public toString(): string {
    const e = this.expression;
    return e.startsWith('(') && e.endsWith(')') && balanced(e.slice(1, -1)) ? e.slice(1, -1) : e;
  }
}

function balanced(s: string): boolean {
  let depth = 0;
  for (const ch of s) {
    depth += ch === '(' ? 1 : ch === ')' ? -1 : 0;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** What a Depends term names: a step of a workflow. */
const STEP = like<ITaskRef>({ name: 'string', path: 'string', owner: 'object' }, 'a step (the WorkflowTask addContainerTask or addResourceTask returned)');
