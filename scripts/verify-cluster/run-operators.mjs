// The training-operator and Kueue as local processes of verify-cluster, configured as the stack
// configures them, with their admission webhooks served on 127.0.0.1 and registered in the
// apiserver under the upstream names.

import fs from 'node:fs';
import path from 'node:path';
import { Fatal, YAML, log } from '../verify-apiserver/common.mjs';
import lib from '../verify-apiserver/lib.cjs';
import { makeServingCertificates } from './certs.mjs';
import { startIsolated, waitHealthy } from './components.mjs';
import { freePort } from '../verify-apiserver/control-plane.mjs';
import ops from './operators.cjs';
import webhooks from './webhooks.cjs';

async function createOrFail(client, apiPath, body, what) {
  const r = await client.request('POST', apiPath, { body });
  if (r.status !== 201 && r.status !== 409) throw new Fatal(`creating ${what} failed: ${lib.statusMessage(r.status, r.body)}`);
}

async function registerWebhooks(client, configurations) {
  for (const c of configurations) {
    const plural = c.kind === 'ValidatingWebhookConfiguration' ? 'validatingwebhookconfigurations' : 'mutatingwebhookconfigurations';
    await createOrFail(client, `/apis/admissionregistration.k8s.io/v1/${plural}`, c, `${c.kind} ${c.metadata.name}`);
  }
}

function readDocs(file) {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
}

/**
 * training-operator v1.9.4 (cmd/training-operator.v1). Its cert rotator cannot be switched off and
 * its cert dir is fixed (pkg/cert/cert.go: /tmp/k8s-webhook-server/serving-certs, Secret
 * <namespace>/training-operator-webhook-cert, CA name training-operator-ca). So: a pre-created
 * Secret holding our CA and a server certificate that also names 127.0.0.1 (the rotator keeps a
 * valid one), and a private /tmp for the process where that dir holds the same files.
 */
export async function startTrainingOperator(cp, { bin, assets, kubeconfigFile, stackArgs, initTemplate, timeoutS }) {
  const namespace = 'kubeflow'; // the stack's namespace for it (stacks/operators/versions.ts) and its default
  const privateTmp = path.join(cp.tmp, 'training-operator-tmp');
  const certDir = path.join(privateTmp, 'k8s-webhook-server', 'serving-certs');
  const certs = makeServingCertificates(path.join(cp.tmp, 'certs-training-operator'), { caName: 'training-operator-ca', dnsNames: [`training-operator.${namespace}.svc`] });
  fs.mkdirSync(certDir, { recursive: true });
  fs.writeFileSync(path.join(certDir, 'tls.crt'), certs.certPem);
  fs.writeFileSync(path.join(certDir, 'tls.key'), certs.keyPem);
  fs.writeFileSync(path.join(certDir, 'ca.crt'), certs.caPem);
  fs.copyFileSync(kubeconfigFile, path.join(privateTmp, 'kubeconfig.yaml'));
  fs.copyFileSync(cp.certFile, path.join(privateTmp, 'apiserver-ca.crt'));
  // the kubeconfig names the CA file by its host path, which the private /tmp hides
  const kc = YAML.parse(fs.readFileSync(kubeconfigFile, 'utf8'));
  kc.clusters[0].cluster['certificate-authority'] = '/tmp/apiserver-ca.crt';
  fs.writeFileSync(path.join(privateTmp, 'kubeconfig.yaml'), YAML.stringify(kc), { mode: 0o600 });
  let initTemplateFile;
  if (initTemplate) {
    // A YAML list of one container, as the operator parses the file (pkg/config).
    fs.writeFileSync(path.join(privateTmp, 'pytorch-init-container.yaml'), YAML.stringify([initTemplate]));
    initTemplateFile = '/tmp/pytorch-init-container.yaml';
  }

  await createOrFail(cp.client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, `namespace ${namespace}`);
  const b64 = (s) => Buffer.from(s).toString('base64');
  await createOrFail(cp.client, `/api/v1/namespaces/${namespace}/secrets`, {
    apiVersion: 'v1', kind: 'Secret', metadata: { name: 'training-operator-webhook-cert', namespace },
    data: { 'ca.crt': b64(certs.caPem), 'ca.key': b64(certs.caKeyPem), 'tls.crt': b64(certs.certPem), 'tls.key': b64(certs.keyPem) },
  }, 'the training-operator webhook Secret');

  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const args = ops.trainingOperatorCommandLine(stackArgs, { healthPort, webhookPort, initTemplateFile });
  await registerWebhooks(cp.client, webhooks.trainingOperatorWebhooks(readDocs(path.join(assets, 'webhooks.yaml')), webhookPort, certs.caPem));
  const child = startIsolated('training-operator', bin, [`--kubeconfig=/tmp/kubeconfig.yaml`, ...args], [[privateTmp, '/tmp']],
    path.join(cp.tmp, 'training-operator.log'), { MY_POD_NAMESPACE: namespace, KUBECONFIG: '/tmp/kubeconfig.yaml' });
  await waitHealthy(child, healthPort, timeoutS);
  log(`==> training-operator ready (webhooks on 127.0.0.1:${webhookPort}; flags: ${args.slice(4).join(' ') || 'none from the stack'})`);
  return child;
}

/**
 * Kueue v0.19.2 (cmd/kueue) with the stack's Configuration (process fields replaced, see
 * operators.cjs). With internal cert management off it reads metrics certificates from the fixed
 * /etc/kueue/metrics/certs (cmd/kueue/main.go) even though metrics are off: the process gets a
 * private copy of /etc that has them. VisibilityOnDemand is off: it serves an aggregated API
 * (APIService) this cluster has no Service for.
 */
export async function startKueue(cp, { bin, assets, kubeconfigFile, stackConfiguration, timeoutS }) {
  const certs = makeServingCertificates(path.join(cp.tmp, 'certs-kueue'), { caName: 'kueue-ca', dnsNames: ['kueue-webhook-service.kueue-system.svc'] });
  const certDir = path.join(cp.tmp, 'kueue-webhook-certs');
  fs.mkdirSync(certDir);
  fs.writeFileSync(path.join(certDir, 'tls.crt'), certs.certPem);
  fs.writeFileSync(path.join(certDir, 'tls.key'), certs.keyPem);
  const etcCopy = path.join(cp.tmp, 'kueue-etc');
  fs.cpSync('/etc', etcCopy, { recursive: true, verbatimSymlinks: true, errorOnExist: false, filter: (src) => !src.startsWith('/etc/kueue') });
  fs.mkdirSync(path.join(etcCopy, 'kueue', 'metrics', 'certs'), { recursive: true });
  fs.writeFileSync(path.join(etcCopy, 'kueue', 'metrics', 'certs', 'tls.crt'), certs.certPem);
  fs.writeFileSync(path.join(etcCopy, 'kueue', 'metrics', 'certs', 'tls.key'), certs.keyPem);

  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const { configuration, replaced } = ops.kueueRuntimeConfiguration(stackConfiguration, { healthPort, webhookPort, certDir });
  const configFile = path.join(cp.tmp, 'kueue-config.yaml');
  fs.writeFileSync(configFile, YAML.stringify(configuration));
  await createOrFail(cp.client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: configuration.namespace } }, `namespace ${configuration.namespace}`);
  await registerWebhooks(cp.client, webhooks.kueueWebhooks(readDocs(path.join(assets, 'webhooks.yaml')), webhookPort, certs.caPem));
  const child = startIsolated('kueue', bin, [`--kubeconfig=${kubeconfigFile}`, `--config=${configFile}`, '--feature-gates=VisibilityOnDemand=false'],
    [[etcCopy, '/etc']], path.join(cp.tmp, 'kueue.log'), { KUBECONFIG: kubeconfigFile });
  await waitHealthy(child, healthPort, timeoutS);
  log(`==> kueue ready (webhooks on 127.0.0.1:${webhookPort}; frameworks: ${ops.kueueFrameworks(configuration).join(', ') || 'none'};`
    + ` fairSharing: ${configuration.fairSharing ? JSON.stringify(configuration.fairSharing) : 'off'}${replaced.length ? `; replaced process fields: ${replaced.join(', ')}` : ''})`);
  return { child, configuration };
}
