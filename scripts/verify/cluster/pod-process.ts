// An operator binary run as its pod would run it, for operators that read the pod's own files:
// in a private mount namespace (core/isolation.ts) it finds
// - its ServiceAccount at /var/run/secrets/kubernetes.io/serviceaccount (token from the
//   TokenRequest API, the apiserver CA, its namespace), with KUBERNETES_SERVICE_HOST/PORT naming
//   the apiserver: client-go's rest.InClusterConfig and the operators' own namespace lookups read
//   exactly these (k8s.io/client-go rest/config.go; e.g. JobSet v0.12.0 pkg/util/cert/cert.go
//   getOperatorNamespace, which falls back to another namespace than the chart's out of a pod);
// - its own /tmp holding the webhook serving certificate where controller-runtime and
//   cert-controller's rotator look (`/tmp/k8s-webhook-server/serving-certs`), and any files it is
//   given (its configuration), named by their paths there.
// /run is replaced by the run's directory (/var/run links to it), so the process sees no host
// runtime files; it talks to 127.0.0.1 only.

import fs from 'node:fs';
import path from 'node:path';
import type { ServingCertificates } from '../core/certificates';
import type { ControlPlane } from '../core/control-plane';
import { type BindMount, startIsolated } from '../core/isolation';
import type { Supervised } from '../core/processes';
import { serviceAccountToken, type ServiceAccountRef } from '../core/service-account-identity';

export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
export const WEBHOOK_CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';

export interface PodProcess {
  readonly name: string;
  readonly bin: string;
  readonly args: readonly string[];
  readonly serviceAccount: ServiceAccountRef;
  readonly certs: ServingCertificates;
  /** Files placed in the process's /tmp: name -> content (the process sees `/tmp/<name>`). */
  readonly files?: Readonly<Record<string, string>>;
  readonly env?: NodeJS.ProcessEnv;
  /** More private mounts, [source, target] (e.g. a copy of /etc with files the pod's volumes put there). */
  readonly mounts?: readonly BindMount[];
}

export async function startPodProcess(cp: ControlPlane, p: PodProcess): Promise<Supervised> {
  const root = path.join(cp.tmp, `pod-${p.name}`);
  const run = path.join(root, 'run');
  const tmp = path.join(root, 'tmp');
  const sa = path.join(run, path.relative('/var/run', SERVICE_ACCOUNT_DIR));
  const certDir = path.join(tmp, path.relative('/tmp', WEBHOOK_CERT_DIR));
  fs.mkdirSync(sa, { recursive: true });
  fs.mkdirSync(certDir, { recursive: true });
  fs.writeFileSync(path.join(sa, 'token'), await serviceAccountToken(cp.client, p.serviceAccount), { mode: 0o600 });
  fs.copyFileSync(cp.certFile, path.join(sa, 'ca.crt'));
  fs.writeFileSync(path.join(sa, 'namespace'), p.serviceAccount.namespace);
  fs.writeFileSync(path.join(certDir, 'tls.crt'), p.certs.certPem);
  fs.writeFileSync(path.join(certDir, 'tls.key'), p.certs.keyPem, { mode: 0o600 });
  fs.writeFileSync(path.join(certDir, 'ca.crt'), p.certs.caPem);
  for (const [name, content] of Object.entries(p.files || {})) fs.writeFileSync(path.join(tmp, name), content);
  const env = { ...p.env, KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(cp.securePort) };
  // /tmp last: the other sources lie under the host /tmp, which it hides.
  return startIsolated(p.name, p.bin, p.args, [[run, '/run'], ...(p.mounts || []), [tmp, '/tmp']], path.join(cp.tmp, `${p.name}.log`), env);
}

/**
 * A private copy of /etc (what this user can read) with `files` (path under /etc -> content) added:
 * for operators that read files a pod's volumes mount under /etc.
 */
export function etcWith(dir: string, files: Readonly<Record<string, string>>): string {
  fs.cpSync('/etc', dir, { recursive: true, verbatimSymlinks: true, errorOnExist: false, filter: (src) => readable(src) && !Object.keys(files).some((f) => src.startsWith(path.join('/etc', f))) });
  for (const [file, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** Unreadable files of /etc (as a non-root user) are left out of the private copy. */
function readable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
