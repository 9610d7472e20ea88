// Operators as the stack installs them: their upstream charts (a local chart directory per
// operator, the stack's `chartsDir` layout) rendered offline by Helm with the values objects the
// stack's Pulumi program passes, then sorted into what the harness installs: CRDs (as files, for
// the CRD installer), webhook configurations (pointed at the local process), and everything else
// (ServiceAccounts, RBAC, ConfigMaps, Deployments, Services, ...) applied as the chart has it.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ServiceProxy } from '../core/service-proxy';
import { CLUSTER_SCOPED_KINDS, groupKind } from '../../../constructs/core/api-groups';
import { crdInfo, type CrdInfo } from '../core/crd-index';
import type { KubeObject } from '../core/objects';
import { flagValue } from './operators';

/** One operator release as the stack installs it. */
export interface ChartRelease {
  readonly operator: string;
  readonly chartDir: string;
  readonly release: string;
  readonly namespace: string;
  readonly values: Record<string, unknown>;
  /** How it is rendered: `helm template` of a chart, or `kubectl kustomize` of the stack's kustomization. @default 'helm' */
  readonly kind?: 'helm' | 'kustomize';
}

/** What cluster-inputs.ts prints under `charted`: the releases to render, and warnings about them. */
export interface ChartedInputs {
  readonly releases: readonly ChartRelease[];
  readonly warnings: readonly string[];
}

export interface RenderedChart {
  readonly release: ChartRelease;
  /** Helm hooks (`helm.sh/hook`): not installed here, as the stack's helm.v4.Chart runs none as hooks. */
  readonly hooks: KubeObject[];
  readonly crds: CrdInfo[];
  readonly webhooks: KubeObject[];
  /** Everything else, in document order. */
  readonly objects: KubeObject[];
}

const WEBHOOK_KINDS = new Set(['ValidatingWebhookConfiguration', 'MutatingWebhookConfiguration']);

/** `helm template` of one release; throws with Helm's own message when it does not render. */
export function helmTemplate(helm: string, r: ChartRelease, { kubeVersion, apiVersions = [], workDir }: { kubeVersion: string; apiVersions?: readonly string[]; workDir: string }): KubeObject[] {
  fs.mkdirSync(workDir, { recursive: true });
  const valuesFile = path.join(workDir, `${r.release}-values.json`);
  fs.writeFileSync(valuesFile, JSON.stringify(r.values));
  const args = ['template', r.release, r.chartDir, '--namespace', r.namespace, '--values', valuesFile, '--include-crds', '--skip-tests', '--kube-version', kubeVersion, ...apiVersions.flatMap((a) => ['--api-versions', a])];
  const out = spawnSync(helm, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: { ...process.env, HELM_CACHE_HOME: path.join(workDir, 'helm-cache'), HELM_CONFIG_HOME: path.join(workDir, 'helm-config'), HELM_DATA_HOME: path.join(workDir, 'helm-data') } });
  if (out.status !== 0) throw new Error(`helm template ${r.operator} (${r.chartDir}) failed: ${(out.stderr || out.error?.message || '').trim().split('\n').slice(-5).join(' | ')}`);
  return YAML.parseAllDocuments(out.stdout).map((d) => d.toJS()).filter((d) => d && typeof d === 'object' && d.kind);
}

/** `kubectl kustomize` of a kustomize release's directory (the stack's kustomization); throws with kubectl's message. */
export function kustomizeBuild(kubectl: string, r: ChartRelease): KubeObject[] {
  const out = spawnSync(kubectl, ['kustomize', r.chartDir], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (out.status !== 0) throw new Error(`kubectl kustomize ${r.operator} (${r.chartDir}) failed: ${(out.stderr || out.error?.message || '').trim().split('\n').slice(-5).join(' | ')}`);
  return YAML.parseAllDocuments(out.stdout).map((d) => d.toJS()).filter((d) => d && typeof d === 'object' && d.kind);
}

/** Sorts a release's rendered objects; CRDs are written to `crdDir` for the CRD installer. */
export function sortRendered(release: ChartRelease, docs: readonly KubeObject[], crdDir: string): RenderedChart {
  const crds: CrdInfo[] = [];
  const hooks: KubeObject[] = [];
  const webhooks: KubeObject[] = [];
  const objects: KubeObject[] = [];
  fs.mkdirSync(crdDir, { recursive: true });
  for (const d of docs) {
    if (d.metadata?.annotations?.['helm.sh/hook']) hooks.push(d);
    else if (d.kind === 'CustomResourceDefinition') {
      const file = path.join(crdDir, `${d.metadata.name}.yaml`);
      fs.writeFileSync(file, YAML.stringify(d));
      const info = crdInfo(d, file);
      if (info) crds.push({ ...info, operatorRelease: release.operator });
    } else if (WEBHOOK_KINDS.has(d.kind)) webhooks.push(d);
    else objects.push(d.metadata?.namespace || CLUSTER_SCOPED_KINDS.has(groupKind(d as { apiVersion: string; kind: string })) ? d : { ...d, metadata: { ...d.metadata, namespace: release.namespace } });
  }
  return { release, hooks, crds, webhooks, objects };
}

/**
 * A chart's webhook configurations served by the local process, for every webhook whose service
 * is `service`; webhooks of other services are dropped (nothing would answer them). With `proxy`
 * (kube-apiserver's cluster egress, core/service-proxy.ts) each keeps the chart's
 * `clientConfig.service` and gets only our CA, as cert-manager's cainjector or the operator's
 * cert rotator would give it, and its Service port is routed to the process; without, the
 * clientConfig becomes `url: https://127.0.0.1:<port><path>`. Names, rules, failure policies,
 * selectors and side effects stay the chart's.
 */
export function localWebhooks(configurations: readonly KubeObject[], { service, port, caPem, proxy }: { service: string; port: number; caPem: string; proxy?: Pick<ServiceProxy, 'route'> }): KubeObject[] {
  const caBundle = Buffer.from(caPem).toString('base64');
  return configurations.flatMap((c) => {
    const webhooks = (c.webhooks || []).flatMap((w: KubeObject) => {
      const svc = w.clientConfig?.service;
      if (!svc || svc.name !== service) return [];
      if (!proxy) return [{ ...w, clientConfig: { url: `https://127.0.0.1:${port}${svc.path || '/'}`, caBundle } }];
      // kube-apiserver's default Service port for webhooks is 443 (admissionregistration/v1 ServiceReference).
      proxy.route(svc.namespace, svc.name, svc.port ?? 443, port);
      return [{ ...w, clientConfig: { ...w.clientConfig, caBundle } }];
    });
    return webhooks.length ? [{ ...c, metadata: { name: c.metadata.name, labels: c.metadata.labels }, webhooks }] : [];
  });
}

/** How the harness says where a chart's webhooks are served, for its log lines. */
export function webhooksServedAt(service: string, port: number, proxy: unknown): string {
  return proxy ? `through their Service ${service} as the chart writes it (the harness's egress proxy routes it to 127.0.0.1:${port})` : `on 127.0.0.1:${port}`;
}

/** The Deployment of a rendered chart whose name ends with `suffix` (e.g. `workflow-controller`). */
export function deploymentOf(chart: RenderedChart, suffix: string): KubeObject {
  const d = chart.objects.find((o) => o.kind === 'Deployment' && String(o.metadata.name).endsWith(suffix));
  if (!d) throw new Error(`the ${chart.release.operator} chart renders no Deployment named *${suffix} (has: ${chart.objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.name).join(', ') || 'none'})`);
  return d;
}

/** Objects of cert-manager's API: rendered by charts, their effect supplied by the harness (cert-manager is not run). */
export const isCertManagerObject = (o: KubeObject) => String(o.apiVersion).startsWith('cert-manager.io/');

/** The Secrets a chart's cert-manager Certificates would have issued: name and the DNS names to serve. */
export function certManagerSecrets(chart: RenderedChart): { secretName: string; dnsNames: string[] }[] {
  return chart.objects
    .filter((o) => o.kind === 'Certificate' && isCertManagerObject(o) && o.spec?.secretName)
    .map((o) => ({ secretName: o.spec.secretName, dnsNames: o.spec.dnsNames || [o.spec.commonName] }));
}

/** The one Service every webhook of the chart names (the harness serves it on 127.0.0.1). */
export function webhookServiceOf(chart: RenderedChart): string {
  const names = new Set(chart.webhooks.flatMap((c) => (c.webhooks || []).map((w: KubeObject) => w.clientConfig?.service?.name)).filter(Boolean));
  if (names.size !== 1) throw new Error(`the ${chart.release.operator} chart's webhooks name ${names.size} services (${[...names].join(', ') || 'none'}); one is expected`);
  return [...names][0];
}

/** The volume a container mounts at `mountPath`, with that mount (both undefined when none). */
export function volumeMountedAt(pod: KubeObject, container: KubeObject, mountPath: string | undefined): { mount?: KubeObject; volume?: KubeObject } {
  const mount = (container.volumeMounts || []).find((m: KubeObject) => m.mountPath === mountPath);
  return { mount, volume: mount && (pod.volumes || []).find((v: KubeObject) => v.name === mount.name) };
}

/** The chart's Configuration for a Deployment: the ConfigMap key mounted at its container's `--config` path. */
export function configurationOf(chart: RenderedChart, deployment: KubeObject): { container: KubeObject; configPath: string; configuration: KubeObject } {
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const configPath = flagValue((container.args || []).map(String), '--config');
  const { mount, volume } = volumeMountedAt(pod, container, configPath);
  const cm = chart.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === volume?.configMap?.name);
  const text = cm?.data?.[mount?.subPath || path.basename(String(configPath))];
  if (!configPath || !text) throw new Error(`Deployment ${deployment.metadata.name}: no --config file from a ConfigMap of the chart`);
  return { container, configPath, configuration: YAML.parse(text) };
}

/** A container's args with `--config` pointing at `file` (the harness's copy, process fields replaced). */
export function withConfigFile(args: readonly string[], file: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = String(args[i]);
    if (a === '--config') i++; // `--config <path>`: its value goes too
    out.push(a === '--config' || a.startsWith('--config=') ? `--config=${file}` : a);
  }
  return out;
}
