import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { promDuration } from './prometheus-rule';
import { Discovery, ScrapeTarget, TargetNamespaces } from './scrape-target';
import { propError } from '../core/errors';
import { NameRule, validateLabels, validateName } from '../core/names';
import { DURATION, STRING_MAP, STRINGS } from '../core/prop-checks';
import { instanceOf, optional, requireProps } from '../core/required-props';
import { PodMonitor, PodMonitorSpecPodMetricsEndpointsScheme, ServiceMonitor, ServiceMonitorSpecEndpointsScheme } from '../imports/monitoring.coreos.com';
import { NamespaceNetwork } from './network/namespace-network';
import { scrapedPodsNeeds } from './network/workload-traffic';

/** Properties for `MetricsScrape`. */
export interface MetricsScrapeProps {
  /** The component to scrape: its selector, port and discovery come from it. */
  readonly target: ScrapeTarget;
  /**
   * Namespaces of the workload pods, for targets in `TargetNamespaces.TEAMS`.
   * @default - none (required for team targets)
   */
  readonly teamNamespaces?: readonly string[];
  /** @default Duration.seconds(30) */
  readonly interval?: Duration;
  /**
   * Labels Prometheus' `serviceMonitorSelector`/`podMonitorSelector` match.
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

const DEFAULT_INTERVAL = Duration.seconds(30);

/**
 * A ServiceMonitor or PodMonitor for one `ScrapeTarget`: the kind follows the target's discovery,
 * the namespaces its placement (the component's own, or the teams' workload namespaces).
 */
export class MetricsScrape extends Construct {
  public readonly name: string;
  public readonly kind: 'ServiceMonitor' | 'PodMonitor';

  constructor(scope: Construct, id: string, props: MetricsScrapeProps) {
    super(scope, id);
    requireProps(this, props, {
      target: instanceOf(ScrapeTarget, 'ScrapeTarget.TRAINING_OPERATOR, ... or ScrapeTarget.custom(...)'), teamNamespaces: optional(STRINGS), interval: optional(DURATION), labels: optional(STRING_MAP),
    });
    const t = props.target.options;
    this.name = validateName(this, 'target.name', t.name, NameRule.DNS_SUBDOMAIN);
    const namespaces = t.namespaces === TargetNamespaces.OWN ? (t.namespace ? [t.namespace] : []) : [...(props.teamNamespaces ?? [])];
    if (namespaces.length === 0) {
      throw propError(this, t.namespaces === TargetNamespaces.OWN ? 'target.namespace' : 'teamNamespaces', '[]', `target '${t.name}' needs at least one namespace to scrape`);
    }
    for (const [i, ns] of namespaces.entries()) validateName(this, `namespaces[${i}]`, ns, NameRule.DNS_LABEL);
    const interval = promDuration(props.interval ?? DEFAULT_INTERVAL);
    const matchLabels = Object.fromEntries(Object.entries(t.selector).filter((e): e is [string, string] => e[1] !== undefined));
    const exists = Object.keys(t.selector).filter((k) => t.selector[k] === undefined).map((key) => ({ key, operator: 'Exists' }));
    const selector = { matchLabels: Object.keys(matchLabels).length ? matchLabels : undefined, matchExpressions: exists.length ? exists : undefined };
    const metadata = { name: this.name, labels: props.labels && validateLabels(this, 'labels', props.labels) };
    const namespaceSelector = { matchNames: [...namespaces].sort() };

    if (t.discovery === Discovery.SERVICE) {
      this.kind = 'ServiceMonitor';
      new ServiceMonitor(this, 'Resource', {
        metadata,
        spec: {
          selector,
          namespaceSelector,
          endpoints: [{
            port: t.port,
            path: t.path,
            interval,
            scheme: t.selfSignedTls ? ServiceMonitorSpecEndpointsScheme.HTTPS : ServiceMonitorSpecEndpointsScheme.HTTP,
            // The component serves a self-signed certificate and publishes no CA: encrypt, skip verification.
            tlsConfig: t.selfSignedTls ? { insecureSkipVerify: true } : undefined,
          }],
        },
      });
    } else {
      this.kind = 'PodMonitor';
      new PodMonitor(this, 'Resource', {
        metadata,
        spec: {
          selector,
          namespaceSelector,
          podMetricsEndpoints: [{ port: t.port, path: t.path, interval, scheme: PodMonitorSpecPodMetricsEndpointsScheme.HTTP }],
        },
      });
      // Prometheus must reach the scraped pods on that port through their namespaces' default-deny.
      for (const ns of namespaces) {
        NamespaceNetwork.forNamespace(this, ns).group(this, scrapedPodsNeeds(this.name, t.selector, t.port, namespaces.length > 1 ? ns : undefined));
      }
    }
  }
}
