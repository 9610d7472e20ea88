/**
 * Schema validation harness for generated Kubernetes manifests.
 *
 * - Core kinds are validated against a subset of the Kubernetes v1.34.4 OpenAPI (swagger 2.0)
 *   definitions, committed as `k8s-v1.34.4.schema.json` (regenerate with
 *   `node scripts/gen-k8s-schema.mjs`).
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
 */
import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

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
  for (const c of registeredCrds.values()) {
    for (const v of Object.keys(c.versions)) kinds.add(`${c.group}/${v}/${c.kind}`);
  }
  return [...kinds].sort();
}

/** Directory holding the CRD YAMLs (`<group>/*.yaml`). */
export function crdsDir(): string {
  return process.env.MLP_CRDS_DIR
    ? path.resolve(process.env.MLP_CRDS_DIR)
    : path.resolve(__dirname, '../../../shared/crds');
}

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

// ---------------------------------------------------------------------------------------------
// Validation of one object
// ---------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Schema = { [k: string]: unknown };

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

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
// ajv setup
// ---------------------------------------------------------------------------------------------

const K8S_SCHEMA_FILE = path.join(__dirname, 'k8s-v1.34.4.schema.json');
const K8S_ID = 'k8s';
const OBJECT_META_REF = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

/** Quantity regex used by the apiserver (and by controller-gen for resource.Quantity). */
const QUANTITY_PATTERN =
  '^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$';

/** Formats we check. Every other format (int32, int64, double, int-or-string, ...) is dropped. */
const FORMATS: Record<string, RegExp> = {
  // RFC 3339 (the apiserver parses metav1.Time with RFC3339)
  'date-time': /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/,
  date: /^\d{4}-\d{2}-\d{2}$/,
  // base64 (standard alphabet, padded) as used for []byte fields, e.g. Secret.data
  byte: /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/,
};

/** Custom keyword checking uniqueness of list items by x-kubernetes-list-map-keys. */
const LIST_MAP_KEYWORD = 'k8sListMapKeys';

let ajvInstance: Ajv | undefined;

function ajv(): Ajv {
  if (ajvInstance) return ajvInstance;
  const a = new Ajv({
    strict: false, // tolerate annotations like `default`, `example`
    allErrors: true, // report every problem of an object, not only the first
    validateFormats: true,
    // Go (RE2) patterns: accept them without the `u` flag quirks; none of the current CRDs need it
    unicodeRegExp: false,
    code: { optimize: false },
  });
  for (const [name, re] of Object.entries(FORMATS)) a.addFormat(name, re);
  a.addKeyword({
    keyword: LIST_MAP_KEYWORD,
    type: 'array',
    schemaType: 'object',
    errors: true,
    validate: listMapKeysValidator(),
  });
  a.addSchema(convertedK8sSchema());
  ajvInstance = a;
  return a;
}

interface ListMapKeysSchema {
  keys: string[];
  defaults: Record<string, unknown>;
}

function listMapKeysValidator() {
  const fn = function (schema: ListMapKeysSchema, data: unknown[]): boolean {
    const seen = new Map<string, number>();
    const errors: Partial<ErrorObject>[] = [];
    data.forEach((item, i) => {
      if (!isPlainObject(item)) return;
      const key = schema.keys.map((k) => (item[k] !== undefined ? item[k] : schema.defaults[k]));
      const id = JSON.stringify(key);
      const first = seen.get(id);
      if (first === undefined) {
        seen.set(id, i);
      } else {
        const desc = schema.keys.map((k, j) => `${k}=${JSON.stringify(key[j])}`).join(', ');
        // instancePath is filled in by ajv (the list); the index is appended in explain()
        errors.push({
          keyword: LIST_MAP_KEYWORD,
          message: `duplicate list entry (${desc}) also at index ${first}; keys: ${schema.keys.join(', ')}`,
          params: { index: i, first },
        });
      }
    });
    (fn as unknown as { errors: Partial<ErrorObject>[] }).errors = errors;
    return errors.length === 0;
  };
  return fn;
}

// ---------------------------------------------------------------------------------------------
// Core (swagger 2.0) schema
// ---------------------------------------------------------------------------------------------

interface K8sSpec {
  source: string;
  gvk: Record<string, string>;
  definitions: Record<string, Schema>;
}

let k8sSpecCache: K8sSpec | undefined;

function k8sSpec(): K8sSpec {
  if (!k8sSpecCache) k8sSpecCache = JSON.parse(fs.readFileSync(K8S_SCHEMA_FILE, 'utf8')) as K8sSpec;
  return k8sSpecCache;
}

const SPECIAL_DEFS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: ['integer', 'string'] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'], pattern: QUANTITY_PATTERN },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
  // arbitrary embedded content
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {},
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': {},
};

function convertedK8sSchema(): Schema {
  const spec = k8sSpec();
  const definitions: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec.definitions)) {
    definitions[name] = SPECIAL_DEFS[name] ?? convertSwagger(def);
  }
  return { $id: K8S_ID, definitions };
}

function convertSwagger(node: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-') || k === 'description') continue;
    switch (k) {
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(v as Record<string, Schema>).map(([name, sub]) => [name, convertSwagger(sub)]),
        );
        break;
      case 'items':
        out.items = convertSwagger(v as Schema);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convertSwagger(v as Schema);
        break;
      case 'format':
        if (typeof v === 'string' && FORMATS[v]) out.format = v;
        break;
      case '$ref':
        out.$ref = v; // "#/definitions/..." resolves inside the k8s schema document
        break;
      default:
        out[k] = v;
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}

// ---------------------------------------------------------------------------------------------
// CRD (OpenAPI v3 structural schema) conversion
// ---------------------------------------------------------------------------------------------

/** Bump when convertCrdSchema changes, to invalidate the on-disk cache. */
const CONVERTER_VERSION = 4;

/**
 * Convert a structural schema node the way the apiserver interprets it.
 * `structural` is false inside allOf/anyOf/oneOf/not (value validations only: no pruning there).
 */
function convertCrdSchema(node: Schema, structural = true): Schema {
  const out: Schema = {};
  const preserve = node['x-kubernetes-preserve-unknown-fields'] === true;
  const intOrString = node['x-kubernetes-int-or-string'] === true;
  const embedded = node['x-kubernetes-embedded-resource'] === true;
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-')) continue; // incl. x-kubernetes-validations (CEL: not evaluated)
    switch (k) {
      case 'description':
      case 'title':
      case 'example':
      case 'externalDocs':
      case 'default': // defaulting is not validation
      case 'nullable':
        break;
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(v as Record<string, Schema>).map(([name, sub]) => [name, convertCrdSchema(sub, structural)]),
        );
        break;
      case 'items':
        out.items = Array.isArray(v)
          ? v.map((s) => convertCrdSchema(s as Schema, structural))
          : convertCrdSchema(v as Schema, structural);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convertCrdSchema(v as Schema, structural);
        break;
      case 'allOf':
      case 'anyOf':
      case 'oneOf':
        if (intOrString && k === 'anyOf') break; // replaced by a type union below
        out[k] = (v as Schema[]).map((s) => convertCrdSchema(s, false));
        break;
      case 'not':
        out.not = convertCrdSchema(v as Schema, false);
        break;
      case 'format':
        if (typeof v === 'string' && FORMATS[v]) out.format = v;
        break;
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        // OpenAPI v3.0 (draft-4 style) booleans -> draft-07 numbers
        if (v === true) {
          const bound = k === 'exclusiveMinimum' ? 'minimum' : 'maximum';
          if (typeof node[bound] === 'number') out[k] = node[bound];
        } else if (typeof v === 'number') {
          out[k] = v;
        }
        break;
      case 'minimum':
      case 'maximum':
        if (node[k === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] !== true) out[k] = v;
        break;
      case 'pattern':
        if (typeof v === 'string' && isUsableRegExp(v)) out.pattern = v;
        break;
      default:
        out[k] = v;
    }
  }

  if (intOrString) out.type = ['integer', 'string'];

  if (structural) {
    const listType = node['x-kubernetes-list-type'];
    if (listType === 'set') out.uniqueItems = true;
    const mapKeys = node['x-kubernetes-list-map-keys'];
    if (listType === 'map' && Array.isArray(mapKeys) && mapKeys.length > 0) {
      const itemProps = isPlainObject(node.items) && isPlainObject(node.items.properties) ? node.items.properties : {};
      const defaults: Record<string, unknown> = {};
      for (const key of mapKeys as string[]) {
        const p = itemProps[key];
        if (isPlainObject(p) && p.default !== undefined) defaults[key] = p.default;
      }
      out[LIST_MAP_KEYWORD] = { keys: mapKeys, defaults };
    }

    if (embedded) {
      const props = (out.properties as Record<string, Schema> | undefined) ?? {};
      props.apiVersion = props.apiVersion ?? { type: 'string' };
      props.kind = props.kind ?? { type: 'string' };
      if (!props.metadata || isBareObject(props.metadata)) props.metadata = { $ref: OBJECT_META_REF };
      out.properties = props;
    }

    // Pruning: fields not in `properties` are unknown (rejected with strict field validation),
    // unless the node preserves unknown fields or is a map (additionalProperties).
    const isObject = out.type === 'object' || out.properties !== undefined;
    if (isObject && !preserve && out.additionalProperties === undefined) out.additionalProperties = false;
  }

  if (node.nullable === true) {
    if (typeof out.type === 'string') out.type = [out.type, 'null'];
    else if (Array.isArray(out.type)) out.type = [...(out.type as string[]), 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
  }
  return out;
}

function isBareObject(s: Schema): boolean {
  return Object.keys(s).every((k) => k === 'type' || k === 'additionalProperties') && s.type === 'object';
}

const regexpOk = new Map<string, boolean>();
function isUsableRegExp(p: string): boolean {
  let ok = regexpOk.get(p);
  if (ok === undefined) {
    try {
      new RegExp(p);
      ok = true;
    } catch {
      ok = false; // RE2-only syntax; the pattern is not checked (reported by crdSchemaNotes())
      droppedPatterns.add(p);
    }
    regexpOk.set(p, ok);
  }
  return ok;
}

const droppedPatterns = new Set<string>();

/** Patterns from CRDs that JavaScript cannot compile and that are therefore not checked. */
export function crdSchemaNotes(): { droppedPatterns: string[] } {
  return { droppedPatterns: [...droppedPatterns].sort() };
}

/** Convert a CRD version's openAPIV3Schema into the root schema for its custom resources. */
function convertCrdRoot(openAPIV3Schema: Schema): Schema {
  const root = convertCrdSchema(openAPIV3Schema);
  const props = { ...((root.properties as Record<string, Schema> | undefined) ?? {}) };
  props.apiVersion = props.apiVersion ?? { type: 'string' };
  props.kind = props.kind ?? { type: 'string' };
  // The CRD only says `metadata: {type: object}`; the apiserver validates it as ObjectMeta.
  props.metadata = { $ref: OBJECT_META_REF };
  root.properties = props;
  root.type = 'object';
  if (root.additionalProperties === undefined) root.additionalProperties = false;
  return root;
}

// ---------------------------------------------------------------------------------------------
// Sub-schema de-duplication
// ---------------------------------------------------------------------------------------------

/** Keywords whose values are sub-schemas: map of schemas, single schema, or list of schemas. */
const SUBSCHEMA_KEYWORDS: Record<string, 'map' | 'one' | 'list'> = {
  properties: 'map',
  additionalProperties: 'one',
  items: 'one',
  not: 'one',
  allOf: 'list',
  anyOf: 'list',
  oneOf: 'list',
};

/** Sub-schemas with fewer schema nodes than this are left inline. */
const DEDUPE_MIN_NODES = 4;

function mapSubschemas(node: Schema, fn: (s: Schema) => Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    const how = SUBSCHEMA_KEYWORDS[k];
    if (how === 'map' && isPlainObject(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([n, sub]) => [n, isPlainObject(sub) ? fn(sub) : sub]));
    } else if (how === 'one' && isPlainObject(v)) {
      out[k] = fn(v);
    } else if (how === 'list' && Array.isArray(v)) {
      out[k] = v.map((sub) => (isPlainObject(sub) ? fn(sub as Schema) : sub));
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Hoist sub-schemas that occur more than once into `definitions` and replace them by `$ref`.
 * Generated CRDs inline the same Go types (Container, PodSpec, Volume, ...) dozens of times; the
 * Argo Workflow schema shrinks from ~600 KB to ~65 KB and ajv compiles it >10x faster, because
 * every distinct sub-schema is compiled once.
 */
function dedupe(root: Schema): Schema {
  const info = new Map<Schema, { hash: string; nodes: number }>();
  const count = new Map<string, number>();
  const visit = (n: Schema): { hash: string; nodes: number } => {
    let nodes = 1;
    const parts: string[] = [];
    for (const k of Object.keys(n).sort()) {
      const v = n[k];
      const how = SUBSCHEMA_KEYWORDS[k];
      if (how === 'map' && isPlainObject(v)) {
        const sub = Object.keys(v)
          .sort()
          .map((name) => {
            const s = v[name];
            if (!isPlainObject(s)) return `${JSON.stringify(name)}:${JSON.stringify(s)}`;
            const r = visit(s);
            nodes += r.nodes;
            return `${JSON.stringify(name)}:${r.hash}`;
          });
        parts.push(`${k}{${sub.join(',')}}`);
      } else if (how === 'one' && isPlainObject(v)) {
        const r = visit(v);
        nodes += r.nodes;
        parts.push(`${k}=${r.hash}`);
      } else if (how === 'list' && Array.isArray(v)) {
        const sub = v.map((s) => {
          if (!isPlainObject(s)) return JSON.stringify(s);
          const r = visit(s as Schema);
          nodes += r.nodes;
          return r.hash;
        });
        parts.push(`${k}[${sub.join(',')}]`);
      } else {
        parts.push(`${k}=${JSON.stringify(v)}`);
      }
    }
    const hash = createHash('sha1').update(parts.join(';')).digest('hex').slice(0, 20);
    const r = { hash, nodes };
    info.set(n, r);
    count.set(hash, (count.get(hash) ?? 0) + 1);
    return r;
  };
  visit(root);

  const definitions: Record<string, Schema> = {};
  const rewrite = (n: Schema, isDefinitionRoot: boolean): Schema => {
    const r = info.get(n);
    if (!isDefinitionRoot && r && r.nodes >= DEDUPE_MIN_NODES && (count.get(r.hash) ?? 0) >= 2) {
      const name = `s${r.hash}`;
      if (!(name in definitions)) {
        definitions[name] = {}; // placeholder (a schema cannot contain itself)
        definitions[name] = rewrite(n, true);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return mapSubschemas(n, (s) => rewrite(s, false));
  };
  const out = rewrite(root, true);
  if (Object.keys(definitions).length > 0) out.definitions = definitions;
  return out;
}

// ---------------------------------------------------------------------------------------------
// CRD discovery
// ---------------------------------------------------------------------------------------------

interface CrdHeader {
  file: string;
  group: string;
  kind: string;
  servedVersions: string[];
}

const headerCache = new Map<string, CrdHeader | null>();
let crdIndexCache: CrdHeader[] | undefined;

function isGroupDir(dir: string, name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.') || name === 'book' || name === 'jsonschema') return false;
  return fs.statSync(path.join(dir, name)).isDirectory();
}

/** Headers of the CRD YAMLs directly inside one group directory. */
function scanGroupDir(gdir: string): CrdHeader[] {
  const out: CrdHeader[] = [];
  for (const f of fs.readdirSync(gdir).sort()) {
    if (!/\.ya?ml$/.test(f)) continue;
    const file = path.join(gdir, f);
    let h = headerCache.get(file);
    if (h === undefined) {
      h = scanCrdHeader(file, fs.readFileSync(file, 'utf8')) ?? null;
      headerCache.set(file, h);
    }
    if (h) out.push(h);
  }
  return out;
}

/**
 * Cheap index of all CRDs (`<group>/*.yaml` at the top level of crdsDir()) from a textual scan of
 * the YAML instead of a full parse: parsing the Argo CRDs alone takes several seconds. Used for
 * discovery only; the schema always comes from a full parse.
 */
function crdIndex(): CrdHeader[] {
  if (crdIndexCache) return crdIndexCache;
  const dir = crdsDir();
  const out: CrdHeader[] = [];
  if (fs.existsSync(dir)) {
    for (const group of fs.readdirSync(dir).sort()) {
      if (isGroupDir(dir, group)) out.push(...scanGroupDir(path.join(dir, group)));
    }
  }
  crdIndexCache = out;
  return out;
}

function scanCrdHeader(file: string, text: string): CrdHeader | undefined {
  // Regex scan by indentation (works for both "  - name:" and "    - name:" list styles).
  if (!/^kind:[ \t]*CustomResourceDefinition[ \t]*$/m.test(text)) return undefined;
  const specMatch = /^spec:[ \t]*$/m.exec(text);
  if (!specMatch) return undefined;
  let spec = text.slice(specMatch.index + specMatch[0].length);
  const specEnd = /^[^\s#]/m.exec(spec);
  if (specEnd) spec = spec.slice(0, specEnd.index);
  const scalar = (v: string): string => v.trim().replace(/^(['"])(.*)\1$/, '$2');
  const firstIndent = (t: string): number => /^( *)[^\s#]/m.exec(t)?.[1].length ?? -1;

  const S = firstIndent(spec);
  if (S <= 0) return undefined;
  const keys = [...spec.matchAll(new RegExp(`^ {${S}}([A-Za-z]+):(.*)$`, 'gm'))];
  const block = (key: string): { value: string; body: string } | undefined => {
    const i = keys.findIndex((m) => m[1] === key);
    if (i < 0) return undefined;
    const from = (keys[i].index ?? 0) + keys[i][0].length;
    const to = i + 1 < keys.length ? (keys[i + 1].index ?? spec.length) : spec.length;
    return { value: keys[i][2], body: spec.slice(from, to) };
  };

  const group = block('group');
  const names = block('names');
  if (!group || !names) return undefined;
  const K = firstIndent(names.body);
  const kind = new RegExp(`^ {${K}}kind:(.*)$`, 'm').exec(names.body)?.[1];
  if (!kind) return undefined;

  const servedVersions: string[] = [];
  const versions = block('versions');
  if (versions) {
    const D = firstIndent(versions.body);
    let name: string | undefined;
    let served: string | undefined;
    const flush = () => {
      if (name && served === 'true') servedVersions.push(name);
      name = undefined;
      served = undefined;
    };
    const re = new RegExp(`^ {${D}}- (?:(name|served):(.*))?|^ {${D + 2}}(name|served):(.*)$`, 'gm');
    for (const m of versions.body.matchAll(re)) {
      if (m[0].trimStart().startsWith('- ')) flush();
      const k = m[1] ?? m[3];
      const v = m[2] ?? m[4];
      if (k === 'name') name = scalar(v);
      if (k === 'served') served = scalar(v);
    }
    flush();
  }
  return { file, group: scalar(group.value), kind: scalar(kind), servedVersions };
}

interface ParsedCrd {
  group: string;
  kind: string;
  /** served version -> converted root schema */
  versions: Record<string, Schema>;
}

const parsedCrds = new Map<string, ParsedCrd>();

function cacheDir(): string {
  return path.resolve(__dirname, '../../.cache/validators');
}

function convertCrd(crd: unknown, where: string): ParsedCrd {
  const spec = isPlainObject(crd) && isPlainObject(crd.spec) ? crd.spec : undefined;
  const names = spec && isPlainObject(spec.names) ? spec.names : undefined;
  if (
    !isPlainObject(crd) ||
    crd.kind !== 'CustomResourceDefinition' ||
    !spec ||
    typeof spec.group !== 'string' ||
    !names ||
    typeof names.kind !== 'string' ||
    !Array.isArray(spec.versions)
  ) {
    throw new Error(`${where}: not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
  }
  const versions: Record<string, Schema> = {};
  for (const v of spec.versions as Schema[]) {
    if (v.served !== true) continue;
    const s = ((v.schema ?? {}) as Schema).openAPIV3Schema as Schema | undefined;
    // A served version without a schema accepts anything (apiextensions v1 requires one).
    versions[v.name as string] = s ? dedupe(convertCrdRoot(s)) : {};
  }
  return { group: spec.group, kind: names.kind, versions };
}

const registeredCrds = new Map<string, ParsedCrd>();

/**
 * Register an extra CRD object (e.g. one the project itself generates, or a test fixture). It
 * takes precedence over a CRD with the same group/kind from crdsDir().
 */
export function registerCrd(crd: unknown): void {
  const parsed = convertCrd(crd, 'registerCrd');
  registeredCrds.set(`${parsed.group}/${parsed.kind}`, parsed);
  // drop compiled validators of every version of that kind
  for (const key of [...compiled.keys()]) {
    if (key.startsWith(`${parsed.group}/`) && key.endsWith(`/${parsed.kind}`)) compiled.delete(key);
  }
  for (const version of Object.keys(parsed.versions)) {
    ajvInstance?.removeSchema(crdSchemaId(parsed.group, version, parsed.kind));
  }
}

/** Full parse + conversion of one CRD file, cached in-process and on disk (by content hash). */
function loadCrd(file: string): ParsedCrd {
  const hit = parsedCrds.get(file);
  if (hit) return hit;
  const text = fs.readFileSync(file, 'utf8');
  const hash = createHash('sha256').update(`v${CONVERTER_VERSION}\0`).update(text).digest('hex').slice(0, 32);
  const cacheFile = path.join(cacheDir(), `crd-${hash}.json`);
  let parsed: ParsedCrd | undefined;
  try {
    parsed = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as ParsedCrd;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    parsed = convertCrd(parseYaml(text, { maxAliasCount: -1 }), file);
    try {
      fs.mkdirSync(cacheDir(), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(parsed));
      fs.renameSync(tmp, cacheFile); // atomic: parallel jest workers may race
    } catch {
      // cache is best-effort
    }
  }
  parsedCrds.set(file, parsed);
  return parsed;
}

/**
 * Find the CRD for group/kind. The files live in `<crdsDir>/<group>/`, so only that directory is
 * scanned first; the whole tree is the fallback (a CRD filed under another directory name).
 */
function findCrd(group: string, kind: string): ParsedCrd | undefined {
  const registered = registeredCrds.get(`${group}/${kind}`);
  if (registered) return registered;
  const dir = crdsDir();
  const candidates: CrdHeader[] = [];
  if (/^[A-Za-z0-9.-]+$/.test(group) && fs.existsSync(path.join(dir, group)) && isGroupDir(dir, group)) {
    candidates.push(...scanGroupDir(path.join(dir, group)));
  }
  for (const pass of [candidates, undefined]) {
    for (const h of pass ?? crdIndex()) {
      if (h.group !== group || h.kind !== kind) continue;
      const c = loadCrd(h.file);
      if (c.group === group && c.kind === kind) return c;
    }
  }
  return undefined;
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

// ---------------------------------------------------------------------------------------------
// ajv errors -> violations
// ---------------------------------------------------------------------------------------------

function jsonType(x: unknown): string {
  if (x === null) return 'null';
  if (Array.isArray(x)) return 'array';
  if (typeof x === 'number') return Number.isInteger(x) ? 'integer' : 'number';
  return typeof x;
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

function valueAt(root: unknown, pointer: string): unknown {
  if (pointer === '') return root;
  let cur: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(seg)];
    else if (isPlainObject(cur)) cur = cur[seg];
    else return undefined;
  }
  return cur;
}

function show(x: unknown): string {
  const s = JSON.stringify(x as Json);
  if (s === undefined) return String(x);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function convertErrors(errors: ErrorObject[], root: unknown): { path: string; reason: string }[] {
  const out: { path: string; reason: string }[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    // The allOf wrapper adds no information of its own.
    if (e.keyword === 'allOf' || e.keyword === 'if') continue;
    const r = explain(e, root);
    const id = `${r.path}\0${r.reason}`;
    if (seen.has(id)) continue;
    seen.add(id);
    out.push(r);
  }
  return out;
}

function explain(e: ErrorObject, root: unknown): { path: string; reason: string } {
  const p = e.instancePath;
  const data = valueAt(root, p);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties':
      return {
        path: `${p}/${escapePointer(String(params.additionalProperty))}`,
        reason: `unknown field "${String(params.additionalProperty)}"`,
      };
    case 'required':
      return {
        path: `${p}/${escapePointer(String(params.missingProperty))}`,
        reason: `missing required field "${String(params.missingProperty)}"`,
      };
    case 'type': {
      const t = params.type;
      const expected = Array.isArray(t) ? t.join(' or ') : String(t);
      return { path: p, reason: `expected ${expected}, got ${jsonType(data)} ${show(data)}` };
    }
    case 'enum':
      return {
        path: p,
        reason: `unsupported value ${show(data)}; allowed: ${(params.allowedValues as unknown[]).map(show).join(', ')}`,
      };
    case 'const':
      return { path: p, reason: `must be ${show(params.allowedValue)}, got ${show(data)}` };
    case 'pattern':
      return { path: p, reason: `${show(data)} does not match pattern ${String(params.pattern)}` };
    case 'format':
      return { path: p, reason: `${show(data)} is not a valid ${String(params.format)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path: p, reason: `must be ${String(params.comparison)} ${String(params.limit)}, got ${show(data)}` };
    case LIST_MAP_KEYWORD:
      return { path: `${p}/${String(params.index)}`, reason: e.message ?? 'duplicate list entry' };
    case 'uniqueItems':
      return {
        path: p,
        reason: `duplicate items at indexes ${Math.min(Number(params.i), Number(params.j))} and ${Math.max(Number(params.i), Number(params.j))} (list-type set)`,
      };
    default:
      return { path: p, reason: `${e.message ?? e.keyword}${data !== undefined ? ` (got ${show(data)})` : ''}` };
  }
}
