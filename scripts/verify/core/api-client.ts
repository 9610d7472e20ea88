// The kube-apiserver client of the harness: HTTPS requests with the admin token, discovery,
// server-side apply and dry-run create.

import https from 'node:https';
import type { FieldValidation } from './args';
import { applyUrl, dryRunApplyUrl, dryRunCreateUrl, parseWarnings, type ServedResource, statusMessage } from './api-paths';
import { type ObjectRecord, splitApiVersion } from './objects';
import { Fatal } from './runtime';

export interface ApiResponse {
  status: number | undefined;
  /** Parsed JSON, or the text when it is not JSON. */
  body: any;
  warnings: string[];
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  timeoutMs?: number;
  /** Extra headers, e.g. Impersonate-User / Impersonate-Group (canaries acting as a non-admin). */
  headers?: Record<string, string | string[]>;
}

export interface ApiClient {
  request(method: string, urlPath: string, options?: RequestOptions): Promise<ApiResponse>;
  close(): void;
}

export function makeApiClient(port: number, caPem: Buffer | string, token: string): ApiClient {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: caPem });
  async function request(method: string, urlPath: string, { body, contentType, timeoutMs = 120000, headers = {} }: RequestOptions = {}): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const req = https.request(
        {
          host: '127.0.0.1',
          port,
          method,
          path: urlPath,
          agent,
          timeout: timeoutMs,
          headers: {
            Authorization: `Bearer ${token}`,
            Accept: 'application/json',
            ...headers,
            ...(payload !== undefined ? { 'Content-Type': contentType || 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
          },
        },
        (res) => {
          let data = '';
          res.setEncoding('utf8');
          res.on('data', (d) => {
            data += d;
          });
          res.on('end', () => {
            let parsed: unknown = data;
            try {
              parsed = data ? JSON.parse(data) : undefined;
            } catch {
              /* keep text */
            }
            const warnings = parseWarnings(res.headersDistinct ? res.headersDistinct.warning : res.headers.warning);
            resolve({ status: res.statusCode, body: parsed, warnings });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs / 1000}s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
  return { request, close: () => agent.destroy() };
}

/** group/version/kind -> served resource, from discovery of `groupVersions` (default: every group). */
export async function discover(client: ApiClient, groupVersions?: readonly string[]): Promise<Map<string, ServedResource>> {
  const byGvk = new Map<string, ServedResource>();
  const add = (gv: string, list: { resources?: { name: string; kind: string; namespaced: boolean }[] }) => {
    const { group, version } = splitApiVersion(gv);
    for (const r of list.resources || []) {
      if (r.name.includes('/')) continue;
      byGvk.set(`${group}/${version}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
  };
  let gvs = groupVersions ? [...groupVersions] : undefined;
  if (!gvs) {
    gvs = ['v1'];
    const r = await client.request('GET', '/apis');
    if (r.status !== 200) throw new Fatal(`GET /apis: ${statusMessage(r.status, r.body)}`);
    for (const g of r.body.groups) for (const v of g.versions) gvs.push(v.groupVersion);
  }
  for (const gv of gvs) {
    const r = await client.request('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    if (r.status === 200) add(gv, r.body);
  }
  return byGvk;
}

/** Server-side apply (a real write, field manager verify-apiserver). */
export function applyObject(client: ApiClient, o: ObjectRecord, res: ServedResource, opts: { fieldValidation: FieldValidation }): Promise<ApiResponse> {
  return client.request('PATCH', applyUrl(o, res, opts.fieldValidation), { body: o.body, contentType: 'application/apply-patch+yaml' });
}

/** Dry-run create: full admission and validation, nothing stored; metadata.generateName works. */
export function dryRunCreate(client: ApiClient, o: ObjectRecord, res: ServedResource, opts: { fieldValidation: FieldValidation }): Promise<ApiResponse> {
  return client.request('POST', dryRunCreateUrl(o, res, opts.fieldValidation), { body: o.body });
}

/** Dry-run server-side apply onto an existing object of the same name. */
export function dryRunApply(client: ApiClient, o: ObjectRecord, res: ServedResource, opts: { fieldValidation: FieldValidation }): Promise<ApiResponse> {
  return client.request('PATCH', dryRunApplyUrl(o, res, opts.fieldValidation), { body: o.body, contentType: 'application/apply-patch+yaml' });
}
