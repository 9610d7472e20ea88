import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { PlatformApp } from '../../../constructs/app/platform-app';
import { checkSettingsFromEnv } from '../../../constructs/app/check-manifests';
import { SemanticRule, summaryLine } from '../../../constructs/checks/semantic-rule';
import { Checks, SUPPRESS_ANNOTATION_PREFIX } from '../../../constructs/checks/suppressions';

/**
 * A rule that flags ConfigMaps by their `level` label: 'error' → an error, 'warning' → a warning.
 * What the runner does with severities, strictness and suppressions does not depend on the rule.
 */
const levels: SemanticRule = {
  id: 'levels',
  summary: 'test rule',
  check(ctx) {
    for (const e of ctx.index.ofKind('/ConfigMap')) {
      const level = e.object.metadata?.labels?.level;
      if (level === 'error' || level === 'warning') ctx.report({ entry: e, field: 'metadata.labels.level', value: level, message: `flagged as ${level}`, severity: level });
    }
  },
};

function appWith(objects: { id: string; level?: string; annotations?: Record<string, string> }[], props: { strictChecks?: boolean } = {}) {
  const app = new PlatformApp({ outdir: '/nonexistent', rules: [levels], strictChecks: props.strictChecks ?? false });
  const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
  for (const o of objects) {
    new ApiObject(chart, o.id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: o.id, labels: o.level ? { level: o.level } : {}, annotations: o.annotations } });
  }
  return { app, chart };
}

const thrown = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('did not throw');
};

describe('severities', () => {
  test('errors fail synth, warnings are reported and synth goes on; the summary counts both', () => {
    const { app } = appWith([{ id: 'w', level: 'warning' }]);
    app.synthManifests();
    expect(summaryLine(app.lastCheckReport!)).toBe('semantic checks: 1 rules, 1 objects, 0 errors, 1 warnings, 0 suppressed');
    expect(app.lastCheckReport!.warnings.map((p) => p.severity)).toEqual(['warning']);

    const failing = appWith([{ id: 'w', level: 'warning' }, { id: 'e', level: 'error' }]).app;
    const message = thrown(() => failing.synthManifests());
    expect(message).toContain("Semantic checks failed (1 errors):\n  [c/e] ConfigMap e: metadata.labels.level is 'error'; flagged as error (rule levels)");
    // The warnings are listed too, in the same form, then the summary.
    expect(message).toContain("  [c/w] ConfigMap w: metadata.labels.level is 'warning'; flagged as warning (rule levels)");
    expect(message).toMatch(/semantic checks: 1 rules, 2 objects, 1 errors, 1 warnings, 0 suppressed$/);
  });

  test('a rule reaching one object through several referrers reports it once', () => {
    const twice: SemanticRule = { ...levels, check(ctx) { levels.check(ctx); levels.check(ctx); } };
    const app = new PlatformApp({ outdir: '/nonexistent', rules: [twice], strictChecks: false });
    const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
    new ApiObject(chart, 'w', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', labels: { level: 'warning' } } });
    app.synthManifests();
    expect(summaryLine(app.lastCheckReport!)).toBe('semantic checks: 1 rules, 1 objects, 0 errors, 1 warnings, 0 suppressed');
  });

  test('strict turns warnings into errors', () => {
    const { app } = appWith([{ id: 'w', level: 'warning' }], { strictChecks: true });
    const message = thrown(() => app.synthManifests());
    expect(message).toContain('flagged as warning (a warning, an error under strict checks)');
    expect(message).toMatch(/1 errors, 0 warnings, 0 suppressed$/);
  });

  test('the environment sets strictness and the report; a value it does not take names the variable', () => {
    expect(checkSettingsFromEnv({ MLP_STRICT_CHECKS: '1' })).toEqual({ strict: true, report: undefined });
    expect(checkSettingsFromEnv({ MLP_CHECKS_REPORT: 'sarif' })).toEqual({ strict: false, report: { format: 'sarif', file: 'semantic-checks.sarif' } });
    expect(() => checkSettingsFromEnv({ MLP_STRICT_CHECKS: 'yes' })).toThrow("environment variable MLP_STRICT_CHECKS is 'yes'; use 1");
    expect(() => checkSettingsFromEnv({ MLP_CHECKS_REPORT: 'xml' })).toThrow("environment variable MLP_CHECKS_REPORT is 'xml'; use json or sarif");
  });
});

describe('suppressions', () => {
  test('Checks.suppress on a scope silences the rule for every object under it; the summary lists it with its reason', () => {
    const { app, chart } = appWith([{ id: 'e', level: 'error' }, { id: 'w', level: 'warning' }]);
    Checks.suppress(chart, 'levels', 'the admin creates these out of band');
    app.synthManifests();
    const report = app.lastCheckReport!;
    expect(summaryLine(report)).toBe('semantic checks: 1 rules, 2 objects, 0 errors, 0 warnings, 2 suppressed');
    expect(report.suppressions).toEqual([{ suppression: { rule: 'levels', reason: 'the admin creates these out of band', scope: 'c', via: 'Checks.suppress' }, findings: 2 }]);
  });

  test('an annotation on the object silences the rule for that object only', () => {
    const { app } = appWith([
      { id: 'e', level: 'error', annotations: { [`${SUPPRESS_ANNOTATION_PREFIX}levels`]: 'known and accepted' } },
      { id: 'w', level: 'warning' },
    ]);
    app.synthManifests();
    const report = app.lastCheckReport!;
    expect(report.suppressed.map((s) => s.problem.entry.path)).toEqual(['c/e']);
    expect(report.warnings.map((p) => p.entry.path)).toEqual(['c/w']);
  });

  test('a suppression that matches nothing is a warning', () => {
    const { app } = appWith([{ id: 'ok', annotations: { [`${SUPPRESS_ANNOTATION_PREFIX}levels`]: 'stale' } }]);
    app.synthManifests();
    expect(app.lastCheckReport!.warnings.map((p) => `${p.rule}: ${p.field}: ${p.message}`)).toEqual([
      "check-suppressions: metadata.annotations['mlpatterns.dev/suppress.levels']: rule 'levels' finds nothing on this object, so the suppression hides nothing and would hide the next real finding; remove it",
    ]);
  });

  test('an annotation without a reason, or naming no rule, is an error naming the object', () => {
    const empty = appWith([{ id: 'e', level: 'error', annotations: { [`${SUPPRESS_ANNOTATION_PREFIX}levels`]: ' ' } }]).app;
    expect(thrown(() => empty.synthManifests())).toContain("[c/e] ConfigMap e: metadata.annotations['mlpatterns.dev/suppress.levels'] is ''; a suppression needs a reason");
    const typo = appWith([{ id: 'x', annotations: { [`${SUPPRESS_ANNOTATION_PREFIX}levles`]: 'why' } }]).app;
    expect(thrown(() => typo.synthManifests())).toContain("'levles' is no semantic rule (rules: levels)");
  });

  test('Checks.suppress needs a reason and a rule id, and says which construct', () => {
    const { chart } = appWith([]);
    expect(() => Checks.suppress(chart, 'levels', '')).toThrow("Chart 'c': prop 'reason' is ''; say why 'levels' does not apply here");
    expect(() => Checks.suppress(chart, 'Levels!', 'why')).toThrow("Chart 'c': prop 'rule' is 'Levels!'");
  });
});

describe('reports for CI', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-reports-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  function synthReport(format: 'json' | 'sarif'): Record<string, any> {
    const file = path.join(dir, `r.${format}`);
    const app = new PlatformApp({ outdir: path.join(dir, 'dist'), rules: [levels], strictChecks: false, checksReport: { format, file } });
    const chart = new Chart(app, 'c', { disableResourceNameHashes: true });
    for (const [id, level, annotations] of [['e', 'error'], ['w', 'warning'], ['s', 'error', { [`${SUPPRESS_ANNOTATION_PREFIX}levels`]: 'accepted' }]] as const) {
      new ApiObject(chart, id, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: id, labels: { level }, annotations } });
    }
    // Written before synth fails on the error: CI annotates from it.
    expect(() => app.synth()).toThrow('Semantic checks failed (1 errors)');
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  }

  test('JSON: the summary counts and the same findings', () => {
    const json = synthReport('json');
    expect(json).toMatchObject({ summary: 'semantic checks: 1 rules, 3 objects, 1 errors, 1 warnings, 1 suppressed', errors: 1, warnings: 1, suppressed: 1 });
    expect(json.findings.map((f: Record<string, any>) => [f.severity, f.rule, f.path, f.field, f.value])).toEqual([
      ['error', 'levels', 'c/e', 'metadata.labels.level', 'error'], ['warning', 'levels', 'c/w', 'metadata.labels.level', 'warning'],
    ]);
    expect(json.suppressedFindings.map((f: Record<string, any>) => [f.path, f.suppression.reason])).toEqual([['c/s', 'accepted']]);
  });

  test('SARIF 2.1.0: one result per finding with ruleId, level and the construct path', () => {
    const sarif = synthReport('sarif');
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0];
    expect(run.tool.driver.rules.map((r: Record<string, any>) => r.id)).toEqual(['levels', 'check-suppressions']);
    expect(run.results.map((r: Record<string, any>) => [r.ruleId, r.level, r.locations[0].logicalLocations[0].fullyQualifiedName, !!r.suppressions])).toEqual([
      ['levels', 'error', 'c/e', false], ['levels', 'warning', 'c/w', false], ['levels', 'error', 'c/s', true],
    ]);
    expect(run.results[0].message.text).toBe("[c/e] ConfigMap e: metadata.labels.level is 'error'; flagged as error (rule levels)");
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toMatch(/dist\/c\.k8s\.yaml$/);
    expect(run.results[2].suppressions).toEqual([{ kind: 'external', justification: 'accepted (mlpatterns.dev/suppress.levels on c/s)' }]);
  });
});
