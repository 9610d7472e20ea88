import { imageFactsOf } from '../../core/image';
import { MetricCatalog, imageMetricsOf } from '../metric-catalog';
import { metricMatches } from '../operator-metrics';
import type { ManifestEntry } from '../manifest-entry';
import { PodTemplate } from '../pod-templates';
import { metricNamesIn, PromQlSyntaxError } from '../promql';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Autoscalers and alerts read metrics something scraped really exports. Reads the metric names of
 * PrometheusRule expressions (`spec.groups[].rules[].expr`), KEDA ScaledObject `prometheus`
 * triggers (`spec.triggers[].metadata.query`, keda.sh/v1alpha1 v2.20) and HPA `Pods`/`Object`
 * metrics (autoscaling/v2), and requires each to come from a source in the same deployment
 * (`MetricCatalog`): exporters the monitoring install scrapes itself, installed components a
 * monitor selects, pods a monitor selects (their images' metrics from the image map), recording
 * rules. A series nobody exports is an empty result: an alert that never fires, a ScaledObject that
 * never activates, an HPA that reports FailedGetPodsMetric.
 * HPA `Pods` metrics are per pod of the scale target, so they must come from those pods. The
 * custom metrics API names a rate of `x_total` `x_per_second` by the prometheus-adapter walkthrough's
 * convention (kubernetes-sigs/prometheus-adapter docs/config-walkthrough.md); other adapter renames
 * are not modelled. With a target, metric types need the APIs serving them (HPA controller,
 * kubernetes pkg/controller/podautoscaler/metrics): `Resource`/`ContainerResource` metrics.k8s.io,
 * `Pods`/`Object` custom.metrics.k8s.io, `External` external.metrics.k8s.io.
 *
 * Severity: a query Prometheus cannot parse, and a Resource metric without metrics.k8s.io, are
 * errors. A metric nothing known exports, and a custom or external metrics API the target does not
 * install, are warnings: recording rules, exporters and adapters installed out of band are
 * invisible to the project unless declared (`withExternals`: `metrics`, `metricsApis`).
 */
export const exportedMetrics: SemanticRule = {
  id: 'exported-metrics',
  summary: 'alerts, KEDA triggers and HPAs read metrics that something scraped exports',
  check(ctx: CheckContext): void {
    const catalog = new MetricCatalog(ctx.index, ctx.target);
    const templates = new Map<ManifestEntry, PodTemplate[]>();
    for (const t of ctx.index.podTemplates()) templates.set(t.entry, [...(templates.get(t.entry) ?? []), t]);
    const scaleTargetOf = (scaler: ManifestEntry) => scaleTarget(ctx, templates, scaler);
    for (const r of ctx.index.ofKind('monitoring.coreos.com/PrometheusRule')) {
      (r.object.spec?.groups ?? []).forEach((g: Record<string, any>, gi: number) => {
        (g.rules ?? []).forEach((rule: Record<string, any>, ri: number) => {
          if (typeof rule.expr === 'string') checkQuery(ctx, catalog, r, `spec.groups[${gi}].rules[${ri}].expr`, rule.expr, undefined);
        });
      });
    }
    for (const s of ctx.index.ofKind('keda.sh/ScaledObject')) {
      (s.object.spec?.triggers ?? []).forEach((t: Record<string, any>, i: number) => {
        if (t.type === 'prometheus' && typeof t.metadata?.query === 'string') {
          checkQuery(ctx, catalog, s, `spec.triggers[${i}].metadata.query`, t.metadata.query, scaleTargetOf(s));
        }
      });
    }
    for (const h of ctx.index.ofKind('autoscaling/HorizontalPodAutoscaler')) checkHpa(ctx, catalog, h, scaleTargetOf(h));
  },
};

/** Pod templates of the workload an autoscaler scales (same namespace, kind and name). */
function scaleTarget(ctx: CheckContext, templates: ReadonlyMap<ManifestEntry, PodTemplate[]>, scaler: ManifestEntry): PodTemplate[] | undefined {
  const ref = scaler.object.spec?.scaleTargetRef ?? {};
  const group = typeof ref.apiVersion === 'string' && ref.apiVersion.includes('/') ? ref.apiVersion.slice(0, ref.apiVersion.lastIndexOf('/')) : 'apps';
  const workload = ctx.index.find(`${group}/${ref.kind ?? 'Deployment'}`, scaler.namespace, ref.name);
  return workload ? templates.get(workload) ?? [] : undefined;
}

function checkQuery(ctx: CheckContext, catalog: MetricCatalog, entry: ManifestEntry, field: string, query: string, workload: PodTemplate[] | undefined): void {
  let names: string[];
  try {
    names = metricNamesIn(query);
  } catch (err) {
    if (!(err instanceof PromQlSyntaxError)) throw err;
    ctx.report({ entry, field, value: query, message: `the query cannot be read: ${err.message}` });
    return;
  }
  for (const name of names) {
    if (catalog.find(name) || declaredMetric(ctx, name)) continue;
    ctx.report({ entry, field, value: query, severity: 'warning', message: `reads '${name}', which nothing scraped in this deployment exports, so the series is empty; ${hint(catalog, name, workload)}` });
  }
}

/** True when the target declares the metric exported by something outside the charts. */
function declaredMetric(ctx: CheckContext, name: string): boolean {
  return metricMatches(name, ctx.target?.externals?.metrics ?? []);
}

/** Why the metric is missing and what would work. */
function hint(catalog: MetricCatalog, name: string, workload: PodTemplate[] | undefined): string {
  if (catalog.noPrometheus) return `${catalog.noPrometheus}: install kube-prometheus-stack`;
  const unscraped = catalog.unscrapedSource(name);
  if (unscraped) return `${unscraped.id} exports it: add a monitor that selects it`;
  const pods = (workload ?? []).map((t) => workloadExports(catalog, t)).filter(Boolean);
  if (pods.length) return `${pods.join('; ')}: query a metric it exports (and scrape it)`;
  return `query a metric a scraped target exports, scrape an exporter that provides this one, or declare it if something outside the charts exports it (withExternals(target, { metrics: ['${name}'] }))`;
}

/** What a template's images export, and whether a monitor scrapes them, in words. */
function workloadExports(catalog: MetricCatalog, t: PodTemplate): string {
  const images = (t.spec.containers ?? []).map((c: Record<string, any>) => c.image).filter((i: unknown): i is string => typeof i === 'string');
  const metrics = imageMetricsOf(t);
  const exported = metrics.length
    ? metrics.map((m) => `${m.image} exports only ${m.source.patterns.join(', ')}${m.enabled ? '' : ` and only with ${imageFactsOf(m.image)?.metrics?.enabledBy}`}`).join(', ')
    : `${images.join(', ') || 'its containers'} export${images.length === 1 ? 's' : ''} no metrics the image map knows of`;
  const scraped = catalog.ofTemplate(t) ? '' : ', and no ServiceMonitor or PodMonitor selects its pods';
  return `the ${t.role} of ${t.entry.object.kind} ${t.entry.namespace}/${t.entry.object.metadata?.name}: ${exported}${scraped}`;
}

const API_OF: Readonly<Record<string, ['resource' | 'custom' | 'external', string]>> = {
  Resource: ['resource', 'metrics.k8s.io (metrics-server)'],
  ContainerResource: ['resource', 'metrics.k8s.io (metrics-server)'],
  Pods: ['custom', 'custom.metrics.k8s.io (e.g. prometheus-adapter)'],
  Object: ['custom', 'custom.metrics.k8s.io (e.g. prometheus-adapter)'],
  External: ['external', 'external.metrics.k8s.io (KEDA or an external-metrics adapter)'],
};

function checkHpa(ctx: CheckContext, catalog: MetricCatalog, h: ManifestEntry, pods: PodTemplate[] | undefined): void {
  (h.object.spec?.metrics ?? []).forEach((m: Record<string, any>, i: number) => {
    const field = `spec.metrics[${i}]`;
    const api = API_OF[m.type];
    if (ctx.target && api && !ctx.target.metricsApis[api[0]] && !ctx.target.externals?.metricsApis?.[api[0]]) {
      // metrics-server is the stack's to install; adapters are often installed out of band.
      ctx.report({ entry: h, field: `${field}.type`, value: m.type, severity: api[0] === 'resource' ? 'error' : 'warning', message: `${m.type} metrics are read from ${api[1]}, which ${ctx.target.source} does not serve, so the HPA never scales (FailedGetMetrics); install it or scale on a metric an installed API serves${api[0] === 'resource' ? '' : `, or declare an adapter installed out of band (withExternals(target, { metricsApis: { ${api[0]}: true } }))`}` });
    }
    const name: unknown = m.type === 'Pods' ? m.pods?.metric?.name : m.type === 'Object' ? m.object?.metric?.name : undefined;
    if (typeof name !== 'string') return;
    const exported = (n: string) => {
      if (m.type !== 'Pods' || !pods) return catalog.find(n);
      return pods.flatMap((t) => catalog.ofTemplate(t) ?? []).find((s) => s.patterns.some((p) => (p.endsWith('*') ? n.startsWith(p.slice(0, -1)) : p === n)));
    };
    const rate = /^(.*)_per_second$/.exec(name);
    if (exported(name) || (rate && exported(`${rate[1]}_total`)) || declaredMetric(ctx, name)) return;
    const perPod = m.type === 'Pods' ? ' by the pods it scales' : '';
    ctx.report({
      entry: h, severity: 'warning', field: `${field}.${m.type === 'Pods' ? 'pods' : 'object'}.metric.name`, value: name,
      message: `no scraped target exports '${name}'${rate ? ` (nor '${rate[1]}_total')` : ''}${perPod}, so the custom metrics API has no value for it and the HPA never scales on it; ${hint(catalog, name, pods)}`,
    });
  });
}
