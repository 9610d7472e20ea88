// etcd + kube-apiserver process management for verify-apiserver (and verify-cluster, which adds
// its controllers through startProcess): temp dir, free ports, pinned binaries, startup and
// readiness, and teardown on exit, failure, SIGINT, SIGTERM and SIGHUP.

import { spawn, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { makeApiClient } from './api.mjs';
import { Fatal, log, repoRoot, sleep } from './common.mjs';

const buildScript = path.join(repoRoot, 'tools', 'apiserver', 'build.sh');

// ---------------------------------------------------------------------------------------------
// Process and temp-dir lifecycle: everything registered here is torn down exactly once, on
// success, failure, SIGINT or SIGTERM.

export const state = {
  tmp: undefined, procs: [], cleaning: undefined, interrupted: undefined,
  // Who is running: the message prefix and the summary-line prefix (`apiserver: error: ...`).
  tool: 'verify-apiserver', summary: 'apiserver',
  // Extra teardown steps (run after the processes stopped, before the temp dir is removed).
  cleanups: [],
};

/** Start a process whose stdout and stderr go to logFile; it is stopped by cleanup(). */
export function startProcess(name, bin, args, logFile, env = {}) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
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

export function cleanup() {
  if (!state.cleaning) {
    state.cleaning = (async () => {
      // Reverse start order: controllers, then kube-apiserver, then etcd.
      for (const child of [...state.procs].reverse()) {
        try {
          await stopProcess(child);
        } catch { /* best effort */ }
      }
      for (const fn of state.cleanups) {
        try {
          fn();
        } catch (e) {
          console.error(`${state.tool}: cleanup step failed: ${e.message}`);
        }
      }
      if (state.tmp) {
        try {
          fs.rmSync(state.tmp, { recursive: true, force: true });
        } catch (e) {
          console.error(`${state.tool}: could not remove ${state.tmp}: ${e.message}`);
        }
      }
    })();
  }
  return state.cleaning;
}

/**
 * Stop every process and remove the temp dir on SIGINT/SIGTERM/SIGHUP, then exit 130/143/129.
 * tool/summary name the runner in messages (`verify-cluster`, `cluster: error: ...`).
 */
export function installSignalHandlers({ tool = 'verify-apiserver', summary = 'apiserver' } = {}) {
  state.tool = tool;
  state.summary = summary;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(sig, () => {
      if (state.interrupted) return;
      state.interrupted = sig;
      console.error(`\n${state.tool}: ${sig} received, stopping ${state.procs.map((p) => p.procName).join(', ') || 'nothing'}`);
      cleanup().finally(() => {
        console.log(`${state.summary}: error: interrupted by ${sig}`);
        process.exit(code);
      });
    });
  }
}

export function logTail(child, lines = 25) {
  try {
    const text = fs.readFileSync(child.logFile, 'utf8').trimEnd();
    if (!text) return `    | (${child.procName} wrote no log output)`;
    return text.split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return '    | (no log)';
  }
}

export function exitDescription(info) {
  if (info.error) return `could not be started: ${info.error.message}`;
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

export function processDiedMessage(child, what) {
  let text = '';
  try { text = fs.readFileSync(child.logFile, 'utf8'); } catch { /* ignore */ }
  const inUse = /address already in use|bind: address already in use/i.test(text);
  const hint = inUse ? ` — a port it needs is already in use (${what})` : '';
  return `${child.procName} ${exitDescription(child.exitInfo)} before becoming ready${hint}\n${logTail(child)}`;
}

// ---------------------------------------------------------------------------------------------
// Ports

// Ports are picked below the Linux ephemeral range (32768-60999): a port taken from that range and
// released again can be grabbed as the source port of any outgoing connection before the server
// binds it (seen with several controllers starting at once).
const LOW_PORTS = { min: 20000, max: 32767 };

function tryListen(port) {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

const handedOut = new Set();

/** A free 127.0.0.1 port below the ephemeral range, never the same one twice in a run. */
export async function freePort() {
  for (let i = 0; i < 200; i++) {
    const port = LOW_PORTS.min + crypto.randomInt(LOW_PORTS.max - LOW_PORTS.min + 1);
    if (handedOut.has(port)) continue;
    if (await tryListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Fatal(`no free port found on 127.0.0.1 in ${LOW_PORTS.min}-${LOW_PORTS.max} after 200 tries`);
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

export async function pickPort(requested, what) {
  if (requested) return ensurePortFree(requested, what);
  return freePort();
}

// ---------------------------------------------------------------------------------------------
// HTTP

export function httpGet(url, timeoutMs = 5000) {
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

// ---------------------------------------------------------------------------------------------
// Binaries

/**
 * Paths of the pinned binaries, building them first unless --no-build. withControllers also
 * builds and returns kube-controller-manager and kube-scheduler (verify-cluster).
 */
export function resolveBinaries(opts, { withControllers = false } = {}) {
  const extra = withControllers ? ['kube-controller-manager', 'kube-scheduler'] : [];
  let [apiserverBin, etcdBin] = [opts.apiserverBin, opts.etcdBin];
  if (opts.build && (!apiserverBin || !etcdBin || withControllers)) {
    log(`==> tools/apiserver/build.sh ${extra.join(' ')} (skips binaries that are already built)`);
    const r = spawnSync('bash', [buildScript, ...extra], { stdio: 'inherit' });
    if (r.status !== 0) {
      throw new Fatal(`building the control plane failed: tools/apiserver/build.sh ${r.error ? `could not run: ${r.error.message}` : `exited with ${r.status ?? r.signal}`} (see its output above)`);
    }
  }
  const r = spawnSync('bash', [buildScript, '--print-paths'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Fatal(`tools/apiserver/build.sh --print-paths failed: ${r.stderr}`);
  const [a, e, kcmBin, schedulerBin] = r.stdout.trim().split('\n');
  apiserverBin = apiserverBin || a;
  etcdBin = etcdBin || e;
  const check = [['kube-apiserver', apiserverBin], ['etcd', etcdBin], ...(withControllers ? [['kube-controller-manager', kcmBin], ['kube-scheduler', schedulerBin]] : [])];
  for (const [what, bin] of check) {
    try {
      fs.accessSync(bin, fs.constants.X_OK);
    } catch {
      throw new Fatal(`${what} binary not found or not executable: ${bin} (run tools/apiserver/build.sh ${extra.join(' ')})`);
    }
  }
  return withControllers ? { apiserverBin, etcdBin, kcmBin, schedulerBin } : { apiserverBin, etcdBin };
}

// ---------------------------------------------------------------------------------------------
// Start etcd + kube-apiserver

export async function waitUntil(what, child, timeoutS, probe) {
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

/**
 * How kube-apiserver is configured. APISERVER_ONLY: nothing else runs, so the ServiceAccount
 * admission plugin is off (no controller creates the `default` ServiceAccounts) and RBAC alone
 * authorizes. WITH_CONTROLLERS (verify-cluster): kube-controller-manager creates them, so every
 * default admission plugin is on, and the Node authorizer runs in front of RBAC as on a real
 * cluster.
 */
export const APISERVER_ONLY = Object.freeze({ tmpPrefix: 'verify-apiserver-', authorizationMode: 'RBAC', serviceAccountAdmission: false });
export const WITH_CONTROLLERS = Object.freeze({ tmpPrefix: 'verify-cluster-', authorizationMode: 'Node,RBAC', serviceAccountAdmission: true });

export async function startControlPlane(opts, bins, profile = APISERVER_ONLY) {
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), profile.tmpPrefix));
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
    `--authorization-mode=${profile.authorizationMode}`,
    `--token-auth-file=${path.join(tmp, 'tokens.csv')}`,
    `--service-account-issuer=https://127.0.0.1:${securePort}`,
    `--service-account-key-file=${path.join(tmp, 'sa.pub')}`,
    `--service-account-signing-key-file=${path.join(tmp, 'sa.key')}`,
    '--allow-privileged=true', // so that only Pod Security admission can reject privileged pods
    // Without kube-controller-manager nothing creates the "default" ServiceAccounts.
    ...(profile.serviceAccountAdmission ? [] : ['--disable-admission-plugins=ServiceAccount']),
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
  return { client, securePort, etcdClient, etcd, apiserver, token, certFile, tmp };
}

