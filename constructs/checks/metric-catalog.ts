import { imageFactsOf } from '../core/image';
import type { ObjectIndex } from './object-index';
import { describeEntry } from './manifest-entry';
import { installedOperators, metricMatches, SELF_MONITORED_EXPORTERS } from './operator-metrics';
import type { PlatformTarget } from './platform-target';
import type { PodTemplate } from './pod-templates';
import { ScrapedPod, scrapeModelOf } from './scrape-targets';

/** Something that exports metrics: an exporter, a component, a workload's pods, a recording rule. */
export interface MetricSource {
  readonly id: string;
  /** Names, or `prefix*` families. */
  readonly patterns: readonly string[];
}

/** Metrics a pod template's containers export, from the image map (`ImageFacts.metrics`). */
export function imageMetricsOf(template: PodTemplate): { source: MetricSource; enabled: boolean; image: string }[] {
  return (template.spec.containers ?? []).flatMap((c: Record<string, any>) => {
    const facts = typeof c.image === 'string' ? imageFactsOf(c.image) : undefined;
    if (!facts?.metrics) return [];
    const argv = [...(c.command ?? []), ...(c.args ?? [])].join(' ');
    const enabled = !facts.metrics.enabledBy || argv.includes(facts.metrics.enabledBy);
    return [{ source: { id: `image ${c.image}`, patterns: facts.metrics.names }, enabled, image: c.image as string }];
  });
}

/**
 * Every metric something scraped in this deployment exports, indexed once: exporters the
 * monitoring install scrapes itself, installed components a monitor selects (or their install
 * monitors), pods a monitor selects (their images' metrics, and an injected sidecar's on the
 * scraped port), and recording rules. Also what is exported but not scraped, for hints.
 */
export class MetricCatalog {
  private readonly exact = new Map<string, MetricSource>();
  private readonly families = new Map<string, MetricSource>();
  private readonly unscraped: MetricSource[] = [];
  /** Metrics each scraped pod template exports. */
  private readonly byTemplate = new Map<PodTemplate, MetricSource[]>();

  /** Set when the target installs no Prometheus: nothing is scraped at all. */
  public readonly noPrometheus?: string;

  constructor(index: ObjectIndex, target: PlatformTarget | undefined) {
    if (target && !target.prometheus) {
      this.noPrometheus = `${target.source} installs no Prometheus, so nothing is scraped`;
      return;
    }
    const operators = installedOperators(target);
    for (const e of SELF_MONITORED_EXPORTERS) if (operators.includes(e.operator)) this.add({ id: e.id, patterns: e.metrics });
    const model = scrapeModelOf(index, target);
    // Names the stack says its exporters export; components of OPERATOR_METRICS count only when scraped (below).
    const stack = (target?.prometheus?.exportedMetrics ?? []).filter((n) => !model.components.some((c) => metricMatches(n, c.metrics)));
    if (stack.length) this.add({ id: `the exporters of ${target!.source}`, patterns: stack });
    const selected = new Set(model.monitors.flatMap((m) => m.services.map((s) => s.component)));
    for (const c of model.components) {
      const source = { id: `the ${c.id}`, patterns: c.metrics };
      if (selected.has(c) || c.ownMonitor?.(operators)) this.add(source);
      else this.unscraped.push({ id: `the ${c.id} (no monitor selects its Service ${c.namespace}/${c.service.name})`, patterns: c.metrics });
    }
    for (const m of model.monitors) {
      const pods: ScrapedPod[] = m.kind === 'PodMonitor' ? [...m.pods] : m.services.flatMap((s) => s.pods);
      const ports = new Set(m.endpoints.map((ep) => ep.port));
      for (const pod of pods) {
        const sources = [
          ...pod.ports.filter((p) => p.metrics && ports.has(p.name)).map((p) => ({ id: `port '${p.name}' of ${describeEntry(pod.template.entry)}`, patterns: p.metrics! })),
          ...imageMetricsOf(pod.template).filter((x) => x.enabled).map((x) => x.source),
        ];
        for (const s of sources) this.add(s);
        this.byTemplate.set(pod.template, [...(this.byTemplate.get(pod.template) ?? []), ...sources]);
      }
    }
    for (const r of index.ofKind('monitoring.coreos.com/PrometheusRule')) {
      for (const g of r.object.spec?.groups ?? []) {
        for (const rule of g.rules ?? []) if (typeof rule.record === 'string') this.add({ id: `recording rule of ${describeEntry(r)}`, patterns: [rule.record] });
      }
    }
  }

  private add(source: MetricSource): void {
    for (const p of source.patterns) {
      if (p.endsWith('*')) this.families.set(p.slice(0, -1), source);
      else this.exact.set(p, source);
    }
  }

  /** The scraped source exporting `name`, if any. */
  public find(name: string): MetricSource | undefined {
    const hit = this.exact.get(name);
    if (hit) return hit;
    for (const [prefix, source] of this.families) if (name.startsWith(prefix)) return source;
    return undefined;
  }

  /** A known source exporting `name` that nothing scrapes. */
  public unscrapedSource(name: string): MetricSource | undefined {
    return this.unscraped.find((s) => metricMatches(name, s.patterns));
  }

  /** What a template's pods export to Prometheus, or undefined when no monitor scrapes them. */
  public ofTemplate(template: PodTemplate): readonly MetricSource[] | undefined {
    return this.byTemplate.get(template);
  }
}
