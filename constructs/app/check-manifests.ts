import { ChartManifest } from './chart-manifests';
import { ObjectIndex } from '../checks/object-index';
import { PlatformTarget } from '../checks/platform-target';
import { CheckReport, formatProblem, runSemanticChecks, SemanticRule, summaryLine } from '../checks/semantic-rule';
import { SEMANTIC_RULES } from '../checks/rules';

/** Runs the semantic rules over the entries of `manifests` (one index, one pass per rule). */
export function checkManifests(manifests: readonly ChartManifest[], target: PlatformTarget | undefined, rules: readonly SemanticRule[] = SEMANTIC_RULES): CheckReport {
  return runSemanticChecks(new ObjectIndex(manifests.flatMap((m) => m.entries)), rules, target);
}

/** Throws listing every problem of a check report. */
export function assertNoProblems(report: CheckReport, what = 'Semantic checks failed'): void {
  if (report.problems.length) {
    throw new Error(`${what} (${report.problems.length} problems):\n  ${report.problems.map(formatProblem).join('\n  ')}\n${summaryLine(report)}`);
  }
}

