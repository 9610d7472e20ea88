import { propError, Where } from './errors';

/**
 * Run-time checks of construct props, for callers the type checker never saw (JavaScript, an entry
 * bundled without type-checking, `as any`): a missing or mistyped prop throws the usual PropError
 * (construct path, prop, value, what is allowed) before anything reads it, instead of a TypeError
 * deep inside a renderer or a manifest that is silently wrong.
 *
 * A construct declares one `PropChecks<Props>` table next to its props and calls
 * `requireProps(this, props, TABLE)` first thing in its constructor. The table type lists every
 * key of the props interface (required keys with a check, optional ones with `optional(...)`), so a
 * prop added to the interface without a run-time check does not compile.
 */

/** A prop that must hold something: a primitive type name, a class (instanceof) or a `Check`. */
export type PropCheck = Primitive | Check | Class;

/** A class, private constructor or not (value objects such as Size and NodePool have one). */
export interface Class {
  readonly prototype: object;
  readonly name: string;
}

/** Primitive types by `typeof` ('object' = a non-null, non-array object; 'number' = finite). */
export type Primitive = 'string' | 'number' | 'boolean' | 'function' | 'object';

/** A check of one value. `expected` is what is allowed, as a noun phrase ("a NodePool (...)"). */
export interface Check {
  readonly expected: string;
  /** Undefined when `value` passes; else the failing prop (`prop`, or a nested `prop.x`/`prop[0]`) and its value. */
  test(value: unknown, prop: string): Failure | undefined;
}

/** A failing value and what it should have been. */
export interface Failure {
  readonly prop: string;
  /** The value as messages show it (objects summarized). */
  readonly value: unknown;
  readonly expected: string;
  /** What was given: 'missing', or the kind of value ("a string", "a plain object"). */
  readonly given: string;
  /** The prop may be left unset. */
  readonly optional?: boolean;
  /** The key is not a prop at all: a misspelling of `expected`. */
  readonly misspelled?: boolean;
}

/** An optional prop: checked only when given. */
export interface OptionalCheck {
  readonly optional: true;
  readonly check: PropCheck;
}

type OptionalKeys<P> = { [K in keyof P]-?: Partial<Pick<P, K>> extends Pick<P, K> ? K : never }[keyof P];
type RequiredKeys<P> = Exclude<keyof P, OptionalKeys<P>>;

/** A check for every key of `P`: required keys a `PropCheck`, optional keys an `optional(...)`. */
export type PropChecks<P> = { readonly [K in RequiredKeys<P>]-?: PropCheck } & { readonly [K in OptionalKeys<P>]-?: OptionalCheck };

/** Marks a prop optional: `undefined` passes, anything else must pass `check`. */
export function optional(check: PropCheck): OptionalCheck {
  return { optional: true, check };
}

/**
 * Throws a PropError for the first prop of `props` that is missing or of the wrong type, or that
 * looks like a misspelling of a prop `checks` knows (JavaScript ignores unknown keys silently).
 */
export function requireProps<P>(where: Where, props: P, checks: PropChecks<P>): void {
  const table = checks as unknown as Readonly<Record<string, PropCheck | OptionalCheck>>;
  if (typeof props !== 'object' || props === null || Array.isArray(props)) {
    const required = Object.keys(table).filter((k) => !isOptional(table[k]));
    throw propError(where, 'props', summarize(props), `pass a props object${required.length ? ` with ${required.join(', ')}` : ''}`);
  }
  const failure = testObject(props as Record<string, unknown>, table, '');
  if (failure) throw toError(where, failure);
}

/** Throws a PropError unless `value` (a positional argument called `prop`) passes `check`. */
export function requireValue(where: Where, prop: string, value: unknown, check: PropCheck | OptionalCheck): void {
  const failure = isOptional(check) ? value === undefined ? undefined : compile(check.check).test(value, prop) : compile(check).test(value, prop);
  if (failure) throw toError(where, failure);
}

/** One of the values of a string enum (or of a list). */
export function oneOf(values: Readonly<Record<string, string | number>> | readonly (string | number)[], name?: string): Check {
  const allowed = new Set<unknown>(Array.isArray(values) ? values : Object.values(values));
  const list = [...allowed].map((v) => JSON.stringify(v)).join(', ');
  const expected = `one of ${name ? `${name} ` : ''}(${list})`;
  return { expected, test: (value, prop) => (allowed.has(value) ? undefined : failed(prop, value, expected)) };
}

/** An instance of `type`; `how` says how to make one ("NodePool.cpu() or NodePool.gpu()"). */
export function instanceOf(type: Class, how?: string): Check {
  const expected = `${article(type.name)} ${type.name}${how ? ` (${how})` : ''}`;
  const ctor = type as unknown as new () => unknown;
  return { expected, test: (value, prop) => (value instanceof ctor ? undefined : failed(prop, value, expected)) };
}

/** A list whose every element passes `check`. */
export function arrayOf(check: PropCheck): Check {
  const inner = compile(check);
  const expected = listOf(inner.expected, 'a list');
  return {
    expected,
    test(value, prop) {
      if (!Array.isArray(value)) return failed(prop, value, expected);
      for (let i = 0; i < value.length; i++) {
        const f = inner.test(value[i], `${prop}[${i}]`);
        if (f) return f;
      }
      return undefined;
    },
  };
}

/** A plain map (`{ key: value }`) whose every value passes `check` (or is undefined, for `optional(check)`). */
export function recordOf(check: PropCheck | OptionalCheck): Check {
  const inner = compile(isOptional(check) ? check.check : check);
  const undefinedOk = isOptional(check);
  const expected = listOf(inner.expected, 'a map');
  return {
    expected,
    test(value, prop) {
      if (!isObject(value)) return failed(prop, value, expected);
      for (const [k, v] of Object.entries(value)) {
        const f = v === undefined && undefinedOk ? undefined : inner.test(v, `${prop}.${k}`);
        if (f) return f;
      }
      return undefined;
    },
  };
}

/** An options object with every key of `T` checked (nested props are named `prop.key`). */
export function shape<T>(checks: PropChecks<T>, expected: string): Check {
  return objectCheck(checks as unknown as Readonly<Record<string, PropCheck | OptionalCheck>>, expected);
}

/**
 * An object recognized by some of its members, for interfaces (`ISharedVolume`, `ILocalQueue`)
 * that several classes and `fromName` references implement.
 */
export function like<T>(members: { readonly [K in keyof T]?: PropCheck }, expected: string): Check {
  return objectCheck(members as Readonly<Record<string, PropCheck>>, expected, false);
}

function objectCheck(table: Readonly<Record<string, PropCheck | OptionalCheck>>, expected: string, spelling = true): Check {
  return {
    expected,
    test(value, prop) {
      if (!isObject(value)) return failed(prop, value, expected);
      const f = testObject(value, table, `${prop}.`, spelling);
      // A member missing from an interface-like value: the value is not one at all.
      return f && !spelling ? failed(prop, value, expected) : f;
    },
  };
}

/** Passes when any of `checks` passes (e.g. a string or a parameter reference). */
export function either(expected: string, ...checks: PropCheck[]): Check {
  const compiled = checks.map(compile);
  return { expected, test: (value, prop) => (compiled.some((c) => !c.test(value, prop)) ? undefined : failed(prop, value, expected)) };
}

function testObject(obj: Record<string, unknown>, table: Readonly<Record<string, PropCheck | OptionalCheck>>, prefix: string, spelling = true): Failure | undefined {
  // A misspelled prop first: it also explains the "required prop missing" that follows from it.
  const typo = spelling ? misspelled(obj, table, prefix) : undefined;
  if (typo) return typo;
  for (const key of Object.keys(table)) {
    const spec = table[key];
    // A class the table names was still undefined when the table was built: an import cycle.
    if (spec === undefined || (isOptional(spec) && spec.check === undefined)) throw new Error(`internal: no run-time check for prop '${prefix}${key}' (import cycle?)`);
    const value = obj[key];
    if (isOptional(spec)) {
      if (value === undefined) continue;
      const f = compile(spec.check).test(value, `${prefix}${key}`);
      if (f) return f.prop === `${prefix}${key}` ? { ...f, optional: true } : f;
      continue;
    }
    const f = compile(spec).test(value, `${prefix}${key}`);
    if (f) return f;
  }
  return undefined;
}

/** A given key that is not a prop but is one or two edits away from one that was not given. */
function misspelled(obj: Record<string, unknown>, table: Readonly<Record<string, unknown>>, prefix: string): Failure | undefined {
  for (const key of Object.keys(obj)) {
    if (key in table || obj[key] === undefined) continue;
    const meant = Object.keys(table).find((known) => obj[known] === undefined && closeTo(key, known));
    if (meant) return { prop: `${prefix}${key}`, value: summarize(obj[key]), expected: `${prefix}${meant}`, given: kindOf(obj[key]), misspelled: true };
  }
  return undefined;
}

/** Case-insensitive Damerau-Levenshtein distance at most 2 (and the key is not tiny). */
function closeTo(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y) return true;
  if (Math.abs(x.length - y.length) > 2 || Math.min(x.length, y.length) < 4) return false;
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [i, ...new Array<number>(y.length).fill(0)]);
  for (let j = 1; j <= y.length; j++) d[0][j] = j;
  for (let i = 1; i <= x.length; i++) {
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[x.length][y.length] <= 2;
}

const PRIMITIVES: Readonly<Record<Primitive, Check>> = {
  string: primitive('a string', (v) => typeof v === 'string'),
  number: primitive('a number', (v) => typeof v === 'number' && Number.isFinite(v)),
  boolean: primitive('true or false', (v) => typeof v === 'boolean'),
  function: primitive('a function', (v) => typeof v === 'function'),
  object: primitive('an object', isObject),
};

function primitive(expected: string, ok: (v: unknown) => boolean): Check {
  return { expected, test: (value, prop) => (ok(value) ? undefined : failed(prop, value, expected)) };
}

/** instanceof checks of bare classes in tables, made once per class. */
const classChecks = new WeakMap<object, Check>();

function compile(spec: PropCheck): Check {
  if (typeof spec === 'string') return PRIMITIVES[spec];
  if (typeof spec !== 'function') return spec as Check;
  let check = classChecks.get(spec);
  if (!check) {
    check = instanceOf(spec as Class);
    classChecks.set(spec, check);
  }
  return check;
}

function isOptional(spec: PropCheck | OptionalCheck | undefined): spec is OptionalCheck {
  return typeof spec === 'object' && spec !== null && (spec as OptionalCheck).optional === true;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function failed(prop: string, value: unknown, expected: string): Failure {
  return { prop, value: summarize(value), expected, given: value === undefined ? 'missing' : kindOf(value) };
}

function toError(where: Where, f: Failure): Error {
  if (f.misspelled) return propError(where, f.prop, f.value, `there is no such prop; did you mean '${f.expected}'?`);
  if (f.given === 'missing') return propError(where, f.prop, f.value, `it is required: give ${f.expected}`);
  return propError(where, f.prop, f.value, `use ${f.expected}${f.optional ? ' or leave it unset' : ''}, not ${f.given}`);
}

/** The value as the message shows it: primitives as they are, objects and functions summarized. */
function summarize(value: unknown): unknown {
  if (typeof value === 'function') return `[function ${value.name || 'anonymous'}]`;
  if (typeof value !== 'object' || value === null) return value;
  const text = Array.isArray(value) ? `[${value.map((v) => String(summarize(v))).join(', ')}]` : describeObject(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** An object by its own toString (NodePool, ContainerImage, constructs: their path), else as JSON. */
function describeObject(value: object): string {
  const custom = (value as { toString?: unknown }).toString;
  if (typeof custom === 'function' && custom !== Object.prototype.toString) return String(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `[${value.constructor?.name ?? 'object'}]`;
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return Number.isFinite(value) ? 'a number' : String(value);
  if (typeof value === 'object') {
    const name = value.constructor?.name;
    return !name || name === 'Object' ? 'a plain object' : `${article(name)} ${name}`;
  }
  return `${article(typeof value)} ${typeof value}`;
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** "a list of NodePools (...)" from "a NodePool (...)"; "a list, each one of (...)" otherwise. */
function listOf(expected: string, container: string): string {
  const m = /^(?:a|an) (\S+)(.*)$/.exec(expected);
  if (!m) return `${container}, each ${expected}`;
  return `${container} of ${m[1].endsWith('s') ? m[1] : `${m[1]}s`}${m[2]}`;
}
