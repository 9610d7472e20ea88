/** JSON Schema node type and small shared helpers of the schema validation harness. */

export type Schema = { [k: string]: unknown };

export function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}
