/**
 * Conversion of a CRD version's openAPIV3Schema (OpenAPI v3 structural schema) to draft-07 JSON
 * Schema, mimicking how the apiserver interprets it (pruning, int-or-string, list types, ...).
 */
import { FORMATS, LIST_MAP_KEYWORD } from './ajv-keywords';
import { OBJECT_META_REF } from './k8s-schema';
import { Schema, isPlainObject } from './schema-types';

// ---------------------------------------------------------------------------------------------
// CRD (OpenAPI v3 structural schema) conversion
// ---------------------------------------------------------------------------------------------

/** Bump when convertCrdSchema changes, to invalidate the on-disk cache. */
export const CONVERTER_VERSION = 4;

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
export function convertCrdRoot(openAPIV3Schema: Schema): Schema {
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
