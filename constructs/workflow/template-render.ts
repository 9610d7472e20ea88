import { createHash } from 'node:crypto';
import { ApiObject, Yaml } from 'cdk8s';
import { Depends } from './depends';
import { InputArtifact, ParameterValue, TaskOutputs } from './workflow-io';
import { ResourceAction, WorkflowTask } from './workflow-task';
import { WorkflowSpecTemplatesDagTasks, WorkflowSpecTemplatesInputs, WorkflowSpecTemplatesOutputs } from '../imports/argoproj.io';

/**
 * What Argo accepts as a memoization key: argo-workflows v4.0.5
 * `workflow/controller/cache/cache.go` cacheKeyRegex, checked on load and save
 * (`configmap_cache.go`: "invalid cache key"), which errors the step. No `_`, `.` or `/`.
 */
export const MEMO_KEY_PATTERN = /^[a-zA-Z0-9][-a-zA-Z0-9]*$/;

/**
 * A literal made key-safe: kept when Argo accepts it, else every other character becomes `-` and a
 * short hash of the original is appended, so two different literals never share a key.
 */
function keySafe(value: string): string {
  if (/^[-a-zA-Z0-9]*$/.test(value)) return value;
  return `${value.replace(/[^-a-zA-Z0-9]/g, '-')}-${createHash('sha256').update(value).digest('hex').slice(0, 8)}`;
}

/**
 * Memo key: step name plus every input parameter, so a change of input never hits a stale entry.
 * Literal inputs are known at synth and written into the key key-safe (`fashion_mnist` →
 * `fashion-mnist-<hash>`); references (`{{...}}`) are resolved by Argo at run time, and their
 * values must then be letters, digits and `-` (MEMO_KEY_PATTERN).
 */
export function memoKey(step: string, inputs: Readonly<Record<string, ParameterValue | unknown>> = {}): string {
  return [step, ...Object.keys(inputs).sort().map((name) => {
    const v = inputs[name];
    return typeof v === 'string' && !v.includes('{{') ? keySafe(v) : `{{inputs.parameters.${name}}}`;
  })].join('-');
}

/**
 * Why Argo would refuse `key` ('' when it would not): its literal text (outside `{{ }}`) must fit
 * MEMO_KEY_PATTERN, with the references standing for key-safe values.
 */
export function memoKeyProblem(key: string): string {
  const literal = key.replace(/\{\{[^}]*\}\}/g, 'x');
  return MEMO_KEY_PATTERN.test(literal)
    ? ''
    : `Argo accepts only memoization keys matching ${MEMO_KEY_PATTERN.source} (letters, digits and '-', starting with a letter or digit; argo-workflows v4.0.5 workflow/controller/cache/cache.go), else the step errors with "invalid cache key"`;
}

/**
 * The YAML an Argo resource step creates: the construct's own object. `create` steps get a
 * generated name so every run makes a fresh object; `apply` steps keep the name.
 */
export function embeddedManifest(obj: ApiObject, action: ResourceAction): string {
  const json = obj.toJson() as { metadata: Record<string, unknown> };
  if (action === ResourceAction.CREATE) {
    const { name, ...rest } = json.metadata;
    json.metadata = { generateName: `${String(name)}-`, ...rest };
  }
  return Yaml.stringify(json);
}

/** The template's `inputs`: declared parameters and artifacts (values come from the DAG task). */
export function renderInputs(inputs: Readonly<Record<string, ParameterValue>> = {}, artifacts: Readonly<Record<string, InputArtifact>> = {}): WorkflowSpecTemplatesInputs | undefined {
  const params = sortedKeys(inputs).map((name) => ({ name }));
  const arts = sortedKeys(artifacts).map((name) => ({ name, path: artifacts[name].path }));
  return params.length || arts.length ? { parameters: params.length ? params : undefined, artifacts: arts.length ? arts : undefined } : undefined;
}

/** The template's `outputs`. */
export function renderOutputs(outputs: TaskOutputs = {}): WorkflowSpecTemplatesOutputs | undefined {
  const params = sortedKeys(outputs.parameters ?? {}).map((name) => {
    const from = outputs.parameters![name];
    return { name, valueFrom: from.source === 'file' ? { path: from.value } : { jsonPath: from.value } };
  });
  const arts = sortedKeys(outputs.artifacts ?? {}).map((name) => ({ name, path: outputs.artifacts![name] }));
  return params.length || arts.length ? { parameters: params.length ? params : undefined, artifacts: arts.length ? arts : undefined } : undefined;
}

/** What a DAG task needs beyond the WorkflowTask itself. */
export interface DagEntry {
  readonly task: WorkflowTask;
  readonly inputs: Readonly<Record<string, ParameterValue>>;
  readonly inputArtifacts: Readonly<Record<string, InputArtifact>>;
}

/** One entry of the DAG: dependencies, arguments and fan-out, rendered at synth time. */
export function renderDagTask({ task, inputs, inputArtifacts }: DagEntry): WorkflowSpecTemplatesDagTasks {
  const params = sortedKeys(inputs).map((name) => ({ name, value: String(inputs[name]) }));
  const arts = sortedKeys(inputArtifacts).map((name) => ({ name, from: inputArtifacts[name].from.toString() }));
  return {
    name: task.name,
    template: task.name,
    depends: renderDepends(task),
    arguments: params.length || arts.length ? { parameters: params.length ? params : undefined, artifacts: arts.length ? arts : undefined } : undefined,
    withItems: task.fanOut?.items ? task.fanOut.items.map((i) => (typeof i === 'object' ? { ...i } : i)) : undefined,
    withParam: task.fanOut?.param?.toString(),
  };
}

/**
 * `depends` of a task: its expression, or the conjunction of its dependencies; dependencies
 * added later with `addDependency` are and-ed on.
 */
export function renderDepends(task: WorkflowTask): string | undefined {
  const expr = task.dependsExpression;
  const named = new Set(expr?.tasks ?? []);
  const extra = task.dependencies.filter((d) => !named.has(d)).map((d) => Depends.succeeded(d));
  const all = expr ? [expr, ...extra] : extra;
  return all.length ? Depends.all(...all).toString() : undefined;
}

function sortedKeys(record: Readonly<Record<string, unknown>>): string[] {
  return Object.keys(record).sort((a, b) => a.localeCompare(b));
}
