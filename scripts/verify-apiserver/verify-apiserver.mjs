#!/usr/bin/env node
// verify:apiserver — apply every object of dist/*.yaml to a real, throwaway kube-apiserver.
//
// Starts etcd and kube-apiserver (pinned builds from tools/apiserver/build.sh) on 127.0.0.1 with
// random free ports and a temporary data dir, installs the upstream CRDs the charts need, proves
// Pod Security admission is enforcing, server-side applies every chart object twice (the second
// apply must change nothing) and prints a per-chart table. The last line is always either
//   apiserver: N objects accepted, R rejected
// or, when the check could not run at all,
//   apiserver: error: <reason>
// Exit codes: 0 all accepted, 1 objects rejected / Pod Security not enforcing, 2 could not run.
//
// Plain Node.js ESM with no dependencies beyond the project's `yaml` package.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import lib from './lib.cjs';

const require = createRequire(import.meta.url);
const YAML = require('yaml');

const scriptDir = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(scriptDir, '..', '..');
const buildScript = path.join(repoRoot, 'tools', 'apiserver', 'build.sh');
const FIELD_MANAGER = 'verify-apiserver';

class Fatal extends Error {}

const log = (...a) => console.log(...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------------
// Process and temp-dir lifecycle: everything registered here is torn down exactly once, on
// success, failure, SIGINT or SIGTERM.

const state = { tmp: undefined, procs: [], cleaning: undefined, interrupted: undefined };

function startProcess(name, bin, args, logFile) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd] });
  fs.closeSync(fd);
  child.procName = name;
  child.logFile = logFile;
  child.exitInfo = undefined;
  child.exited = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      child.exitInfo = { code, signal };
      resolve(child.exitInfo);
    });
    child.on('error', (err) => {
      child.exitInfo = { code: null, signal: null, error: err };
      resolve(child.exitInfo);
    });
  });
  state.procs.push(child);
  return child;
}

async function stopProcess(child) {
  if (child.exitInfo || child.pid === undefined) return;
  child.kill('SIGTERM');
  const done = await Promise.race([child.exited, sleep(10000).then(() => null)]);
  if (!done) {
    child.kill('SIGKILL');
    await Promise.race([child.exited, sleep(5000)]);
  }
}

function cleanup() {
  if (!state.cleaning) {
    state.cleaning = (async () => {
      // apiserver first (it was started last), then etcd.
      for (const child of [...state.procs].reverse()) {
        try {
          await stopProcess(child);
        } catch { /* best effort */ }
      }
      if (state.tmp) {
        try {
          fs.rmSync(state.tmp, { recursive: true, force: true });
        } catch (e) {
          console.error(`verify-apiserver: could not remove ${state.tmp}: ${e.message}`);
        }
      }
    })();
  }
  return state.cleaning;
}

for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => {
    if (state.interrupted) return;
    state.interrupted = sig;
    console.error(`\nverify-apiserver: ${sig} received, stopping etcd and kube-apiserver`);
    cleanup().finally(() => {
      console.log(`apiserver: error: interrupted by ${sig}`);
      process.exit(code);
    });
  });
}

function logTail(child, lines = 25) {
  try {
    const text = fs.readFileSync(child.logFile, 'utf8').trimEnd();
    if (!text) return `    | (${child.procName} wrote no log output)`;
    return text.split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return '    | (no log)';
  }
}

function exitDescription(info) {
  if (info.error) return `could not be started: ${info.error.message}`;
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

function processDiedMessage(child, what) {
  let text = '';
  try { text = fs.readFileSync(child.logFile, 'utf8'); } catch { /* ignore */ }
  const inUse = /address already in use|bind: address already in use/i.test(text);
  const hint = inUse ? ` — a port it needs is already in use (${what})` : '';
  return `${child.procName} ${exitDescription(child.exitInfo)} before becoming ready${hint}\n${logTail(child)}`;
}

// ---------------------------------------------------------------------------------------------
// Ports

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function ensurePortFree(port, what) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', (e) => {
      if (e.code === 'EADDRINUSE') reject(new Fatal(`${what} port 127.0.0.1:${port} is already in use`));
      else reject(new Fatal(`${what} port 127.0.0.1:${port} cannot be used: ${e.message}`));
    });
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(port)));
  });
}

async function pickPort(requested, what) {
  if (requested) return ensurePortFree(requested, what);
  return freePort();
}

// ---------------------------------------------------------------------------------------------
// HTTP

function httpGet(url, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

function makeApiClient(port, caPem, token) {
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
// Inputs

function loadDist(distDir) {
  if (!fs.existsSync(distDir) || !fs.statSync(distDir).isDirectory()) {
    throw new Fatal(`${distDir} does not exist: synthesize the charts first (or pass --dist <dir>)`);
  }
  const files = fs.readdirSync(distDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new Fatal(`no *.yaml chart files in ${distDir}: synthesize the charts first (or pass --dist <dir>)`);
  const charts = [];
  const objects = [];
  for (const f of files) {
    const file = path.join(distDir, f);
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const parseErrors = docs.flatMap((d) => d.errors.map((e) => `${file}: ${e.message}`));
    if (parseErrors.length) throw new Fatal(`cannot parse ${file}:\n  ${parseErrors.join('\n  ')}`);
    const { objects: objs, errors } = lib.documentsToObjects(file, docs.map((d) => d.toJS({ maxAliasCount: -1 })));
    if (errors.length) throw new Fatal(errors.join('\n'));
    charts.push({ chart: file, count: objs.length });
    objects.push(...objs);
  }
  return { charts, objects };
}

function loadCrdIndex(crdsDir) {
  if (!fs.existsSync(crdsDir) || !fs.statSync(crdsDir).isDirectory()) {
    return { index: new Map(), duplicates: [], infos: [], problem: `${crdsDir} does not exist` };
  }
  const infos = [];
  for (const d of fs.readdirSync(crdsDir).sort()) {
    const dir = path.join(crdsDir, d);
    if (d.startsWith('_') || d.startsWith('.') || !fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8');
      const header = lib.crdHeaderText(text);
      let info = null;
      if (header !== null) {
        try { info = lib.crdInfo(YAML.parse(header), file); } catch { info = null; }
      }
      if (!info) {
        // Not in controller-gen layout: parse the whole file (all documents).
        for (const doc of YAML.parseAllDocuments(text)) {
          const i = lib.crdInfo(doc.toJS({ maxAliasCount: -1 }), file);
          if (i) infos.push(i);
        }
      } else infos.push(info);
    }
  }
  return { ...lib.buildCrdIndex(infos), infos };
}

/**
 * Project-authored CRDs (JSON, `$comment` says why) for kinds the platform emits whose upstream
 * CRD is not in the shared set. They are added after the shared ones, so upstream always wins.
 */
function addProjectCrds(crds, dir) {
  if (!dir || !fs.existsSync(dir)) return crds;
  const infos = [...crds.infos];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    const info = lib.crdInfo(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    if (info && !crds.index.has(`${info.group}/${info.kind}`)) infos.push({ ...info, projectAuthored: true });
  }
  return { ...lib.buildCrdIndex(infos), infos, problem: crds.problem };
}

// ---------------------------------------------------------------------------------------------
// Binaries

function resolveBinaries(opts) {
  let [apiserverBin, etcdBin] = [opts.apiserverBin, opts.etcdBin];
  if (!apiserverBin || !etcdBin) {
    if (opts.build) {
      log('==> tools/apiserver/build.sh (skips binaries that are already built)');
      const r = spawnSync('bash', [buildScript], { stdio: 'inherit' });
      if (r.status !== 0) {
        throw new Fatal(`building kube-apiserver/etcd failed: tools/apiserver/build.sh ${r.error ? `could not run: ${r.error.message}` : `exited with ${r.status ?? r.signal}`} (see its output above)`);
      }
    }
    const r = spawnSync('bash', [buildScript, '--print-paths'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Fatal(`tools/apiserver/build.sh --print-paths failed: ${r.stderr}`);
    const [a, e] = r.stdout.trim().split('\n');
    apiserverBin = apiserverBin || a;
    etcdBin = etcdBin || e;
  }
  for (const [what, bin] of [['kube-apiserver', apiserverBin], ['etcd', etcdBin]]) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      throw new Fatal(`${what} binary not found or not executable: ${bin} (run tools/apiserver/build.sh)`);
    }
  }
  return { apiserverBin, etcdBin };
}

// ---------------------------------------------------------------------------------------------
// Start etcd + kube-apiserver

async function waitUntil(what, child, timeoutS, probe) {
  const deadline = Date.now() + timeoutS * 1000;
  let last = '';
  while (Date.now() < deadline) {
    if (child.exitInfo) throw new Fatal(processDiedMessage(child, what));
    try {
      const r = await probe();
      if (r === true) return;
      last = r || last;
    } catch (e) {
      last = e.message;
    }
    await sleep(250);
  }
  if (child.exitInfo) throw new Fatal(processDiedMessage(child, what));
  throw new Fatal(`${child.procName} did not become ready within ${timeoutS}s (${what}; last probe: ${last || 'no answer'})\n${logTail(child)}`);
}

async function startControlPlane(opts, bins) {
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-apiserver-'));
  const tmp = state.tmp;
  const etcdClient = await pickPort(opts.etcdPort, 'etcd client (--etcd-port)');
  const etcdPeer = await freePort();
  const securePort = await pickPort(opts.apiserverPort, 'kube-apiserver (--apiserver-port)');

  // etcd
  const etcd = startProcess('etcd', bins.etcdBin, [
    '--name=verify',
    `--data-dir=${path.join(tmp, 'etcd')}`,
    `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
    `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
    `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
    `--initial-cluster=verify=http://127.0.0.1:${etcdPeer}`,
    '--unsafe-no-fsync',
  ], path.join(tmp, 'etcd.log'));
  await waitUntil(`etcd on 127.0.0.1:${etcdClient}`, etcd, opts.etcdTimeout, async () => {
    const r = await httpGet(`http://127.0.0.1:${etcdClient}/health`);
    return (r.status === 200 && /"health":\s*"true"/.test(r.body)) || `HTTP ${r.status} ${r.body.trim()}`;
  });

  // credentials: static admin token + service-account key pair, generated now, deleted with tmp.
  const token = crypto.randomBytes(32).toString('hex');
  fs.writeFileSync(path.join(tmp, 'tokens.csv'), `${token},verify-admin,verify-admin,system:masters\n`, { mode: 0o600 });
  const { publicKey, privateKey } = crypto.generateKeyPairSync('ec', {
    namedCurve: 'P-256',
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  });
  fs.writeFileSync(path.join(tmp, 'sa.pub'), publicKey);
  fs.writeFileSync(path.join(tmp, 'sa.key'), privateKey, { mode: 0o600 });
  const certDir = path.join(tmp, 'certs');
  fs.mkdirSync(certDir);

  // kube-apiserver. Without --tls-cert-file it generates a self-signed CA + serving cert for
  // 127.0.0.1 into --cert-dir (apiserver.crt = serving cert followed by its CA).
  const apiserver = startProcess('kube-apiserver', bins.apiserverBin, [
    `--etcd-servers=http://127.0.0.1:${etcdClient}`,
    `--cert-dir=${certDir}`,
    `--secure-port=${securePort}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    '--service-cluster-ip-range=10.0.0.0/24',
    '--authorization-mode=RBAC',
    `--token-auth-file=${path.join(tmp, 'tokens.csv')}`,
    `--service-account-issuer=https://127.0.0.1:${securePort}`,
    `--service-account-key-file=${path.join(tmp, 'sa.pub')}`,
    `--service-account-signing-key-file=${path.join(tmp, 'sa.key')}`,
    '--allow-privileged=true', // so that only Pod Security admission can reject privileged pods
    '--disable-admission-plugins=ServiceAccount', // no controller creates "default" ServiceAccounts
    '--endpoint-reconciler-type=none', // the loopback address is not a valid Endpoints IP
    '--profiling=false',
  ], path.join(tmp, 'kube-apiserver.log'));

  const certFile = path.join(certDir, 'apiserver.crt');
  let client;
  await waitUntil(`kube-apiserver /readyz on 127.0.0.1:${securePort}`, apiserver, opts.apiserverTimeout, async () => {
    if (!client) {
      if (!fs.existsSync(certFile)) return 'serving certificate not generated yet';
      client = makeApiClient(securePort, fs.readFileSync(certFile), token);
    }
    const r = await client.request('GET', '/readyz', { timeoutMs: 5000 });
    return r.status === 200 || `HTTP ${r.status} ${typeof r.body === 'string' ? r.body.split('\n').filter((l) => l.includes('failed')).join('; ') : ''}`;
  });
  return { client, securePort, etcdClient, etcd, apiserver };
}

// ---------------------------------------------------------------------------------------------
// Discovery

async function discover(client, groupVersions) {
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
// CRDs

async function installCrds(client, needed, opts) {
  const results = new Map(); // key -> { ok, message }
  for (const [key, crd] of [...needed.entries()].sort()) {
    let text = fs.readFileSync(crd.file, 'utf8');
    if (crd.projectAuthored) {
      // `$comment` documents where the schema comes from; it is not a CRD field.
      const { $comment: _origin, ...body } = JSON.parse(text);
      text = JSON.stringify(body);
    }
    const t0 = Date.now();
    const r = await client.request('PATCH',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}?fieldManager=${FIELD_MANAGER}&force=true`,
      { body: text, contentType: 'application/apply-patch+yaml' });
    if (r.status !== 200 && r.status !== 201) {
      const message = `CRD ${crd.name} from ${crd.file} was not accepted: ${lib.statusMessage(r.status, r.body)}`;
      results.set(key, { ok: false, message });
      log(`  FAIL ${message}`);
      continue;
    }
    // wait for Established
    const deadline = Date.now() + opts.crdTimeout * 1000;
    let established = false;
    let conditions = [];
    while (Date.now() < deadline) {
      const g = await client.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}`);
      conditions = (g.body?.status?.conditions) || [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) {
        established = true;
        break;
      }
      await sleep(200);
    }
    if (!established) {
      const message = `CRD ${crd.name} from ${crd.file} not Established within ${opts.crdTimeout}s: ${conditions.map((c) => `${c.type}=${c.status} ${c.message || ''}`).join('; ')}`;
      results.set(key, { ok: false, message });
      log(`  FAIL ${message}`);
      continue;
    }
    const served = ((r.body.spec?.versions) || []).filter((v) => v.served).map((v) => v.name);
    results.set(key, { ok: true, crd, served, groupVersions: served.map((v) => `${crd.group}/${v}`) });
    const conv = crd.conversion !== 'None' ? ` (declares a ${crd.conversion} conversion, NOT running here)` : '';
    log(`  ok   ${crd.name} [${served.join(', ')}] from ${crd.file}${crd.projectAuthored ? ' (PROJECT-AUTHORED schema: no upstream CRD in the shared set)' : ''} in ${((Date.now() - t0) / 1000).toFixed(1)}s${conv}`);
  }
  return results;
}

// ---------------------------------------------------------------------------------------------
// Pod Security probe

async function podSecurityProbe(client) {
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
// Apply

function objectUrl(o, res, namespace) {
  const base = o.group ? `/apis/${o.group}/${o.version}` : `/api/${o.version}`;
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(namespace)}` : '';
  return `${base}${ns}/${res.plural}/${encodeURIComponent(o.name)}`;
}

async function applyObject(client, o, res, opts) {
  const namespace = o.namespace || 'default';
  const url = `${objectUrl(o, res, namespace)}?fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=${opts.fieldValidation}`;
  const r = await client.request('PATCH', url, { body: o.body, contentType: 'application/apply-patch+yaml' });
  return r;
}

async function main() {
  let opts;
  try {
    opts = lib.parseArgs(process.argv.slice(2));
  } catch (e) {
    if (e instanceof lib.UsageError) {
      console.error(`verify-apiserver: ${e.message}\n\n${lib.USAGE}`);
      console.log(`apiserver: error: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (opts.help) {
    process.stdout.write(lib.USAGE);
    return 0;
  }
  const t0 = Date.now();

  // 1. inputs (before anything is started, so bad input fails fast)
  const { charts, objects } = loadDist(opts.dist);
  const crds = addProjectCrds(loadCrdIndex(opts.crds), opts.projectCrds);
  const { needed, missing } = lib.resolveKinds(objects, crds.index);
  log(`verify-apiserver: ${objects.length} objects in ${charts.length} chart file(s) from ${opts.dist}; ${needed.size} CRD(s) needed from ${opts.crds}`);
  if (crds.problem && (needed.size || missing.size)) log(`  warning: ${crds.problem}`);
  if (opts.verbose) {
    for (const d of crds.duplicates) log(`  note: ${d.key} is defined in ${d.used} and ${d.ignored}; using ${d.used}`);
  }
  const missingMsgs = new Map();
  for (const [key, m] of missing) {
    const msg = lib.missingCrdMessage(m, opts.crds);
    missingMsgs.set(key, msg);
    log(`  FAIL ${msg}`);
  }

  // 2. binaries + control plane
  const bins = resolveBinaries(opts);
  const cp = await startControlPlane(opts, bins);
  const { client } = cp;
  const ver = await client.request('GET', '/version');
  log(`==> kube-apiserver ${ver.body?.gitVersion} ready on https://127.0.0.1:${cp.securePort} (etcd on 127.0.0.1:${cp.etcdClient}) after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  log('    note: operator admission webhooks and CRD conversion webhooks are NOT running here; objects are');
  log('          checked by built-in admission (incl. Pod Security), OpenAPI/CRD structural schemas and');
  log('          CEL rules only. Webhook-only defaulting/validation of kueue, kserve, training-operator,');
  log('          trainer, argo, keda and volcano is not exercised. No controllers run (status stays empty).');

  // 3. Pod Security admission proof
  const psa = await podSecurityProbe(client);
  log(`==> Pod Security admission probe (namespace ${psa.nsName || '-'} labelled enforce=restricted):`);
  for (const l of psa.lines) log(`    ${l}`);

  // 4. CRDs
  let crdResults = new Map();
  if (needed.size) {
    log(`==> installing ${needed.size} CRD(s) (server-side apply, wait for Established)`);
    crdResults = await installCrds(client, needed, opts);
  }
  let byGvk = await discover(client);
  // discovery can lag a moment behind Established
  for (let i = 0; i < 40; i++) {
    const lagging = [...crdResults.values()].filter((c) => c.ok && c.served.some((v) => !byGvk.has(`${c.crd.group}/${v}/${c.crd.kind}`)));
    if (!lagging.length) break;
    await sleep(250);
    byGvk = await discover(client);
  }

  // 5. apply twice
  const notRestricted = lib.namespacesNotRestricted(objects);
  if (notRestricted.length) log(`    note: namespaces without pod-security.kubernetes.io/enforce=restricted: ${notRestricted.join(', ')}`);
  if (objects.some((o) => o.kind === 'ResourceQuota' && o.group === '')) {
    log('    note: no quota controller runs, so ResourceQuota status stays empty and quota admission');
    log('          enforces nothing here (quota limits are not checked against the workloads).');
  }
  const result = new Map(); // object -> { status: 'accepted'|'rejected'|'notApplied', reasons: [] }
  const first = new Map(); // object -> response body of pass 1
  const ordered = lib.sortForApply(objects);
  const reject = (o, reason) => {
    const r = result.get(o) || { status: 'rejected', reasons: [] };
    r.status = 'rejected';
    r.reasons.push(reason);
    result.set(o, r);
  };
  const rvOnly = []; // re-written by the server on the second apply, but with identical content
  for (const pass of [1, 2]) {
    log(`==> apply pass ${pass}${pass === 2 ? ' (must change nothing)' : ''}`);
    let dirtyDiscovery = false;
    for (const o of ordered) {
      if (pass === 2 && (!result.has(o) || result.get(o).status !== 'accepted')) continue;
      const why = lib.notAppliedReason(o);
      if (why) {
        if (pass === 1) {
          result.set(o, { status: 'notApplied', reasons: [why] });
          log(`  skip ${lib.describe(o)} (${o.chart}): not applied — ${why}`);
        }
        continue;
      }
      const key = lib.groupKind(o.group, o.kind);
      if (missingMsgs.has(key)) {
        reject(o, missingMsgs.get(key));
        continue;
      }
      const crdRes = crdResults.get(key);
      if (crdRes && !crdRes.ok) {
        reject(o, crdRes.message);
        continue;
      }
      if (!o.name) {
        reject(o, 'metadata.name is missing (server-side apply needs a name)');
        continue;
      }
      if (dirtyDiscovery && !lib.BUILTIN_GROUPS.has(o.group)) {
        byGvk = await discover(client);
        dirtyDiscovery = false;
      }
      const res = byGvk.get(`${o.group}/${o.version}/${o.kind}`);
      if (!res) {
        const served = [...byGvk.keys()].filter((k) => k.startsWith(`${o.group}/`) && k.endsWith(`/${o.kind}`)).map((k) => k.split('/').slice(-2, -1)[0]);
        reject(o, `apiVersion ${o.apiVersion} kind ${o.kind} is not served${served.length ? ` (served versions: ${served.join(', ')})` : ''}${crdRes ? ` by ${crdRes.crd.file}` : ''}`);
        continue;
      }
      const r = await applyObject(client, o, res, opts);
      const psaWarnings = r.warnings.filter(lib.isPodSecurityWarning);
      const otherWarnings = r.warnings.filter((w) => !lib.isPodSecurityWarning(w));
      if (r.status !== 200 && r.status !== 201) {
        reject(o, lib.statusMessage(r.status, r.body));
      } else if (pass === 1) {
        first.set(o, r.body);
        result.set(o, { status: 'accepted', reasons: [] });
        if (psaWarnings.length) reject(o, `Pod Security: ${psaWarnings.join('; ')}`);
        if (o.group === 'apiextensions.k8s.io' && o.kind === 'CustomResourceDefinition') dirtyDiscovery = true;
      } else {
        const before = first.get(o);
        const rvBefore = before?.metadata?.resourceVersion;
        const rvAfter = r.body?.metadata?.resourceVersion;
        const changed = lib.diffPaths(before, r.body);
        if (changed.length) {
          reject(o, `changed on the second apply (resourceVersion ${rvBefore} -> ${rvAfter}); differs at ${changed.join(', ')}`);
        } else if (rvBefore !== rvAfter) {
          rvOnly.push(o);
        }
      }
      if (pass === 1 && otherWarnings.length) log(`  warn ${lib.describe(o)} (${o.chart}): ${otherWarnings.join('; ')}`);
      const st = result.get(o);
      if (opts.verbose && pass === 1 && st && st.status === 'accepted') log(`  ok   ${lib.describe(o)} (${o.chart})`);
    }
  }

  if (rvOnly.length) {
    log(`    note: the second apply left ${rvOnly.length} object(s) unchanged but the server bumped their resourceVersion`);
    log(`          (${rvOnly.map((o) => lib.describe(o)).join(', ')}); content, generation and field ownership are identical`);
  }

  // 6. report
  const failures = [...result.entries()].filter(([, r]) => r.status === 'rejected');
  if (failures.length) {
    log('==> rejected objects');
    for (const [o, r] of failures) {
      log(`  FAIL ${lib.describe(o)} (${o.chart} doc ${o.index})`);
      for (const reason of r.reasons) log(`       ${reason}`);
    }
  }
  const rows = charts.map(({ chart, count }) => {
    const mine = objects.filter((o) => o.chart === chart).map((o) => result.get(o) || { status: 'rejected' });
    return {
      chart,
      objects: count,
      accepted: mine.filter((r) => r.status === 'accepted').length,
      rejected: mine.filter((r) => r.status === 'rejected').length,
      notApplied: mine.filter((r) => r.status === 'notApplied').length,
    };
  });
  const accepted = rows.reduce((s, r) => s + r.accepted, 0);
  const rejected = rows.reduce((s, r) => s + r.rejected, 0);
  const notApplied = rows.reduce((s, r) => s + r.notApplied, 0);
  log('');
  log(lib.formatChartTable(rows));
  log('');
  if (notApplied) log(`${notApplied} object(s) reported but not applied (webhook/aggregation config; see "skip" lines above)`);
  log(`Pod Security admission: ${psa.ok ? 'enforcing (non-compliant Pod rejected, compliant Pod accepted)' : 'FAILED — see probe output above'}`);
  log(`finished in ${((Date.now() - t0) / 1000).toFixed(1)}s; stopping kube-apiserver and etcd`);
  client.close();
  await cleanup();
  log(lib.summaryLine(accepted, rejected));
  return rejected > 0 || !psa.ok ? 1 : 0;
}

main().then(
  async (code) => {
    await cleanup();
    process.exit(code);
  },
  async (err) => {
    if (state.interrupted) return; // the signal handler cleans up, reports and exits
    let msg = err instanceof Fatal ? err.message : err?.stack || String(err);
    if (!(err instanceof Fatal) && /ECONNREFUSED|ECONNRESET|socket hang up/.test(String(err?.message))) {
      const api = state.procs.find((p) => p.procName === 'kube-apiserver');
      const how = api?.exitInfo ? `kube-apiserver ${exitDescription(api.exitInfo)}` : 'kube-apiserver stopped answering';
      msg = `lost the connection to kube-apiserver (${err.message}): ${how}${api ? `\n${logTail(api)}` : ''}`;
      err = new Fatal(msg.split('\n')[0]);
    }
    console.error(`verify-apiserver: ERROR: ${msg}`);
    await cleanup();
    console.log(`apiserver: error: ${String(err?.message ? err.message : err).split('\n')[0]}`);
    process.exit(2);
  },
);
