import { ApiObject, Yaml } from 'cdk8s';
import { Depends } from './depends';
import { InputArtifact, ParameterValue, TaskOutputs } from './workflow-io';
import { ResourceAction, WorkflowTask } from './workflow-task';
import { WorkflowSpecTemplatesDagTasks, WorkflowSpecTemplatesInputs, WorkflowSpecTemplatesOutputs } from '../imports/argoproj.io';

/** Memo key: step name plus every input parameter, so a change of input never hits a stale entry. */
export function memoKey(step: string, inputs: Readonly<Record<string, unknown>> = {}): string {
  return [step, ...Object.keys(inputs).sort().map((name) => `{{inputs.parameters.${name}}}`)].join('-');
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
