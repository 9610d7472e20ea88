// What the harness sends to and reads back from kube-apiserver: request paths, status and warning
// parsing. Pure.

import type { FieldValidation } from './args';
import type { ObjectRecord } from './objects';

/** A resource as discovery serves it. */
export interface ServedResource {
  plural: string;
  namespaced: boolean;
}

/** What a request path needs of an object. */
export type PathTarget = Pick<ObjectRecord, 'group' | 'version' | 'name' | 'namespace'>;

/**
 * Parse HTTP Warning header values into plain messages. Pass one value per header line
 * (Node: res.headersDistinct.warning); the apiserver sends `299 - "text"`.
 */
export function parseWarnings(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const values = Array.isArray(header) ? header : [header];
  return values
    .map((v) => {
      const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(v);
      return m ? m[1].replace(/\\(.)/g, '$1') : String(v).trim();
    })
    .filter(Boolean);
}

export function isPodSecurityWarning(w: string): boolean {
  return /PodSecurity/.test(w);
}

export function statusMessage(status: number | undefined, body: unknown): string {
  if (body && typeof body === 'object' && 'message' in body && body.message) {
    const b = body as { reason?: string; message: string };
    return `${status} ${b.reason || ''}: ${b.message}`.replace(/ :/, ':');
  }
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  return `HTTP ${status}${text ? `: ${text}` : ''}`;
}

export const FIELD_MANAGER = 'verify-apiserver';

/** res: { plural, namespaced } from discovery. */
export function collectionPath(o: Pick<PathTarget, 'group' | 'version'>, res: ServedResource, namespace: string | undefined): string {
  const base = o.group ? `/apis/${o.group}/${o.version}` : `/api/${o.version}`;
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
  return `${base}${ns}/${res.plural}`;
}

export function objectPath(o: PathTarget, res: ServedResource, namespace: string | undefined): string {
  return `${collectionPath(o, res, namespace)}/${encodeURIComponent(o.name ?? '')}`;
}

/** PATCH target of a (real) server-side apply. */
export function applyUrl(o: PathTarget, res: ServedResource, fieldValidation: FieldValidation): string {
  return `${objectPath(o, res, o.namespace)}?fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=${fieldValidation}`;
}

/** POST target of a dry-run create (works with metadata.generateName). */
export function dryRunCreateUrl(o: PathTarget, res: ServedResource, fieldValidation: FieldValidation): string {
  return `${collectionPath(o, res, o.namespace)}?dryRun=All&fieldManager=${FIELD_MANAGER}&fieldValidation=${fieldValidation}`;
}

/** PATCH target of a dry-run server-side apply (for `apply`/`replace` steps whose object exists). */
export function dryRunApplyUrl(o: PathTarget, res: ServedResource, fieldValidation: FieldValidation): string {
  return `${objectPath(o, res, o.namespace)}?dryRun=All&fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=${fieldValidation}`;
}
