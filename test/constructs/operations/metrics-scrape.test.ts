import { Duration } from 'cdk8s';
import { MetricsScrape } from '../../../constructs/operations/metrics-scrape';
import { Discovery, ScrapeTarget, TargetNamespaces } from '../../../constructs/operations/scrape-target';
import { byKindName, synth, testChart } from '../../helpers';

describe('MetricsScrape', () => {
  test('a Service target becomes a ServiceMonitor in the component namespace', () => {
    const chart = testChart('monitoring');
    const scrape = new MetricsScrape(chart, 'dcgm', { target: ScrapeTarget.DCGM_EXPORTER, labels: { release: 'prom' } });
    const sm = byKindName(synth(chart), 'ServiceMonitor', 'dcgm-exporter');
    expect(sm).toMatchSnapshot();
    expect(scrape.kind).toBe('ServiceMonitor');
    expect(sm.metadata.labels).toEqual({ release: 'prom' });
    expect(sm.spec.selector).toEqual({ matchLabels: ScrapeTarget.DCGM_EXPORTER.options.selector });
    expect(sm.spec.namespaceSelector).toEqual({ matchNames: [ScrapeTarget.DCGM_EXPORTER.options.namespace] });
    expect(sm.spec.endpoints).toEqual([{ port: 'gpu-metrics', interval: '30s', scheme: 'http' }]);
  });

  test('a self-signed TLS target is scraped over https', () => {
    const chart = testChart('monitoring');
    new MetricsScrape(chart, 'argo', { target: ScrapeTarget.ARGO_CONTROLLER, interval: Duration.minutes(1) });
    const [endpoint] = byKindName(synth(chart), 'ServiceMonitor', 'argo-workflow-controller').spec.endpoints;
    expect(endpoint).toEqual({ port: 'metrics', interval: '1m', scheme: 'https', tlsConfig: { insecureSkipVerify: true } });
  });

  test('a pod target becomes a PodMonitor over the team namespaces with an Exists selector', () => {
    const chart = testChart('monitoring');
    new MetricsScrape(chart, 'kserve', { target: ScrapeTarget.KSERVE_INFERENCE, teamNamespaces: ['team-b', 'team-a'] });
    const pm = byKindName(synth(chart), 'PodMonitor', 'kserve-inference');
    expect(pm.spec.selector).toEqual({ matchExpressions: [{ key: 'serving.kserve.io/inferenceservice', operator: 'Exists' }] });
    expect(pm.spec.namespaceSelector).toEqual({ matchNames: ['team-a', 'team-b'] });
    expect(pm.spec.podMetricsEndpoints).toEqual([{ port: 'http-usermetric', interval: '30s', scheme: 'http' }]);
  });

  test('fails when a team target gets no namespaces', () => {
    expect(() => new MetricsScrape(testChart(), 'p', { target: ScrapeTarget.TRAINING_PODS })).toThrow(/'test\/p': prop 'teamNamespaces' is '\[\]'; target 'training-pods' needs at least one namespace/);
  });

  test('fails when a custom target has an invalid name', () => {
    const target = ScrapeTarget.custom({ name: 'My Exporter', discovery: Discovery.SERVICE, selector: { app: 'x' }, port: 'm', namespaces: TargetNamespaces.OWN, namespace: 'x' });
    expect(() => new MetricsScrape(testChart(), 'c', { target })).toThrow(/prop 'target.name' is 'My Exporter'/);
  });
});
