import * as path from 'node:path';
import { App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { ChartManifest, chartEntries } from './chart-manifests';
import { assertNoProblems, checkManifests, checkSettingsFromEnv, ChecksReportFile, writeChecksReport } from './check-manifests';
import { writeAtomically } from './write-atomically';
import { YamlWriter } from './yaml-writer';
import { groupKind } from '../core/api-groups';
import { isEmbedded } from '../core/embedded-scope';
import { nameProblem, NameRule } from '../core/names';
import { arrayOf, instanceOf, oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';
import { PlatformTarget } from '../checks/platform-target';
import { REPORT_FORMATS } from '../checks/report-formats';
import { CheckReport, detailLines, SemanticRule, summaryLine } from '../checks/semantic-rule';
import { SEMANTIC_RULES } from '../checks/rules';

/** Props of `PlatformApp`. */
export interface PlatformAppProps extends AppProps {
  /**
   * The cluster the manifests are for: enables the checks that need to know its operators,
   * schedulers, metrics APIs and storage.
   * @default - only the checks that need no target run
   */
  readonly target?: PlatformTarget;
  /** @default SEMANTIC_RULES */
  readonly rules?: readonly SemanticRule[];
  /**
   * Warnings fail synth too (CI).
   * @default - true when the environment has `MLP_STRICT_CHECKS=1` (`scripts/synth.mjs --strict`)
   */
  readonly strictChecks?: boolean;
  /**
   * Also write the findings to a file, as JSON or SARIF 2.1.0, whether synth passes or fails.
   * @default - from `MLP_CHECKS_REPORT` and `MLP_CHECKS_REPORT_FILE` (`scripts/synth.mjs --report`), else none
   */
  readonly checksReport?: ChecksReportFile;
}

const PLATFORM_TARGET = shape<PlatformTarget>({
  source: 'string',
  servedKinds: instanceOf(Map, 'a Map of group/Kind to operator'),
  installableKinds: optional(instanceOf(Map, 'a Map of group/Kind to operator')),
  existingNamespaces: optional(arrayOf('string')),
  operators: arrayOf('string'),
  schedulers: instanceOf(Set, 'a Set of scheduler names'),
  trainingOperator: optional('object'),
  kueue: optional('object'),
  kserve: optional('object'),
  argo: optional('object'),
  metricsApis: 'object',
  storage: 'object',
  nodePools: optional(instanceOf(Map, 'a Map of pool name to shape (poolShapes(pools))')),
  prometheus: optional('object'),
  externals: optional('object'),
  wholeDeployment: optional('boolean'),
  draDriver: optional('object'),
}, "a platform target (the stacks' defaultPlatformTarget(...) or platformTarget(...))");

const PROP_CHECKS: PropChecks<PlatformAppProps> = {
  outdir: optional('string'),
  outputFileExtension: optional('string'),
  yamlOutputType: optional(oneOf(YamlOutputType, 'YamlOutputType')),
  recordConstructMetadata: optional('boolean'),
  resolvers: optional(arrayOf('object')),
  target: optional(PLATFORM_TARGET),
  rules: optional(arrayOf('object')),
  strictChecks: optional('boolean'),
  checksReport: optional(shape<ChecksReportFile>({ format: oneOf(REPORT_FORMATS, 'a report format'), file: 'string' }, "a report file ({ format: 'json' | 'sarif', file })")),
};

/**
 * Output directories of the PlatformApps of this process, resolved: scripts/synth.mjs names them
 * when a synth fails (it runs the entry in its own process, so it cannot ask the app itself).
 */
export const PLATFORM_APP_OUTDIRS = Symbol.for('mlpatterns.dev/platform-app-outdirs');

function recordOutdir(outdir: string): void {
  const registry = globalThis as { [PLATFORM_APP_OUTDIRS]?: Set<string> };
  registry[PLATFORM_APP_OUTDIRS] ??= new Set();
  registry[PLATFORM_APP_OUTDIRS].add(path.resolve(outdir));
}

/** The name rule the apiserver applies to objects of a kind. */
function nameRuleOf(kind: string): NameRule {
  if (kind === 'Service') return NameRule.DNS_1035_LABEL;
  if (kind === 'Namespace') return NameRule.DNS_LABEL;
  return NameRule.DNS_SUBDOMAIN;
}

/**
 * A cdk8s App whose synth is linear in the number of objects and atomic on disk.
 *
 * Stock `App.synth()` re-prepares the whole app once per chart (quadratic) and writes files as it
 * goes, so a failure leaves a half-written dist/. Here validation runs once for the whole tree,
 * every chart is rendered in memory, every object name and identity is checked, and only then is
 * the output written to a temporary directory that replaces `outdir` in one rename.
 */
export class PlatformApp extends App {
  /** The cluster the manifests are for, when declared. */
  public readonly target: PlatformTarget | undefined;
  /** The report of the last semantic check run. */
  public lastCheckReport: CheckReport | undefined;
  private readonly rules: readonly SemanticRule[];
  private readonly strictChecks: boolean;
  private readonly checksReport: ChecksReportFile | undefined;

  constructor(props: PlatformAppProps = {}) {
    // Before super(): App keeps a wrong outdir as it is.
    requireProps({ kind: 'PlatformApp', path: '<app>' }, props, PROP_CHECKS);
    super(props);
    recordOutdir(this.outdir);
    this.target = props.target;
    this.rules = props.rules ?? SEMANTIC_RULES;
    const fromEnv = checkSettingsFromEnv();
    this.strictChecks = props.strictChecks ?? fromEnv.strict;
    this.checksReport = props.checksReport ?? fromEnv.report;
  }

  /** Charts that produce a file, in construction order (charts scoped under another chart too). */
  public get emittedCharts(): Chart[] {
    return this.node.findAll().filter((c): c is Chart => c instanceof Chart && !isEmbedded(c));
  }

  /**
   * Validates the whole tree once, renders every chart, checks names and identities and runs the
   * semantic checks (unless `checks: false`: the stacks check exactly the charts they deploy);
   * throws listing every problem. Semantic warnings do not throw unless `strictChecks`.
   */
  public synthManifests(options: { readonly checks?: boolean } = {}): ChartManifest[] {
    const constructs = this.node.findAll();
    const problems: string[] = [];
    for (const c of constructs) {
      for (const message of c.node.validate()) problems.push(`[${c.node.path}] ${message}`);
    }
    if (problems.length) throw new Error(`Validation failed with the following errors:\n  ${problems.join('\n  ')}`);

    const charts = this.emittedCharts;
    const entries = chartEntries(this, charts);
    const manifests: ChartManifest[] = charts.map((chart) => {
      const all = entries.get(chart)!;
      return { name: chart.node.path.replace(/\//g, '-'), objects: all.filter((e) => !e.embeddedIn).map((e) => e.object), entries: all };
    });
    // Object → chart and construct path, so a message names the constructs on both sides.
    const seen = new Map<string, { chart: string; path: string }>();
    for (const m of manifests) {
      const problem = nameProblem(m.name, NameRule.DNS_SUBDOMAIN);
      if (problem) problems.push(`chart '${m.name}': the file name ${problem}`);
      for (const { object: obj, path: where, embeddedIn } of m.entries) {
        if (embeddedIn) continue;
        const name = obj.metadata?.name as string | undefined;
        const id = `${groupKind(obj as { apiVersion: string; kind: string })} ${obj.metadata?.namespace ?? '-'}/${name}`;
        if (!name) continue;
        const nameIssue = nameProblem(name, nameRuleOf(obj.kind));
        if (nameIssue) problems.push(`[${where}] ${m.name}: ${obj.kind} name '${name}' ${nameIssue}`);
        const other = seen.get(id);
        if (other) problems.push(`[${where}] ${m.name}: ${id} is also defined in chart '${other.chart}' (by '${other.path}'); metadata.name '${name}' must be unique per kind and namespace`);
        seen.set(id, { chart: m.name, path: where });
      }
    }
    if (problems.length) throw new Error(`Synthesis failed:\n  ${problems.join('\n  ')}`);
    if (options.checks !== false) {
      this.lastCheckReport = checkManifests(manifests, this.target, this.rules, { strict: this.strictChecks });
      // Before failing: CI annotates the errors from this file.
      if (this.checksReport) writeChecksReport(this.lastCheckReport, this.rules, this.checksReport, this.outdir, this.outputFileExtension);
      assertNoProblems(this.lastCheckReport);
    }
    return manifests;
  }

  /** Writes one `<chart>.k8s.yaml` per chart into `outdir`, all or nothing. */
  public synth(): void {
    const yaml = new YamlWriter();
    writeAtomically(this.outdir, this.synthManifests().map((m) => ({
      file: `${m.name}${this.outputFileExtension}`,
      content: yaml.stringify(m.objects),
    })));
    if (this.lastCheckReport) console.log([...detailLines(this.lastCheckReport), summaryLine(this.lastCheckReport)].join('\n'));
  }
}

