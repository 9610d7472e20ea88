import { ApiObject, Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { propError, requireInteger, Where } from '../core/errors';
import { NameRule, validateLabels, validateName } from '../core/names';
import { DURATION, STRING_MAP } from '../core/prop-checks';
import { arrayOf, instanceOf, oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';

/**
 * Hand-typed PrometheusRule (`monitoring.coreos.com/v1`). The shared CRD set has no
 * PrometheusRule CRD, so there is no generated import: the fields below follow the
 * prometheus-operator API reference (RuleGroup, Rule) and the tests validate against the
 * project-authored schema `test/validation/project-crds/monitoring.coreos.com_prometheusrules.json`.
 * @see https://prometheus-operator.dev/docs/api-reference/api/#monitoring.coreos.com/v1.PrometheusRule
 */

/** Alert severity (the `severity` label Alertmanager routes on). */
export enum Severity {
  CRITICAL = 'critical',
  WARNING = 'warning',
  INFO = 'info',
}

/** An alerting rule. */
export interface AlertOptions {
  /** Alert name (CamelCase by Prometheus convention). */
  readonly alert: string;
  /** PromQL; the alert fires for every series it returns. */
  readonly expr: string;
  /**
   * How long the condition must hold before the alert fires.
   * @default - fires on the first evaluation
   */
  readonly for?: Duration;
  /**
   * Keep firing this long after the condition clears (flapping guard).
   * @default - resolves at once
   */
  readonly keepFiringFor?: Duration;
  readonly severity: Severity;
  /** One line for the notification title. */
  readonly summary: string;
  /** What it means and what to do; may use `{{ $labels.x }}` and `{{ $value }}`. */
  readonly description: string;
  /** @default - only `severity` */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A recording rule. */
export interface RecordOptions {
  /** Series name, `level:metric:operations` by Prometheus convention. */
  readonly record: string;
  readonly expr: string;
  /** @default - none */
  readonly labels?: Readonly<Record<string, string>>;
}

const ALERT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RECORD_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** A rule of a group: an alert or a recording (one class, two factories, never both shapes). */
export class PrometheusRuleEntry {
  /** An alerting rule. */
  public static alert(options: AlertOptions, where: Where = 'PrometheusRule'): PrometheusRuleEntry {
    requireProps(where, options, ALERT_CHECKS);
    if (!ALERT_NAME.test(options.alert)) throw propError(where, 'alert', options.alert, 'use letters, digits and underscores, not starting with a digit');
    if (!options.expr.trim()) throw propError(where, `${options.alert}.expr`, options.expr, 'give a PromQL expression');
    const labels = validateLabels(where, `${options.alert}.labels`, { ...options.labels, severity: options.severity });
    return new PrometheusRuleEntry({
      alert: options.alert,
      expr: options.expr,
      for: options.for && promDuration(options.for),
      keep_firing_for: options.keepFiringFor && promDuration(options.keepFiringFor),
      labels,
      annotations: { summary: options.summary, description: options.description },
    });
  }

  /** A recording rule. */
  public static record(options: RecordOptions, where: Where = 'PrometheusRule'): PrometheusRuleEntry {
    requireProps(where, options, RECORD_CHECKS);
    if (!RECORD_NAME.test(options.record)) throw propError(where, 'record', options.record, 'use a valid metric name (letters, digits, "_" and ":")');
    if (!options.expr.trim()) throw propError(where, `${options.record}.expr`, options.expr, 'give a PromQL expression');
    return new PrometheusRuleEntry({
      record: options.record,
      expr: options.expr,
      labels: options.labels && validateLabels(where, `${options.record}.labels`, options.labels),
    });
  }

  private constructor(private readonly json: Record<string, unknown>) {}

  /** `alert` or `record` name. */
  public get name(): string {
    return String(this.json.alert ?? this.json.record);
  }

  public get isAlert(): boolean {
    return this.json.alert !== undefined;
  }

  /** The rule as it goes into `spec.groups[].rules[]`. */
  public toJson(): Record<string, unknown> {
    return Object.fromEntries(Object.entries(this.json).filter(([, v]) => v !== undefined));
  }
}

/** A rule group: evaluated together, at one interval. */
export interface RuleGroup {
  readonly name: string;
  readonly rules: readonly PrometheusRuleEntry[];
  /**
   * Evaluation interval.
   * @default - Prometheus' global evaluation interval
   */
  readonly interval?: Duration;
  /**
   * Most alerts (or series) the group may produce; 0 is no limit.
   * @default - no limit
   */
  readonly limit?: number;
}

/** Properties for `PrometheusRule`. */
export interface PrometheusRuleProps {
  /** @default - the construct id */
  readonly name?: string;
  readonly groups: readonly RuleGroup[];
  /**
   * Labels the Prometheus `ruleSelector` matches (e.g. `release: kube-prometheus-stack`).
   * @default - none
   */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A PrometheusRule object: alerting and recording rules the prometheus-operator loads. */
export class PrometheusRule extends Construct {
  public static readonly API_VERSION = 'monitoring.coreos.com/v1';
  public static readonly KIND = 'PrometheusRule';

  public readonly name: string;
  public readonly groups: readonly RuleGroup[];

  constructor(scope: Construct, id: string, props: PrometheusRuleProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_SUBDOMAIN);
    if (props.groups.length === 0) throw propError(this, 'groups', '[]', 'give at least one rule group');
    const groupNames = new Set<string>();
    for (const g of props.groups) {
      if (!g.name.trim() || groupNames.has(g.name)) throw propError(this, 'groups', g.name, 'group names must be non-empty and unique within the object');
      groupNames.add(g.name);
      if (g.rules.length === 0) throw propError(this, `groups.${g.name}.rules`, '[]', 'give the group at least one rule');
      if (g.limit !== undefined) requireInteger(this, `groups.${g.name}.limit`, g.limit, 0);
      const ruleNames = new Set<string>();
      for (const r of g.rules.filter((x) => !x.isAlert)) {
        if (ruleNames.has(r.name)) throw propError(this, `groups.${g.name}.rules`, r.name, 'a recording rule name appears twice in the group');
        ruleNames.add(r.name);
      }
    }
    this.groups = [...props.groups];
    new ApiObject(this, 'Resource', {
      apiVersion: PrometheusRule.API_VERSION,
      kind: PrometheusRule.KIND,
      metadata: { name: this.name, labels: props.labels && validateLabels(this, 'labels', props.labels) },
      spec: {
        groups: this.groups.map((g) => ({
          name: g.name,
          interval: g.interval && promDuration(g.interval),
          limit: g.limit,
          rules: g.rules.map((r) => r.toJson()),
        })),
      },
    });
  }
}

/** A Duration in Prometheus' format, in the largest exact unit ("90s", "15m", "2h", "1d"). */
export function promDuration(d: Duration): string {
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s <= 0) throw propError('Duration', 'duration', `${s}s`, 'use a whole, positive number of seconds');
  for (const [unit, secs] of [['d', 86400], ['h', 3600], ['m', 60]] as const) {
    if (s % secs === 0) return `${s / secs}${unit}`;
  }
  return `${s}s`;
}

const ALERT_CHECKS: PropChecks<AlertOptions> = {
  alert: 'string', expr: 'string', for: optional(DURATION), keepFiringFor: optional(DURATION), severity: oneOf(Severity, 'Severity'),
  summary: 'string', description: 'string', labels: optional(STRING_MAP),
};
const RECORD_CHECKS: PropChecks<RecordOptions> = { record: 'string', expr: 'string', labels: optional(STRING_MAP) };
const PROP_CHECKS: PropChecks<PrometheusRuleProps> = {
  name: optional('string'),
  groups: arrayOf(shape<RuleGroup>({
    name: 'string',
    rules: arrayOf(instanceOf(PrometheusRuleEntry, 'PrometheusRuleEntry.alert({ ... }) or PrometheusRuleEntry.record({ ... })')),
    interval: optional(DURATION),
    limit: optional('number'),
  }, 'a rule group ({ name, rules, interval, limit })')),
  labels: optional(STRING_MAP),
};
