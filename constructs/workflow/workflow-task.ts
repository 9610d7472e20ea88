import { Duration } from 'cdk8s';
import { ContainerSpec } from '../core/pod-template';
import { VolumeAttachment } from '../core/shared-volume';
import { IWorkflowResource } from '../core/workflow-resource';
import { NodePool } from '../cluster/node-pool';

/** Step memoization: Argo skips the step when a result for the same key is cached and fresh. */
export interface Memoization {
  /**
   * How long a cached result stays valid.
   */
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
   * Steps that must succeed first (objects, never names).
   * @default - none: the step starts with the workflow
   */
  readonly dependsOn?: readonly WorkflowTask[];
  /**
   * Input parameters and their values; templates reference them as `{{inputs.parameters.<name>}}`.
   * @default - none
   */
  readonly inputs?: Readonly<Record<string, string>>;
  /**
   * Retries on failure.
   * @default - no retry
   */
  readonly retries?: number;
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
  /** @default ResourceAction.CREATE */
  readonly action?: ResourceAction;
  /**
   * Delete the object when the workflow is deleted.
   * @default true
   */
  readonly setOwnerReference?: boolean;
}

/** A step of a workflow DAG; pass it to `dependsOn` of later steps. */
export class WorkflowTask {
  constructor(
    /** Task (and template) name. */
    public readonly name: string,
    /** The workflow construct path that owns it, for cross-workflow checks. */
    public readonly owner: object,
    public readonly dependencies: readonly WorkflowTask[],
  ) {}
}
