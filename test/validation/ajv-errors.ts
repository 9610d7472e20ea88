/** Conversion of ajv errors into readable `{ path, reason }` pairs (apiserver-like wording). */
import { ErrorObject } from 'ajv';
import { LIST_MAP_KEYWORD } from './ajv-keywords';
import { isPlainObject } from './schema-types';

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// ---------------------------------------------------------------------------------------------
// ajv errors -> violations
// ---------------------------------------------------------------------------------------------

export function jsonType(x: unknown): string {
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

export function convertErrors(errors: ErrorObject[], root: unknown): { path: string; reason: string }[] {
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
