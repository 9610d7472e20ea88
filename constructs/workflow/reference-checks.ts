import { FanOut, ItemRef, parameterReferences, ParameterValue, TaskOutputArtifact, TaskOutputParameter, WorkflowParameter } from './workflow-io';
import { checkSameWorkflow, TaskOptions, WorkflowTask } from './workflow-task';
import { propError } from '../core/errors';

/** What the checks need from the workflow. */
export interface IParameterScope {
  readonly name: string;
  hasParameter(name: string): boolean;
}

/**
 * Checks, when a step is added, that everything it refers to exists and runs before it: steps of
 * the same workflow, outputs of its (transitive) dependencies, declared workflow parameters, its
 * own declared inputs and the fan-out item. `task` is undefined for the exit handler, which runs
 * outside the DAG and may read only literals and workflow parameters.
 */
export function checkReferences(workflow: IParameterScope, path: string, options: TaskOptions, task: WorkflowTask | undefined, text: string): void {
  for (const dep of [...(options.dependsOn ?? []), ...(options.depends?.tasks ?? [])]) checkSameWorkflow(path, workflow, dep);
  const inputs: Readonly<Record<string, ParameterValue>> = options.inputs ?? {};
  for (const [name, value] of Object.entries(inputs)) {
    checkValue(workflow, path, `inputs.${name}`, value, options.fanOut, task);
  }
  if (options.fanOut?.param) checkProducer(workflow, path, 'fanOut', options.fanOut.param, task);
  for (const [name, artifact] of Object.entries(options.inputArtifacts ?? {})) {
    if (!artifact.path.startsWith('/')) throw propError(path, `inputArtifacts.${name}.path`, artifact.path, 'use an absolute path');
    checkProducer(workflow, path, `inputArtifacts.${name}`, artifact.from, task);
  }
  for (const ref of parameterReferences(text)) {
    if (ref.kind === 'input' && !(ref.name in inputs)) {
      throw propError(path, 'inputs', ref.name, `the step's container refers to {{inputs.parameters.${ref.name}}} but the step declares no such input (declared: ${Object.keys(inputs).join(', ') || 'none'}); add it to inputs`);
    }
    if (ref.kind === 'workflow' && !workflow.hasParameter(ref.name)) {
      throw propError(path, 'parameters', ref.name, `the step refers to {{workflow.parameters.${ref.name}}} but workflow '${workflow.name}' declares no such parameter; declare it with addParameter`);
    }
    if (ref.kind === 'item') checkItem(path, ref.name || undefined, options.fanOut);
  }
}

function checkValue(workflow: IParameterScope, path: string, prop: string, value: ParameterValue, fanOut: FanOut | undefined, task: WorkflowTask | undefined): void {
  if (value instanceof TaskOutputParameter) checkProducer(workflow, path, prop, value, task);
  else if (value instanceof WorkflowParameter) {
    if (value.owner !== workflow || !workflow.hasParameter(value.name)) {
      throw propError(path, prop, value.name, `it is not a parameter declared by workflow '${workflow.name}'; declare it with addParameter on this workflow`);
    }
  } else if (value instanceof ItemRef) checkItem(path, value.field, fanOut);
}

/** A step may read another step's output only when it (transitively) depends on that step. */
function checkProducer(workflow: IParameterScope, path: string, prop: string, ref: TaskOutputParameter | TaskOutputArtifact, task: WorkflowTask | undefined): void {
  const producer = ref.task as WorkflowTask;
  checkSameWorkflow(path, workflow, producer);
  if (!task) {
    throw propError(path, prop, ref.toString(), 'the exit handler runs outside the DAG and cannot read step outputs; pass literals or workflow parameters');
  }
  if (!task.dependsOnTransitively(producer)) {
    throw propError(path, prop, ref.toString(), `step '${task.name}' reads an output of step '${producer.name}' but does not depend on it; add '${producer.name}' to dependsOn`);
  }
}

function checkItem(path: string, field: string | undefined, fanOut: FanOut | undefined): void {
  if (!fanOut) {
    throw propError(path, 'inputs', field ? `item.${field}` : 'item', 'the step refers to the fan-out item but does not fan out; set fanOut (FanOut.items or FanOut.fromOutput)');
  }
  const fields = fanOut.itemFields();
  if (field && fields && !fields.has(field)) {
    throw propError(path, 'inputs', `item.${field}`, `not every fan-out item has the field '${field}' (common fields: ${[...fields].join(', ') || 'none'})`);
  }
}
