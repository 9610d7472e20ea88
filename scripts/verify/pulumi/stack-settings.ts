// The stack settings of a verify:pulumi run and the config values the program receives. Pure.

/** Config keys of the project namespace, with `ns:` prefixes added; values stay as given. */
function namespaced(ns: string, config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(':') ? k : `${ns}:${k}`, v]));
}

/**
 * Stack settings of the run: the repo's Pulumi.<stack>.yaml config with `overrides` (project keys
 * without namespace) on top. Other top-level settings (secretsprovider, ...) are kept.
 */
export type StackSettings = Record<string, any>;

export function stackSettings(repoSettings: StackSettings | undefined, ns: string, overrides: Record<string, unknown>): StackSettings {
  const settings: StackSettings = { ...(repoSettings || {}) };
  settings.config = { ...(settings.config || {}), ...namespaced(ns, overrides) };
  return settings;
}

/** Project keys of a stack settings object, namespace removed (other namespaces dropped). */
export function projectConfig(settings: StackSettings | undefined, ns: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries<unknown>(settings?.config || {})) {
    if (k.startsWith(`${ns}:`)) out[k.slice(ns.length + 1)] = v;
  }
  return out;
}

/**
 * Config values as the program receives them (`loadStackConfig`): Pulumi hands scalars over as
 * text (`1.34` stays '1.34') and structured values as JSON, which the program parses back.
 */
export function asProgramConfig(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : String(v)]));
}
