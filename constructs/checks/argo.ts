import type { ManifestEntry } from './manifest-entry';

/** Argo kinds that carry a workflow spec, and where. */
const WORKFLOW_SPECS: Readonly<Record<string, string>> = {
  'argoproj.io/Workflow': 'spec',
  'argoproj.io/WorkflowTemplate': 'spec',
  'argoproj.io/ClusterWorkflowTemplate': 'spec',
  'argoproj.io/CronWorkflow': 'spec.workflowSpec',
};

/** A resource template of a workflow: what it creates and how it waits. */
export interface ResourceStep {
  readonly entry: ManifestEntry;
  /** Template name. */
  readonly name: string;
  /** Field path of the template's `resource`, for messages. */
  readonly field: string;
  readonly resource: Record<string, any>;
  /** `group/Kind` of the manifest it creates, read from the manifest's top-level keys. */
  readonly groupKind: string | undefined;
}

/** The workflow spec of an Argo object (undefined for other kinds). */
export function workflowSpecOf(entry: ManifestEntry): { spec: Record<string, any>; field: string } | undefined {
  const apiVersion: string = entry.object.apiVersion ?? '';
  const field = WORKFLOW_SPECS[`${apiVersion.slice(0, apiVersion.lastIndexOf('/'))}/${entry.object.kind}`];
  if (!field) return undefined;
  const spec = field.split('.').reduce<any>((o, k) => o?.[k], entry.object);
  return spec ? { spec, field } : undefined;
}

/** `apiVersion`/`kind` of a manifest string (YAML or JSON) from its top-level keys, without parsing it all. */
export function manifestGroupKind(manifest: string): string | undefined {
  const apiVersion = /^\s*"?apiVersion"?\s*:\s*"?([^"\s,]+)"?/m.exec(manifest)?.[1];
  const kind = /^\s*"?kind"?\s*:\s*"?([^"\s,]+)"?/m.exec(manifest)?.[1];
  if (!apiVersion || !kind) return undefined;
  const slash = apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${kind}`;
}

/** Every resource template of an Argo workflow-like object. */
export function resourceSteps(entry: ManifestEntry): ResourceStep[] {
  const wf = workflowSpecOf(entry);
  if (!wf) return [];
  return (wf.spec.templates ?? []).flatMap((t: Record<string, any>, i: number) => (t.resource ? [{
    entry,
    name: t.name,
    field: `${wf.field}.templates[${i}].resource`,
    resource: t.resource,
    groupKind: typeof t.resource.manifest === 'string' ? manifestGroupKind(t.resource.manifest) : undefined,
  }] : []));
}
