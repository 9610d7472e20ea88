import { ScalingMetric } from '../../../constructs/serving/scaling-metric';

describe('ScalingMetric', () => {
  test.each([
    [ScalingMetric.cpuUtilization(70), { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
    [ScalingMetric.memoryUtilization(80), { type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } }],
  ])('%s', (metric, spec) => {
    expect(metric.spec).toEqual(spec);
  });

  test('pods metric keeps the average at the target', () => {
    const m = ScalingMetric.podsAverage('inference_queue_depth', 4);
    expect(m.spec.pods?.metric.name).toBe('inference_queue_depth');
    expect(m.spec.pods?.target.averageValue?.value).toBe('4');
  });

  test('fails when the utilization is above 100', () => {
    expect(() => ScalingMetric.cpuUtilization(150)).toThrow(/prop 'percent' is 150; use an integer from 1 to 100/);
  });

  test('fails when the metric name is invalid', () => {
    expect(() => ScalingMetric.podsAverage('requests per second', 1)).toThrow(/prop 'metricName' is 'requests per second'/);
  });

  test('fails when the target is not positive', () => {
    expect(() => ScalingMetric.podsAverage('rps', 0)).toThrow(/prop 'averageValue' is 0/);
  });
});
