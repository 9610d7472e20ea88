import { ApiObject, Duration } from 'cdk8s';
import { Depends } from './depends';
import { RetryBackoff, RetryOptions, RetryPolicy } from './retry';
import {
  FanOut, InputArtifact, ITaskRef, OutputFrom, ParameterRef, ParameterValue, TaskOutputArtifact, TaskOutputParameter, TaskOutputs,
} from './workflow-io';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { propError } from '../core/errors';
import { ContainerSpec } from '../core/pod-template';
import { CONTAINER_SPEC, DURATION, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { arrayOf, either, instanceOf, like, oneOf, optional, PropChecks, recordOf, shape } from '../core/required-props';
import { VolumeAttachment } from '../core/volume-types';
import { IWorkflowResource } from '../core/workflow-resource';

/** Step memoization: Argo skips the step when a result for the same key is cached and fresh. */
export interface Memoization {
  /** How long a cached result stays valid. */
  readonly maxAge: Duration;
  /**
   * Cache key.
   * @default - derived from the step name and every input parameter, so different inputs never share a result
   */
  readonly key?: string;
}

/** Options shared by every step. */
export interface TaskOptions {
  /**
   * Steps that must all succeed first: the synchronous join (objects, never names).
   * @default - none: the step starts with the workflow (unless `depends` is given)
   */
  readonly dependsOn?: readonly WorkflowTask[];
  /**
   * A `depends` expression instead of `dependsOn`, e.g. `Depends.anySucceeded(trainAll)` to go on
   * when enough branches succeeded. Cannot be combined with `dependsOn`.
   * @default - the conjunction of `dependsOn`
   */
  readonly depends?: Depends;
  /**
   * Input parameters and their values; templates read them as `{{inputs.parameters.<name>}}`
   * (see `inputParameter`). Values may be references to other steps' outputs, workflow
   * parameters or the fan-out item.
   * @default - none
   */
  readonly inputs?: Readonly<Record<string, ParameterValue>>;
  /**
   * Input artifacts by name (another step's output artifact and where to put it).
   * @default - none
   */
  readonly inputArtifacts?: Readonly<Record<string, InputArtifact>>;
  /**
   * Outputs later steps may read; reading an undeclared output is an error.
   * @default - none
   */
  readonly outputs?: TaskOutputs;
  /**
   * Run the step once per item (fan-out). Refer to the item with `ItemRef`.
   * @default - the step runs once
   */
  readonly fanOut?: FanOut;
  /**
   * Retries with optional exponential backoff.
   * @default - no retry
   */
  readonly retry?: RetryOptions;
  /**
   * Fail the step (each attempt) after this long.
   * @default - no deadline beyond the workflow's
   */
  readonly timeout?: Duration;
}

/** A step that runs a container. */
export interface ContainerTaskOptions extends TaskOptions {
  readonly container: ContainerSpec;
  /** @default - the workflow's pool */
  readonly pool?: NodePool;
  /** @default - the workflow's volumes */
  readonly volumes?: readonly VolumeAttachment[];
  /** @default - not memoized */
  readonly memoize?: Memoization;
  /**
   * The step downloads (a dataset, a model): HTTPS egress to the internet for this step's pods only.
   * @default false
   */
  readonly internetEgress?: boolean;
}

/** What a resource step does with its object. */
export enum ResourceAction {
  /** Create a new object each run (the object gets a generated name). */
  CREATE = 'create',
  /** Create or update the named object (idempotent across runs). */
  APPLY = 'apply',
}

/** A step that creates one of the project's constructs (TFJob, InferenceService, ...). */
export interface ResourceTaskOptions extends TaskOptions {
  /** The construct whose synthesized object the step creates; build it in `workflow.manifests`. */
  readonly resource: IWorkflowResource;
  /**
   * What the step does with the construct's objects. An object that runs to completion (a Job,
   * TrainJob, TFJob, ...) is created afresh each run whatever this says, so a re-run never takes an
   * earlier run's finished object for its own; `APPLY` keeps the names of the rest (a runtime, a
   * ConfigMap, a Deployment) stable across runs.
   * @default - `APPLY` when the construct deploys several objects (they refer to each other by name), else `CREATE`
   */
  readonly action?: ResourceAction;
  /**
   * Delete the object when the workflow is deleted.
   * @default - true, except for serving (InferenceService, Deployment, StatefulSet, Service), which outlives its run
   */
  readonly setOwnerReference?: boolean;
  /**
   * Wait for the resource's success or failure condition. `false` makes a fire-and-forget step:
   * it succeeds once the object exists, and the workflow moves on while the object runs.
   * @default true
   */
  readonly waitForCompletion?: boolean;
}

/** Exit handler: a container that runs after the DAG, whatever its outcome. */
export type ExitHandlerOptions = Omit<ContainerTaskOptions, 'dependsOn' | 'depends' | 'fanOut' | 'memoize' | 'inputArtifacts' | 'outputs'>;

/**
 * A step of a workflow DAG: pass it to `dependsOn`/`Depends` of later steps, read its declared
 * outputs with `output()`, `aggregatedOutput()` (fan-in) and `outputArtifact()`.
 */
export class WorkflowTask implements ITaskRef {
  private readonly deps: WorkflowTask[];

  /** @internal */
  constructor(
    /** Task (and template) name. */
    public readonly name: string,
    /** Construct path of the step, for messages. */
    public readonly path: string,
    /** The workflow that owns it, for cross-workflow checks. */
    public readonly owner: object,
    dependencies: readonly WorkflowTask[],
    /** The `depends` expression, when not a plain conjunction. */
    public readonly dependsExpression: Depends | undefined,
    /** How the step fans out. */
    public readonly fanOut: FanOut | undefined,
    private readonly outputs: TaskOutputs,
  ) {
    this.deps = [...dependencies];
  }

  /** True when the step runs once per item. */
  public get fansOut(): boolean {
    return this.fanOut !== undefined;
  }

  /** Steps this one waits for. */
  public get dependencies(): readonly WorkflowTask[] {
    return this.deps;
  }

  /** An output parameter of this step (for a fanned-out step, use `aggregatedOutput`). */
  public output(name: string): TaskOutputParameter {
    this.requireOutput('parameters', name);
    if (this.fansOut) {
      throw propError(this.path, 'output', name, `step '${this.name}' fans out, so it has one '${name}' per item; use aggregatedOutput('${name}') to fan in`);
    }
    return new TaskOutputParameter(this, name, false);
  }

  /** Fan-in: the JSON list of `name` from every iteration of this fanned-out step. */
  public aggregatedOutput(name: string): TaskOutputParameter {
    this.requireOutput('parameters', name);
    if (!this.fansOut) {
      throw propError(this.path, 'aggregatedOutput', name, `step '${this.name}' does not fan out (no withItems/withParam); use output('${name}')`);
    }
    return new TaskOutputParameter(this, name, true);
  }

  /** An output artifact of this step. */
  public outputArtifact(name: string): TaskOutputArtifact {
    this.requireOutput('artifacts', name);
    return new TaskOutputArtifact(this, name);
  }

  /** Adds dependencies after creation; refuses steps of other workflows and cycles. */
  public addDependency(...tasks: readonly WorkflowTask[]): void {
    for (const dep of tasks) {
      checkSameWorkflow(this.path, this.owner, dep);
      if (dep === this || dep.dependsOnTransitively(this)) {
        const cycle = dep === this ? [this, this] : [this, dep, ...pathBetween(dep, this)];
        throw propError(this.path, 'dependsOn', dep.name, `it would create a dependency cycle (${cycle.map((t) => t.name).join(' -> ')}); steps must form a DAG`);
      }
      if (!this.deps.includes(dep)) this.deps.push(dep);
    }
  }

  /** True when `other` is a (transitive) dependency of this step. */
  public dependsOnTransitively(other: WorkflowTask): boolean {
    return pathBetween(this, other).length > 0;
  }

  private requireOutput(kind: 'parameters' | 'artifacts', name: string): void {
    const declared = Object.keys(this.outputs[kind] ?? {});
    if (!declared.includes(name)) {
      const what = kind === 'parameters' ? 'output parameter' : 'output artifact';
      throw propError(this.path, `outputs.${kind}`, name, `step '${this.name}' declares no ${what} '${name}' (declared: ${declared.join(', ') || 'none'}); declare it in the step's outputs`);
    }
  }
}

/** Throws unless `dep` belongs to `owner`. */
export function checkSameWorkflow(path: string, owner: object, dep: ITaskRef): void {
  if (dep.owner !== owner) {
    throw propError(path, 'dependsOn', dep.name, `that step belongs to another workflow (${dep.path}); depend only on steps of the same workflow`);
  }
}

/** Dependency chain from `from` down to `to` (excluding `from`), or [] when unreachable. */
function pathBetween(from: WorkflowTask, to: WorkflowTask): WorkflowTask[] {
  const seen = new Set<WorkflowTask>();
  const walk = (t: WorkflowTask): WorkflowTask[] | undefined => {
    for (const d of t.dependencies) {
      if (d === to) return [d];
      if (seen.has(d)) continue;
      seen.add(d);
      const rest = walk(d);
      if (rest) return [d, ...rest];
    }
    return undefined;
  };
  return walk(from) ?? [];
}

// Run-time checks of step options (after WorkflowTask: the tables name the class).
const TASK_CHECKS: PropChecks<TaskOptions> = {
  dependsOn: optional(arrayOf(instanceOf(WorkflowTask, 'a step returned by addContainerTask or addResourceTask'))),
  depends: optional(instanceOf(Depends, 'Depends.succeeded(step), Depends.anySucceeded(fanOut), Depends.all(...), ...')),
  inputs: optional(recordOf(either('a string or a parameter reference (step.output(name), workflow.addParameter(name), ItemRef...)', 'string', ParameterRef))),
  inputArtifacts: optional(recordOf(shape<InputArtifact>({ from: instanceOf(TaskOutputArtifact, 'step.outputArtifact(name)'), path: 'string' }, 'an input artifact ({ from, path })'))),
  outputs: optional(shape<TaskOutputs>({
    parameters: optional(recordOf(instanceOf(OutputFrom, "OutputFrom.file('/path') or OutputFrom.jsonPath('{.status...}')"))),
    artifacts: optional(recordOf('string')),
  }, 'outputs ({ parameters, artifacts })')),
  fanOut: optional(instanceOf(FanOut, 'FanOut.items([...]) or FanOut.fromOutput(step.output(name))')),
  retry: optional(shape<RetryOptions>({
    limit: 'number',
    policy: optional(oneOf(RetryPolicy, 'RetryPolicy')),
    backoff: optional(shape<RetryBackoff>({ initial: DURATION, factor: optional('number'), maxDuration: optional(DURATION) }, 'a backoff ({ initial, factor, maxDuration })')),
  }, 'retry options ({ limit, policy, backoff })')),
  timeout: optional(DURATION),
};

/** Run-time checks of `addContainerTask` options. */
export const CONTAINER_TASK_CHECKS: PropChecks<ContainerTaskOptions> = {
  ...TASK_CHECKS,
  container: CONTAINER_SPEC,
  pool: optional(NODE_POOL),
  volumes: optional(VOLUME_ATTACHMENTS),
  memoize: optional(shape<Memoization>({ maxAge: DURATION, key: optional('string') }, 'memoization ({ maxAge, key })')),
  internetEgress: optional('boolean'),
};

/** Run-time checks of `addResourceTask` options. */
export const RESOURCE_TASK_CHECKS: PropChecks<ResourceTaskOptions> = {
  ...TASK_CHECKS,
  resource: like<IWorkflowResource>({ apiObject: instanceOf(ApiObject), node: 'object' },
    "a construct built in the workflow's manifests scope (a training job, InferenceService, ingestion job, ...)"),
  action: optional(oneOf(ResourceAction, 'ResourceAction')),
  setOwnerReference: optional('boolean'),
  waitForCompletion: optional('boolean'),
};

/** Run-time checks of `addExitHandler` options. */
export const EXIT_HANDLER_CHECKS: PropChecks<ExitHandlerOptions> = {
  inputs: TASK_CHECKS.inputs,
  retry: TASK_CHECKS.retry,
  timeout: TASK_CHECKS.timeout,
  container: CONTAINER_SPEC,
  pool: optional(NODE_POOL),
  volumes: optional(VOLUME_ATTACHMENTS),
  internetEgress: optional('boolean'),
};
