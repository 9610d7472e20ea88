// Kubeflow Trainer v2.3.0 and the JobSet v0.12.0 it runs TrainJobs on, as the stack installs them:
// the kubeflow-trainer chart (with its jobset subchart) rendered with the stack's values, its
// objects applied, and both controllers run as their pods would (pod-process.ts) under the chart's
// ServiceAccounts, each with the chart's Configuration (its ConfigMap) and only the process fields
// replaced: health/webhook/status ports on 127.0.0.1, metrics off, no leader election.
// Both manage their webhook certificates with cert-controller's rotator, which keeps a valid
// certificate it finds in the chart's Secret (`certManagement` / `internalCertManagement`
// webhookSecretName) and waits for it under /tmp/k8s-webhook-server/serving-certs: the harness
// fills that Secret with a certificate of its CA (CA names: trainer v2.3.0 pkg/util/cert/cert.go
// `kubeflow-trainer-ca`, jobset v0.12.0 pkg/util/cert/cert.go `jobset-ca`; the rotator checks the
// CA against them) that also names 127.0.0.1.

import YAML from 'yaml';
import path from 'node:path';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { makeServingCertificates, rotatorSecret } from '../core/certificates';
import type { ControlPlane } from '../core/control-plane';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import { log } from '../core/runtime';
import { configurationOf, deploymentOf, localWebhooks, webhooksServedAt, type RenderedChart, withConfigFile } from './chart-render';
import { applyOrFail, installChart } from './charted-operators';
import { waitHealthy } from './components';
import { startPodProcess } from './pod-process';
import { registerWebhooks } from './run-operators';

/** One controller of the chart: its Deployment (name suffix), binary and rotator CA name. */
interface ControllerSpec {
  readonly name: 'jobset' | 'trainer';
  readonly deployment: string;
  readonly caName: string;
}

const CONTROLLERS: readonly ControllerSpec[] = [
  // JobSet first: the Trainer creates JobSets, which pass JobSet's webhooks.
  { name: 'jobset', deployment: 'jobset-controller', caName: 'jobset-ca' },
  { name: 'trainer', deployment: 'kubeflow-trainer-controller-manager', caName: 'kubeflow-trainer-ca' },
];

/**
 * A controller's Configuration (config.trainer.kubeflow.org or config.jobset.x-k8s.io v1alpha1)
 * with the process fields replaced; everything else stays the chart's.
 */
export function controllerProcessConfiguration(configuration: KubeObject, ports: { health: number; webhook: number; status: number }): { configuration: KubeObject; replaced: string[] } {
  const cfg = JSON.parse(JSON.stringify(configuration));
  const replaced: string[] = [];
  const set = (pathKeys: string[], value: unknown) => {
    let o = cfg;
    for (const k of pathKeys.slice(0, -1)) o = o[k] ??= {};
    replaced.push(pathKeys.join('.'));
    o[pathKeys[pathKeys.length - 1]] = value;
  };
  set(['health', 'healthProbeBindAddress'], `127.0.0.1:${ports.health}`);
  set(['metrics', 'bindAddress'], '0');
  set(['webhook', 'host'], '127.0.0.1');
  set(['webhook', 'port'], ports.webhook);
  set(['leaderElection', 'leaderElect'], false);
  if (cfg.statusServer) set(['statusServer', 'port'], ports.status);
  return { configuration: cfg, replaced };
}

/** The webhook Service and certificate Secret the Configuration's cert management names. */
export function certManagementOf(configuration: KubeObject): { service: string; secret: string } {
  const m = configuration.certManagement || configuration.internalCertManagement;
  if (!m?.webhookServiceName || !m?.webhookSecretName || m.enable === false) {
    throw new Error(`${configuration.apiVersion} Configuration: no internal certificate management with webhookServiceName and webhookSecretName`);
  }
  return { service: m.webhookServiceName, secret: m.webhookSecretName };
}

export async function startTrainerControllers(
  cp: ControlPlane,
  { bins, chart, byGvk, opts }: {
    bins: Readonly<Record<'jobset' | 'trainer', string>>;
    chart: RenderedChart;
    byGvk: ReadonlyMap<string, ServedResource>;
    opts: { fieldValidation: FieldValidation; verbose: boolean; componentTimeout: number };
  },
): Promise<void> {
  const ctx = { opts, byGvk };
  const namespace = chart.release.namespace;
  const plans = CONTROLLERS.map((spec) => {
    const deployment = deploymentOf(chart, spec.deployment);
    return { spec, deployment, ...configurationOf(chart, deployment) };
  });
  const secrets = new Set(plans.map((p) => certManagementOf(p.configuration).secret));
  await installChart(cp.client, chart, ctx, (o) => o.kind === 'Secret' && secrets.has(o.metadata.name));
  for (const p of plans) {
    const { service, secret } = certManagementOf(p.configuration);
    const certs = makeServingCertificates(path.join(cp.tmp, `certs-${p.spec.name}`), { caName: p.spec.caName, dnsNames: [`${service}.${namespace}.svc`] });
    await applyOrFail(cp.client, [rotatorSecret(secret, namespace, certs)], ctx, `the ${p.spec.name} webhook certificate Secret ${secret}`);
    const ports = { health: await freePort(), webhook: await freePort(), status: await freePort() };
    const { configuration, replaced } = controllerProcessConfiguration(p.configuration, ports);
    const webhooks = localWebhooks(chart.webhooks, { service, port: ports.webhook, caPem: certs.caPem, proxy: cp.serviceProxy });
    await registerWebhooks(cp.client, webhooks);
    const args = withConfigFile(p.container.args || [], '/tmp/controller_manager_config.yaml');
    const serviceAccount = { namespace, name: p.deployment.spec.template.spec.serviceAccountName || 'default' };
    const child = await startPodProcess(cp, {
      name: p.spec.name, bin: bins[p.spec.name], args, serviceAccount, certs,
      files: { 'controller_manager_config.yaml': YAML.stringify(configuration) },
    });
    await waitHealthy(child, ports.health, opts.componentTimeout);
    log(
      `==> ${p.spec.name} ready as ServiceAccount ${namespace}/${serviceAccount.name} (the chart's RBAC, token at the pod's path), ${webhooks.length} webhook configuration(s) ${webhooksServedAt(service, ports.webhook, cp.serviceProxy)};` +
        ` the chart's Configuration with process fields replaced: ${replaced.join(', ')}; Secret ${secret} filled by the harness (its CA ${p.spec.caName})`,
    );
  }
}
