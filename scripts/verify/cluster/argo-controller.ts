// Argo's workflow-controller as the argo-workflows chart installs it: the chart's ConfigMap, its
// container args and env, and its ServiceAccount's token (so the chart's RBAC, shaped by the
// stack's values, is exactly what it may do: e.g. saving memoization caches needs
// `controller.rbac.writeConfigMaps`). Only process fields are replaced, and said:
// - `metricsConfig.port` / `telemetryConfig.port` in the ConfigMap's `config` become free ports
//   (v4.0.5 util/telemetry/exporter_prometheus.go panics when its port is taken; the chart's 9090
//   would collide with another run on this machine);
// - the kubeconfig (`--kubeconfig`, context namespace = the release namespace, which the
//   controller takes as its own: cmd/workflow-controller/main.go clientConfig.Namespace());
// - env fieldRefs of the pod (ARGO_NAMESPACE, LEADER_ELECTION_IDENTITY) get the values the pod
//   would have. Its fixed health port 6060 is only logged when taken (main.go), so it is left.

import path from 'node:path';
import YAML from 'yaml';
import { httpGet, httpsGet } from '../core/http';
import type { KubeObject } from '../core/objects';
import { freePort } from '../core/ports';
import { startProcess, type Supervised, waitUntil } from '../core/processes';
import type { ControlPlane } from '../core/control-plane';
import { actAs } from '../core/service-account-identity';
import { containerEnv } from './argo-steps';
import { deploymentOf, type RenderedChart } from './chart-render';
import { flagValue } from './operators';

/** The chart's controller ConfigMap with the process ports replaced; throws when the chart has none. */
export function controllerConfigMap(chart: RenderedChart, name: string, { metricsPort, telemetryPort }: { metricsPort: number; telemetryPort: number }): { configMap: KubeObject; replaced: string[] } {
  const cm = chart.objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
  if (!cm) throw new Error(`the argo-workflows chart renders no ConfigMap ${name} (the controller's --configmap)`);
  const config = YAML.parse(cm.data?.config || '{}') || {};
  const replaced: string[] = [];
  for (const [key, port] of [['metricsConfig', metricsPort], ['telemetryConfig', telemetryPort]] as const) {
    config[key] = { ...(config[key] || {}), port };
    replaced.push(`${key}.port`);
  }
  return { configMap: { ...cm, data: { ...cm.data, config: YAML.stringify(config) } }, replaced };
}

/** The controller's container env as its pod would see it (fieldRefs of the pod's metadata). */
export function controllerEnv(container: KubeObject, pod: { name: string; namespace: string }): Record<string, string> {
  return containerEnv({ metadata: pod, spec: {} }, container);
}

/** The controller's Deployment, container and the ConfigMap its `--configmap` names. */
export function controllerOf(chart: RenderedChart): { deployment: KubeObject; container: KubeObject; args: string[]; configMapName: string } {
  const deployment = deploymentOf(chart, 'workflow-controller');
  const containers: KubeObject[] = deployment.spec.template.spec.containers;
  const container = containers.find((c) => c.name === 'controller') || containers[0];
  const args: string[] = (container.args || []).map(String);
  return { deployment, container, args, configMapName: flagValue(args, '--configmap') || 'workflow-controller-configmap' };
}

export interface ArgoController {
  readonly child: Supervised;
  readonly serviceAccount: string;
  readonly configMap: string;
  readonly args: readonly string[];
  readonly replaced: readonly string[];
}

/**
 * Starts the controller; the chart's objects must already be applied (with `configMap` from
 * controllerConfigMap in place of the chart's). Ready when its metrics endpoint answers.
 */
export async function startArgoController(cp: ControlPlane, { bin, chart, timeoutS }: { bin: string; chart: RenderedChart; timeoutS: number }, apply: (cm: KubeObject) => Promise<void>): Promise<ArgoController> {
  const { deployment, container, args, configMapName } = controllerOf(chart);
  const pod = deployment.spec.template.spec;
  const [metricsPort, telemetryPort] = [await freePort(), await freePort()];
  const { configMap, replaced } = controllerConfigMap(chart, configMapName, { metricsPort, telemetryPort });
  await apply(configMap);
  const namespace = chart.release.namespace;
  const serviceAccount = pod.serviceAccountName || 'default';
  const id = await actAs(cp, { namespace, name: serviceAccount });
  id.client.close();
  const kubeconfig = id.kubeconfig(path.join(cp.tmp, 'argo'), { namespace });
  const env = controllerEnv(container, { name: `${deployment.metadata.name}-verify`, namespace });
  const child = startProcess('workflow-controller', bin, [...args, `--kubeconfig=${kubeconfig}`], path.join(cp.tmp, 'workflow-controller.log'), env);
  const secure = YAML.parse(configMap.data.config)?.metricsConfig?.secure === true;
  const get = secure ? httpsGet : httpGet;
  await waitUntil(`workflow-controller metrics on 127.0.0.1:${metricsPort}`, child, timeoutS, async () => {
    const r = await get(`${secure ? 'https' : 'http'}://127.0.0.1:${metricsPort}/metrics`).catch((e: Error) => ({ status: 0, body: e.message }));
    return r.status === 200 || `HTTP ${r.status} ${String(r.body).slice(0, 120)}`;
  });
  return { child, serviceAccount, configMap: configMapName, args, replaced };
}
