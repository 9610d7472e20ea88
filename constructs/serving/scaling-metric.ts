import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { propError } from '../core/errors';
import { requireValue } from '../core/required-props';

/**
 * What the HorizontalPodAutoscaler scales a replicated service on: CPU or memory utilization of
 * the requests, or a per-pod custom metric served by a metrics adapter (e.g. requests per second
 * from prometheus-adapter).
 */
export class ScalingMetric {
  /** Average CPU use as a percent of the CPU request. */
  public static cpuUtilization(percent: number): ScalingMetric {
    return ScalingMetric.utilization('cpu', percent);
  }

  /** Average memory use as a percent of the memory request. */
  public static memoryUtilization(percent: number): ScalingMetric {
    return ScalingMetric.utilization('memory', percent);
  }

  /** A custom per-pod metric (`type: Pods`), scaled to keep its average at `averageValue`. */
  public static podsAverage(metricName: string, averageValue: number): ScalingMetric {
    const where = { kind: 'ScalingMetric', path: 'podsAverage' };
    requireValue(where, 'metricName', metricName, 'string');
    requireValue(where, 'averageValue', averageValue, 'number');
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(metricName)) throw propError(where, 'metricName', metricName, 'use a metric name like http_requests_per_second');
    if (!(averageValue > 0)) throw propError(where, 'averageValue', averageValue, 'use a positive target');
    return new ScalingMetric(`${metricName} average ${averageValue}`, {
      type: 'Pods',
      pods: { metric: { name: metricName }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString(String(averageValue)) } },
    });
  }

  private static utilization(resource: 'cpu' | 'memory', percent: number): ScalingMetric {
    if (!Number.isInteger(percent) || percent < 1 || percent > 100) {
      throw propError({ kind: 'ScalingMetric', path: `${resource}Utilization` }, 'percent', percent, 'use an integer from 1 to 100');
    }
    return new ScalingMetric(`${resource} ${percent}%`, {
      type: 'Resource',
      resource: { name: resource, target: { type: 'Utilization', averageUtilization: percent } },
    });
  }

  private constructor(private readonly description: string, public readonly spec: k8s.MetricSpecV2) {}

  public toString(): string {
    return this.description;
  }
}
