import { ApiObject, Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { WorkflowDefinition, WorkflowDefinitionProps } from './workflow-definition';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { DURATION, STRINGS } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps } from '../core/required-props';
import { CronWorkflow, CronWorkflowSpecConcurrencyPolicy } from '../imports/argoproj.io';

/** What happens when a run is due while the previous one still runs. */
export enum ConcurrencyPolicy {
  /** Start the new run anyway. */
  ALLOW = 'Allow',
  /** Skip the new run (retraining on stale data twice in parallel is waste). */
  FORBID = 'Forbid',
  /** Stop the running one and start the new one. */
  REPLACE = 'Replace',
}

/** Properties for `ArgoCronWorkflow`. */
export interface ArgoCronWorkflowProps extends WorkflowDefinitionProps {
  /** Cron schedules (five fields each, e.g. `0 3 * * 1` for Mondays at 03:00). */
  readonly schedules: readonly string[];
  /** @default 'UTC' */
  readonly timezone?: string;
  /** @default ConcurrencyPolicy.FORBID */
  readonly concurrencyPolicy?: ConcurrencyPolicy;
  /** Still start a run missed by at most this long (controller downtime). @default - missed runs are skipped */
  readonly startingDeadline?: Duration;
  /** @default 3 */
  readonly successfulRunsHistory?: number;
  /** @default 1 */
  readonly failedRunsHistory?: number;
}

const DEFAULTS = Object.freeze({ timezone: 'UTC', concurrencyPolicy: ConcurrencyPolicy.FORBID, successfulRunsHistory: 3, failedRunsHistory: 1 });
/** The cron props on top of the workflow's (the base class checks those). */
const CRON_CHECKS: PropChecks<Omit<ArgoCronWorkflowProps, keyof WorkflowDefinitionProps>> = {
  schedules: STRINGS, timezone: optional('string'), concurrencyPolicy: optional(oneOf(ConcurrencyPolicy, 'ConcurrencyPolicy')),
  startingDeadline: optional(DURATION), successfulRunsHistory: optional('number'), failedRunsHistory: optional('number'),
};
const CRON_FIELD = /^[\d*,/?LW#-]+$|^[A-Za-z]{3}(-[A-Za-z]{3})?$/;
/** Argo appends `-<unix time>` (11 characters) to the workflow name of each run. */
const MAX_CRON_NAME = 52;

const ARGO_POLICY: Readonly<Record<ConcurrencyPolicy, CronWorkflowSpecConcurrencyPolicy>> = Object.freeze({
  [ConcurrencyPolicy.ALLOW]: CronWorkflowSpecConcurrencyPolicy.ALLOW,
  [ConcurrencyPolicy.FORBID]: CronWorkflowSpecConcurrencyPolicy.FORBID,
  [ConcurrencyPolicy.REPLACE]: CronWorkflowSpecConcurrencyPolicy.REPLACE,
});

/**
 * An Argo CronWorkflow: the same typed DAG as `ArgoWorkflow`, run on a schedule (the book's
 * scheduled retraining). Runs do not overlap unless asked.
 */
export class ArgoCronWorkflow extends WorkflowDefinition {
  /** The CronWorkflow object. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: ArgoCronWorkflowProps) {
    super(scope, id, props, MAX_CRON_NAME);
    requireProps(this, props, CRON_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    if (p.schedules.length === 0) throw propError(this, 'schedules', p.schedules, 'give at least one cron schedule');
    for (const schedule of p.schedules) {
      const fields = schedule.trim().split(/\s+/);
      if (!(fields.length === 5 && fields.every((f) => CRON_FIELD.test(f))) && !/^@(yearly|annually|monthly|weekly|daily|midnight|hourly)$/.test(schedule)) {
        throw propError(this, 'schedules', schedule, 'use a five-field cron expression such as "0 3 * * 1", or a macro such as "@daily"');
      }
    }
    requireInteger(this, 'successfulRunsHistory', p.successfulRunsHistory, 0, 100);
    requireInteger(this, 'failedRunsHistory', p.failedRunsHistory, 0, 100);
    if (p.startingDeadline && !(p.startingDeadline.toSeconds() > 0)) throw propError(this, 'startingDeadline', `${p.startingDeadline.toSeconds()}s`, 'use a positive duration');
    this.apiObject = new CronWorkflow(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        schedules: [...p.schedules],
        timezone: p.timezone,
        concurrencyPolicy: ARGO_POLICY[p.concurrencyPolicy],
        startingDeadlineSeconds: p.startingDeadline?.toSeconds(),
        successfulJobsHistoryLimit: p.successfulRunsHistory,
        failedJobsHistoryLimit: p.failedRunsHistory,
        // Same WorkflowSpec as ArgoWorkflow's, under the CronWorkflow's generated type name.
        workflowSpec: Lazy.any({ produce: () => this.renderSpec() }),
      },
    });
  }
}
