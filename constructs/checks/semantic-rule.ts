import { ObjectIndex } from './object-index';
import { ManifestEntry, describeEntry } from './manifest-entry';
import { PlatformTarget } from './platform-target';
import { formatValue } from '../core/errors';

/** One thing that would not work once the operators act on the manifests. */
export interface Problem {
  /** The object at fault. */
  readonly entry: ManifestEntry;
  /** Field path inside the object (`spec.templates[3].resource.successCondition`). */
  readonly field: string;
  /** The value found there. */
  readonly value: unknown;
  /** What goes wrong, and what would work. */
  readonly message: string;
  /** Id of the rule that found it (set by the runner). */
  readonly rule?: string;
}

/** What a rule sees. */
export interface CheckContext {
  readonly index: ObjectIndex;
  /** Undefined when the manifests are checked without a target cluster: target rules are skipped. */
  readonly target: PlatformTarget | undefined;
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

/** Outcome of a check run. */
export interface CheckReport {
  readonly rules: number;
  readonly objects: number;
  readonly problems: readonly Problem[];
}

/** Runs every rule once over the index; rules needing a target are skipped without one. */
export function runSemanticChecks(index: ObjectIndex, rules: readonly SemanticRule[], target: PlatformTarget | undefined): CheckReport {
  const problems: Problem[] = [];
  const active = rules.filter((r) => target || !r.needsTarget);
  for (const rule of active) rule.check({ index, target, report: (p) => problems.push({ ...p, rule: rule.id }) });
  return { rules: active.length, objects: index.entries.length, problems };
}

/** `[path] Kind ns/name: field is 'value'; message`: construct path, object, field, value, fix. */
export function formatProblem(p: Problem): string {
  return `[${p.entry.path}] ${describeEntry(p.entry)}: ${p.field} is ${formatValue(p.value)}; ${p.message}`;
}

/** The summary line synth prints. */
export function summaryLine(report: CheckReport): string {
  return `semantic checks: ${report.rules} rules, ${report.objects} objects, ${report.problems.length} problems`;
}
