// Acting as a ServiceAccount: a token from the TokenRequest API (what the kubelet projects into a
// pod), a client and a kubeconfig that carry it. Processes the harness runs in a pod's place (an
// operator under its chart's ServiceAccount, argoexec under a workflow step's) get exactly the RBAC
// that account has: nothing from the harness's admin token leaks into them.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { type ApiClient, makeApiClient } from './api-client';
import { statusMessage } from './api-paths';
import type { ControlPlane } from './control-plane';
import type { KubeObject } from './objects';

export interface ServiceAccountRef {
  readonly namespace: string;
  readonly name: string;
}

export const serviceAccountUser = (sa: ServiceAccountRef) => `system:serviceaccount:${sa.namespace}:${sa.name}`;

/**
 * A token for `sa` from `POST .../serviceaccounts/<name>/token` (authentication.k8s.io/v1
 * TokenRequest). Throws naming the account when it does not exist or the request is refused.
 */
export async function serviceAccountToken(admin: ApiClient, sa: ServiceAccountRef, expirationSeconds = 7200): Promise<string> {
  const r = await admin.request('POST', `/api/v1/namespaces/${sa.namespace}/serviceaccounts/${sa.name}/token`, {
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds } },
  });
  const token = (r.body as KubeObject | undefined)?.status?.token;
  if (r.status !== 201 || typeof token !== 'string') {
    throw new Error(`no token for ServiceAccount ${sa.namespace}/${sa.name}: ${statusMessage(r.status, r.body)}`);
  }
  return token;
}

/** A kubeconfig document for `token` whose context namespace is `namespace`. */
export function tokenKubeconfig({ server, caFile, token, namespace, user }: { server: string; caFile: string; token: string; namespace?: string; user: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'verify', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name: 'verify', context: { cluster: 'verify', user, ...(namespace ? { namespace } : {}) } }],
    'current-context': 'verify',
  };
}

export interface Identity {
  readonly sa: ServiceAccountRef;
  readonly token: string;
  /** A client that authenticates as the ServiceAccount. */
  readonly client: ApiClient;
  /** Writes a kubeconfig for the account into `dir` (mode 0600) and returns its path. */
  kubeconfig(dir: string, { caFile, namespace }?: { caFile?: string; namespace?: string }): string;
}

/** Everything needed to act as `sa` against the control plane. Close `client` when done. */
export async function actAs(cp: ControlPlane, sa: ServiceAccountRef): Promise<Identity> {
  const token = await serviceAccountToken(cp.client, sa);
  const client = makeApiClient(cp.securePort, fs.readFileSync(cp.certFile), token);
  return {
    sa,
    token,
    client,
    kubeconfig(dir, { caFile = cp.certFile, namespace = sa.namespace } = {}) {
      const file = path.join(dir, `kubeconfig-${sa.namespace}-${sa.name}.yaml`);
      fs.mkdirSync(dir, { recursive: true });
      const doc = tokenKubeconfig({ server: `https://127.0.0.1:${cp.securePort}`, caFile, token, namespace, user: serviceAccountUser(sa) });
      fs.writeFileSync(file, YAML.stringify(doc), { mode: 0o600 });
      return file;
    },
  };
}
