import { installedOperators, OPERATOR_METRICS } from '../operator-metrics';
import { MonitorSelection, NamedPort, ScrapeModel, scrapeModelOf } from '../scrape-targets';
import { formatLabels, LabelSelector, selectorMatches } from '../selectors';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Every ServiceMonitor and PodMonitor scrapes something: its namespaceSelector and selector match
 * Services (or pods) deployed with it or metrics Services of components the stack installs, each
 * endpoint's `port` is a port name those Services (pods) declare, and its scheme is the one the
 * port serves. Encodes prometheus-operator v0.93 (monitoring.coreos.com/v1 API docs: a
 * ServiceMonitor endpoint's `port` is "Name of the Service port", a PodMonitor's "Name of the Pod
 * port"; `namespaceSelector` absent = the monitor's namespace): a monitor that selects nothing, or
 * names a port no target declares, produces no scrape target at all, silently.
 * Components of the stack (training-operator, Argo controller, DCGM exporter, Kueue) come from
 * `OPERATOR_METRICS` (labels, ports, schemes from their manifests, cited there). A monitor of a
 * component whose install already monitors it (the GPU operator's own `nvidia-dcgm-exporter`
 * ServiceMonitor, research E1) duplicates every series; a DCGM monitor without `honorLabels`
 * loses the GPU's pod/namespace labels.
 * Severity: a port or scheme that does not match what is selected is an error. A monitor that
 * selects nothing is a warning (Services made outside the charts are invisible here), and so are a
 * duplicate monitor and a missing honorLabels (the scrape works, its series are doubled or renamed).
 */
export const monitoringTargets: SemanticRule = {
  id: 'monitoring-targets',
  summary: 'ServiceMonitors and PodMonitors select Services or pods that exist, on ports they declare',
  check(ctx: CheckContext): void {
    const model = scrapeModelOf(ctx.index, ctx.target);
    const operators = installedOperators(ctx.target);
    for (const m of model.monitors) {
      if (!m.services.length && !m.pods.length) {
        ctx.report({ entry: m.entry, field: 'spec.selector', value: formatSelector(m.selector), severity: 'warning', message: `${nothingSelected(m)}${hints(m, model, ctx, operators)}` });
        continue;
      }
      for (const s of m.services) {
        const c = s.component;
        const own = c?.ownMonitor?.(operators);
        if (c && own) {
          ctx.report({
            entry: m.entry, field: 'spec.selector', value: formatSelector(m.selector), severity: 'warning',
            message: `selects the ${c.id} (Service ${c.namespace}/${c.service.name}), which the ${c.operator} install already scrapes with its own ServiceMonitor '${own}': Prometheus would ingest every series twice; drop this monitor (or turn the install's own off)`,
          });
        }
      }
      checkEndpoints(ctx, m);
    }
  },
};

function nothingSelected(m: MonitorSelection): string {
  const where = m.namespaces === 'any' ? 'any namespace' : `namespace(s) ${m.namespaces.join(', ') || '<none>'}`;
  return m.kind === 'ServiceMonitor'
    ? `selects no Service in ${where}: no Service deployed with it, and no metrics Service of an installed component, has these labels, so Prometheus scrapes nothing`
    : `selects no pod in ${where}: no pod template deployed with it has these labels (with those the operators add), so Prometheus scrapes nothing`;
}

/** Why nothing matched: components living there with other labels, or not installed. */
function hints(m: MonitorSelection, model: ScrapeModel, ctx: CheckContext, operators: readonly string[]): string {
  const inScope = (ns: string) => m.namespaces === 'any' || m.namespaces.includes(ns);
  const out: string[] = [];
  if (m.kind === 'ServiceMonitor') {
    for (const c of OPERATOR_METRICS) {
      if (!inScope(c.namespace)) continue;
      const installed = operators.includes(c.operator);
      if (selectorMatches(m.selector, c.service.labels)) {
        if (!installed) out.push(`it would select the ${c.id}, but ${ctx.target?.source ?? 'the target'} does not install ${c.operator}`);
      } else if (installed) {
        out.push(`the ${c.id} Service ${c.namespace}/${c.service.name} there is labelled ${formatLabels(c.service.labels)}: select those labels`);
      }
    }
  } else if (m.namespaces !== 'any' && !model.pods.select(m.namespaces, {}, (p) => p.labels).length) {
    out.push(`no chart deploys pods in ${m.namespaces.join(', ')}`);
  }
  return out.length ? `; ${out.join('; ')}` : '';
}

/** Ports the selected Services or pods declare. */
function portsOf(m: MonitorSelection): { ports: NamedPort[]; owners: string[] } {
  if (m.kind === 'ServiceMonitor') {
    return { ports: m.services.flatMap((s) => s.ports), owners: m.services.map((s) => `Service ${s.namespace}/${s.name}`) };
  }
  return { ports: m.pods.flatMap((p) => p.ports), owners: m.pods.map((p) => `${p.template.role} of ${p.template.entry.object.kind} ${p.namespace}/${p.template.entry.object.metadata?.name ?? '?'}`) };
}

function checkEndpoints(ctx: CheckContext, m: MonitorSelection): void {
  const { ports, owners } = portsOf(m);
  const names = [...new Set(ports.map((p) => p.name))];
  m.endpoints.forEach((ep, i) => {
    const field = `${m.endpointsField}[${i}]`;
    if (typeof ep.port === 'string') {
      const matching = ports.filter((p) => p.name === ep.port);
      if (!matching.length) {
        ctx.report({
          entry: m.entry, field: `${field}.port`, value: ep.port,
          message: `none of what it selects (${owners.slice(0, 3).join(', ')}${owners.length > 3 ? ', ...' : ''}) declares a ${m.kind === 'ServiceMonitor' ? 'Service' : 'container'} port named '${ep.port}', so there is no target; they declare ${names.length ? names.map((n) => `'${n}'`).join(', ') : 'no named ports'}`,
        });
        return;
      }
      const scheme = ep.scheme ?? 'http';
      const other = matching.find((p) => p.scheme && p.scheme !== scheme);
      if (other) {
        ctx.report({
          entry: m.entry, field: `${field}.scheme`, value: scheme,
          message: `port '${ep.port}' serves ${other.scheme}, so every scrape fails (${scheme === 'https' ? 'TLS handshake against a plain-HTTP port' : 'plain HTTP against a TLS port'}); use scheme ${other.scheme}`,
        });
      }
    }
    const needs = m.services.find((s) => s.component?.honorLabels)?.component;
    if (needs && ep.honorLabels !== true) {
      ctx.report({ entry: m.entry, field: `${field}.honorLabels`, value: ep.honorLabels, severity: 'warning', message: `set honorLabels: true: ${needs.honorLabels}` });
    }
  });
}

function formatSelector(s: LabelSelector): string {
  const parts = [
    ...Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(s.matchExpressions ?? []).map((e) => (e.values?.length ? `${e.key} ${e.operator} (${e.values.join(', ')})` : `${e.key} ${e.operator}`)),
  ];
  return parts.length ? parts.join(',') : '<all>';
}
