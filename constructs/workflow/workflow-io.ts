import { propError } from '../core/errors';
import { arrayOf, either, instanceOf, requireValue } from '../core/required-props';

/**
 * Typed references to values a step reads: another step's output, a workflow parameter, the
 * current fan-out item. They render to Argo `{{...}}` expressions, but because they are objects
 * the builder can check, at construction, that what they refer to exists and runs first.
 */
export abstract class ParameterRef {
  /** The expression inside `{{ }}`, e.g. `tasks.prep.outputs.parameters.path`. */
  public abstract readonly expression: string;

  /** The Argo template expression (`{{...}}`), usable inside commands and env values. */
  public toString(): string {
    return `{{${this.expression}}}`;
  }
}

/** What `ParameterRef`s to task outputs need from a task (kept minimal to avoid an import cycle). */
export interface ITaskRef {
  readonly name: string;
  /** Construct path of the step, for error messages. */
  readonly path: string;
  /** True when the task runs once per item (withItems / withParam). */
  readonly fansOut: boolean;
  /** The workflow the task belongs to. */
  readonly owner: object;
}

/** An output parameter of a step: `{{tasks.<step>.outputs.parameters.<name>}}`. */
export class TaskOutputParameter extends ParameterRef {
  /** @internal */
  constructor(
    public readonly task: ITaskRef,
    public readonly name: string,
    /** True for the fan-in form: the JSON list of every iteration's value. */
    public readonly aggregated: boolean,
  ) {
    super();
  }

  public get expression(): string {
    return `tasks.${this.task.name}.outputs.parameters.${this.name}`;
  }
}

/** An output artifact of a step, consumed by later steps as an input artifact. */
export class TaskOutputArtifact {
  /** @internal */
  constructor(public readonly task: ITaskRef, public readonly name: string) {}

  public toString(): string {
    return `{{tasks.${this.task.name}.outputs.artifacts.${this.name}}}`;
  }
}

/** A parameter of the whole workflow (`spec.arguments`), set at submit time or by a CronWorkflow. */
export class WorkflowParameter extends ParameterRef {
  /** @internal */
  constructor(public readonly owner: object, public readonly name: string) {
    super();
  }

  public get expression(): string {
    return `workflow.parameters.${this.name}`;
  }
}

/** The current item of a fanned-out step (`{{item}}` or `{{item.<field>}}`). */
export class ItemRef extends ParameterRef {
  /** The whole item. */
  public static value(): ItemRef {
    return new ItemRef(undefined);
  }

  /** One field of an object item. */
  public static field(field: string): ItemRef {
    requireValue('ItemRef', 'field', field, 'string');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(field)) throw propError('ItemRef', 'field', field, 'use an identifier (letters, digits, _)');
    return new ItemRef(field);
  }

  private constructor(public readonly field: string | undefined) {
    super();
  }

  public get expression(): string {
    return this.field ? `item.${this.field}` : 'item';
  }
}

/** A value of a step input: a literal, or a reference the builder checks. */
export type ParameterValue = string | ParameterRef;

/** One item of a static fan-out list: a scalar or a flat object of scalars. */
export type FanOutItem = string | number | Readonly<Record<string, string | number>>;

/**
 * Runs one step once per item (the fan-out half of fan-out/fan-in). Argo starts the iterations
 * in parallel, up to the workflow's `parallelism`.
 */
export class FanOut {
  /** A list known at synth time (`withItems`). */
  public static items(items: readonly FanOutItem[]): FanOut {
    requireValue('FanOut', 'items', items, arrayOf(either('a string, a number or a map of them', 'string', 'number', 'object')));
    if (items.length === 0) throw propError('FanOut', 'items', items, 'give at least one item');
    return new FanOut(items, undefined);
  }

  /** A JSON list another step writes to an output parameter (`withParam`), known only at run time. */
  public static fromOutput(output: TaskOutputParameter): FanOut {
    requireValue('FanOut', 'output', output, instanceOf(TaskOutputParameter, "step.output('name') of a step that declares it"));
    return new FanOut(undefined, output);
  }

  private constructor(
    public readonly items: readonly FanOutItem[] | undefined,
    public readonly param: TaskOutputParameter | undefined,
  ) {}

  /** Fields every item has, when items are static objects; undefined when not knowable. */
  public itemFields(): ReadonlySet<string> | undefined {
    if (!this.items) return undefined;
    const objects = this.items.filter((i): i is Readonly<Record<string, string | number>> => typeof i === 'object');
    if (objects.length !== this.items.length) return new Set();
    const [first, ...rest] = objects.map((o) => new Set(Object.keys(o)));
    return new Set([...first].filter((k) => rest.every((s) => s.has(k))));
  }
}

/** Where a step's output parameter comes from. */
export class OutputFrom {
  /** The content of a file the container writes (container steps). */
  public static file(path: string): OutputFrom {
    requireValue('OutputFrom', 'path', path, 'string');
    if (!path.startsWith('/')) throw propError('OutputFrom', 'path', path, 'use an absolute path');
    return new OutputFrom('file', path);
  }

  /** A JSONPath into the object a resource step created, e.g. `{.metadata.name}` (resource steps). */
  public static jsonPath(jsonPath: string): OutputFrom {
    requireValue('OutputFrom', 'jsonPath', jsonPath, 'string');
    if (!/^\{.+\}$/.test(jsonPath)) throw propError('OutputFrom', 'jsonPath', jsonPath, 'use a kubectl JSONPath such as "{.metadata.name}"');
    return new OutputFrom('jsonPath', jsonPath);
  }

  private constructor(public readonly source: 'file' | 'jsonPath', public readonly value: string) {}
}

/** A step's declared outputs; later steps can only read outputs declared here. */
export interface TaskOutputs {
  /**
   * Output parameters by name.
   * @default - none
   */
  readonly parameters?: Readonly<Record<string, OutputFrom>>;
  /**
   * Output artifacts by name: the path the container writes them to (container steps only;
   * stored in the artifact repository the controller or the workflow configures).
   * @default - none
   */
  readonly artifacts?: Readonly<Record<string, string>>;
}

/** An input artifact: another step's output artifact, placed at `path` before the step starts. */
export interface InputArtifact {
  readonly from: TaskOutputArtifact;
  /** Absolute path in the container. */
  readonly path: string;
}

/** Variables Argo offers to every template, for exit handlers and notifications. */
export const WorkflowVariables = {
  /** `Succeeded`, `Failed` or `Error`, in the exit handler. */
  STATUS: '{{workflow.status}}',
  NAME: '{{workflow.name}}',
  /** JSON list of the failed steps, in the exit handler. */
  FAILURES: '{{workflow.failures}}',
} as const;

const PARAM_PATTERN = /\{\{\s*(inputs\.parameters|workflow\.parameters)\.([A-Za-z0-9_.-]+)\s*\}\}|\{\{\s*item(?:\.([A-Za-z0-9_]+))?\s*\}\}/g;

/** Every `{{inputs.parameters.x}}`, `{{workflow.parameters.x}}` and `{{item[.f]}}` in `text`. */
export function parameterReferences(text: string): { kind: 'input' | 'workflow' | 'item'; name: string }[] {
  const out: { kind: 'input' | 'workflow' | 'item'; name: string }[] = [];
  for (const m of text.matchAll(PARAM_PATTERN)) {
    if (m[1] === 'inputs.parameters') out.push({ kind: 'input', name: m[2] });
    else if (m[1] === 'workflow.parameters') out.push({ kind: 'workflow', name: m[2] });
    else out.push({ kind: 'item', name: m[3] ?? '' });
  }
  return out;
}

/** `{{inputs.parameters.<name>}}`: how a step's command refers to its own input. */
export function inputParameter(name: string): string {
  return `{{inputs.parameters.${name}}}`;
}
