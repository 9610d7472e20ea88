// KServe in verify:cluster as the stack installs it: the kserve-resources chart rendered with the
// stack's values (ServiceAccount, RBAC, inferenceservice-config, Services, the Deployment as a kwok
// pod, webhook configurations), the real controller manager (v0.20.0, tools/go group `kserve`)
// under the chart's ServiceAccount token, then the kserve-runtime-configs chart's
// ClusterServingRuntimes, which pass through the manager's Fail-policy validating webhook.
// What the harness stands in for, and says so (sources: kserve v0.20.0, docs/kserve-harness.md):
// - cert-manager: the chart always renders Certificate `serving-cert` and Issuer
//   `selfsigned-issuer`; the harness leaves both out and supplies their effect: the Certificate's
//   Secret (its spec.secretName) with a serving certificate for its dnsNames and 127.0.0.1, and
//   the CA in every webhook's caBundle (the chart's `cert-manager.io/inject-ca-from`).
// - process fields: `--leader-elect` is dropped (out of cluster controller-runtime finds no
//   leader-election namespace and exits; one replica needs none), `--metrics-addr`,
//   `--health-probe-addr` and `--webhook-port` (cmd/manager/main.go GetOptions) get free ports,
//   the kubeconfig is the ServiceAccount's (flag and KUBECONFIG: the ISVC defaulter calls
//   config.GetConfig() itself, pkg/apis/serving/v1beta1/inference_service_defaults.go), and
//   TMPDIR is private: controller-runtime's webhook server reads its certificate from
//   `os.TempDir()/k8s-webhook-server/serving-certs` (pkg/webhook/server.go).
// - the kube-rbac-proxy sidecar (metrics over TLS) is not run.

import fs from 'node:fs';
import path from 'node:path';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { certManagerSecret, makeServingCertificates } from '../core/certificates';
import type { ControlPlane } from '../core/control-plane';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import { startProcess, type Supervised } from '../core/processes';
import { log } from '../core/runtime';
import { actAs } from '../core/service-account-identity';
import { containerEnv } from './argo-steps';
import { certManagerSecrets, deploymentOf, isCertManagerObject, localWebhooks, webhooksServedAt, type RenderedChart, webhookServiceOf } from './chart-render';
import { applyOrFail, installChart } from './charted-operators';
import { waitHealthy } from './components';
import { registerWebhooks } from './run-operators';

/** The manager container's command line with the process fields replaced, and what was replaced. */
export function kserveManagerArgs(chartArgs: readonly string[], ports: { metrics: number; health: number; webhook: number }, kubeconfig: string): { args: string[]; replaced: string[] } {
  const own = ['--leader-elect', '--metrics-addr', '--health-probe-addr', '--webhook-port', '--kubeconfig'];
  const flagOf = (a: string) => a.split('=')[0];
  const replaced = chartArgs.filter((a) => own.includes(flagOf(a))).map(flagOf);
  const kept = chartArgs.filter((a) => !own.includes(flagOf(a)));
  const args = [...kept, `--metrics-addr=127.0.0.1:${ports.metrics}`, `--health-probe-addr=127.0.0.1:${ports.health}`, `--webhook-port=${ports.webhook}`, `--kubeconfig=${kubeconfig}`];
  return { args, replaced: [...new Set([...replaced, '--health-probe-addr', '--webhook-port', '--kubeconfig'])] };
}

/** The chart's cert-manager Certificate: what the Secret the Deployment mounts must hold, and what is left out. */
export function servingCertificateOf(chart: RenderedChart): { secretName: string; dnsNames: string[]; left: string[] } {
  const [cert, ...more] = certManagerSecrets(chart);
  if (!cert || more.length) throw new Error(`the ${chart.release.operator} chart renders ${cert ? 'more than one' : 'no'} cert-manager Certificate with a secretName (one webhook certificate is expected)`);
  const left = chart.objects.filter(isCertManagerObject).map((o) => `${o.kind} ${o.metadata.name}`);
  return { ...cert, left };
}

export interface KServeRun {
  readonly child: Supervised;
  readonly serviceAccount: string;
  readonly runtimes: number;
}

export async function startKServe(
  cp: ControlPlane,
  { bin, resources, runtimes, byGvk, opts }: {
    bin: string;
    resources: RenderedChart;
    runtimes?: RenderedChart;
    byGvk: ReadonlyMap<string, ServedResource>;
    opts: { fieldValidation: FieldValidation; verbose: boolean; componentTimeout: number };
  },
): Promise<KServeRun> {
  const ctx = { opts, byGvk };
  const namespace = resources.release.namespace;
  const deployment = deploymentOf(resources, 'controller-manager');
  const pod = deployment.spec.template.spec;
  const containers: KubeObject[] = pod.containers;
  const container = containers.find((c) => c.name === 'manager') || containers[0];
  const serving = servingCertificateOf(resources);
  const certs = makeServingCertificates(path.join(cp.tmp, 'certs-kserve'), { caName: 'kserve-ca', dnsNames: serving.dnsNames });

  await installChart(cp.client, resources, ctx, isCertManagerObject);
  // What cert-manager would write for the Certificate: the Secret the Deployment mounts.
  await applyOrFail(cp.client, [certManagerSecret(serving.secretName, namespace, certs)], ctx, `the Secret ${serving.secretName} cert-manager would issue`);

  const privateTmp = path.join(cp.tmp, 'kserve-tmp');
  const certDir = path.join(privateTmp, 'k8s-webhook-server', 'serving-certs');
  fs.mkdirSync(certDir, { recursive: true });
  fs.writeFileSync(path.join(certDir, 'tls.crt'), certs.certPem);
  fs.writeFileSync(path.join(certDir, 'tls.key'), certs.keyPem, { mode: 0o600 });

  const serviceAccount = pod.serviceAccountName || 'default';
  const id = await actAs(cp, { namespace, name: serviceAccount });
  id.client.close();
  const kubeconfig = id.kubeconfig(path.join(cp.tmp, 'kserve'), { namespace });
  const ports = { metrics: await freePort(), health: await freePort(), webhook: await freePort() };
  const { args, replaced } = kserveManagerArgs((container.args || []).map(String), ports, kubeconfig);
  const env = { ...containerEnv({ metadata: { name: `${deployment.metadata.name}-verify`, namespace }, spec: pod }, container), KUBECONFIG: kubeconfig, TMPDIR: privateTmp };
  const child = startProcess('kserve', bin, args, path.join(cp.tmp, 'kserve.log'), env);
  await waitHealthy(child, ports.health, opts.componentTimeout);
  const service = webhookServiceOf(resources);
  const webhooks = localWebhooks(resources.webhooks, { service, port: ports.webhook, caPem: certs.caPem, proxy: cp.serviceProxy });
  await registerWebhooks(cp.client, webhooks);
  log(
    `==> kserve manager ready as ServiceAccount ${namespace}/${serviceAccount} (the chart's RBAC); ${webhooks.length} webhook configuration(s) ${webhooksServedAt(service, ports.webhook, cp.serviceProxy)};` +
      ` left out: ${serving.left.join(', ')} (cert-manager is not run: the harness issued Secret ${serving.secretName} and the webhooks' caBundle);` +
      ` replaced process fields: ${replaced.join(', ')}, TMPDIR; not run: the kube-rbac-proxy sidecar`,
  );
  let count = 0;
  if (runtimes) {
    // After the webhooks: each ClusterServingRuntime passes the manager's validator, as on a cluster.
    await installChart(cp.client, runtimes, ctx);
    count = runtimes.objects.filter((o) => o.kind === 'ClusterServingRuntime').length;
    log(`==> ${runtimes.release.operator}: ${count} ClusterServingRuntime(s) admitted by the kserve manager's webhook`);
  }
  return { child, serviceAccount, runtimes: count };
}
