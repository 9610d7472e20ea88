import { describeEntry, nameOf } from './manifest-entry';
import type { Problem } from './problem';
import { CheckReport, formatFinding, SemanticRule, summaryLine } from './semantic-rule';
import { SUPPRESSIONS_RULE, SuppressedFinding } from './suppressions';

/**
 * The findings of a check run as files for CI: JSON (the project's own shape) and SARIF 2.1.0
 * (code scanning annotations). Both carry the same findings as the synth output: errors and
 * warnings, and the suppressed ones with their reasons.
 */
export type ReportFormat = 'json' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'sarif'];

function findingJson(p: Problem) {
  const e = p.entry;
  return {
    rule: p.rule, severity: p.severity ?? 'error', path: e.path, chart: e.chart,
    kind: e.object.kind, namespace: e.namespace ?? null, name: nameOf(e.object), object: describeEntry(e),
    field: p.field, value: p.value ?? null, message: p.message, text: formatFinding(p),
  };
}

/** The report as JSON: the summary's counts, every finding, every suppression. */
export function reportJson(report: CheckReport): string {
  return `${JSON.stringify({
    summary: summaryLine(report), rules: report.rules, objects: report.objects, errors: report.problems.length,
    warnings: report.warnings.length, suppressed: report.suppressed.length, strict: report.strict,
    findings: [...report.problems, ...report.warnings].map(findingJson),
    suppressedFindings: report.suppressed.map(({ problem, suppression }) => ({ ...findingJson(problem), suppression })),
    suppressions: report.suppressions.map(({ suppression, findings }) => ({ ...suppression, findings })),
  }, null, 2)}\n`;
}

/**
 * The report as SARIF 2.1.0: one result per finding, `level` error or warning, `ruleId`, the
 * construct path as logical location and the chart's file as physical one (`artifactUri`), the
 * message in the synth's own form. Suppressed findings carry their suppression and its reason.
 */
export function reportSarif(report: CheckReport, rules: readonly SemanticRule[], artifactUri: (chart: string) => string): string {
  const result = (p: Problem, suppressed?: SuppressedFinding['suppression']) => ({
    ruleId: p.rule,
    level: p.severity === 'warning' ? 'warning' : 'error',
    message: { text: formatFinding(p) },
    locations: [{
      physicalLocation: { artifactLocation: { uri: artifactUri(p.entry.chart) } },
      logicalLocations: [{ fullyQualifiedName: p.entry.path, name: describeEntry(p.entry), kind: 'object' }],
    }],
    properties: { field: p.field, value: p.value ?? null, object: describeEntry(p.entry) },
    ...(suppressed ? { suppressions: [{ kind: suppressed.via === 'Checks.suppress' ? 'inSource' : 'external', justification: `${suppressed.reason} (${suppressed.via} on ${suppressed.scope})` }] } : {}),
  });
  const driverRules = [...rules.map((r) => ({ id: r.id, shortDescription: { text: r.summary } })),
    { id: SUPPRESSIONS_RULE, shortDescription: { text: 'suppressions name a rule, give a reason and still match a finding' } }];
  return `${JSON.stringify({
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'mlpatterns-semantic-checks', rules: driverRules } },
      results: [
        ...[...report.problems, ...report.warnings].map((p) => result(p)),
        ...report.suppressed.map(({ problem, suppression }) => result(problem, suppression)),
      ],
      properties: { summary: summaryLine(report) },
    }],
  }, null, 2)}\n`;
}
