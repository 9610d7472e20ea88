/** Sub-schema de-duplication of converted CRD schemas (hoisting repeated sub-schemas into $refs). */
import { createHash } from 'node:crypto';
import { Schema, isPlainObject } from './schema-types';

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
export function dedupe(root: Schema): Schema {
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
