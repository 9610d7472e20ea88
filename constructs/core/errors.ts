import { IConstruct } from 'constructs';

/**
 * An input error raised while a construct is being built: it names where (the construct path),
 * what (the prop), the value given and what is allowed, so a user can fix it without reading code.
 */
export class PropError extends Error {
  public readonly path: string;
  public readonly prop: string;
  public readonly value: unknown;

  constructor(path: string, prop: string, value: unknown, expected: string, owner?: string) {
    super(`${owner ? `${owner} ` : ''}'${path}': prop '${prop}' is ${formatValue(value)}; ${expected}`);
    this.name = 'PropError';
    this.path = path;
    this.prop = prop;
    this.value = value;
  }
}

/**
 * Builds the error for a bad prop. `scope` is the construct being built (or its would-be parent
 * plus id while the construct does not exist yet), so the message carries its path.
 */
export function propError(scope: Where, prop: string, value: unknown, expected: string): PropError {
  if (typeof scope === 'string') return new PropError(scope, prop, value, expected);
  if ('node' in scope) return new PropError(pathOf(scope), prop, value, expected, scope.constructor.name);
  return new PropError(scope.path, prop, value, expected, scope.kind);
}

/**
 * Where an error happened: a construct, a construct path, or a value object (`kind` + its name),
 * e.g. `{ kind: 'NodePool', path: 'gpu-l4' }` gives "NodePool 'gpu-l4': prop ...".
 */
export type Where = IConstruct | string | { readonly kind: string; readonly path: string };

/** The construct path the way users see it in messages (`chart/id/child`). */
export function pathOf(scope: IConstruct): string {
  return scope.node.path || '<app>';
}

/** `scope/id`: the path a construct will have, for errors thrown before `super()`. */
export function childPath(scope: IConstruct, id: string): string {
  return scope.node.path ? `${scope.node.path}/${id}` : id;
}

export function formatValue(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value === undefined) return 'undefined';
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'object' && value && 'toString' in value && value.toString !== Object.prototype.toString) {
    return `'${String(value)}'`;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** Throws unless `value` is an integer in [min, max]. */
export function requireInteger(scope: Where, prop: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer from ${min} to ${max}`;
    throw propError(scope, prop, value, `use ${range}`);
  }
  return value;
}
