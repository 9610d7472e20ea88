// Kueue v0.19.2 as the stack installs it: the kueue chart rendered with the stack's values (its
// Configuration is the chart's `managerConfig`, which the stack fills), every object applied but
// what the harness stands in for, and the controller run as its pod would (pod-process.ts) under
// the chart's ServiceAccount, so the chart's RBAC is all it may do (e.g. act on TrainJobs).
// Stood in for, and said in the output:
// - cert-manager (`enableCertManager`): the chart's Certificates and Issuer are left out; the
//   Secrets they name are issued by the harness (each for the Certificate's DNS names and
//   127.0.0.1), and the webhooks get its CA; the files the pod's volumes mount are given to the
//   process at their paths (webhook certificate in /tmp, metrics certificate in /etc/kueue/metrics/certs:
//   with internal cert management off, v0.19.2 cmd/kueue/main.go reads it there even with metrics off).
// - the visibility API: its APIServices are left out (no Service routes to a local process) and
//   the VisibilityOnDemand feature gate is off; a real install serves it from the pod.
// - process fields of the Configuration (operators.ts KUEUE_PROCESS_FIELDS): ports on 127.0.0.1,
//   metrics off, no leader election.

import path from 'node:path';
import YAML from 'yaml';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { certManagerSecret, makeServingCertificates, type ServingCertificates } from '../core/certificates';
import type { ControlPlane } from '../core/control-plane';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import type { Supervised } from '../core/processes';
import { log } from '../core/runtime';
import { certManagerSecrets, configurationOf, deploymentOf, volumeMountedAt, isCertManagerObject, localWebhooks, webhooksServedAt, type RenderedChart, webhookServiceOf, withConfigFile } from './chart-render';
import { applyOrFail, installChart } from './charted-operators';
import { waitHealthy } from './components';
import { kueueFrameworks, kueueRuntimeConfiguration } from './operators';
import { etcWith, startPodProcess, WEBHOOK_CERT_DIR } from './pod-process';
import { registerWebhooks } from './run-operators';

/** Where the Kueue pod mounts the metrics certificate Secret (the chart's Deployment, v0.19.2). */
const METRICS_CERT_DIR = 'kueue/metrics/certs';

const leftOut = (o: KubeObject) => isCertManagerObject(o) || o.kind === 'APIService';

/** The Secret of the Certificate that serves `host`, and the others. */
export function webhookCertificate(chart: RenderedChart, host: string): { webhook: { secretName: string; dnsNames: string[] }; others: { secretName: string; dnsNames: string[] }[] } {
  const all = certManagerSecrets(chart);
  const webhook = all.find((c) => c.dnsNames.includes(host));
  if (!webhook) throw new Error(`the ${chart.release.operator} chart renders no cert-manager Certificate for ${host} (has: ${all.map((c) => c.dnsNames.join('/')).join(', ') || 'none'})`);
  return { webhook, others: all.filter((c) => c !== webhook) };
}

export async function startKueueFromChart(
  cp: ControlPlane,
  { bin, chart, byGvk, opts }: { bin: string; chart: RenderedChart; byGvk: ReadonlyMap<string, ServedResource>; opts: { fieldValidation: FieldValidation; verbose: boolean; componentTimeout: number } },
): Promise<{ child: Supervised; configuration: KubeObject }> {
  const ctx = { opts, byGvk };
  const namespace = chart.release.namespace;
  const deployment = deploymentOf(chart, 'controller-manager');
  const { container, configuration: chartConfiguration } = configurationOf(chart, deployment);
  const service = webhookServiceOf(chart);
  const { webhook, others } = webhookCertificate(chart, `${service}.${namespace}.svc`);
  await installChart(cp.client, chart, ctx, leftOut);
  const issued = new Map<string, ServingCertificates>();
  for (const c of [webhook, ...others]) {
    const certs = makeServingCertificates(path.join(cp.tmp, `certs-kueue-${c.secretName}`), { caName: 'kueue-ca', dnsNames: c.dnsNames });
    issued.set(c.secretName, certs);
    await applyOrFail(cp.client, [certManagerSecret(c.secretName, namespace, certs)], ctx, `the Secret ${c.secretName} cert-manager would issue`);
  }
  const webhookCerts = issued.get(webhook.secretName)!;
  // The metrics certificate the pod mounts at /etc/kueue/metrics/certs (its volume's Secret).
  const { volume: metricsVolume } = volumeMountedAt(deployment.spec.template.spec, container, `/etc/${METRICS_CERT_DIR}`);
  const metrics = issued.get(metricsVolume?.secret?.secretName) ?? webhookCerts;
  const etc = etcWith(path.join(cp.tmp, 'kueue-etc'), {
    [`${METRICS_CERT_DIR}/tls.crt`]: metrics.certPem, [`${METRICS_CERT_DIR}/tls.key`]: metrics.keyPem, [`${METRICS_CERT_DIR}/ca.crt`]: metrics.caPem,
  });

  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const { configuration, replaced } = kueueRuntimeConfiguration(chartConfiguration, { healthPort, webhookPort, certDir: WEBHOOK_CERT_DIR });
  const webhooks = localWebhooks(chart.webhooks, { service, port: webhookPort, caPem: webhookCerts.caPem, proxy: cp.serviceProxy });
  await registerWebhooks(cp.client, webhooks);
  const serviceAccount = { namespace, name: deployment.spec.template.spec.serviceAccountName || 'default' };
  const args = [...withConfigFile(container.args || [], '/tmp/controller_manager_config.yaml'), '--feature-gates=VisibilityOnDemand=false'];
  const child = await startPodProcess(cp, {
    name: 'kueue', bin, args, serviceAccount, certs: webhookCerts, mounts: [[etc, '/etc']],
    files: { 'controller_manager_config.yaml': YAML.stringify(configuration) },
  });
  await waitHealthy(child, healthPort, opts.componentTimeout);
  log(
    `==> kueue ready as ServiceAccount ${namespace}/${serviceAccount.name} (the chart's RBAC), ${webhooks.length} webhook configuration(s) ${webhooksServedAt(service, webhookPort, cp.serviceProxy)};` +
      ` frameworks: ${kueueFrameworks(configuration).join(', ') || 'none'}; fairSharing: ${configuration.fairSharing ? JSON.stringify(configuration.fairSharing) : 'off'};` +
      ` left out: ${chart.objects.filter(leftOut).map((o) => `${o.kind} ${o.metadata.name}`).join(', ')} (cert-manager is not run: the harness issued ${[webhook, ...others].map((c) => c.secretName).join(', ')});` +
      ` replaced: ${[...replaced, '--feature-gates=VisibilityOnDemand=false'].join(', ')}`,
  );
  return { child, configuration };
}
