import { ObjectIndex } from './object-index';
import type { Suppression } from './manifest-entry';
import { PlatformTarget } from './platform-target';
import { formatProblem, Problem, Severity } from './problem';
import { applySuppressions, SuppressedFinding } from './suppressions';

export { formatProblem };
export type { Problem, Severity };

/** What a rule sees. */
export interface CheckContext {
  readonly index: ObjectIndex;
  /** Undefined when the manifests are checked without a target cluster: target rules are skipped. */
  readonly target: PlatformTarget | undefined;
  /** Reports a finding; `severity` defaults to 'error'. */
  report(problem: Problem): void;
}

/**
 * A semantic check: knowledge of what an operator (or Kubernetes) will do with an object, applied
 * to the whole set of objects deployed together. One rule per module; each cites what it encodes.
 */
export interface SemanticRule {
  readonly id: string;
  /** One line: what the rule proves. */
  readonly summary: string;
  /** True when the rule needs a `PlatformTarget` (skipped without one). */
  readonly needsTarget?: boolean;
  check(context: CheckContext): void;
}

/** How a run treats its findings. */
export interface CheckOptions {
  /** Warnings count as errors (CI: `--strict`, `MLP_STRICT_CHECKS=1`). @default false */
  readonly strict?: boolean;
}

/** What one check run found. */
export interface CheckReport {
  readonly rules: number;
  readonly objects: number;
  /** Findings that fail synth: the errors (with `strict`, the warnings too, as errors). */
  readonly problems: readonly Problem[];
  /** Findings printed while synth goes on (none with `strict`). */
  readonly warnings: readonly Problem[];
  /** Findings a suppression silenced, each with its suppression. */
  readonly suppressed: readonly SuppressedFinding[];
  /** Every valid suppression and how many findings it silenced (listed in the summary). */
  readonly suppressions: readonly { readonly suppression: Suppression; readonly findings: number }[];
  readonly strict: boolean;
}

/** Runs every rule once over the index; rules needing a target are skipped without one. */
export function runSemanticChecks(index: ObjectIndex, rules: readonly SemanticRule[], target: PlatformTarget | undefined, options: CheckOptions = {}): CheckReport {
  const findings: Problem[] = [];
  // One finding per rule, object, field and message: a rule reaching the same object through
  // several referrers (every job on one LocalQueue) reports it once.
  const seen = new Set<string>();
  const active = rules.filter((r) => target || !r.needsTarget);
  for (const rule of active) {
    rule.check({
      index, target, report: (p) => {
        const finding = { ...p, severity: p.severity ?? 'error', rule: rule.id };
        const key = `${rule.id}\0${formatProblem(finding)}\0${finding.severity}`;
        if (seen.has(key)) return;
        seen.add(key);
        findings.push(finding);
      },
    });
  }
  const outcome = applySuppressions(index.entries, findings, new Set(rules.map((r) => r.id)), new Set(active.map((r) => r.id)));
  const strict = options.strict === true;
  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const p of outcome.kept) {
    if (p.severity === 'error') problems.push(p);
    else if (strict) problems.push({ ...p, severity: 'error', message: `${p.message} (a warning, an error under strict checks)` });
    else warnings.push(p);
  }
  return { rules: active.length, objects: index.entries.length, problems, warnings, suppressed: outcome.suppressed, suppressions: outcome.uses, strict };
}

/** The summary line synth prints. */
export function summaryLine(report: CheckReport): string {
  return `semantic checks: ${report.rules} rules, ${report.objects} objects, ${report.problems.length} errors, ${report.warnings.length} warnings, ${report.suppressed.length} suppressed`;
}

/** A finding as synth prints it: the problem's form, then the rule id a suppression would name. */
export function formatFinding(p: Problem): string {
  return `${formatProblem(p)} (rule ${p.rule})`;
}

/** What synth prints before the summary line: each warning, then each suppression with its reason. */
export function detailLines(report: CheckReport): string[] {
  const lines: string[] = [];
  if (report.warnings.length) lines.push('semantic check warnings (synth goes on; --strict or MLP_STRICT_CHECKS=1 makes them errors):', ...report.warnings.map((p) => `  ${formatFinding(p)}`));
  if (report.suppressions.length) {
    lines.push('suppressions:', ...report.suppressions.map(({ suppression: s, findings }) => `  '${s.rule}' on [${s.scope}] (${s.via}, ${findings} finding${findings === 1 ? '' : 's'}): ${s.reason}`));
  }
  return lines;
}
