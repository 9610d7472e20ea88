// The kube-apiserver client of verify-apiserver: HTTPS requests with the admin token, discovery,
// the Pod Security probe, server-side apply and dry-run create.

import crypto from 'node:crypto';
import https from 'node:https';
import { Fatal } from './common.mjs';
import lib from './lib.cjs';

export function makeApiClient(port, caPem, token) {
  const agent = new https.Agent({ keepAlive: true, maxSockets: 4, ca: caPem });
  async function request(method, urlPath, { body, contentType, timeoutMs = 120000 } = {}) {
    return new Promise((resolve, reject) => {
      const payload = body === undefined ? undefined : (typeof body === 'string' ? body : JSON.stringify(body));
      const req = https.request({
        host: '127.0.0.1',
        port,
        method,
        path: urlPath,
        agent,
        servername: undefined,
        timeout: timeoutMs,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload !== undefined ? { 'Content-Type': contentType || 'application/json', 'Content-Length': Buffer.byteLength(payload) } : {}),
        },
      }, (res) => {
        let data = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { data += d; });
        res.on('end', () => {
          let parsed = data;
          try { parsed = data ? JSON.parse(data) : undefined; } catch { /* keep text */ }
          const warnings = lib.parseWarnings(res.headersDistinct ? res.headersDistinct.warning : res.headers.warning);
          resolve({ status: res.statusCode, body: parsed, warnings });
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${timeoutMs / 1000}s`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
  return { request, close: () => agent.destroy() };
}

// ---------------------------------------------------------------------------------------------
// Discovery

export async function discover(client, groupVersions) {
  const byGvk = new Map();
  const add = (gv, list) => {
    const { group, version } = lib.splitApiVersion(gv);
    for (const r of list.resources || []) {
      if (r.name.includes('/')) continue;
      byGvk.set(`${group}/${version}/${r.kind}`, { plural: r.name, namespaced: r.namespaced });
    }
  };
  let gvs = groupVersions;
  if (!gvs) {
    gvs = ['v1'];
    const r = await client.request('GET', '/apis');
    if (r.status !== 200) throw new Fatal(`GET /apis: ${lib.statusMessage(r.status, r.body)}`);
    for (const g of r.body.groups) for (const v of g.versions) gvs.push(v.groupVersion);
  }
  for (const gv of gvs) {
    const r = await client.request('GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    if (r.status === 200) add(gv, r.body);
  }
  return byGvk;
}

// ---------------------------------------------------------------------------------------------
// Pod Security probe

export async function podSecurityProbe(client) {
  const suffix = crypto.randomBytes(3).toString('hex');
  const ns = lib.psaProbeNamespace(suffix);
  const nsName = ns.metadata.name;
  const r = await client.request('POST', '/api/v1/namespaces', { body: ns });
  if (r.status !== 201) return { ok: false, lines: [`could not create namespace ${nsName}: ${lib.statusMessage(r.status, r.body)}`] };
  const { bad, good } = lib.psaProbePods(nsName);
  const rb = await client.request('POST', `/api/v1/namespaces/${nsName}/pods`, { body: bad });
  const rg = await client.request('POST', `/api/v1/namespaces/${nsName}/pods`, { body: good });
  const lines = [];
  let ok = true;
  const badRejectedByPsa = rb.status === 403 && /PodSecurity/.test(JSON.stringify(rb.body));
  if (badRejectedByPsa) lines.push(`non-compliant Pod (privileged, no runAsNonRoot/seccomp) rejected: ${rb.body.message}`);
  else {
    ok = false;
    lines.push(`FAIL non-compliant Pod was NOT rejected by Pod Security admission: ${rb.status === 201 ? 'created' : lib.statusMessage(rb.status, rb.body)}`);
  }
  if (rg.status === 201) lines.push('compliant Pod (restricted profile) accepted');
  else {
    ok = false;
    lines.push(`FAIL compliant Pod was rejected: ${lib.statusMessage(rg.status, rg.body)}`);
  }
  return { ok, nsName, lines };
}

// ---------------------------------------------------------------------------------------------
// Writes

/** Server-side apply (a real write, field manager verify-apiserver). */
export async function applyObject(client, o, res, opts) {
  return client.request('PATCH', lib.applyUrl(o, res, opts.fieldValidation), { body: o.body, contentType: 'application/apply-patch+yaml' });
}

/** Dry-run create: full admission and validation, nothing stored; metadata.generateName works. */
export async function dryRunCreate(client, o, res, opts) {
  return client.request('POST', lib.dryRunCreateUrl(o, res, opts.fieldValidation), { body: o.body });
}

/** Dry-run server-side apply onto an existing object of the same name. */
export async function dryRunApply(client, o, res, opts) {
  return client.request('PATCH', lib.dryRunApplyUrl(o, res, opts.fieldValidation), { body: o.body, contentType: 'application/apply-patch+yaml' });
}
