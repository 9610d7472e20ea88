// etcd + kube-apiserver for verify:apiserver (and, with kube-controller-manager and kube-scheduler
// added by the cluster rung, for verify:cluster and verify:pulumi): temp dir, free ports, pinned
// binaries, startup and readiness. Teardown is core/processes.ts's cleanup().

import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ApiClient, makeApiClient } from './api-client';
import { goBinaries, requireExecutable } from './build-tools';
import { httpGet } from './http';
import { freePort, pickPort } from './ports';
import { startProcess, state, type Supervised, waitUntil } from './processes';
import type { ServiceProxy } from './service-proxy';
import { egressSelectorConfiguration } from './service-routes';

export interface ControlPlaneOptions {
  build: boolean;
  apiserverBin?: string;
  etcdBin?: string;
  apiserverPort: number;
  etcdPort: number;
  etcdTimeout: number;
  apiserverTimeout: number;
  /**
   * Send kube-apiserver's `cluster` egress (service-referenced webhooks, APIServices) through an
   * HTTP CONNECT proxy on ControlPlane.clusterEgressSocket (core/service-proxy.ts). Off by default.
   */
  clusterEgressProxy?: boolean;
}

export interface ControlPlaneBinaries {
  apiserverBin: string;
  etcdBin: string;
  kcmBin?: string;
  schedulerBin?: string;
}

/**
 * Paths of the pinned binaries, building them first unless --no-build. withControllers also
 * builds and returns kube-controller-manager and kube-scheduler (verify-cluster).
 */
export function resolveBinaries(opts: Pick<ControlPlaneOptions, 'build' | 'apiserverBin' | 'etcdBin'>, { withControllers = false } = {}): ControlPlaneBinaries {
  const paths = goBinaries('kube', opts.build && (!opts.apiserverBin || !opts.etcdBin || withControllers), 'the control plane');
  const hint = 'run tools/go/build.sh kube';
  const bins: ControlPlaneBinaries = {
    apiserverBin: requireExecutable('kube-apiserver', opts.apiserverBin || paths['kube-apiserver'], hint),
    etcdBin: requireExecutable('etcd', opts.etcdBin || paths.etcd, hint),
  };
  if (withControllers) {
    bins.kcmBin = requireExecutable('kube-controller-manager', paths['kube-controller-manager'], hint);
    bins.schedulerBin = requireExecutable('kube-scheduler', paths['kube-scheduler'], hint);
  }
  return bins;
}

/**
 * How kube-apiserver is configured. APISERVER_ONLY: nothing else runs, so the ServiceAccount
 * admission plugin is off (no controller creates the `default` ServiceAccounts) and RBAC alone
 * authorizes. WITH_CONTROLLERS (verify-cluster): kube-controller-manager creates them, so every
 * default admission plugin is on, and the Node authorizer runs in front of RBAC as on a real
 * cluster.
 */
export interface ControlPlaneProfile {
  tmpPrefix: string;
  authorizationMode: string;
  serviceAccountAdmission: boolean;
}
export const APISERVER_ONLY: ControlPlaneProfile = Object.freeze({ tmpPrefix: 'verify-apiserver-', authorizationMode: 'RBAC', serviceAccountAdmission: false });
export const WITH_CONTROLLERS: ControlPlaneProfile = Object.freeze({ tmpPrefix: 'verify-cluster-', authorizationMode: 'Node,RBAC', serviceAccountAdmission: true });

export interface ControlPlane {
  client: ApiClient;
  securePort: number;
  etcdClient: number;
  etcd: Supervised;
  apiserver: Supervised;
  token: string;
  /** The apiserver's serving certificate followed by its CA: what clients trust. */
  certFile: string;
  /** The run's temp dir (removed by cleanup()). */
  tmp: string;
  /** Where the `cluster` egress proxy must listen (with clusterEgressProxy). */
  clusterEgressSocket?: string;
  /** The proxy listening there, once the caller started it (`startServiceProxy`): operators' webhook Services are routed through it. */
  serviceProxy?: ServiceProxy;
}

export async function startControlPlane(opts: ControlPlaneOptions, bins: ControlPlaneBinaries, profile = APISERVER_ONLY): Promise<ControlPlane> {
  state.tmp = fs.mkdtempSync(path.join(os.tmpdir(), profile.tmpPrefix));
  const tmp = state.tmp;
  const etcdClient = await pickPort(opts.etcdPort, 'etcd client (--etcd-port)');
  const etcdPeer = await freePort();
  const securePort = await pickPort(opts.apiserverPort, 'kube-apiserver (--apiserver-port)');

  // etcd
  const etcd = startProcess(
    'etcd',
    bins.etcdBin,
    [
      '--name=verify',
      `--data-dir=${path.join(tmp, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClient}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClient}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
      `--initial-cluster=verify=http://127.0.0.1:${etcdPeer}`,
      '--unsafe-no-fsync',
    ],
    path.join(tmp, 'etcd.log'),
  );
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
  // Only webhook, APIService and kubelet calls dial the cluster egress: the proxy may start after readiness.
  const clusterEgressSocket = opts.clusterEgressProxy ? path.join(tmp, 'cluster-egress.sock') : undefined;
  const egressFile = path.join(tmp, 'egress-selector.json');
  if (clusterEgressSocket) fs.writeFileSync(egressFile, JSON.stringify(egressSelectorConfiguration(clusterEgressSocket)));

  // kube-apiserver. Without --tls-cert-file it generates a self-signed CA + serving cert for
  // 127.0.0.1 into --cert-dir (apiserver.crt = serving cert followed by its CA).
  const apiserver = startProcess(
    'kube-apiserver',
    bins.apiserverBin,
    [
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
      ...(clusterEgressSocket ? [`--egress-selector-config-file=${egressFile}`] : []),
    ],
    path.join(tmp, 'kube-apiserver.log'),
  );

  const certFile = path.join(certDir, 'apiserver.crt');
  let client: ApiClient | undefined;
  await waitUntil(`kube-apiserver /readyz on 127.0.0.1:${securePort}`, apiserver, opts.apiserverTimeout, async () => {
    if (!client) {
      if (!fs.existsSync(certFile)) return 'serving certificate not generated yet';
      client = makeApiClient(securePort, fs.readFileSync(certFile), token);
    }
    const r = await client.request('GET', '/readyz', { timeoutMs: 5000 });
    return r.status === 200 || `HTTP ${r.status} ${typeof r.body === 'string' ? r.body.split('\n').filter((l) => l.includes('failed')).join('; ') : ''}`;
  });
  return { client: client!, securePort, etcdClient, etcd, apiserver, token, certFile, tmp, clusterEgressSocket };
}
