// Proof that Pod Security admission is enforcing: in a throwaway namespace labelled
// enforce=restricted a privileged Pod must be rejected and a restricted-compliant Pod accepted.

import crypto from 'node:crypto';
import type { ApiClient } from '../core/api-client';
import { statusMessage } from '../core/api-paths';
import type { KubeObject } from '../core/objects';

export function psaProbeNamespace(suffix: string): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: `verify-apiserver-psa-${suffix}`,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}

export function psaProbePods(namespace: string): { bad: KubeObject; good: KubeObject } {
  const image = 'registry.invalid/psa-probe:1'; // never pulled: there is no kubelet
  const bad = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'non-compliant', namespace },
    spec: {
      containers: [{ name: 'c', image, securityContext: { privileged: true } }],
    },
  };
  const good = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'compliant', namespace },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'c',
          image,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
  return { bad, good };
}

export async function podSecurityProbe(client: ApiClient): Promise<{ ok: boolean; nsName?: string; lines: string[] }> {
  const suffix = crypto.randomBytes(3).toString('hex');
  const ns = psaProbeNamespace(suffix);
  const nsName: string = ns.metadata.name;
  const r = await client.request('POST', '/api/v1/namespaces', { body: ns });
  if (r.status !== 201) return { ok: false, lines: [`could not create namespace ${nsName}: ${statusMessage(r.status, r.body)}`] };
  const { bad, good } = psaProbePods(nsName);
  const rb = await client.request('POST', `/api/v1/namespaces/${nsName}/pods`, { body: bad });
  const rg = await client.request('POST', `/api/v1/namespaces/${nsName}/pods`, { body: good });
  const lines = [];
  let ok = true;
  const badRejectedByPsa = rb.status === 403 && /PodSecurity/.test(JSON.stringify(rb.body));
  if (badRejectedByPsa) lines.push(`non-compliant Pod (privileged, no runAsNonRoot/seccomp) rejected: ${rb.body.message}`);
  else {
    ok = false;
    lines.push(`FAIL non-compliant Pod was NOT rejected by Pod Security admission: ${rb.status === 201 ? 'created' : statusMessage(rb.status, rb.body)}`);
  }
  if (rg.status === 201) lines.push('compliant Pod (restricted profile) accepted');
  else {
    ok = false;
    lines.push(`FAIL compliant Pod was rejected: ${statusMessage(rg.status, rg.body)}`);
  }
  return { ok, nsName, lines };
}
