import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { DashboardPanel, GrafanaDashboard, PanelUnit } from './grafana-dashboard';
import { MetricsScrape } from './metrics-scrape';
import { PlatformAlertThresholds, platformAlertGroups, RecordingRules } from './platform-alerts';
import { PrometheusRule } from './prometheus-rule';
import { ScrapeTarget } from './scrape-target';
import { Team } from './team';
import { withDefaults } from '../core/defaults';
import { propError } from '../core/errors';
import { validateLabels } from '../core/names';
import { DURATION, STRING_MAP, STRINGS } from '../core/prop-checks';
import { arrayOf, instanceOf, optional, PropChecks, requireProps, shape } from '../core/required-props';

/** Properties for `PlatformMonitoring`. */
export interface PlatformMonitoringProps {
  /** The teams whose namespaces are scraped and alerted on. */
  readonly teams: readonly Team[];
  /**
   * Other namespaces with workloads to scrape and alert on (e.g. the example charts').
   * @default - none
   */
  readonly namespaces?: readonly string[];
  /**
   * KServe serves predictors through Knative (queue-proxy metrics, Knative inference alerts).
   * @default false: Standard mode (alerts on unavailable serving replicas)
   */
  readonly knative?: boolean;
  /**
   * Components to scrape.
   * @default ScrapeTarget.presets({ knative })
   */
  readonly targets?: readonly ScrapeTarget[];
  /**
   * Labels Prometheus selects monitors and rules by.
   * @default { release: 'kube-prometheus-stack' } (the chart's default selectors)
   */
  readonly prometheusSelector?: Readonly<Record<string, string>>;
  /** @default Duration.seconds(30) */
  readonly scrapeInterval?: Duration;
  /** @default - the PlatformAlertThresholds defaults */
  readonly thresholds?: PlatformAlertThresholds;
}

const DEFAULTS = Object.freeze({
  prometheusSelector: Object.freeze({ release: 'kube-prometheus-stack' }) as Readonly<Record<string, string>>,
  scrapeInterval: Duration.seconds(30),
});

/** Name of the platform's PrometheusRule and dashboard uid. */
export const MONITORING_NAMES = { RULES: 'ml-platform-alerts', DASHBOARD: 'ml-platform' } as const;

/**
 * What the platform team watches: a ServiceMonitor/PodMonitor per component, the platform's
 * PrometheusRule (failed jobs, pods pending too long, idle and under-used GPUs, inference latency
 * and errors) over the teams' namespaces, the ML platform Grafana dashboard, and one dashboard per
 * team with its GPUs per pod (the DCGM exporter attributes each GPU to the pod using it, and its
 * ServiceMonitor honors those labels: stacks/operators/values.ts).
 * Objects live in the chart's namespace; Prometheus must select monitors from it.
 */
export class PlatformMonitoring extends Construct {
  public readonly scrapes: readonly MetricsScrape[];
  public readonly rules: PrometheusRule;
  public readonly dashboard: GrafanaDashboard;
  /** One dashboard per team: its GPUs per pod, its GPU quota, its pending pods. */
  public readonly teamDashboards: readonly GrafanaDashboard[];
  /** The team namespaces, sorted. */
  public readonly namespaces: readonly string[];

  constructor(scope: Construct, id: string, props: PlatformMonitoringProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    if (props.teams.length === 0) throw propError(this, 'teams', '[]', 'give at least one team to monitor');
    this.namespaces = [...new Set([...props.teams.map((t) => t.namespace), ...(props.namespaces ?? [])])].sort();
    const targets = props.targets ?? ScrapeTarget.presets({ knative: props.knative });
    const labels = validateLabels(this, 'prometheusSelector', p.prometheusSelector);
    const names = new Set<string>();
    this.scrapes = targets.map((target) => {
      if (names.has(target.name)) throw propError(this, 'targets', target.name, 'the target appears twice; list each once');
      names.add(target.name);
      return new MetricsScrape(this, target.name, { target, teamNamespaces: this.namespaces, interval: p.scrapeInterval, labels });
    });
    this.rules = new PrometheusRule(this, 'Rules', {
      name: MONITORING_NAMES.RULES,
      labels,
      groups: platformAlertGroups(this, this.namespaces, props.thresholds, { knative: props.knative ?? false }),
    });
    this.dashboard = new GrafanaDashboard(this, 'Dashboard', {
      uid: MONITORING_NAMES.DASHBOARD,
      title: 'ML platform',
      folder: 'ML platform',
      panels: platformPanels(this.namespaces, { knative: props.knative ?? false }),
    });
    this.teamDashboards = props.teams.map((team) => new GrafanaDashboard(this, `Team-${team.name}`, {
      uid: `${MONITORING_NAMES.DASHBOARD}-team-${team.name}`,
      title: `ML team ${team.name}: GPUs`,
      folder: 'ML teams',
      panels: teamGpuPanels(team.namespace),
    }));
  }
}

/**
 * A team's GPUs: per pod from the DCGM exporter (`DCGM_FI_DEV_GPU_UTIL`, `DCGM_FI_DEV_FB_USED` with
 * the `pod` label of the pod using the GPU), its quota from kube-state-metrics' `kube_resourcequota`
 * (device-plugin GPUs `requests.nvidia.com/gpu`, DRA devices `<class>.deviceclass.resource.k8s.io/devices`).
 */
export function teamGpuPanels(namespace: string): DashboardPanel[] {
  const ns = `namespace="${namespace}"`;
  return [
    { title: 'GPU utilization per pod', expr: `avg by (pod) (DCGM_FI_DEV_GPU_UTIL{${ns}, pod!=""})`, legend: '{{pod}}', unit: PanelUnit.PERCENT },
    { title: 'GPU memory used per pod', expr: `sum by (pod) (DCGM_FI_DEV_FB_USED{${ns}, pod!=""})`, legend: '{{pod}}', unit: PanelUnit.MEBIBYTES },
    { title: 'GPUs in use per pod', expr: `count by (pod) (DCGM_FI_DEV_GPU_UTIL{${ns}, pod!=""})`, legend: '{{pod}}', unit: PanelUnit.COUNT },
    {
      title: 'GPU quota: used and hard', unit: PanelUnit.COUNT, legend: '{{resource}} {{type}}',
      expr: `sum by (resource, type) (kube_resourcequota{${ns}, resource=~"requests.nvidia.com/gpu|.+.deviceclass.resource.k8s.io/devices"})`,
    },
    { title: 'Pending pods', expr: `sum(kube_pod_status_phase{phase="Pending", ${ns}})`, legend: 'pending', unit: PanelUnit.COUNT },
  ];
}

/** The dashboard: GPUs, queueing, jobs and inference, per team namespace. */
export function platformPanels(namespaces: readonly string[], serving: { readonly knative: boolean } = { knative: false }): DashboardPanel[] {
  const ns = `namespace=~"${[...namespaces].sort().join('|')}"`;
  const inference: DashboardPanel[] = serving.knative ? [
    { title: 'Inference p99 latency', expr: RecordingRules.INFERENCE_LATENCY_P99_MS, legend: '{{namespace_name}}/{{configuration_name}}', unit: PanelUnit.MILLISECONDS },
    { title: 'Inference error ratio', expr: RecordingRules.INFERENCE_ERROR_RATIO, legend: '{{namespace_name}}/{{configuration_name}}', unit: PanelUnit.PERCENT_UNIT },
  ] : [
    { title: 'Unavailable serving replicas', expr: `sum by (namespace, deployment) (kube_deployment_status_replicas_unavailable{${ns}})`, legend: '{{namespace}}/{{deployment}}', unit: PanelUnit.COUNT },
  ];
  return [
    { title: 'GPU utilization by team', expr: RecordingRules.GPU_UTILIZATION_BY_NAMESPACE, legend: '{{namespace}}', unit: PanelUnit.PERCENT },
    { title: 'GPUs requested by team', expr: `sum by (namespace) (kube_pod_container_resource_requests{resource="nvidia_com_gpu", ${ns}})`, legend: '{{namespace}}', unit: PanelUnit.COUNT },
    { title: 'Pending pods by team', expr: `sum by (namespace) (kube_pod_status_phase{phase="Pending", ${ns}})`, legend: '{{namespace}}', unit: PanelUnit.COUNT },
    { title: 'Failed training jobs (1h)', expr: `sum by (job_namespace, framework) (increase(training_operator_jobs_failed_total{job_${ns}}[1h]))`, legend: '{{job_namespace}} {{framework}}', unit: PanelUnit.COUNT },
    ...inference,
  ];
}

const PROP_CHECKS: PropChecks<PlatformMonitoringProps> = {
  teams: arrayOf(instanceOf(Team, 'new Team(scope, id, { ... })')),
  namespaces: optional(STRINGS),
  knative: optional('boolean'),
  targets: optional(arrayOf(instanceOf(ScrapeTarget, 'ScrapeTarget.TRAINING_OPERATOR, ... or ScrapeTarget.custom(...)'))),
  prometheusSelector: optional(STRING_MAP),
  scrapeInterval: optional(DURATION),
  thresholds: optional(shape<PlatformAlertThresholds>({
    podPendingFor: optional(DURATION), gpuIdleFor: optional(DURATION), gpuUnderusedPercent: optional('number'), inferenceLatencyP99: optional(DURATION), inferenceErrorPercent: optional('number'),
  }, 'alert thresholds ({ podPendingFor, gpuIdleFor, gpuUnderusedPercent, inferenceLatencyP99, inferenceErrorPercent })')),
};
