import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChartManifest } from './chart-manifests';
import { ObjectIndex } from '../checks/object-index';
import { PlatformTarget } from '../checks/platform-target';
import { REPORT_FORMATS, ReportFormat, reportJson, reportSarif } from '../checks/report-formats';
import { CheckOptions, CheckReport, detailLines, formatFinding, runSemanticChecks, SemanticRule, summaryLine } from '../checks/semantic-rule';
import { SEMANTIC_RULES } from '../checks/rules';

/** Runs the semantic rules over the entries of `manifests` (one index, one pass per rule). */
export function checkManifests(manifests: readonly ChartManifest[], target: PlatformTarget | undefined, rules: readonly SemanticRule[] = SEMANTIC_RULES, options: CheckOptions = {}): CheckReport {
  return runSemanticChecks(new ObjectIndex(manifests.flatMap((m) => m.entries)), rules, target, options);
}

/** Throws listing every error of a check report (warnings and suppressions follow, then the summary). */
export function assertNoProblems(report: CheckReport, what = 'Semantic checks failed'): void {
  if (report.problems.length) {
    const lines = [...report.problems.map((p) => `  ${formatFinding(p)}`), ...detailLines(report), summaryLine(report)];
    throw new Error(`${what} (${report.problems.length} errors):\n${lines.join('\n')}`);
  }
}

/** Where and how to write the findings for CI. */
export interface ChecksReportFile {
  readonly format: ReportFormat;
  /** Path of the file (relative to the working directory). */
  readonly file: string;
}

/**
 * How synth treats warnings and where it writes its report, from the environment that
 * `scripts/synth.mjs` sets from its flags: `MLP_STRICT_CHECKS=1` (`--strict`), `MLP_CHECKS_REPORT`
 * = json|sarif (`--report`) and `MLP_CHECKS_REPORT_FILE` (`--report-file`, default
 * `semantic-checks.<format>`). Throws naming the variable on a value it does not take.
 */
export function checkSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): { strict: boolean; report?: ChecksReportFile } {
  const strict = env.MLP_STRICT_CHECKS ?? '';
  if (!['', '0', '1'].includes(strict)) throw new Error(`environment variable MLP_STRICT_CHECKS is '${strict}'; use 1 (warnings fail synth) or 0`);
  const format = env.MLP_CHECKS_REPORT ?? '';
  if (format && !(REPORT_FORMATS as readonly string[]).includes(format)) throw new Error(`environment variable MLP_CHECKS_REPORT is '${format}'; use ${REPORT_FORMATS.join(' or ')}`);
  const report = format ? { format: format as ReportFormat, file: env.MLP_CHECKS_REPORT_FILE || `semantic-checks.${format}` } : undefined;
  return { strict: strict === '1', report };
}

/** Writes the report file; the charts' files are named as they will be under `outdir`. */
export function writeChecksReport(report: CheckReport, rules: readonly SemanticRule[], file: ChecksReportFile, outdir: string, extension: string): void {
  const relative = path.relative(process.cwd(), outdir).split(path.sep).join('/') || '.';
  const text = file.format === 'json' ? reportJson(report) : reportSarif(report, rules, (chart) => `${relative}/${chart}${extension}`);
  fs.mkdirSync(path.dirname(path.resolve(file.file)), { recursive: true });
  fs.writeFileSync(file.file, text);
}
