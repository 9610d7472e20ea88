/**
 * The stack config's error type and the primitive value parsers every config section uses
 * (`config.ts`, `config-teams.ts`). Each parser throws a `StackConfigError` naming the key.
 */
import { formatValue } from '../constructs/core/errors';
import { NameRule, nameProblem } from '../constructs/core/names';

/** Config namespace: the Pulumi project name. */
export const CONFIG_NAMESPACE = 'ml-platform-patterns';

/** Bad stack configuration: names the key (`pools[1].maxSize`), the value and what is allowed. */
export class StackConfigError extends Error {
  constructor(public readonly key: string, public readonly value: unknown, expected: string) {
    // Keys of other namespaces (`aws:region`) are shown as they are.
    super(`config '${key.includes(':') ? key : `${CONFIG_NAMESPACE}:${key}`}' is ${formatValue(value)}; ${expected}`);
    this.name = 'StackConfigError';
  }
}

export function str(key: string, v: unknown): string {
  if (typeof v !== 'string' || v.trim().length === 0) throw new StackConfigError(key, v, 'use a non-empty string');
  return v;
}

export function dnsLabel(key: string, v: unknown): string {
  const s = str(key, v);
  const problem = nameProblem(s, NameRule.DNS_LABEL);
  if (problem) throw new StackConfigError(key, s, `the name ${problem}`);
  return s;
}

export function int(key: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    throw new StackConfigError(key, v, max === Number.MAX_SAFE_INTEGER ? `use an integer >= ${min}` : `use an integer from ${min} to ${max}`);
  }
  return v;
}

export function oneOf<T extends string>(key: string, v: unknown, allowed: readonly T[], hint = ''): T {
  if (!allowed.includes(v as T)) throw new StackConfigError(key, v, `use one of ${allowed.join(', ')}${hint}`);
  return v as T;
}

export function strList(key: string, v: unknown): string[] {
  if (!Array.isArray(v)) throw new StackConfigError(key, v, 'use a list of strings');
  return v.map((s, i) => str(`${key}[${i}]`, s));
}

export function obj(key: string, v: unknown): Record<string, unknown> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new StackConfigError(key, v, 'use an object');
  return v as Record<string, unknown>;
}

/** Rejects fields of `o` (at `key`) outside `known`; `hints` explain retired fields. */
export function onlyFields(key: string, o: Record<string, unknown>, known: readonly string[], what: string, hints: Readonly<Record<string, string>> = {}): void {
  for (const k of Object.keys(o)) {
    if (!known.includes(k)) throw new StackConfigError(`${key}.${k}`, o[k], hints[k] ?? `unknown ${what} field; use ${known.join(', ')}`);
  }
}
