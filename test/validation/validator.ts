/**
 * Schema validation harness for generated Kubernetes manifests.
 *
 * - Core kinds are validated against a subset of the OpenAPI (swagger 2.0) definitions of the
 *   Kubernetes release constructs/core/versions.ts pins, committed as
 *   `k8s-v<KUBERNETES_VERSION>.schema.json` (regenerate with `npm run import:k8s-schema`).
 * - Custom resources are validated against the `openAPIV3Schema` of the served version in the
 *   upstream CRD YAML files under `../shared/crds/<group>/*.yaml` (override with MLP_CRDS_DIR).
 *
 * Both are converted to plain JSON Schema (draft-07) for ajv, mimicking what the apiserver does:
 * unknown fields are rejected (as with server-side field validation `Strict`), required fields,
 * types, enums, patterns, bounds and list-map key uniqueness (CRDs) are checked.
 * NOT evaluated: CEL rules (`x-kubernetes-validations`), defaulting, and the hand-written Go
 * validation of core kinds (name formats, cross-field rules, immutable fields, ...).
 *
 * Compiled validators are cached in-process per apiVersion/kind and compiled lazily, only for the
 * kinds actually validated. Parsed + converted CRD schemas are additionally cached on disk in
 * `<repo>/.cache/validators/` (keyed by a hash of the CRD file), because parsing the multi-MB
 * Argo / KServe CRD YAMLs costs far more than compiling them.
 *
 * Module layout (this file keeps the public API, per-object validation and the compiled-validator
 * cache):
 * - ajv-keywords.ts   custom formats and the list-map-keys keyword
 * - ajv-setup.ts      the ajv instance
 * - k8s-schema.ts     core (swagger 2.0) schema loading / conversion
 * - crd-schema.ts     CRD openAPIV3Schema conversion
 * - schema-dedupe.ts  sub-schema de-duplication
 * - crd-discovery.ts  CRD directory + cheap header index
 * - crd-loader.ts     CRD parse/convert + disk cache, registered CRDs, lookup
 * - ajv-errors.ts     ajv errors -> violations
 */
import { ValidateFunction } from 'ajv';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { convertErrors, jsonType } from './ajv-errors';
import { ajv, loadedAjv } from './ajv-setup';
import { crdIndex } from './crd-discovery';
import { addRegisteredCrd, findCrd, registeredCrdList } from './crd-loader';
import { K8S_ID, k8sSpec } from './k8s-schema';
import { isPlainObject } from './schema-types';

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

export interface ManifestFile {
  file: string;
  objects: unknown[];
}

export interface SchemaViolation {
  /** the manifest file (as given by the caller) */
  file: string;
  /** e.g. "TFJob default/cnn", "Namespace ml", "<document 3>" */
  object: string;
  /** JSON pointer into the object, e.g. /spec/tfReplicaSpecs/Worker/replicas ("" = whole object) */
  path: string;
  reason: string;
}

/** Validate the objects of one manifest file. Never throws for bad input; returns violations. */
export function validateObjects(file: string, objects: unknown[]): SchemaViolation[] {
  const out: SchemaViolation[] = [];
  objects.forEach((obj, index) => {
    out.push(...validateOne(file, obj, index));
  });
  return out;
}

export function validateFiles(files: ManifestFile[]): SchemaViolation[] {
  return files.flatMap((f) => validateObjects(f.file, f.objects));
}

/**
 * Read every `*.yaml` / `*.yml` file directly in `dir` (sorted, not recursive), multi-document.
 * Empty documents are skipped. `file` is the path relative to `dir`.
 * A YAML syntax error throws (the manifests are machine-generated, so that is a bug).
 */
export function loadDist(dir: string): ManifestFile[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(dir, f), 'utf8');
      const objects: unknown[] = [];
      for (const doc of parseAllDocuments(text)) {
        if (doc.errors.length > 0) {
          throw new Error(`${f}: YAML error: ${doc.errors[0].message}`);
        }
        const value: unknown = doc.toJS();
        if (value !== null && value !== undefined) objects.push(value);
      }
      return { file: f, objects };
    });
}

/** One line per violation: `file: Kind ns/name: /json/path: reason`. */
export function formatViolations(v: SchemaViolation[]): string {
  return v.map((x) => `${x.file}: ${x.object}: ${x.path === '' ? '/' : x.path}: ${x.reason}`).join('\n');
}

/** "apiVersion/kind" pairs with a schema (core subset + served versions of the CRDs), sorted. */
export function knownKinds(): string[] {
  const kinds = new Set<string>(Object.keys(k8sSpec().gvk));
  for (const c of crdIndex()) {
    for (const v of c.servedVersions) kinds.add(`${c.group}/${v}/${c.kind}`);
  }
  for (const c of registeredCrdList()) {
    for (const v of Object.keys(c.versions)) kinds.add(`${c.group}/${v}/${c.kind}`);
  }
  return [...kinds].sort();
}

export { crdsDir } from './crd-discovery';

/**
 * Compile (or fetch from the in-process cache) the validator for an apiVersion/kind and report
 * how long that took. Exposed for timing / warm-up; returns undefined if there is no schema.
 */
export function precompile(apiVersion: string, kind: string): { ms: number; cached: boolean } | undefined {
  const key = `${apiVersion}/${kind}`;
  const hit = compiled.has(key);
  const t0 = process.hrtime.bigint();
  const entry = getValidator(apiVersion, kind);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (entry.kind === 'missing') return undefined;
  return { ms, cached: hit };
}

/**
 * Register an extra CRD object (e.g. one the project itself generates, or a test fixture). It
 * takes precedence over a CRD with the same group/kind from crdsDir().
 */
export function registerCrd(crd: unknown): void {
  const parsed = addRegisteredCrd(crd);
  // drop compiled validators of every version of that kind
  for (const key of [...compiled.keys()]) {
    if (key.startsWith(`${parsed.group}/`) && key.endsWith(`/${parsed.kind}`)) compiled.delete(key);
  }
  for (const version of Object.keys(parsed.versions)) {
    loadedAjv()?.removeSchema(crdSchemaId(parsed.group, version, parsed.kind));
  }
}

/**
 * Project-authored CRD schemas for kinds the platform emits but whose upstream CRD is not in
 * the shared CRD set (today: PrometheusRule). Each file says so in `$comment`; they are loaded
 * for every validation, and `npm run verify:apiserver` installs them the same way.
 */
export const PROJECT_CRDS_DIR = path.join(__dirname, 'project-crds');

for (const file of fs.readdirSync(PROJECT_CRDS_DIR).filter((f) => f.endsWith('.json')).sort()) {
  addRegisteredCrd(JSON.parse(fs.readFileSync(path.join(PROJECT_CRDS_DIR, file), 'utf8')));
}

/** Patterns from CRDs that JavaScript cannot compile and that are therefore not checked. */
export { crdSchemaNotes } from './crd-schema';

// ---------------------------------------------------------------------------------------------
// Validation of one object
// ---------------------------------------------------------------------------------------------

function describeObject(obj: unknown, index: number): string {
  if (!isPlainObject(obj)) return `<document ${index + 1}>`;
  const kind = typeof obj.kind === 'string' && obj.kind ? obj.kind : '<no kind>';
  const meta = isPlainObject(obj.metadata) ? obj.metadata : {};
  const name =
    typeof meta.name === 'string' && meta.name
      ? meta.name
      : typeof meta.generateName === 'string' && meta.generateName
        ? `${meta.generateName}*`
        : '<no name>';
  const ns = typeof meta.namespace === 'string' && meta.namespace ? `${meta.namespace}/` : '';
  return `${kind} ${ns}${name}`;
}

function validateOne(file: string, obj: unknown, index: number): SchemaViolation[] {
  const object = describeObject(obj, index);
  const v = (p: string, reason: string): SchemaViolation => ({ file, object, path: p, reason });
  if (!isPlainObject(obj)) {
    return [v('', `not a Kubernetes object (got ${jsonType(obj)})`)];
  }
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '') return [v('/apiVersion', 'missing apiVersion')];
  if (typeof kind !== 'string' || kind === '') return [v('/kind', 'missing kind')];

  const entry = getValidator(apiVersion, kind);
  if (entry.kind === 'missing') return [v('', entry.reason)];
  const ok = entry.validate(obj);
  if (ok) return [];
  return convertErrors(entry.validate.errors ?? [], obj).map((e) => v(e.path, e.reason));
}

// ---------------------------------------------------------------------------------------------
// Validator lookup / compile cache
// ---------------------------------------------------------------------------------------------

type Entry = { kind: 'ok'; validate: ValidateFunction } | { kind: 'missing'; reason: string };

const compiled = new Map<string, Entry>();

function getValidator(apiVersion: string, kind: string): Entry {
  const key = `${apiVersion}/${kind}`;
  let entry = compiled.get(key);
  if (entry) return entry;
  entry = buildValidator(apiVersion, kind);
  compiled.set(key, entry);
  return entry;
}

function crdSchemaId(group: string, version: string, kind: string): string {
  return `crd-${group}-${version}-${kind}`;
}

function buildValidator(apiVersion: string, kind: string): Entry {
  // The schema is selected by the object's own apiVersion/kind, so those always "match"; a
  // combination without a schema (e.g. apps/v1 Job, or a CRD version that is not served) is
  // reported as a violation.
  const noSchema = `no schema for apiVersion ${apiVersion} kind ${kind}`;

  const def = k8sSpec().gvk[`${apiVersion}/${kind}`];
  if (def) {
    return { kind: 'ok', validate: ajv().compile({ $ref: `${K8S_ID}#/definitions/${def}` }) };
  }

  const slash = apiVersion.indexOf('/');
  if (slash < 0) return { kind: 'missing', reason: noSchema };
  const group = apiVersion.slice(0, slash);
  const version = apiVersion.slice(slash + 1);
  const crd = findCrd(group, kind);
  if (!crd) return { kind: 'missing', reason: noSchema };
  const schema = crd.versions[version];
  if (!schema) {
    const served = Object.keys(crd.versions).join(', ') || 'none';
    return { kind: 'missing', reason: `${noSchema} (CRD ${kind}.${group} serves: ${served})` };
  }
  // Own $id so that the "#/definitions/..." refs produced by dedupe() resolve inside it. No
  // slashes: a relative "k8s#..." ref must still resolve to the k8s document.
  const id = crdSchemaId(group, version, kind);
  const a = ajv();
  if (!a.getSchema(id)) a.addSchema({ ...schema, $id: id });
  return { kind: 'ok', validate: a.compile({ $ref: id }) };
}
