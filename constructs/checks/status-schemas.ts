import generated from '../imports/status-schemas.json';

/** A node of a generated status schema (scripts/gen-status-schemas.mjs). */
export interface StatusSchemaNode {
  readonly type?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Readonly<Record<string, StatusSchemaNode>>;
  readonly items?: StatusSchemaNode;
  readonly additionalProperties?: StatusSchemaNode;
  /** x-kubernetes-preserve-unknown-fields: anything below is allowed. */
  readonly open?: boolean;
}

const SCHEMAS = generated.schemas as unknown as Readonly<Record<string, StatusSchemaNode>>;
const SOURCES = generated.sources as Readonly<Record<string, string>>;

/** Where the status schema of a kind comes from (CRD file or Kubernetes OpenAPI), or undefined. */
export function statusSchemaSource(groupKind: string): string | undefined {
  return SOURCES[groupKind];
}

/** Result of resolving `status.a.b` against a kind's status schema. */
export type PathResolution =
  | { readonly ok: true; readonly node: StatusSchemaNode }
  | { readonly ok: false; readonly at: string; readonly segment: string; readonly fields: readonly string[] };

/**
 * Resolves a dotted path (`status.replicaStatuses.Worker.succeeded`) in the status schema of a
 * kind: properties by name, map values (additionalProperties) by any key, array items by index.
 * Undefined when the kind has no generated schema.
 */
export function resolveStatusPath(groupKind: string, path: string): PathResolution | undefined {
  const root = SCHEMAS[groupKind];
  if (!root) return undefined;
  const segments = path.split('.');
  if (segments[0] !== 'status') return { ok: false, at: '', segment: segments[0], fields: ['status'] };
  let node: StatusSchemaNode = root;
  for (let i = 1; i < segments.length; i++) {
    const segment = segments[i];
    const next = node.properties?.[segment]
      ?? (node.items && /^\d+$/.test(segment) ? node.items : undefined)
      ?? node.additionalProperties;
    // Open (preserve-unknown-fields) nodes keep fields the schema does not list: nothing to check below.
    if (!next && node.open) return { ok: true, node: {} };
    if (!next) return { ok: false, at: segments.slice(0, i).join('.'), segment, fields: Object.keys(node.properties ?? {}) };
    node = next;
  }
  return { ok: true, node };
}

/** Paths of every status field called `name` in a kind's schema (to suggest the right path). */
export function findStatusFields(groupKind: string, name: string): string[] {
  const found: string[] = [];
  const walk = (node: StatusSchemaNode, at: string): void => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === name) found.push(`${at}.${key}`);
      walk(child, `${at}.${key}`);
    }
    if (node.items) walk(node.items, `${at}.0`);
    if (node.additionalProperties) walk(node.additionalProperties, `${at}.<key>`);
  };
  const root = SCHEMAS[groupKind];
  if (root) walk(root, 'status');
  return found;
}
