import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkflowDefinition, WorkflowDefinitionProps } from './workflow-definition';
import { Workflow } from '../imports/argoproj.io';

/** Properties for `ArgoWorkflow`. */
export interface ArgoWorkflowProps extends WorkflowDefinitionProps {}

/**
 * An Argo Workflow built as a typed DAG (the book's chapter 5 patterns): steps depend on step
 * objects, resource steps create the project's own constructs, and the pods' ServiceAccount gets
 * exactly the RBAC the steps need.
 *
 * Synchronous vs asynchronous steps:
 * - Synchronous (`dependsOn: [a, b, c]`, or a step after a fan-out): the next step waits until
 *   every branch has finished and succeeded. Simple and reproducible (model selection sees every
 *   model), but the slowest branch sets the pace and one failed branch stops the pipeline.
 * - Tolerant join (`depends: Depends.anySucceeded(fanOut)` or `Depends.any(...)`): still waits for
 *   every named branch to finish (Argo evaluates `depends` only then), but goes on when enough of
 *   them succeeded, so one bad model does not waste the others.
 * - Asynchronous (a step that depends on one branch only, or a resource step with
 *   `waitForCompletion: false`): later work starts as soon as its own input is ready, or right
 *   after the object is created. Faster end to end and uses idle capacity, but results arrive in
 *   any order, nothing downstream sees the outcome of a fire-and-forget object, and its failures
 *   do not fail the workflow.
 */
export class ArgoWorkflow extends WorkflowDefinition {
  /** The Workflow object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoWorkflowProps) {
    super(scope, id, props);
    this.apiObject = new Workflow(this, 'Resource', {
      metadata: { name: this.name },
      // Lazy: steps added after the constructor are part of the spec.
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }
}

export { memoKey, embeddedManifest } from './template-render';
