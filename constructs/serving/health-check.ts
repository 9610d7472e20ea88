import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { propError, Where } from '../core/errors';
import { DURATION } from '../core/prop-checks';
import { optional, requireValue, shape } from '../core/required-props';

/** Timing of a probe. */
export interface HealthCheckOptions {
  /**
   * Wait before the first probe (model loading takes time).
   * @default Duration.seconds(10)
   */
  readonly initialDelay?: Duration;
  /** @default Duration.seconds(10) */
  readonly period?: Duration;
  /** @default Duration.seconds(5) */
  readonly timeout?: Duration;
  /**
   * Consecutive failures before the pod is unready (readiness) or restarted (liveness).
   * @default 3
   */
  readonly failureThreshold?: number;
}

const HEALTH_CHECK_OPTIONS = shape<HealthCheckOptions>({
  initialDelay: optional(DURATION), period: optional(DURATION), timeout: optional(DURATION), failureThreshold: optional('number'),
}, 'probe options ({ initialDelay, period, timeout, failureThreshold })');

/**
 * How a model server reports health: an HTTP GET (e.g. TF Serving's `/v1/models/<name>`) or a TCP
 * connect. Probes always target the container's named port `http`, so they follow a port change.
 */
export class HealthCheck {
  /** HTTP GET on `path`; any 2xx/3xx is healthy. */
  public static http(path: string, options: HealthCheckOptions = {}): HealthCheck {
    requireValue({ kind: 'HealthCheck', path: 'http' }, 'path', path, 'string');
    requireValue({ kind: 'HealthCheck', path: 'http' }, 'options', options, HEALTH_CHECK_OPTIONS);
    if (!path.startsWith('/')) throw propError({ kind: 'HealthCheck', path }, 'path', path, 'use an absolute URL path starting with "/"');
    return new HealthCheck({ httpGet: { path, port: k8s.IntOrString.fromString(SERVING_PORT_NAME) } }, options);
  }

  /** A TCP connect to the serving port. */
  public static tcp(options: HealthCheckOptions = {}): HealthCheck {
    requireValue({ kind: 'HealthCheck', path: 'tcp' }, 'options', options, HEALTH_CHECK_OPTIONS);
    return new HealthCheck({ tcpSocket: { port: k8s.IntOrString.fromString(SERVING_PORT_NAME) } }, options);
  }

  private constructor(private readonly handler: Pick<k8s.Probe, 'httpGet' | 'tcpSocket'>, private readonly options: HealthCheckOptions) {}

  /** The probe; `owner`/`prop` name the construct in errors. */
  public toProbe(owner: Where, prop: string): k8s.Probe {
    const seconds = (d: Duration | undefined, fallback: number, name: string, min: number) => {
      const s = d === undefined ? fallback : d.toSeconds({ integral: false });
      if (!Number.isInteger(s) || s < min) throw propError(owner, `${prop}.${name}`, `${s}s`, `use a whole number of seconds >= ${min}`);
      return s;
    };
    const failureThreshold = this.options.failureThreshold ?? 3;
    if (!Number.isInteger(failureThreshold) || failureThreshold < 1) {
      throw propError(owner, `${prop}.failureThreshold`, failureThreshold, 'use an integer >= 1');
    }
    return {
      ...this.handler,
      initialDelaySeconds: seconds(this.options.initialDelay, 10, 'initialDelay', 0),
      periodSeconds: seconds(this.options.period, 10, 'period', 1),
      timeoutSeconds: seconds(this.options.timeout, 5, 'timeout', 1),
      failureThreshold,
    };
  }
}

/** Name of the serving container port; Services and probes refer to it by name. */
export const SERVING_PORT_NAME = 'http';
