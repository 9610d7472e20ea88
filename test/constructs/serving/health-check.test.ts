import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { HealthCheck } from '../../../constructs/serving/health-check';

describe('HealthCheck', () => {
  test('http probe on the named port with default timing', () => {
    expect(k8s.toJson_Probe(HealthCheck.http('/ready').toProbe('o', 'readiness'))).toEqual({ httpGet: { path: '/ready', port: 'http' }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 });
  });

  test('tcp probe with custom timing', () => {
    expect(k8s.toJson_Probe(HealthCheck.tcp({ initialDelay: Duration.minutes(1), period: Duration.seconds(20), timeout: Duration.seconds(2), failureThreshold: 6 }).toProbe('o', 'liveness')))
      .toEqual({ tcpSocket: { port: 'http' }, initialDelaySeconds: 60, periodSeconds: 20, timeoutSeconds: 2, failureThreshold: 6 });
  });

  test('fails when the path is relative', () => {
    expect(() => HealthCheck.http('ready')).toThrow(/prop 'path' is 'ready'/);
  });

  test('fails when the period is below one second, naming the construct and probe', () => {
    expect(() => HealthCheck.tcp({ period: Duration.millis(500) }).toProbe('chart/m', 'liveness')).toThrow(/'chart\/m': prop 'liveness.period' is '0.5s'/);
  });

  test('fails when failureThreshold is 0', () => {
    expect(() => HealthCheck.tcp({ failureThreshold: 0 }).toProbe('chart/m', 'readiness')).toThrow(/prop 'readiness.failureThreshold' is 0/);
  });
});
