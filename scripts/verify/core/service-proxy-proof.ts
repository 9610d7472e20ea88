// Proof that kube-apiserver reaches a local webhook through a service-referenced webhook
// configuration, unchanged, via the `cluster` egress proxy (service-proxy.ts):
//   node scripts/run-ts.mjs scripts/verify/core/service-proxy-proof.ts
// Starts etcd + kube-apiserver with the egress proxy, a Service (ClusterIP, no endpoints), a local
// HTTPS webhook with a certificate for <service>.<namespace>.svc and a ValidatingWebhookConfiguration
// with clientConfig.service. Prints one line per check; exit 1 when one fails, 2 when it cannot run.

import https from 'node:https';
import path from 'node:path';
import { statusMessage } from './api-paths';
import { makeServingCertificates } from './certificates';
import { resolveBinaries, startControlPlane } from './control-plane';
import { freePort } from './ports';
import { installSignalHandlers, runMain, state } from './processes';
import { log, sleep } from './runtime';
import { startServiceProxy } from './service-proxy';

const NS = 'proxy-proof';
const SVC = 'proof-webhook';
const WEBHOOK = 'deny-me.proof.mlpatterns.dev';
const DENIAL = 'proof-webhook refuses ConfigMaps named deny-me';

installSignalHandlers({ tool: 'service-proxy-proof', summary: 'service-proxy-proof' });

/** The webhook: denies ConfigMaps named deny-me, allows the rest; remembers each call's TLS SNI. */
async function startWebhook(certs: { certPem: string; keyPem: string }) {
  const calls: { name: string; sni: string }[] = [];
  const server = https.createServer({ cert: certs.certPem, key: certs.keyPem }, (req, res) => {
    let data = '';
    req.on('data', (d) => {
      data += d;
    });
    req.on('end', () => {
      const review = JSON.parse(data || '{}');
      const name = review.request?.object?.metadata?.name ?? '';
      calls.push({ name, sni: String((req.socket as import('node:tls').TLSSocket).servername) });
      const denied = name === 'deny-me';
      const response = { uid: review.request?.uid, allowed: !denied, ...(denied ? { status: { code: 403, message: DENIAL } } : {}) };
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  });
  const port = await freePort();
  await new Promise<void>((r) => server.listen(port, '127.0.0.1', () => r()));
  state.cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  server.unref();
  return { port, calls };
}

function webhookConfiguration(caPem: string) {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'proxy-proof' },
    webhooks: [{
      name: WEBHOOK,
      clientConfig: { service: { namespace: NS, name: SVC, port: 443, path: '/validate' }, caBundle: Buffer.from(caPem).toString('base64') },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': NS } },
      failurePolicy: 'Fail',
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      timeoutSeconds: 5,
    }],
  };
}

async function main(): Promise<number> {
  const t0 = Date.now();
  const bins = resolveBinaries({ build: false });
  const cp = await startControlPlane({ build: false, apiserverPort: 0, etcdPort: 0, etcdTimeout: 30, apiserverTimeout: 120, clusterEgressProxy: true }, bins);
  const { client } = cp;
  const ver = await client.request('GET', '/version');
  log(`kube-apiserver ${ver.body?.gitVersion} ready after ${((Date.now() - t0) / 1000).toFixed(1)}s, cluster egress via ${path.basename(cp.clusterEgressSocket!)}`);
  const proxy = await startServiceProxy(client, log, { socketPath: cp.clusterEgressSocket! });

  const must = async (what: string, r: Promise<{ status: number | undefined; body: any }>) => {
    const res = await r;
    if (res.status !== 201) throw new Error(`${what}: ${statusMessage(res.status, res.body)}`);
    return res.body;
  };
  await must('namespace', client.request('POST', '/api/v1/namespaces', { body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } } }));
  const svc = await must('service', client.request('POST', `/api/v1/namespaces/${NS}/services`, {
    body: { apiVersion: 'v1', kind: 'Service', metadata: { name: SVC, namespace: NS }, spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, targetPort: 9443 }] } },
  }));
  const certs = makeServingCertificates(path.join(cp.tmp, 'webhook-certs'), { caName: `${SVC}-ca`, dnsNames: [`${SVC}.${NS}.svc`] });
  const webhook = await startWebhook(certs);
  proxy.route(NS, SVC, 443, webhook.port);
  log(`Service ${NS}/${SVC} ClusterIP ${svc.spec.clusterIP}:443 routed to the webhook on 127.0.0.1:${webhook.port}`);
  await must('webhook configuration', client.request('POST', '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations', { body: webhookConfiguration(certs.caPem) }));

  const createConfigMap = async (name: string, dryRun = false) => {
    const started = Date.now();
    const r = await client.request('POST', `/api/v1/namespaces/${NS}/configmaps${dryRun ? '?dryRun=All' : ''}`, {
      body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS }, data: { k: 'v' } },
    });
    return { status: r.status, message: String(r.body?.message ?? ''), ms: Date.now() - started };
  };
  // The apiserver picks the configuration up through an informer: wait until deny-me is refused.
  const deadline = Date.now() + 30000;
  while ((await createConfigMap('deny-me', true)).status === 201 && Date.now() < deadline) await sleep(200);

  let failed = 0;
  const check = (ok: boolean, what: string, detail: string) => {
    if (!ok) failed++;
    log(`${ok ? 'PASS' : 'FAIL'} ${what}: ${detail}`);
  };
  const denied = await createConfigMap('deny-me');
  check(denied.status === 403 && denied.message.includes(DENIAL), 'deny-me refused by the webhook', `${denied.status} ${denied.message} (${denied.ms} ms)`);
  const allowed = await createConfigMap('allow-me');
  check(allowed.status === 201, 'another ConfigMap accepted', `${allowed.status}${allowed.message ? ` ${allowed.message}` : ''} (${allowed.ms} ms)`);
  const snis = [...new Set(webhook.calls.map((c) => c.sni))];
  check(snis.length === 1 && snis[0] === `${SVC}.${NS}.svc`, 'TLS ServerName is <service>.<namespace>.svc', `${snis.join(', ')} over ${webhook.calls.length} call(s)`);

  proxy.unroute(NS, SVC, 443);
  const callsBefore = webhook.calls.length;
  const canary = await createConfigMap('after-unroute');
  check(canary.status !== 201 && /failed calling webhook/.test(canary.message) && webhook.calls.length === callsBefore, 'canary: route removed, create refused as unreachable', `${canary.status} ${canary.message}`);

  proxy.route(NS, SVC, 443, webhook.port);
  const again = await createConfigMap('allow-me-again');
  check(again.status === 201, 'route restored, accepted again', `${again.status}${again.message ? ` ${again.message}` : ''} (${again.ms} ms)`);

  // The Service is resolved only when kube-apiserver dials: an open keep-alive tunnel outlives it.
  const del = await client.request('DELETE', `/api/v1/namespaces/${NS}/services/${SVC}`);
  if (del.status !== 200) throw new Error(`deleting the Service: ${statusMessage(del.status, del.body)}`);
  const kept = await createConfigMap('service-gone-open-tunnel');
  log(`note: Service deleted, the open tunnel still carries the webhook call: ${kept.status}${kept.message ? ` ${kept.message}` : ''}`);
  proxy.unroute(NS, SVC, 443); // closes the tunnel, so the next call dials and resolves again
  proxy.route(NS, SVC, 443, webhook.port);
  const gone = await createConfigMap('service-gone');
  check(gone.status !== 201 && /failed calling webhook/.test(gone.message), 'the Service must exist when kube-apiserver dials', `${gone.status} ${gone.message}`);

  log(`service-proxy-proof: ${failed ? `${failed} check(s) failed` : 'every check passed'} in ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  client.close();
  return failed ? 1 : 0;
}

runMain(main);
