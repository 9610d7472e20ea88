import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { apiGroupOf } from './api-groups';

/**
 * A construct a workflow step can create (Argo `resource` template): its single primary object,
 * plus the conditions that tell Argo when that object has succeeded or failed. Each kind derives
 * its own conditions (a TFJob from its worker count, an InferenceService from its model status).
 */
export interface IWorkflowResource extends IConstruct {
  /** The object the step creates: the construct's own synthesized manifest. */
  readonly apiObject: ApiObject;
  /** Argo `successCondition` for this object. @default - the step succeeds once the object is created */
  readonly successCondition?: string;
  /** Argo `failureCondition` for this object. @default - none */
  readonly failureCondition?: string;
}

/** Group and plural resource name of a kind, for RBAC rules. */
export interface ResourceKind {
  readonly apiGroup: string;
  readonly resource: string;
}

/** Group and plural of an ApiObject (lower-case kind + "s", the convention of every kind we emit). */
export function resourceKindOf(obj: ApiObject): ResourceKind {
  const apiGroup = apiGroupOf(obj.apiVersion);
  const kind = obj.kind.toLowerCase();
  return { apiGroup, resource: kind.endsWith('s') ? `${kind}es` : kind.endsWith('y') ? `${kind.slice(0, -1)}ies` : `${kind}s` };
}

/** Which workflow step embeds an object: recorded by the workflow, read by the semantic checks. */
const embeddingStep = new WeakMap<ApiObject, string>();

/** Records that the resource step `step` creates `obj` (the first step that does wins). */
export function recordEmbeddingStep(obj: ApiObject, step: string): void {
  if (!embeddingStep.has(obj)) embeddingStep.set(obj, step);
}

/** The workflow step that creates `obj`, when it is embedded in one. */
export function embeddingStepOf(obj: ApiObject): string | undefined {
  return embeddingStep.get(obj);
}
