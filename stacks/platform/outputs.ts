import { ApiObject, Chart } from 'cdk8s';
import { PlatformApp } from '../../constructs/app/platform-app';
import { OperatorName } from '../operators/versions';

/**
 * External URL of every InferenceService in the deployed charts (also those a workflow step
 * creates), from KServe's default domain template `{name}-{namespace}.{domain}`.
 */
export function inferenceEndpoints(app: PlatformApp, chartNames: readonly string[], domain: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const chart of app.emittedCharts) {
    const chartName = chart.node.path.replace(/\//g, '-');
    if (!chartNames.includes(chartName)) continue;
    for (const obj of chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && c.kind === 'InferenceService')) {
      const namespace = obj.metadata.namespace ?? Chart.of(obj).namespace ?? chart.namespace ?? 'default';
      out[`${namespace}/${obj.name}`] = `http://${obj.name}-${namespace}.${domain}`;
    }
  }
  return out;
}

/** How to reach the Argo Workflows UI (ClusterIP service; client-token auth). */
export function argoServer(operators: readonly OperatorName[], namespace: string): { service: string; portForward: string } | undefined {
  if (!operators.includes('argo-workflows')) return undefined;
  return {
    service: `argo-workflows-server.${namespace}.svc.cluster.local:2746`,
    portForward: `kubectl -n ${namespace} port-forward svc/argo-workflows-server 2746:2746`,
  };
}
