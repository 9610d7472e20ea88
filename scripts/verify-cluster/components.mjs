// The processes verify-cluster runs next to etcd and kube-apiserver: kube-controller-manager,
// kube-scheduler, kwok and the operators. Each is started on 127.0.0.1 ports below the ephemeral
// range, waited for with a functional readiness probe, and stopped by control-plane.mjs's
// cleanup (also on SIGINT/SIGTERM). A component that dies or never becomes ready is a Fatal
// error naming it, with its log tail.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { Fatal, YAML, log, sleep } from '../verify-apiserver/common.mjs';
import { freePort, httpGet, logTail, startProcess, state, waitUntil } from '../verify-apiserver/control-plane.mjs';
import nodesLib from './nodes.cjs';

/** GET an https URL of a component (self-signed serving cert: not verified, loopback only). */
function httpsGet(url, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = https.get(url, { rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      let data = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { data += d; });
      res.on('end', () => resolve({ status: res.statusCode, body: data }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Writes the admin kubeconfig every component uses; returns its path. */
export function writeKubeconfig(cp) {
  const file = path.join(cp.tmp, 'kubeconfig.yaml');
  fs.writeFileSync(file, YAML.stringify(nodesLib.kubeconfig({ server: `https://127.0.0.1:${cp.securePort}`, caFile: cp.certFile, token: cp.token })), { mode: 0o600 });
  return file;
}

export async function startControllerManager(cp, bins, kubeconfigFile, timeoutS) {
  const port = await freePort();
  const kcm = startProcess('kube-controller-manager', bins.kcmBin, [
    `--kubeconfig=${kubeconfigFile}`,
    `--authentication-kubeconfig=${kubeconfigFile}`,
    `--authorization-kubeconfig=${kubeconfigFile}`,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
    '--leader-elect=false',
    // Each controller acts as its own ServiceAccount (system:controller:*), as kubeadm sets it up.
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${path.join(cp.tmp, 'sa.key')}`,
    `--root-ca-file=${cp.certFile}`,
    '--cluster-name=verify-cluster',
    '--profiling=false',
  ], path.join(cp.tmp, 'kube-controller-manager.log'));
  await waitUntil(`kube-controller-manager /healthz on 127.0.0.1:${port}`, kcm, timeoutS, async () => {
    const r = await httpsGet(`https://127.0.0.1:${port}/healthz`);
    return r.status === 200 || `HTTP ${r.status} ${r.body.trim().slice(0, 200)}`;
  });
  // Functional probe: the ServiceAccount controller created `default` in the default namespace.
  await waitUntil('the ServiceAccount controller to create default/default', kcm, timeoutS, async () => {
    const r = await cp.client.request('GET', '/api/v1/namespaces/default/serviceaccounts/default');
    return r.status === 200 || `HTTP ${r.status}`;
  });
  return kcm;
}

export async function startScheduler(cp, bins, kubeconfigFile, extraNames, timeoutS) {
  const port = await freePort();
  const configFile = path.join(cp.tmp, 'kube-scheduler.yaml');
  fs.writeFileSync(configFile, YAML.stringify(nodesLib.schedulerConfiguration(kubeconfigFile, extraNames)));
  const scheduler = startProcess('kube-scheduler', bins.schedulerBin, [
    `--config=${configFile}`,
    `--authentication-kubeconfig=${kubeconfigFile}`,
    `--authorization-kubeconfig=${kubeconfigFile}`,
    `--secure-port=${port}`,
    '--bind-address=127.0.0.1',
  ], path.join(cp.tmp, 'kube-scheduler.log'));
  await waitUntil(`kube-scheduler /healthz on 127.0.0.1:${port}`, scheduler, timeoutS, async () => {
    const r = await httpsGet(`https://127.0.0.1:${port}/healthz`);
    return r.status === 200 || `HTTP ${r.status} ${r.body.trim().slice(0, 200)}`;
  });
  return scheduler;
}

/** Starts kwok with the adapted stages, creates the nodes and waits until every one is Ready. */
export async function startKwok(cp, kwokBin, assets, kubeconfigFile, nodes, timeoutS) {
  const stagesDir = path.join(assets, 'stages');
  const upstream = fs.readdirSync(stagesDir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(stagesDir, f), 'utf8')).map((d) => d.toJS()))
    .filter((d) => d && d.kind === 'Stage');
  const stages = nodesLib.adaptStages(upstream);
  const serverPort = await freePort();
  const configFile = path.join(cp.tmp, 'kwok.yaml');
  fs.writeFileSync(configFile, stages.map((d) => YAML.stringify(d)).join('---\n'));
  const kwok = startProcess('kwok', kwokBin, nodesLib.kwokArgs({ kubeconfigFile, configFile, serverPort }), path.join(cp.tmp, 'kwok.log'));
  await sleep(300);
  if (kwok.exitInfo) throw new Fatal(`kwok exited at start\n${logTail(kwok)}`);
  for (const node of nodes) {
    const r = await cp.client.request('POST', '/api/v1/nodes', { body: node });
    if (r.status !== 201) throw new Fatal(`creating node ${node.metadata.name} failed: HTTP ${r.status} ${r.body?.message || ''}`);
  }
  await waitUntil(`kwok to make ${nodes.length} node(s) Ready`, kwok, timeoutS, async () => {
    const r = await cp.client.request('GET', '/api/v1/nodes');
    const notReady = (r.body?.items || []).filter((n) => !(n.status?.conditions || []).some((c) => c.type === 'Ready' && c.status === 'True'));
    return notReady.length === 0 || `not Ready: ${notReady.map((n) => n.metadata.name).join(', ')}`;
  });
  return kwok;
}

/**
 * Runs `bin args` in a private mount namespace with `mounts` ([source, target] pairs bind-mounted
 * first), for operators that read files from fixed paths (/tmp/k8s-webhook-server/...,
 * /etc/kueue/...): nothing on the host changes and concurrent runs do not collide.
 */
export function startIsolated(name, bin, args, mounts, logFile, env = {}) {
  const script = [...mounts.map((_, i) => `mount --bind "$${2 * i + 1}" "$${2 * i + 2}"`), `shift ${2 * mounts.length}`, 'exec "$@"'].join(' && ');
  const unshareArgs = ['--mount', '--propagation', 'private', ...(process.getuid && process.getuid() !== 0 ? ['--map-root-user'] : [])];
  const probe = spawnSync('unshare', [...unshareArgs, 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Fatal(`${name} reads files from fixed paths and runs in a private mount namespace, but 'unshare ${unshareArgs.join(' ')}' does not work here: ${(probe.stderr || probe.error?.message || '').trim()}`);
  }
  return startProcess(name, 'unshare', [...unshareArgs, 'sh', '-c', script, 'sh', ...mounts.flat(), bin, ...args], logFile, env);
}

/**
 * Stands in for the CSI external-attacher of the simulated volumes (as kwok stands in for the
 * kubelet): every VolumeAttachment of CSI_DRIVER the attach-detach controller creates is marked
 * attached. Only then does the controller count a volume as attached to a node, and so report a
 * ReadWriteOnce volume wanted on a second node (`Multi-Attach error`). Returns a stop function.
 */
export function startAttacher(client, driver) {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const r = await client.request('GET', '/apis/storage.k8s.io/v1/volumeattachments').catch(() => undefined);
      for (const va of r?.body?.items || []) {
        if (va.spec?.attacher !== driver || va.status?.attached || va.metadata.deletionTimestamp) continue;
        await client.request('PATCH', `/apis/storage.k8s.io/v1/volumeattachments/${va.metadata.name}/status`,
          { body: { status: { attached: true } }, contentType: 'application/merge-patch+json' }).catch(() => undefined);
      }
      await sleep(1000);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** Waits for an operator's /readyz on its health port. */
export async function waitHealthy(child, port, timeoutS) {
  await waitUntil(`${child.procName} /readyz on 127.0.0.1:${port}`, child, timeoutS, async () => {
    const r = await httpGet(`http://127.0.0.1:${port}/readyz`);
    return r.status === 200 || `HTTP ${r.status} ${r.body.trim().slice(0, 200)}`;
  });
}

/** Resolve the binaries and asset dirs of `names` (kwok, operators), building them unless --no-build. */
export function resolveClusterComponents(opts, repoRoot, names) {
  const script = path.join(repoRoot, 'tools', 'cluster', 'build.sh');
  if (opts.build) {
    log(`==> tools/cluster/build.sh ${names.join(' ')} (skips components that are already built)`);
    const r = spawnSync('bash', [script, ...names], { stdio: 'inherit' });
    if (r.status !== 0) throw new Fatal(`building kwok/training-operator/kueue failed: tools/cluster/build.sh ${r.error ? `could not run: ${r.error.message}` : `exited with ${r.status ?? r.signal}`} (see its output above)`);
  }
  const r = spawnSync('bash', [script, '--print-paths'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Fatal(`tools/cluster/build.sh --print-paths failed: ${r.stderr}`);
  const paths = Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('\t')));
  for (const name of names) {
    try {
      fs.accessSync(paths[name], fs.constants.X_OK);
    } catch {
      throw new Fatal(`${name} binary not found or not executable: ${paths[name]} (run tools/cluster/build.sh)`);
    }
    if (!fs.existsSync(path.join(paths[`${name}-assets`], '.complete'))) throw new Fatal(`${name} assets missing in ${paths[`${name}-assets`]} (run tools/cluster/build.sh)`);
  }
  return paths;
}

export { state };
