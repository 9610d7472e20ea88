// Manifests embedded in Argo workflow steps (`resource` templates): the objects a step creates at
// run time, extracted from Workflow, WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow
// objects (shared by verify:apiserver, which dry-run creates them, and verify:cluster, which
// creates the workloads among them).

import YAML from 'yaml';
import { describe, type EmbeddedOwner, type KubeObject, type ObjectRecord, splitApiVersion } from './objects';

const ARGO_GROUP = 'argoproj.io';

// Where each Argo kind keeps its templates.
export const WORKFLOW_TEMPLATE_PATHS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  Workflow: ['spec', 'templates'],
  WorkflowTemplate: ['spec', 'templates'],
  ClusterWorkflowTemplate: ['spec', 'templates'],
  CronWorkflow: ['spec', 'workflowSpec', 'templates'],
});

// Resource-step actions whose manifest is a whole object the step writes. `patch` takes a partial
// object and `get`/`delete` only name one: their manifests are not checked.
export const WRITE_ACTIONS = new Set<string | undefined>(['create', 'apply', 'replace']);

// Argo expressions are substituted only when the step runs.
const ARGO_EXPRESSION = /\{\{[^}]*\}\}/;

/**
 * Namespace a step creates an embedded object in: the manifest's own metadata.namespace, else the
 * namespace of the embedding workflow object, else `default` (a ClusterWorkflowTemplate has none;
 * at run time it is the namespace of the Workflow that references it).
 */
export function embeddedNamespace(manifest: KubeObject | undefined, owner: { namespace?: string } | undefined): string {
  const own = manifest?.metadata?.namespace;
  return own || (owner?.namespace) || 'default';
}

/** `Workflow ns/name template "train"` */
export function describeOwner(owner: EmbeddedOwner): string {
  const ns = owner.namespace ? `${owner.namespace}/` : '';
  return `${owner.kind} ${ns}${owner.name ?? '<no name>'} template "${owner.template}"`;
}

export function describeEmbedded(e: ObjectRecord): string {
  return `${describe(e)} (embedded in ${describeOwner(e.embeddedIn!)})`;
}

function workflowTemplates(o: ObjectRecord): { path: string; templates: any[] } | null {
  const p = o.group === ARGO_GROUP && WORKFLOW_TEMPLATE_PATHS[o.kind];
  if (!p) return null;
  let v: any = o.body;
  for (const k of p) v = v && typeof v === 'object' ? v[k] : undefined;
  return { path: p.join('.'), templates: Array.isArray(v) ? v : [] };
}

/**
 * The manifests embedded in `spec.templates[].resource.manifest` (CronWorkflow:
 * `spec.workflowSpec.templates[]`) of an Argo Workflow, WorkflowTemplate, ClusterWorkflowTemplate
 * or CronWorkflow object record (see documentsToObjects). Any other object has none.
 * Returns
 *   embedded: object records like documentsToObjects' (chart and index of the embedding object),
 *             plus generateName, `embeddedIn` { kind, name, namespace, template, field, action }
 *             and `expressions` (the manifest contains Argo {{...}} expressions); namespace is
 *             resolved with embeddedNamespace;
 *   skipped:  { chart, index, embeddedIn, reason } for steps whose manifest is not a whole object
 *             (patch/get/delete) or comes from an artifact (manifestFrom);
 *   errors:   { chart, index, embeddedIn, message } for manifests that are not one valid object.
 */
export interface SkippedStep {
  chart: string;
  index: number;
  embeddedIn: EmbeddedOwner;
  reason: string;
}

/** A manifest that is not one valid object; `kind` is absent (unlike ObjectRecord) so reports can tell. */
export interface UnreadableManifest {
  chart: string;
  index: number;
  embeddedIn: EmbeddedOwner;
  message: string;
  kind?: undefined;
}

export interface Extracted {
  embedded: ObjectRecord[];
  skipped: SkippedStep[];
  errors: UnreadableManifest[];
}

export function extractEmbedded(o: ObjectRecord): Extracted {
  const out: Extracted = { embedded: [], skipped: [], errors: [] };
  const found = workflowTemplates(o);
  if (!found) return out;
  const meta = (o.body?.metadata) || {};
  for (const [i, t] of found.templates.entries()) {
    if (!t || typeof t !== 'object' || !t.resource || typeof t.resource !== 'object') continue;
    const action = t.resource.action;
    const embeddedIn: EmbeddedOwner = {
      kind: o.kind,
      name: meta.name,
      namespace: meta.namespace,
      template: t.name ?? `#${i}`,
      field: `${found.path}[${i}].resource.manifest`,
      action,
    };
    const where = `${o.chart} document ${o.index}: ${describeOwner(embeddedIn)} (${embeddedIn.field})`;
    const fail = (message: string) => out.errors.push({ chart: o.chart, index: o.index, embeddedIn, message: `${where}: ${message}` });
    const { manifest } = t.resource;
    if (manifest === undefined || manifest === null) {
      const reason = t.resource.manifestFrom ? 'manifest comes from an artifact at run time (manifestFrom)' : 'no manifest';
      out.skipped.push({ chart: o.chart, index: o.index, embeddedIn, reason });
      continue;
    }
    if (typeof manifest !== 'string') { fail(`manifest must be a YAML string, got ${Array.isArray(manifest) ? 'a list' : typeof manifest}`); continue; }
    const docs = YAML.parseAllDocuments(manifest);
    const parseErrors = docs.flatMap((d) => d.errors.map((e) => e.message.split('\n')[0].replace(/:\s*$/, '')));
    if (parseErrors.length) { fail(`manifest is not valid YAML: ${parseErrors.join('; ')}`); continue; }
    const objs = docs.map((d) => d.toJS({ maxAliasCount: -1 })).filter((d) => d !== null && d !== undefined);
    if (objs.length !== 1) { fail(`manifest must hold exactly one object, found ${objs.length}`); continue; }
    const body = objs[0];
    if (typeof body !== 'object' || Array.isArray(body)) { fail('manifest is not a mapping'); continue; }
    if (!body.apiVersion || !body.kind) { fail('manifest has no apiVersion/kind'); continue; }
    if (!WRITE_ACTIONS.has(action)) {
      const what = action === 'patch' ? 'a patch, not a whole object' : 'only used to find an object';
      out.skipped.push({ chart: o.chart, index: o.index, embeddedIn, reason: `action ${action ?? '<none>'}: the manifest is ${what}` });
      continue;
    }
    const { group, version } = splitApiVersion(body.apiVersion);
    const bmeta = (body.metadata && typeof body.metadata === 'object') ? body.metadata : {};
    out.embedded.push({
      chart: o.chart,
      index: o.index,
      apiVersion: body.apiVersion,
      group,
      version,
      kind: body.kind,
      name: bmeta.name,
      generateName: bmeta.generateName,
      namespace: embeddedNamespace(body, meta),
      body,
      embeddedIn,
      expressions: ARGO_EXPRESSION.test(manifest),
    });
  }
  return out;
}

/** extractEmbedded over all objects, concatenated. */
export function extractAllEmbedded(objects: readonly ObjectRecord[]): Extracted {
  const all: Extracted = { embedded: [], skipped: [], errors: [] };
  for (const o of objects) {
    const r = extractEmbedded(o);
    all.embedded.push(...r.embedded);
    all.skipped.push(...r.skipped);
    all.errors.push(...r.errors);
  }
  return all;
}

