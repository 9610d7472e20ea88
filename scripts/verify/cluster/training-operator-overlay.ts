// The training-operator v1.9.4 as the stack installs it: the stack's kustomization over the pinned
// overlay (manifests/overlays/standalone: CRDs, RBAC, webhook, Deployment; plus the stack's flags
// and the restricted init-container template ConfigMap) rendered by `kubectl kustomize`, its
// objects applied, and the operator run as its pod would (pod-process.ts) under the overlay's
// ServiceAccount, with the Deployment's own args and env. Stood in for, and said:
// - the webhook certificate: its cert rotator (cert-controller, pkg/cert/cert.go of v1.9.4) keeps
//   a valid certificate it finds in the Secret the Deployment mounts and checks its CA against
//   `training-operator-ca`; the harness fills that Secret and gives the files at the mount path;
// - the init-container template the Deployment mounts from its ConfigMap is given at the same path
//   (a private /etc); process flags (health, webhook port, metrics off, no leader election) are
//   the harness's (operators.ts trainingOperatorCommandLine).

import path from 'node:path';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { makeServingCertificates, rotatorSecret } from '../core/certificates';
import type { ControlPlane } from '../core/control-plane';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import type { Supervised } from '../core/processes';
import { log } from '../core/runtime';
import { containerEnv } from './argo-steps';
import { deploymentOf, localWebhooks, webhooksServedAt, type RenderedChart, volumeMountedAt, webhookServiceOf } from './chart-render';
import { applyOrFail, installChart } from './charted-operators';
import { waitHealthy } from './components';
import { trainingOperatorCommandLine } from './operators';
import { etcWith, startPodProcess, WEBHOOK_CERT_DIR } from './pod-process';
import { registerWebhooks } from './run-operators';

/** Files a pod's ConfigMap volumes put under /etc: path under /etc -> content. */
export function etcFilesFromConfigMaps(pod: KubeObject, container: KubeObject, objects: readonly KubeObject[]): Record<string, string> {
  const files: Record<string, string> = {};
  for (const m of container.volumeMounts || []) {
    if (!String(m.mountPath).startsWith('/etc/')) continue;
    const { volume } = volumeMountedAt(pod, container, m.mountPath);
    const cm = volume?.configMap && objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume.configMap.name);
    if (!cm) continue;
    for (const [key, content] of Object.entries<string>(cm.data || {})) files[path.join(path.relative('/etc', m.mountPath), key)] = content;
  }
  return files;
}

export async function startTrainingOperatorFromOverlay(
  cp: ControlPlane,
  { bin, chart, byGvk, opts }: { bin: string; chart: RenderedChart; byGvk: ReadonlyMap<string, ServedResource>; opts: { fieldValidation: FieldValidation; verbose: boolean; componentTimeout: number } },
): Promise<Supervised> {
  const ctx = { opts, byGvk };
  const namespace = chart.release.namespace;
  const deployment = deploymentOf(chart, 'training-operator');
  const pod = deployment.spec.template.spec;
  const container: KubeObject = pod.containers.find((c: KubeObject) => c.name === 'training-operator') || pod.containers[0];
  const secretName = volumeMountedAt(pod, container, WEBHOOK_CERT_DIR).volume?.secret?.secretName;
  if (!secretName) throw new Error(`the ${chart.release.operator} Deployment mounts no Secret at ${WEBHOOK_CERT_DIR}`);
  const service = webhookServiceOf(chart);
  // CA name: the rotator's (training-operator v1.9.4 pkg/cert/cert.go caName).
  const certs = makeServingCertificates(path.join(cp.tmp, 'certs-training-operator'), { caName: 'training-operator-ca', dnsNames: [`${service}.${namespace}.svc`] });

  await installChart(cp.client, chart, ctx, (o) => o.kind === 'Secret' && o.metadata.name === secretName);
  await applyOrFail(cp.client, [rotatorSecret(secretName, namespace, certs)], ctx, `the training-operator webhook certificate Secret ${secretName}`);

  const etcFiles = etcFilesFromConfigMaps(pod, container, chart.objects);
  const etc = etcWith(path.join(cp.tmp, 'training-operator-etc'), etcFiles);
  const [healthPort, webhookPort] = [await freePort(), await freePort()];
  const stackArgs: string[] = (container.args || []).map(String);
  const templateFlag = stackArgs.find((a) => a.startsWith('--pytorch-init-container-template-file='));
  const args = trainingOperatorCommandLine(stackArgs, { healthPort, webhookPort, initTemplateFile: templateFlag?.split('=')[1] });
  const webhooks = localWebhooks(chart.webhooks, { service, port: webhookPort, caPem: certs.caPem, proxy: cp.serviceProxy });
  await registerWebhooks(cp.client, webhooks);
  const serviceAccount = { namespace, name: pod.serviceAccountName || 'default' };
  const env = containerEnv({ metadata: { name: `${deployment.metadata.name}-verify`, namespace }, spec: pod }, container);
  const child = await startPodProcess(cp, { name: 'training-operator', bin, args, serviceAccount, certs, env, mounts: [[etc, '/etc']] });
  await waitHealthy(child, healthPort, opts.componentTimeout);
  log(
    `==> training-operator ready as ServiceAccount ${namespace}/${serviceAccount.name} (the overlay's RBAC), ${webhooks.length} webhook configuration(s) ${webhooksServedAt(service, webhookPort, cp.serviceProxy)};` +
      ` the stack's flags: ${stackArgs.join(' ') || 'none'}; files its ConfigMaps mount: ${Object.keys(etcFiles).map((f) => `/etc/${f}`).join(', ') || 'none'};` +
      ` Secret ${secretName} filled by the harness (its CA training-operator-ca); process flags: ${args.slice(0, 4).join(' ')}`,
  );
  return child;
}
