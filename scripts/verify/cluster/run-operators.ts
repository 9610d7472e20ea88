// The training-operator and Kueue as local processes of verify-cluster, configured as the stack
// configures them, with their admission webhooks served on 127.0.0.1 and registered in the
// apiserver under the upstream names.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ApiClient } from '../core/api-client';
import { statusMessage } from '../core/api-paths';
import { makeServingCertificates, rotatorSecret } from '../core/certificates';
import type { ControlPlane } from '../core/control-plane';
import { startIsolated } from '../core/isolation';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import type { Supervised } from '../core/processes';
import { Fatal, log } from '../core/runtime';
import { waitHealthy } from './components';
import { kueueFrameworks, kueueRuntimeConfiguration, trainingOperatorCommandLine } from './operators';
import { etcWith } from './pod-process';
import { kueueWebhooks, trainingOperatorWebhooks } from './webhooks';

interface OperatorStart {
  bin: string;
  assets: string;
  kubeconfigFile: string;
  timeoutS: number;
}

/** POST `body`; an existing object (409) is fine, anything else stops the run naming `what`. */
export async function createOrFail(client: ApiClient, apiPath: string, body: KubeObject, what: string): Promise<void> {
  const r = await client.request('POST', apiPath, { body });
  if (r.status !== 201 && r.status !== 409) throw new Fatal(`creating ${what} failed: ${statusMessage(r.status, r.body)}`);
}

/** Registers webhook configurations (already pointed at a local process); each must be created. */
export async function registerWebhooks(client: ApiClient, configurations: readonly KubeObject[]): Promise<void> {
  for (const c of configurations) {
    const plural = c.kind === 'ValidatingWebhookConfiguration' ? 'validatingwebhookconfigurations' : 'mutatingwebhookconfigurations';
    await createOrFail(client, `/apis/admissionregistration.k8s.io/v1/${plural}`, c, `${c.kind} ${c.metadata.name}`);
  }
}

function readDocs(file: string): KubeObject[] {
  return YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
}

/**
 * The training-operator (cmd/training-operator.v1, version from tools/go/versions.env).
 * Its cert rotator cannot be switched off and waits for a certificate at a fixed path:
 * training-operator v1.9.4 pkg/cert/cert.go passes `certDir = "/tmp/k8s-webhook-server/serving-certs"`
 * as the rotator's CertDir, and cert-controller v0.16.0 pkg/rotator/rotator.go ensureCertsMounted
 * stats `<CertDir>/tls.crt` before it reports ready (it never writes there). Its webhook server
 * reads from controller-runtime v0.24.1's default, pkg/webhook/server.go
 * `filepath.Join(os.TempDir(), "k8s-webhook-server", "serving-certs")`; $TMPDIR could move that one,
 * but not the rotator's, so a private /tmp is unavoidable. So: a pre-created Secret
 * (<namespace>/training-operator-webhook-cert) holding our CA (name training-operator-ca) and a
 * server certificate that also names 127.0.0.1 (the rotator keeps a valid one), and a private
 * /tmp for the process where that dir holds the same files. Everything else it is given (kubeconfig,
 * apiserver CA, init container template) is copied into that private /tmp and named by its path
 * there; the binary is exec'd through its own directory (core/isolation.ts), so a checkout under
 * /tmp works.
 */
export async function startTrainingOperator(
  cp: ControlPlane,
  { bin, assets, kubeconfigFile, stackArgs, initTemplate, timeoutS }: OperatorStart & { stackArgs: readonly string[]; initTemplate?: KubeObject },
): Promise<Supervised> {
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
  let initTemplateFile: string | undefined;
  if (initTemplate) {
    // A YAML list of one container, as the operator parses the file (pkg/config).
    fs.writeFileSync(path.join(privateTmp, 'pytorch-init-container.yaml'), YAML.stringify([initTemplate]));
    initTemplateFile = '/tmp/pytorch-init-container.yaml';
  }

  await createOrFail(cp.client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }, `namespace ${namespace}`);
  await createOrFail(cp.client, `/api/v1/namespaces/${namespace}/secrets`, rotatorSecret('training-operator-webhook-cert', namespace, certs), 'the training-operator webhook Secret');

  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const args = trainingOperatorCommandLine(stackArgs, { healthPort, webhookPort, initTemplateFile });
  await registerWebhooks(cp.client, trainingOperatorWebhooks(readDocs(path.join(assets, 'webhooks.yaml')), webhookPort, certs.caPem));
  const child = startIsolated('training-operator', bin, [`--kubeconfig=/tmp/kubeconfig.yaml`, ...args], [[privateTmp, '/tmp']],
    path.join(cp.tmp, 'training-operator.log'), { MY_POD_NAMESPACE: namespace, KUBECONFIG: '/tmp/kubeconfig.yaml' });
  await waitHealthy(child, healthPort, timeoutS);
  log(`==> training-operator ready (webhooks on 127.0.0.1:${webhookPort}; flags: ${args.slice(4).join(' ') || 'none from the stack'})`);
  return child;
}

/**
 * Kueue (cmd/kueue, version from tools/go/versions.env) with the stack's Configuration
 * (process fields replaced, see operators.ts). The webhook cert dir is the Configuration's
 * webhook.certDir (v0.19.2 pkg/config/config.go), so it stays in the run's dir and /tmp is not
 * mounted over. With internal cert management off it reads metrics certificates from the fixed
 * /etc/kueue/metrics/certs (v0.19.2 cmd/kueue/main.go) even though metrics are off: the process
 * gets a private copy of /etc that has them (only what this user can read is copied).
 * VisibilityOnDemand is off: it serves an aggregated API (APIService) this cluster has no Service for.
 */
export async function startKueue(
  cp: ControlPlane,
  { bin, assets, kubeconfigFile, stackConfiguration, timeoutS }: OperatorStart & { stackConfiguration?: KubeObject },
): Promise<{ child: Supervised; configuration: KubeObject }> {
  const certs = makeServingCertificates(path.join(cp.tmp, 'certs-kueue'), { caName: 'kueue-ca', dnsNames: ['kueue-webhook-service.kueue-system.svc'] });
  const certDir = path.join(cp.tmp, 'kueue-webhook-certs');
  fs.mkdirSync(certDir);
  fs.writeFileSync(path.join(certDir, 'tls.crt'), certs.certPem);
  fs.writeFileSync(path.join(certDir, 'tls.key'), certs.keyPem);
  const etcCopy = etcWith(path.join(cp.tmp, 'kueue-etc'), { 'kueue/metrics/certs/tls.crt': certs.certPem, 'kueue/metrics/certs/tls.key': certs.keyPem });

  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const { configuration, replaced } = kueueRuntimeConfiguration(stackConfiguration, { healthPort, webhookPort, certDir });
  const configFile = path.join(cp.tmp, 'kueue-config.yaml');
  fs.writeFileSync(configFile, YAML.stringify(configuration));
  await createOrFail(cp.client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: configuration.namespace } }, `namespace ${configuration.namespace}`);
  await registerWebhooks(cp.client, kueueWebhooks(readDocs(path.join(assets, 'webhooks.yaml')), webhookPort, certs.caPem));
  const child = startIsolated('kueue', bin, [`--kubeconfig=${kubeconfigFile}`, `--config=${configFile}`, '--feature-gates=VisibilityOnDemand=false'],
    [[etcCopy, '/etc']], path.join(cp.tmp, 'kueue.log'), { KUBECONFIG: kubeconfigFile });
  await waitHealthy(child, healthPort, timeoutS);
  log(
    `==> kueue ready (webhooks on 127.0.0.1:${webhookPort}; frameworks: ${kueueFrameworks(configuration).join(', ') || 'none'};` +
      ` fairSharing: ${configuration.fairSharing ? JSON.stringify(configuration.fairSharing) : 'off'}${replaced.length ? `; replaced process fields: ${replaced.join(', ')}` : ''})`,
  );
  return { child, configuration };
}
