// The processes verify:cluster runs next to etcd and kube-apiserver: kube-controller-manager,
// kube-scheduler, kwok and the operators' binaries. Each is started on free 127.0.0.1 ports
// (core/ports.ts), waited for with a functional readiness probe, and stopped by core/processes.ts's
// cleanup (also on SIGINT/SIGTERM). A component that dies or never becomes ready is a Fatal
// error naming it, with its log tail.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ApiClient } from '../core/api-client';
import { goBinaries, requireExecutable } from '../core/build-tools';
import type { ControlPlane, ControlPlaneBinaries } from '../core/control-plane';
import { httpGet, httpsGet } from '../core/http';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import { logTail, startProcess, type Supervised, waitUntil } from '../core/processes';
import { Fatal, sleep } from '../core/runtime';
import { kubeconfig, kwokArgs, adaptStages, schedulerConfiguration } from './nodes';

/** Writes the admin kubeconfig every component uses; returns its path. */
export function writeKubeconfig(cp: ControlPlane): string {
  const file = path.join(cp.tmp, 'kubeconfig.yaml');
  fs.writeFileSync(file, YAML.stringify(kubeconfig({ server: `https://127.0.0.1:${cp.securePort}`, caFile: cp.certFile, token: cp.token })), { mode: 0o600 });
  return file;
}

export async function startControllerManager(cp: ControlPlane, bins: ControlPlaneBinaries, kubeconfigFile: string, timeoutS: number): Promise<Supervised> {
  const port = await freePort();
  const kcm = startProcess('kube-controller-manager', bins.kcmBin!, [
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

export async function startScheduler(cp: ControlPlane, bins: ControlPlaneBinaries, kubeconfigFile: string, extraNames: readonly string[], timeoutS: number): Promise<Supervised> {
  const port = await freePort();
  const configFile = path.join(cp.tmp, 'kube-scheduler.yaml');
  fs.writeFileSync(configFile, YAML.stringify(schedulerConfiguration(kubeconfigFile, extraNames)));
  const scheduler = startProcess('kube-scheduler', bins.schedulerBin!, [
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
export async function startKwok(cp: ControlPlane, kwokBin: string, assets: string, kubeconfigFile: string, nodes: readonly KubeObject[], timeoutS: number): Promise<Supervised> {
  const stagesDir = path.join(assets, 'stages');
  const upstream = fs.readdirSync(stagesDir).filter((f) => f.endsWith('.yaml')).sort()
    .flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(path.join(stagesDir, f), 'utf8')).map((d) => d.toJS()))
    .filter((d) => d && d.kind === 'Stage');
  const stages = adaptStages(upstream);
  const serverPort = await freePort();
  const configFile = path.join(cp.tmp, 'kwok.yaml');
  fs.writeFileSync(configFile, stages.map((d) => YAML.stringify(d)).join('---\n'));
  const kwok = startProcess('kwok', kwokBin, kwokArgs({ kubeconfigFile, configFile, serverPort }), path.join(cp.tmp, 'kwok.log'));
  await sleep(300);
  if (kwok.exitInfo) throw new Fatal(`kwok exited at start\n${logTail(kwok)}`);
  for (const node of nodes) {
    const r = await cp.client.request('POST', '/api/v1/nodes', { body: node });
    if (r.status !== 201) throw new Fatal(`creating node ${node.metadata.name} failed: HTTP ${r.status} ${r.body?.message || ''}`);
  }
  await waitUntil(`kwok to make ${nodes.length} node(s) Ready`, kwok, timeoutS, async () => {
    const r = await cp.client.request('GET', '/api/v1/nodes');
    const notReady = (r.body?.items || []).filter((n: KubeObject) => !(n.status?.conditions || []).some((c: KubeObject) => c.type === 'Ready' && c.status === 'True'));
    return notReady.length === 0 || `not Ready: ${notReady.map((n: KubeObject) => n.metadata.name).join(', ')}`;
  });
  return kwok;
}

/**
 * Stands in for the CSI external-attacher of the simulated volumes (as kwok stands in for the
 * kubelet): every VolumeAttachment of CSI_DRIVER the attach-detach controller creates is marked
 * attached. Only then does the controller count a volume as attached to a node, and so report a
 * ReadWriteOnce volume wanted on a second node (`Multi-Attach error`). Returns a stop function whose
 * `errors` lists the requests that failed (the RWO canary reports them).
 */
export function startAttacher(client: ApiClient, driver: string): (() => Promise<void>) & { errors: string[] } {
  let stopped = false;
  // Kept, not swallowed: a failing attacher attaches nothing, so no Multi-Attach could be reported.
  const errors: string[] = [];
  const request = async (what: string, method: string, apiPath: string, options?: Parameters<ApiClient['request']>[2]) => {
    const r = await client.request(method, apiPath, options).catch((e: unknown) => ({ status: undefined, body: { message: String(e) } }));
    if (r.status !== undefined && r.status < 300) return r;
    if (errors.length < 20) errors.push(`${what}: ${r.status ? `HTTP ${r.status} ` : ''}${r.body?.message ?? ''}`.trim());
    return undefined;
  };
  const loop = (async () => {
    while (!stopped) {
      const r = await request('listing VolumeAttachments', 'GET', '/apis/storage.k8s.io/v1/volumeattachments');
      for (const va of r?.body?.items || []) {
        if (va.spec?.attacher !== driver || va.status?.attached || va.metadata.deletionTimestamp) continue;
        await request(`marking VolumeAttachment ${va.metadata.name} attached`, 'PATCH', `/apis/storage.k8s.io/v1/volumeattachments/${va.metadata.name}/status`,
          { body: { status: { attached: true } }, contentType: 'application/merge-patch+json' });
      }
      await sleep(1000);
    }
  })();
  const stop = async () => {
    stopped = true;
    await loop;
  };
  return Object.assign(stop, { errors });
}

/** Waits for an operator's /readyz on its health port. */
export async function waitHealthy(child: Supervised, port: number, timeoutS: number): Promise<void> {
  await waitUntil(`${child.procName} /readyz on 127.0.0.1:${port}`, child, timeoutS, async () => {
    const r = await httpGet(`http://127.0.0.1:${port}/readyz`);
    return r.status === 200 || `HTTP ${r.status} ${r.body.trim().slice(0, 200)}`;
  });
}

/**
 * The binaries of `names` (kwok, operators, kubectl) from the kube group of tools/go/build.sh
 * --print-paths (`name<TAB>path` lines, `<name>-assets` for the asset dirs a binary has), building
 * the group first unless --no-build. Every binary must be executable and every asset dir the group
 * lists for one of them complete.
 */
export function resolveClusterComponents(opts: { build: boolean }, names: readonly string[]): Record<string, string> {
  const paths = goBinaries('kube', opts.build, names.join('/'));
  for (const name of names) {
    requireExecutable(name, paths[name], 'run tools/go/build.sh kube');
    const assets = paths[`${name}-assets`];
    if (assets !== undefined && !fs.existsSync(path.join(assets, '.complete'))) throw new Fatal(`${name} assets missing in ${assets} (run tools/go/build.sh kube)`);
  }
  return paths;
}

/** Helm, which renders the operators' charts (tools/go group `helm`); MLP_HELM points at another build. */
export function resolveHelm(opts: { build: boolean }): string {
  const helm = process.env.MLP_HELM ? {} : goBinaries('helm', opts.build, 'helm');
  return requireExecutable('helm', process.env.MLP_HELM ?? helm.helm, 'run tools/go/build.sh helm');
}

/**
 * Argo's workflow-controller and argoexec from tools/go (`build.sh --print-paths`), built first
 * unless --no-build. MLP_WORKFLOW_CONTROLLER and MLP_ARGOEXEC point at other builds (debugging).
 */
export function resolveArgoBinaries(opts: { build: boolean }): { controller: string; argoexec: string } {
  const argo = process.env.MLP_WORKFLOW_CONTROLLER && process.env.MLP_ARGOEXEC ? {} : goBinaries('argo', opts.build, 'workflow-controller/argoexec');
  const hint = 'run tools/go/build.sh argo';
  return {
    controller: requireExecutable('workflow-controller', process.env.MLP_WORKFLOW_CONTROLLER ?? argo['workflow-controller'], hint),
    argoexec: requireExecutable('argoexec', process.env.MLP_ARGOEXEC ?? argo.argoexec, hint),
  };
}

/** The KServe controller manager (tools/go group `kserve`); MLP_KSERVE points at another build. */
export function resolveKServeBinary(opts: { build: boolean }): string {
  const kserve = process.env.MLP_KSERVE ? {} : goBinaries('kserve', opts.build, 'the kserve manager');
  return requireExecutable('kserve', process.env.MLP_KSERVE ?? kserve.kserve, 'run tools/go/build.sh kserve');
}
