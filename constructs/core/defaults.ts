/**
 * Props over defaults, where a prop explicitly set to `undefined` keeps the default
 * (a plain spread would overwrite it with undefined).
 */
export function withDefaults<D extends object, P extends object>(defaults: D, props: P): Omit<P, keyof D> & { [K in keyof D]-?: K extends keyof P ? Exclude<P[K], undefined> | D[K] : D[K] } {
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(props)) {
    if (v !== undefined) out[k] = v;
  }
  return out as never;
}
