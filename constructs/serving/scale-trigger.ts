import { propError } from '../core/errors';
import { optional, PropChecks, requireProps } from '../core/required-props';

/** Options of a Prometheus trigger. */
export interface PrometheusTriggerOptions {
  /** Prometheus base URL, e.g. `http://prometheus-operated.monitoring.svc:9090`. */
  readonly serverAddress: string;
  /** PromQL query returning one number (e.g. pending requests). */
  readonly query: string;
  /** Target value per replica. */
  readonly threshold: number;
  /**
   * Value above which the service wakes from zero replicas.
   * @default 0
   */
  readonly activationThreshold?: number;
}

/** Options of a Redis list-length trigger (a work queue). */
export interface RedisListTriggerOptions {
  /** `host:port` of Redis. */
  readonly address: string;
  readonly listName: string;
  /** Target queued items per replica. */
  readonly listLength: number;
  /**
   * Queue length above which the service wakes from zero replicas.
   * @default 0
   */
  readonly activationListLength?: number;
}

const PROMETHEUS_CHECKS: PropChecks<PrometheusTriggerOptions> = { serverAddress: 'string', query: 'string', threshold: 'number', activationThreshold: optional('number') };
const REDIS_CHECKS: PropChecks<RedisListTriggerOptions> = { address: 'string', listName: 'string', listLength: 'number', activationListLength: optional('number') };

/** The wire form of a KEDA trigger. */
export interface TriggerSpec {
  readonly type: string;
  readonly metadata: Record<string, string>;
}

/**
 * The event source a KEDA ScaledObject scales on. KEDA activates the workload (0 → 1) when the
 * value passes the activation threshold and lets the HPA it owns scale 1 → N on the target.
 */
export class ScaleTrigger {
  /** A PromQL query (queue depth, request rate, ...). */
  public static prometheus(options: PrometheusTriggerOptions): ScaleTrigger {
    const where = { kind: 'ScaleTrigger', path: 'prometheus' };
    requireProps(where, options, PROMETHEUS_CHECKS);
    if (!/^https?:\/\/[^\s/]+/.test(options.serverAddress)) throw propError(where, 'serverAddress', options.serverAddress, 'use an http(s) URL');
    if (!options.query.trim()) throw propError(where, 'query', options.query, 'give a PromQL query');
    positive(where, 'threshold', options.threshold);
    const activation = nonNegative(where, 'activationThreshold', options.activationThreshold ?? 0);
    return new ScaleTrigger('prometheus', {
      serverAddress: options.serverAddress,
      query: options.query,
      threshold: String(options.threshold),
      activationThreshold: String(activation),
    });
  }

  /** The length of a Redis list used as a work queue. */
  public static redisListLength(options: RedisListTriggerOptions): ScaleTrigger {
    const where = { kind: 'ScaleTrigger', path: 'redis' };
    requireProps(where, options, REDIS_CHECKS);
    if (!/^[^\s:]+:\d{1,5}$/.test(options.address)) throw propError(where, 'address', options.address, 'use host:port');
    if (!options.listName) throw propError(where, 'listName', options.listName, 'give the list name');
    if (!Number.isInteger(options.listLength) || options.listLength < 1) throw propError(where, 'listLength', options.listLength, 'use an integer >= 1');
    const activation = nonNegative(where, 'activationListLength', options.activationListLength ?? 0);
    return new ScaleTrigger('redis', {
      address: options.address,
      listName: options.listName,
      listLength: String(options.listLength),
      activationListLength: String(activation),
    });
  }

  private constructor(public readonly type: string, private readonly metadata: Record<string, string>) {}

  public toSpec(): TriggerSpec {
    return { type: this.type, metadata: { ...this.metadata } };
  }
}

function positive(where: { kind: string; path: string }, prop: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw propError(where, prop, v, 'use a positive number');
  return v;
}

function nonNegative(where: { kind: string; path: string }, prop: string, v: number): number {
  if (!(v >= 0) || !Number.isFinite(v)) throw propError(where, prop, v, 'use a number >= 0');
  return v;
}
