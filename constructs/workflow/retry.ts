import { Duration } from 'cdk8s';
import { propError, requireInteger, Where } from '../core/errors';
import { WorkflowSpecTemplatesRetryStrategy, WorkflowSpecTemplatesRetryStrategyBackoffFactor, WorkflowSpecTemplatesRetryStrategyLimit, WorkflowSpecTemplatesRetryStrategyRetryPolicy as ArgoPolicy } from '../imports/argoproj.io';

/** Which failures a step retries. */
export enum RetryPolicy {
  /** Step failures (non-zero exit) and errors. Argo's default. */
  ON_FAILURE = 'OnFailure',
  /** Only Argo errors (pod deleted, node lost, ...), not the step's own failure. */
  ON_ERROR = 'OnError',
  /** Transient errors only (the controller's transient-error pattern). */
  ON_TRANSIENT_ERROR = 'OnTransientError',
  /** Every failure and error. */
  ALWAYS = 'Always',
}

// Our enum is the public type, so callers never import generated code.
const ARGO_POLICY: Readonly<Record<RetryPolicy, ArgoPolicy>> = Object.freeze({
  [RetryPolicy.ON_FAILURE]: ArgoPolicy.ON_FAILURE,
  [RetryPolicy.ON_ERROR]: ArgoPolicy.ON_ERROR,
  [RetryPolicy.ON_TRANSIENT_ERROR]: ArgoPolicy.ON_TRANSIENT_ERROR,
  [RetryPolicy.ALWAYS]: ArgoPolicy.ALWAYS,
});

/** Exponential backoff between retries: initial, initial*factor, initial*factor^2, ... */
export interface RetryBackoff {
  /** Wait before the first retry. */
  readonly initial: Duration;
  /**
   * Multiplier applied after each retry.
   * @default 2
   */
  readonly factor?: number;
  /**
   * Give up retrying once this much time has passed since the first attempt.
   * @default - no limit beyond `limit`
   */
  readonly maxDuration?: Duration;
}

/** How a step is retried. */
export interface RetryOptions {
  /** Retries after the first attempt (0 to 20). */
  readonly limit: number;
  /** @default RetryPolicy.ON_FAILURE */
  readonly policy?: RetryPolicy;
  /** @default - retry immediately */
  readonly backoff?: RetryBackoff;
}

/** The Argo `retryStrategy` JSON for `options`, validated. */
export function renderRetry(scope: Where, options: RetryOptions | undefined): WorkflowSpecTemplatesRetryStrategy | undefined {
  if (options === undefined) return undefined;
  requireInteger(scope, 'retry.limit', options.limit, 0, 20);
  const backoff = options.backoff;
  if (backoff) {
    if (!(backoff.initial.toSeconds() > 0)) throw propError(scope, 'retry.backoff.initial', `${backoff.initial.toSeconds()}s`, 'use a positive duration');
    if (backoff.factor !== undefined) requireInteger(scope, 'retry.backoff.factor', backoff.factor, 1, 10);
    if (backoff.maxDuration && backoff.maxDuration.toSeconds() < backoff.initial.toSeconds()) {
      throw propError(scope, 'retry.backoff.maxDuration', `${backoff.maxDuration.toSeconds()}s`, `it is shorter than retry.backoff.initial (${backoff.initial.toSeconds()}s); use a longer maxDuration`);
    }
  }
  return {
    limit: WorkflowSpecTemplatesRetryStrategyLimit.fromNumber(options.limit),
    retryPolicy: ARGO_POLICY[options.policy ?? RetryPolicy.ON_FAILURE],
    backoff: backoff ? {
      duration: `${backoff.initial.toSeconds()}s`,
      factor: WorkflowSpecTemplatesRetryStrategyBackoffFactor.fromNumber(backoff.factor ?? 2),
      maxDuration: backoff.maxDuration ? `${backoff.maxDuration.toSeconds()}s` : undefined,
    } : undefined,
  };
}
