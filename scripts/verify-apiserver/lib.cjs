'use strict';
// Pure helpers for scripts/verify-apiserver/verify-apiserver.mjs.
// CommonJS so that both the ESM runner and jest (test/verify-apiserver/) can load it.
// Nothing in here starts processes or talks to the network. Options (args.cjs), the CRD index
// (crd-index.cjs), report formatting (report.cjs) and request paths / response parsing
// (server.cjs) live next door and are re-exported here.

const YAML = require('yaml');
const args = require('./args.cjs');
const crdIndex = require('./crd-index.cjs');
const report = require('./report.cjs');
const server = require('./server.cjs');

// API groups served by kube-apiserver v1.34 itself (no CRD needed). Used for the pre-flight
// check before the server is started; the server's discovery is authoritative afterwards.
const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

// Kinds that are reported but never applied: they point the apiserver at operator services
// that do not exist here, so writes or discovery would fail (or silently do nothing).
const NOT_APPLIED_KINDS = Object.freeze({
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
    'admission webhook configuration: the webhook service is not running here',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration':
    'admission webhook configuration: the webhook service is not running here',
  'apiregistration.k8s.io/APIService':
    'aggregated API: its backing service is not running here',
});

function splitApiVersion(apiVersion) {
  const s = String(apiVersion || '');
  const i = s.lastIndexOf('/');
  return i < 0 ? { group: '', version: s } : { group: s.slice(0, i), version: s.slice(i + 1) };
}

function groupKind(group, kind) {
  return `${group}/${kind}`;
}

function displayGroupKind(group, kind) {
  return group ? `${kind}.${group}` : kind;
}

function notAppliedReason(obj) {
  const { group } = splitApiVersion(obj.apiVersion);
  return NOT_APPLIED_KINDS[groupKind(group, obj.kind)];
}

/**
 * Turn the parsed documents of one chart file into object records.
 * docs: array of plain JS values (null for empty documents).
 */
function documentsToObjects(chartFile, docs) {
  const out = [];
  const errors = [];
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    const where = `${chartFile} document ${index + 1}`;
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push(`${where}: not a mapping`);
      return;
    }
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      errors.push(`${where}: kind List is not supported; emit the items as separate documents`);
      return;
    }
    const { group, version } = splitApiVersion(doc.apiVersion);
    const meta = doc.metadata || {};
    out.push({
      chart: chartFile,
      index: index + 1,
      apiVersion: doc.apiVersion,
      group,
      version,
      kind: doc.kind,
      name: meta.name,
      namespace: meta.namespace,
      body: doc,
    });
  });
  return { objects: out, errors };
}

function describe(o) {
  const ns = o.namespace ? `${o.namespace}/` : '';
  const name = o.name ?? (o.generateName ? `${o.generateName}*` : '<no name>');
  return `${displayGroupKind(o.group, o.kind)} ${ns}${name}`;
}

// ---------------------------------------------------------------------------------------------
// Which kinds need a CRD

/**
 * Decide for every group/kind in dist whether it is built in, needs a CRD (found) or is missing.
 * `objects` may include embedded manifests (records with `embeddedIn`, see extractEmbedded):
 * a missing CRD is then reported with the workflow steps that would create such objects.
 */
function resolveKinds(objects, crdIndex, builtinGroups = BUILTIN_GROUPS) {
  const needed = new Map(); // key -> crd info
  const missing = new Map(); // key -> { group, kind, versions:Set, charts:Set, count, embeddedIn:[] }
  for (const o of objects) {
    if (notAppliedReason(o)) continue;
    const key = groupKind(o.group, o.kind);
    if (builtinGroups.has(o.group)) continue;
    const crd = crdIndex.get(key);
    if (crd) {
      needed.set(key, crd);
      continue;
    }
    let m = missing.get(key);
    if (!m) {
      m = { group: o.group, kind: o.kind, versions: new Set(), charts: new Set(), count: 0, embeddedIn: [] };
      missing.set(key, m);
    }
    m.versions.add(o.version);
    if (o.embeddedIn) {
      m.embeddedIn.push(`${describeOwner(o.embeddedIn)} in ${o.chart}`);
    } else {
      m.charts.add(o.chart);
      m.count++;
    }
  }
  return { needed, missing };
}

function missingCrdMessage(m, crdsDir) {
  const where = [];
  if (m.count) where.push(`${m.count} object(s) in ${[...m.charts].sort().join(', ')}`);
  const embedded = m.embeddedIn || [];
  if (embedded.length) where.push(`${embedded.length} embedded in workflow steps: ${embedded.join(', ')}`);
  return `no CRD for kind ${m.kind} (apiVersion ${[...m.versions].map((v) => (m.group ? `${m.group}/${v}` : v)).join(', ')}) `
    + `in ${crdsDir}: ${where.join('; ')}`;
}

/** Why an object cannot be written because of its CRD (missing or not installed), or undefined. */
function crdProblem(o, missingMsgs, crdResults) {
  const key = groupKind(o.group, o.kind);
  if (missingMsgs.has(key)) return missingMsgs.get(key);
  const crdRes = crdResults.get(key);
  if (crdRes && !crdRes.ok) return crdRes.message;
  return undefined;
}

/** The served resource for an object's group/version/kind, or why there is none. */
function servedResource(o, byGvk, crdResults) {
  const res = byGvk.get(`${o.group}/${o.version}/${o.kind}`);
  if (res) return { res };
  const crdRes = crdResults.get(groupKind(o.group, o.kind));
  const served = [...byGvk.keys()].filter((k) => k.startsWith(`${o.group}/`) && k.endsWith(`/${o.kind}`)).map((k) => k.split('/').slice(-2, -1)[0]);
  return {
    reason: `apiVersion ${o.apiVersion} kind ${o.kind} is not served${served.length ? ` (served versions: ${served.join(', ')})` : ''}${crdRes ? ` by ${crdRes.crd.file}` : ''}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Ordering

// Roughly helm's install order: namespaces first, custom resources after the built-in kinds.
const KIND_ORDER = [
  'Namespace', 'PriorityClass', 'CustomResourceDefinition', 'StorageClass', 'PersistentVolume',
  'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'ConfigMap',
  'PersistentVolumeClaim', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service',
  'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job',
  'CronJob', 'Ingress',
];

function kindRank(o) {
  if (!BUILTIN_GROUPS.has(o.group)) return 500; // custom resources after built-ins
  const i = KIND_ORDER.indexOf(o.kind);
  return i < 0 ? 400 : i;
}

function sortForApply(objects) {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => kindRank(a.o) - kindRank(b.o) || a.i - b.i)
    .map((x) => x.o);
}

/** Namespace objects in dist whose Pod Security enforce level is not restricted. */
function namespacesNotRestricted(objects) {
  return objects
    .filter((o) => o.group === '' && o.kind === 'Namespace')
    .filter((o) => {
      const labels = (o.body.metadata && o.body.metadata.labels) || {};
      return labels['pod-security.kubernetes.io/enforce'] !== 'restricted';
    })
    .map((o) => o.name);
}
// ---------------------------------------------------------------------------------------------
// Manifests embedded in Argo workflow steps (`resource` templates)

const ARGO_GROUP = 'argoproj.io';

// Where each Argo kind keeps its templates.
const WORKFLOW_TEMPLATE_PATHS = Object.freeze({
  Workflow: ['spec', 'templates'],
  WorkflowTemplate: ['spec', 'templates'],
  ClusterWorkflowTemplate: ['spec', 'templates'],
  CronWorkflow: ['spec', 'workflowSpec', 'templates'],
});

// Resource-step actions whose manifest is a whole object the step writes. `patch` takes a partial
// object and `get`/`delete` only name one: their manifests are not checked.
const WRITE_ACTIONS = new Set(['create', 'apply', 'replace']);

// Argo expressions are substituted only when the step runs.
const ARGO_EXPRESSION = /\{\{[^}]*\}\}/;

/**
 * Namespace a step creates an embedded object in: the manifest's own metadata.namespace, else the
 * namespace of the embedding workflow object, else `default` (a ClusterWorkflowTemplate has none;
 * at run time it is the namespace of the Workflow that references it).
 */
function embeddedNamespace(manifest, owner) {
  const own = manifest && manifest.metadata && manifest.metadata.namespace;
  return own || (owner && owner.namespace) || 'default';
}

/** `Workflow ns/name template "train"` */
function describeOwner(owner) {
  const ns = owner.namespace ? `${owner.namespace}/` : '';
  return `${owner.kind} ${ns}${owner.name ?? '<no name>'} template "${owner.template}"`;
}

function describeEmbedded(e) {
  return `${describe(e)} (embedded in ${describeOwner(e.embeddedIn)})`;
}

function workflowTemplates(o) {
  const p = o.group === ARGO_GROUP && WORKFLOW_TEMPLATE_PATHS[o.kind];
  if (!p) return null;
  let v = o.body;
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
function extractEmbedded(o) {
  const out = { embedded: [], skipped: [], errors: [] };
  const found = workflowTemplates(o);
  if (!found) return out;
  const meta = (o.body && o.body.metadata) || {};
  for (const [i, t] of found.templates.entries()) {
    if (!t || typeof t !== 'object' || !t.resource || typeof t.resource !== 'object') continue;
    const action = t.resource.action;
    const embeddedIn = {
      kind: o.kind,
      name: meta.name,
      namespace: meta.namespace,
      template: t.name ?? `#${i}`,
      field: `${found.path}[${i}].resource.manifest`,
      action,
    };
    const where = `${o.chart} document ${o.index}: ${describeOwner(embeddedIn)} (${embeddedIn.field})`;
    const fail = (message) => out.errors.push({ chart: o.chart, index: o.index, embeddedIn, message: `${where}: ${message}` });
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
function extractAllEmbedded(objects) {
  const all = { embedded: [], skipped: [], errors: [] };
  for (const o of objects) {
    const r = extractEmbedded(o);
    for (const k of Object.keys(all)) all[k].push(...r[k]);
  }
  return all;
}

module.exports = {
  ...args,
  ...crdIndex,
  ...report,
  ...server,
  BUILTIN_GROUPS,
  NOT_APPLIED_KINDS,
  splitApiVersion,
  groupKind,
  displayGroupKind,
  notAppliedReason,
  documentsToObjects,
  describe,
  resolveKinds,
  missingCrdMessage,
  crdProblem,
  servedResource,
  sortForApply,
  namespacesNotRestricted,
  WORKFLOW_TEMPLATE_PATHS,
  WRITE_ACTIONS,
  embeddedNamespace,
  describeOwner,
  describeEmbedded,
  extractEmbedded,
  extractAllEmbedded,
};
