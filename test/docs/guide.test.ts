import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { guideBlocks, materialize, typeCheck } from './guide-blocks';
import { SEMANTIC_RULES } from '../../constructs/checks/rules';
import type { PlatformApp } from '../../constructs/app/platform-app';
import type { NodePool } from '../../constructs/cluster/node-pool';
import type { PlatformTarget } from '../../constructs/checks/platform-target';
import { parseStackConfig, StackConfigError } from '../../stacks/config';
import { planPlatform, stackTarget } from '../../stacks/program';

/**
 * docs/write-your-own-platform.md cannot rot: its file blocks are written under .cache (imports
 * of project files rewritten to the real files), type-checked with the project's compiler
 * options, synthesized with `node scripts/synth.mjs <entry>` exactly as the guide says, its test
 * block runs here as part of this file (its snapshots live in this file's snapshot), and its
 * stack config is planned as the stack would plan it.
 */
const ROOT = path.resolve(__dirname, '../..');
const GUIDE = 'docs/write-your-own-platform.md';
// A fixed place: the incremental type-check reuses its build info when the files are unchanged.
const DIR = path.join(ROOT, '.cache', 'docs-guide');
const blocks = guideBlocks(fs.readFileSync(path.join(ROOT, GUIDE), 'utf8'), GUIDE);
const files = materialize(blocks, ROOT, path.join(DIR, 'repo'));
const RUN = path.join(DIR, 'run');
const block = (file: string) => {
  const b = blocks.find((x) => x.file === file);
  if (!b) throw new Error(`${GUIDE} has no block for ${file}`);
  return b;
};
const tempPath = (file: string) => {
  const written = files.get(file);
  if (!written) throw new Error(`${GUIDE} has no ts block for ${file}`);
  return written;
};

/** The guide's app module, loaded from its materialized file. */
interface GuidePlatform {
  buildMyPlatform(props?: { target?: PlatformTarget; outdir?: string }): PlatformApp;
  pools: Record<string, NodePool>;
}

describe(GUIDE, () => {
  test('names the files the guide builds, each once', () => {
    expect(blocks.map((b) => b.file)).toEqual(expect.arrayContaining([
      'my-platform/pools.ts', 'my-platform/teams.ts', 'my-platform/programs.ts', 'my-platform/pipeline.ts',
      'my-platform/platform.ts', 'my-platform/synth.ts', 'test/my-platform/platform.test.ts', 'my-platform/stack.ts', 'test/my-platform/stack.test.ts', 'Pulumi.my-platform.yaml',
      'my-platform/experiments.ts', 'my-platform/experiments-synth.ts',
    ]));
  });

  test('every code block type-checks with the project\'s compiler options', () => {
    expect(typeCheck(files, blocks, ROOT, GUIDE, path.join(DIR, 'guide.tsbuildinfo')).join('\n')).toBe('');
  }, 180_000);

  test('`node scripts/synth.mjs my-platform/synth.ts` writes the charts and passes every semantic check', () => {
    const cwd = RUN;
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.mkdirSync(cwd, { recursive: true });
    const entry = path.relative(ROOT, tempPath('my-platform/synth.ts'));
    const result = spawnSync('node', [path.join(ROOT, 'scripts/synth.mjs'), entry], {
      cwd, encoding: 'utf8', env: { ...process.env, MLP_SYNTH_CACHE: path.join(DIR, 'synth') },
    });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const summary = /^semantic checks: (\d+) rules, (\d+) objects, (\d+) errors, (\d+) warnings, (\d+) suppressed$/m.exec(result.stdout);
    expect(summary?.[0]).toBeDefined();
    expect(Number(summary![1])).toBe(SEMANTIC_RULES.length);
    expect(Number(summary![3])).toBe(0);

    const out = path.join(cwd, 'dist.my-platform');
    expect(fs.readdirSync(out).sort()).toEqual(['my-platform-teams.k8s.yaml', 'vision-pipeline.k8s.yaml']);
    const objects = fs.readdirSync(out).flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(out, f), 'utf8')).map((d) => d.toJSON()));
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'ResourceQuota', 'LimitRange', 'ResourceFlavor', 'ClusterQueue', 'LocalQueue', 'RoleBinding', 'NetworkPolicy',
      'PersistentVolumeClaim', 'ConfigMap', 'ServiceAccount', 'Role', 'Workflow']) {
      expect(kinds).toContain(kind);
    }
    // The steps' objects are embedded in the Workflow (created at run time), in the team's namespace.
    const workflow = objects.find((o) => o.kind === 'Workflow');
    const embedded = workflow.spec.templates.filter((t: Record<string, any>) => t.resource).map((t: Record<string, any>) => parse(t.resource.manifest));
    // Jobs are created per run (generateName); the TrainJob's runtime and the InferenceService are applied by name.
    expect(embedded.map((o: Record<string, any>) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name ?? o.metadata.generateName}`))
      .toEqual(['Job vision/ingest-', 'TrainingRuntime vision/train', 'TrainJob vision/train-', 'InferenceService vision/fashion-classifier']);
    // Every object counted: the applied ones plus the four embedded.
    expect(Number(summary![2])).toBe(objects.length + embedded.length);
  }, 120_000);

  test('the failure the guide shows for `workers: 4` is what `scripts/synth.mjs` reports, and nothing is written', () => {
    const markdown = fs.readFileSync(path.join(ROOT, GUIDE), 'utf8');
    const shown = /`workers: 4`[\s\S]*?```text\n([\s\S]*?)\n```/.exec(markdown)?.[1];
    expect(shown).toBeDefined();
    const edited = blocks.map((b) => (b.file === 'my-platform/pipeline.ts' ? { ...b, code: b.code.replace('workers: 2,', 'workers: 4,') } : b));
    expect(edited.find((b) => b.file === 'my-platform/pipeline.ts')!.code).toContain('workers: 4,');
    const entry = materialize(edited, ROOT, path.join(DIR, 'workers-4')).get('my-platform/synth.ts')!;
    const cwd = path.join(DIR, 'workers-4-run');
    fs.rmSync(cwd, { recursive: true, force: true });
    fs.mkdirSync(cwd, { recursive: true });
    const result = spawnSync('node', [path.join(ROOT, 'scripts/synth.mjs'), path.relative(ROOT, entry)], {
      cwd, encoding: 'utf8', env: { ...process.env, MLP_SYNTH_CACHE: path.join(DIR, 'synth-workers-4') },
    });
    expect(result.status).toBe(1);
    // Nothing written, and the message says so, naming the entry's outdir.
    expect(fs.existsSync(path.join(cwd, 'dist.my-platform'))).toBe(false);
    expect(result.stderr).toMatch(/^synth failed, dist\.my-platform\/ left as it was:\nSemantic checks failed/);
    const message = result.stderr;
    // Every part of the shown line between the elisions is in the real message.
    for (const part of shown!.split('...').map((x) => x.trim()).filter(Boolean)) expect(message).toContain(part);
  }, 60_000);

  test('step 8: the declared class is not reported, the suppression is listed, and without the declaration synth warns', () => {
    const markdown = fs.readFileSync(path.join(ROOT, GUIDE), 'utf8');
    const shown = (after: string) => {
      const text = new RegExp(`${after}[\\s\\S]*?\`\`\`text\\n([\\s\\S]*?)\\n\`\`\``).exec(markdown)?.[1];
      expect(text).toBeDefined();
      return text!.split('...').map((x) => x.trim()).filter(Boolean);
    };
    const synth = (edited: typeof blocks, name: string, flags: string[] = []) => {
      const entry = materialize(edited, ROOT, path.join(DIR, name)).get('my-platform/experiments-synth.ts')!;
      const cwd = path.join(DIR, `${name}-run`);
      fs.rmSync(cwd, { recursive: true, force: true });
      fs.mkdirSync(cwd, { recursive: true });
      return spawnSync('node', [path.join(ROOT, 'scripts/synth.mjs'), path.relative(ROOT, entry), ...flags], {
        cwd, encoding: 'utf8', env: { ...process.env, MLP_STRICT_CHECKS: '', MLP_SYNTH_CACHE: path.join(DIR, `synth-${name}`) },
      });
    };
    const declared = synth(blocks, 'experiments');
    expect(declared.stderr).toBe('');
    expect(declared.status).toBe(0);
    for (const part of shown('It writes the charts and lists the suppression')) expect(declared.stdout).toContain(part);
    expect(declared.stdout).toMatch(/^semantic checks: \d+ rules, \d+ objects, 0 errors, 0 warnings, 1 suppressed$/m);

    const undeclared = blocks.map((b) => (b.file === 'my-platform/experiments-synth.ts' ? { ...b, code: b.code.replace(/ {2}storageClasses: .*\n/, '') } : b));
    expect(undeclared.find((b) => b.file === 'my-platform/experiments-synth.ts')!.code).not.toContain('storageClasses');
    const warned = synth(undeclared, 'experiments-undeclared');
    expect(warned.status).toBe(0);
    for (const part of shown('Without the `storageClasses` declaration')) expect(warned.stdout).toContain(part);
    expect(warned.stdout).toMatch(/^semantic checks: \d+ rules, \d+ objects, 0 errors, 1 warnings, 1 suppressed$/m);

    // CI: --strict fails on the warning, and the SARIF report is written all the same.
    const sarifFile = path.join(DIR, 'experiments.sarif');
    fs.rmSync(sarifFile, { force: true });
    const strict = synth(undeclared, 'experiments-strict', ['--strict', '--report', 'sarif', '--report-file', sarifFile]);
    expect(strict.status).toBe(1);
    expect(strict.stderr).toMatch(/semantic checks: \d+ rules, \d+ objects, 1 errors, 0 warnings, 1 suppressed$/m);
    const results = JSON.parse(fs.readFileSync(sarifFile, 'utf8')).runs[0].results;
    expect(results.map((r: Record<string, any>) => [r.ruleId, r.level, r.locations[0].logicalLocations[0].fullyQualifiedName, r.suppressions?.[0]?.justification]))
      .toEqual([['storage-placement', 'error', 'experiments/scratch/Resource', undefined], ['workload-image', 'warning', 'experiments/demo/Resource', expect.stringContaining('the demo model is meant to disappear with its run')]]);
  }, 120_000);

  test('the stack config plans without problems, and leaving the teams chart out fails naming `charts`', () => {
    const platform = require(tempPath('my-platform/platform.ts')) as GuidePlatform;
    const yaml = parse(block('Pulumi.my-platform.yaml').code).config as Record<string, unknown>;
    const prefix = 'ml-platform-patterns:';
    const raw = Object.fromEntries(Object.entries(yaml).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    const plan = (over: Record<string, unknown> = {}) => {
      const config = parseStackConfig({ ...raw, ...over }, Object.values(platform.pools), { awsRegion: String(yaml['aws:region']) });
      // What my-platform/stack.ts does, without the Pulumi engine: the plan is pure.
      return planPlatform(config, platform.buildMyPlatform({ target: stackTarget(config) }));
    };
    const result = plan();
    expect(result.target.source).toBe("the eks stack's config");
    expect(result.manifests.map((m) => m.name)).toEqual(['my-platform-teams', 'vision-pipeline']);
    let error: unknown;
    try {
      plan({ charts: ['vision-pipeline'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    expect((error as StackConfigError).key).toBe('charts');
    // The jobs the Workflow creates name the team's queue, which only the teams chart defines.
    expect((error as StackConfigError).message).toContain("TrainJob vision/train (created by a step of workflow 'vision-pipeline/fashion-pipeline')");
    expect((error as StackConfigError).message).toContain("no LocalQueue 'default' is deployed in namespace 'vision'");
  }, 60_000);
});

// The guide's own test file, run as part of this one (its describe blocks register here).
require(tempPath('test/my-platform/platform.test.ts'));
// The guide's offline preview of its stack (previewStackOffline), run here too.
require(tempPath('test/my-platform/stack.test.ts'));
