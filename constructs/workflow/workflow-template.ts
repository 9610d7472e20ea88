import { ApiObject, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkflowDefinition, WorkflowDefinitionProps } from './workflow-definition';
import { WorkflowTemplate } from '../imports/argoproj.io';

/** Properties for `ArgoWorkflowTemplate`. */
export interface ArgoWorkflowTemplateProps extends WorkflowDefinitionProps {}

/**
 * An Argo WorkflowTemplate: the same typed DAG as `ArgoWorkflow`, stored in the cluster and run
 * on demand (`argo submit --from workflowtemplate/<name>`) with its declared parameters.
 */
export class ArgoWorkflowTemplate extends WorkflowDefinition {
  /** The WorkflowTemplate object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoWorkflowTemplateProps) {
    super(scope, id, props);
    this.apiObject = new WorkflowTemplate(this, 'Resource', {
      metadata: { name: this.name },
      // WorkflowTemplateSpec is Argo's WorkflowSpec under another generated name: same fields and
      // JSON, so the shared spec renders through it unchanged (a test pins this).
      spec: Lazy.any({ produce: () => this.renderSpec() }),
    });
  }
}
