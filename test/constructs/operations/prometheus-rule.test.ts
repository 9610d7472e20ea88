import { Duration } from 'cdk8s';
import { PrometheusRule, PrometheusRuleEntry, promDuration, Severity } from '../../../constructs/operations/prometheus-rule';
import { byKindName, synth, testChart } from '../../helpers';

const alert = () => PrometheusRuleEntry.alert({
  alert: 'PodPendingTooLong', expr: 'kube_pod_status_phase{phase="Pending"} > 0', for: Duration.minutes(15),
  severity: Severity.WARNING, summary: 's', description: 'd',
});

describe('PrometheusRule', () => {
  test('default output', () => {
    const chart = testChart('monitoring');
    new PrometheusRule(chart, 'rules', { groups: [{ name: 'g', interval: Duration.seconds(30), rules: [alert(), PrometheusRuleEntry.record({ record: 'ns:x:sum', expr: 'sum(x)' })] }] });
    const obj = byKindName(synth(chart), 'PrometheusRule', 'rules');
    expect(obj).toMatchSnapshot();
    expect(obj.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(obj.spec.groups[0].interval).toBe('30s');
  });

  test('an alert carries for, severity and the summary/description annotations', () => {
    expect(alert().toJson()).toEqual({
      alert: 'PodPendingTooLong', expr: 'kube_pod_status_phase{phase="Pending"} > 0', for: '15m',
      labels: { severity: 'warning' }, annotations: { summary: 's', description: 'd' },
    });
  });

  test('keepFiringFor renders as keep_firing_for', () => {
    const rule = PrometheusRuleEntry.alert({ alert: 'A', expr: 'up == 0', keepFiringFor: Duration.minutes(5), severity: Severity.INFO, summary: 's', description: 'd' });
    expect(rule.toJson().keep_firing_for).toBe('5m');
  });

  test.each([
    [Duration.seconds(90), '90s'],
    [Duration.minutes(15), '15m'],
    [Duration.hours(2), '2h'],
    [Duration.days(1), '1d'],
    [Duration.seconds(3600), '1h'],
  ])('promDuration(%s) is %s', (d, expected) => {
    expect(promDuration(d)).toBe(expected);
  });

  test('fails when a duration is not whole seconds', () => {
    expect(() => promDuration(Duration.millis(1500))).toThrow(/prop 'duration' is '1.5s'; use a whole, positive number of seconds/);
  });

  test('fails when an alert name is not a valid identifier', () => {
    expect(() => PrometheusRuleEntry.alert({ alert: 'gpu-idle', expr: 'x', severity: Severity.INFO, summary: 's', description: 'd' })).toThrow(/prop 'alert' is 'gpu-idle'/);
  });

  test('fails when a recording rule name is invalid', () => {
    expect(() => PrometheusRuleEntry.record({ record: 'job-rate', expr: 'x' })).toThrow(/prop 'record' is 'job-rate'/);
  });

  test('fails when an expression is empty', () => {
    expect(() => PrometheusRuleEntry.record({ record: 'a:b', expr: ' ' })).toThrow(/prop 'a:b.expr' is ' '/);
  });

  test('fails when group names repeat or a group is empty', () => {
    expect(() => new PrometheusRule(testChart(), 'r', { groups: [{ name: 'g', rules: [alert()] }, { name: 'g', rules: [alert()] }] })).toThrow(/'test\/r': prop 'groups' is 'g'; group names must be non-empty and unique/);
    expect(() => new PrometheusRule(testChart(), 'r', { groups: [{ name: 'g', rules: [] }] })).toThrow(/prop 'groups.g.rules' is '\[\]'/);
    expect(() => new PrometheusRule(testChart(), 'r', { groups: [] })).toThrow(/prop 'groups' is '\[\]'/);
  });
});
