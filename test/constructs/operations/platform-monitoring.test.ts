import { Duration } from 'cdk8s';
import { cohortChart, twoPoolQuota } from './fixtures';
import { DASHBOARD_SIDECAR_LABEL } from '../../../constructs/operations/grafana-dashboard';
import { RecordingRules } from '../../../constructs/operations/platform-alerts';
import { MONITORING_NAMES, PlatformMonitoring } from '../../../constructs/operations/platform-monitoring';
import { ScrapeTarget } from '../../../constructs/operations/scrape-target';
import { Team } from '../../../constructs/operations/team';
import { byKindName, Manifest, ofKind, synth, testChart } from '../../helpers';

function monitored(thresholds?: ConstructorParameters<typeof PlatformMonitoring>[2]['thresholds'], knative = true) {
  const { chart, cohort } = cohortChart('ml-platform-ops');
  const teams = [
    new Team(chart, 'research', { namespace: 'team-research', group: 'r', cohort, quotas: twoPoolQuota(4, 1) }),
    new Team(chart, 'recsys', { namespace: 'team-recsys', group: 's', cohort, quotas: twoPoolQuota(4, 1) }),
  ];
  const monitoring = new PlatformMonitoring(chart, 'Monitoring', { teams, thresholds, knative });
  const objects = synth(chart);
  return { monitoring, teams, objects, rules: byKindName(objects, 'PrometheusRule', MONITORING_NAMES.RULES) };
}

const allRules = (rule: Manifest): Manifest[] => rule.spec.groups.flatMap((g: Manifest) => g.rules);
const alertNamed = (rule: Manifest, name: string) => allRules(rule).find((r) => r.alert === name)!;

describe('PlatformMonitoring', () => {
  test('default output', () => {
    const { objects } = monitored();
    expect(objects.filter((o) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(o.kind))).toMatchSnapshot();
  });

  test('one monitor per preset target: the training-operator by its Service, Knative predictors by pod over the team namespaces', () => {
    const { objects, teams } = monitored();
    // The DCGM exporter and the Argo controller are scraped by their installs' own monitors.
    expect(ofKind(objects, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual(['training-operator']);
    expect(ofKind(objects, 'PodMonitor').map((m) => m.metadata.name)).toEqual(['kserve-inference']);
    expect(byKindName(objects, 'PodMonitor', 'kserve-inference').spec.namespaceSelector.matchNames).toEqual(teams.map((t) => t.namespace).sort());
    const operator = byKindName(objects, 'ServiceMonitor', 'training-operator');
    expect(operator.spec.namespaceSelector.matchNames).toEqual([ScrapeTarget.TRAINING_OPERATOR.options.namespace]);
    // The Service's own label, not its pods' (training-operator v1.9 manifests/base/service.yaml).
    expect(operator.spec.selector.matchLabels).toEqual({ app: 'training-operator' });
  });

  test('without Knative: no queue-proxy monitor, and serving is alerted on unavailable replicas', () => {
    const { objects, rules } = monitored(undefined, false);
    expect(ofKind(objects, 'PodMonitor')).toEqual([]);
    expect(rules.spec.groups.map((g: Manifest) => g.name)).toEqual(['ml-platform.jobs', 'ml-platform.gpus', 'ml-platform.serving']);
    expect(alertNamed(rules, 'ServingReplicasUnavailable').expr).toBe('sum by (namespace, deployment) (kube_deployment_status_replicas_unavailable{namespace=~"team-recsys|team-research"}) > 0');
  });

  test('monitors and rules carry the Prometheus selector labels', () => {
    const { objects } = monitored();
    for (const o of objects.filter((x) => ['ServiceMonitor', 'PodMonitor', 'PrometheusRule'].includes(x.kind))) {
      expect(o.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
    }
  });

  test('alerts cover failed jobs, long-pending pods, idle and under-used GPUs, inference latency and errors', () => {
    const { rules } = monitored();
    expect(allRules(rules).filter((r) => r.alert).map((r) => r.alert)).toEqual([
      'TrainingJobFailed', 'KubeJobFailed', 'PodPendingTooLong', 'GpuIdle', 'GpuUnderused', 'InferenceLatencyHigh', 'InferenceErrorRateHigh',
    ]);
  });

  test('expressions use the upstream metric names and only the team namespaces', () => {
    const { rules, teams } = monitored();
    const nsRegex = teams.map((t) => t.namespace).sort().join('|');
    expect(alertNamed(rules, 'TrainingJobFailed').expr).toContain(`training_operator_jobs_failed_total{job_namespace=~"${nsRegex}"}`);
    expect(alertNamed(rules, 'KubeJobFailed').expr).toContain(`kube_job_status_failed{namespace=~"${nsRegex}"}`);
    expect(alertNamed(rules, 'PodPendingTooLong').expr).toContain(`kube_pod_status_phase{phase="Pending", namespace=~"${nsRegex}"}`);
    expect(alertNamed(rules, 'GpuIdle').expr).toMatch(/DCGM_FI_DEV_GPU_UTIL\{namespace=~"[^"]+", pod!=""\}\) == 0$/);
    const latency = allRules(rules).find((r) => r.record === RecordingRules.INFERENCE_LATENCY_P99_MS)!;
    expect(latency.expr).toContain(`histogram_quantile(0.99, sum by (namespace_name, configuration_name, le) (rate(revision_request_latencies_bucket{namespace_name=~"${nsRegex}"}[5m])))`);
    const errors = allRules(rules).find((r) => r.record === RecordingRules.INFERENCE_ERROR_RATIO)!;
    expect(errors.expr).toContain('response_code_class="5xx"');
  });

  test('thresholds reach the rules', () => {
    const { rules } = monitored({ podPendingFor: Duration.minutes(5), gpuIdleFor: Duration.hours(1), gpuUnderusedPercent: 35, inferenceLatencyP99: Duration.seconds(1), inferenceErrorPercent: 2 });
    expect(alertNamed(rules, 'PodPendingTooLong').for).toBe('5m');
    expect(alertNamed(rules, 'GpuIdle').for).toBe('1h');
    expect(alertNamed(rules, 'GpuUnderused').expr).toMatch(/< 35$/);
    expect(alertNamed(rules, 'InferenceLatencyHigh').expr).toBe(`${RecordingRules.INFERENCE_LATENCY_P99_MS} > 1000`);
    expect(alertNamed(rules, 'InferenceErrorRateHigh').expr).toBe(`${RecordingRules.INFERENCE_ERROR_RATIO} > 0.02`);
  });

  test('the dashboard is a sidecar-labelled ConfigMap whose panels query the team namespaces', () => {
    const { objects, monitoring } = monitored();
    const cm = byKindName(objects, 'ConfigMap', monitoring.dashboard.configMapName);
    expect(cm.metadata.labels).toEqual({ [DASHBOARD_SIDECAR_LABEL]: '1' });
    const model = JSON.parse(cm.data[`${MONITORING_NAMES.DASHBOARD}.json`]);
    expect(model.uid).toBe(MONITORING_NAMES.DASHBOARD);
    expect(model.panels.map((p: Manifest) => p.title)).toContain('GPU utilization by team');
    expect(model.panels.find((p: Manifest) => p.title === 'Pending pods by team').targets[0].expr).toContain('namespace=~"team-recsys|team-research"');
    // Two panels per row, no overlap.
    expect(new Set(model.panels.map((p: Manifest) => `${p.gridPos.x},${p.gridPos.y}`)).size).toBe(model.panels.length);
  });

  test('one dashboard per team: its GPUs per pod (DCGM attributes each GPU to its pod), its GPU quota, only its namespace', () => {
    const { objects, monitoring } = monitored();
    expect(monitoring.teamDashboards.map((d) => d.configMapName)).toHaveLength(2);
    const model = (name: string) => {
      const cm = byKindName(objects, 'ConfigMap', monitoring.teamDashboards.find((d) => d.configMapName.includes(name))!.configMapName);
      return JSON.parse(Object.values<string>(cm.data)[0]);
    };
    const research = model('research');
    expect(research).toMatchObject({ uid: `${MONITORING_NAMES.DASHBOARD}-team-research`, title: 'ML team research: GPUs' });
    const expr = (title: string) => research.panels.find((p: Manifest) => p.title === title).targets[0].expr;
    expect(expr('GPU utilization per pod')).toBe('avg by (pod) (DCGM_FI_DEV_GPU_UTIL{namespace="team-research", pod!=""})');
    expect(expr('GPU memory used per pod')).toBe('sum by (pod) (DCGM_FI_DEV_FB_USED{namespace="team-research", pod!=""})');
    // Device-plugin GPUs and DRA devices alike; no backslash escapes, which PromQL strings would reject.
    expect(expr('GPU quota: used and hard')).toBe('sum by (resource, type) (kube_resourcequota{namespace="team-research", resource=~"requests.nvidia.com/gpu|.+.deviceclass.resource.k8s.io/devices"})');
    for (const p of research.panels) expect(p.targets[0].expr).not.toContain('team-recsys');
  });

  test('fails when no team is monitored', () => {
    expect(() => new PlatformMonitoring(testChart(), 'm', { teams: [] })).toThrow(/'test\/m': prop 'teams' is '\[\]'/);
  });

  test('fails when a threshold is out of range', () => {
    expect(() => monitored({ gpuUnderusedPercent: 150 })).toThrow(/prop 'gpuUnderusedPercent' is 150; use an integer from 1 to 100/);
    expect(() => monitored({ inferenceErrorPercent: 0 })).toThrow(/prop 'inferenceErrorPercent' is 0/);
  });

  test('fails when a target is listed twice', () => {
    const { chart, cohort } = cohortChart('ops');
    const team = new Team(chart, 'a', { group: 'g', cohort, quotas: twoPoolQuota(1, 0) });
    expect(() => new PlatformMonitoring(chart, 'm', { teams: [team], targets: [ScrapeTarget.DCGM_EXPORTER, ScrapeTarget.DCGM_EXPORTER] })).toThrow(/prop 'targets' is 'dcgm-exporter'; the target appears twice/);
  });
});
