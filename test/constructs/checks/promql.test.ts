import { metricNamesIn, PromQlSyntaxError } from '../../../constructs/checks/promql';

describe('metric names of a PromQL expression', () => {
  test.each([
    ['sum(rate(http_requests_total{service="x"}[2m]))', ['http_requests_total']],
    ['sum by (job_namespace, framework) (increase(training_operator_jobs_failed_total{job_namespace=~"a|b"}[10m])) > 0', ['training_operator_jobs_failed_total']],
    ['histogram_quantile(0.99, sum by (le) (rate(revision_request_latencies_bucket[5m])))', ['revision_request_latencies_bucket']],
    ['a / on (pod) group_left (node) b', ['a', 'b']],
    ['x and y or z unless w', ['x', 'y', 'z', 'w']],
    ['namespace_configuration:revision_request_latencies:p99_ms > 500', ['namespace_configuration:revision_request_latencies:p99_ms']],
    ['up == bool 1', ['up']],
    ['rate(x[5m] offset 1h) * 1e3 + Inf', ['x']],
    ['max_over_time(y[1h:5m])', ['y']],
    ['{__name__="z", job="j"}', ['z']],
    ['label_replace(q, "dst", "$1 (x)", "src", "(.*)")', ['q']],
    ['sum without (instance) (m)', ['m']],
    ['count(kube_pod_info) by (node)', ['kube_pod_info']],
    [':tensorflow:serving:request_count{model_name="m"}', [':tensorflow:serving:request_count']],
  ])('%s', (expr, names) => {
    expect(metricNamesIn(expr)).toEqual(names);
  });

  test('functions, aggregations and label names are not metrics', () => {
    expect(metricNamesIn('topk(5, sum by (namespace) (rate(container_cpu_usage_seconds_total[5m])))')).toEqual(['container_cpu_usage_seconds_total']);
  });

  test('unbalanced brackets and open strings are errors', () => {
    expect(() => metricNamesIn('sum(rate(x[5m])')).toThrow(PromQlSyntaxError);
    expect(() => metricNamesIn('x{a="b}')).toThrow(PromQlSyntaxError);
  });
});
