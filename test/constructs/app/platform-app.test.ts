import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart, Yaml } from 'cdk8s';
import { chartObjects } from '../../../constructs/core/apply-order';
import { writeAtomically } from '../../../constructs/app/write-atomically';
import { PlatformApp } from '../../../constructs/app/platform-app';
import { YamlWriter } from '../../../constructs/app/yaml-writer';

const root = path.resolve(__dirname, '../../..');
// Every temp dir a test makes is removed after the file (CI runs leave nothing in the OS temp dir).
const made: string[] = [];
const tmpdir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-test-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});
const readDir = (dir: string) => Object.fromEntries(fs.readdirSync(dir).sort().map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));

describe('PlatformApp', () => {
  test('objects are emitted in apply order: namespace and RBAC before workloads, custom resources last', () => {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    const chart = new Chart(app, 'c');
    new ApiObject(chart, 'cr', { apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 'j' } });
    new ApiObject(chart, 'dep', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' } });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n' } });
    new ApiObject(chart, 'sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's' } });
    expect(chartObjects(chart).map((o) => o.kind)).toEqual(['Namespace', 'ServiceAccount', 'Deployment', 'TFJob']);
  });

  test('explicit dependencies inside a chart override the kind order', () => {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    const chart = new Chart(app, 'c');
    const job = new ApiObject(chart, 'job', { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'warm' } });
    const cm = new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'after' } });
    cm.node.addDependency(job);
    expect(chartObjects(chart).map((o) => o.kind)).toEqual(['Job', 'ConfigMap']);
  });

  test('fails listing every duplicate identity and bad name before writing anything', () => {
    const outdir = path.join(tmpdir(), 'dist');
    const app = new PlatformApp({ outdir });
    const a = new Chart(app, 'a');
    const b = new Chart(app, 'b');
    new ApiObject(a, 'x', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'n' } });
    new ApiObject(b, 'y', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'same', namespace: 'n' } });
    new ApiObject(b, 'z', { apiVersion: 'v1', kind: 'Service', metadata: { name: '9svc' } });
    expect(() => app.synth()).toThrow(/\/ConfigMap n\/same is also defined in chart 'a'[\s\S]*Service name '9svc'/);
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('writeAtomically replaces the directory and leaves no temp dirs', () => {
    const dir = tmpdir();
    const outdir = path.join(dir, 'dist');
    writeAtomically(outdir, [{ file: 'a.yaml', content: 'a' }, { file: 'b.yaml', content: 'b' }]);
    writeAtomically(outdir, [{ file: 'c.yaml', content: 'c' }]);
    expect(fs.readdirSync(outdir)).toEqual(['c.yaml']);
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });

  test('a report file without a report format is a usage error, not silently ignored', () => {
    const { MLP_CHECKS_REPORT: _, ...env } = process.env;
    const result = spawnSync('node', ['scripts/synth.mjs', '--report-file', path.join(tmpdir(), 'r.json')], { cwd: root, env, encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^synth: --report-file needs --report json\|sarif/);
  });
});

describe('npm run synth (scripts/synth.mjs)', () => {
  test('is deterministic: two runs are byte-identical', () => {
    const dir = tmpdir();
    const run = (out: string) => execFileSync('node', ['scripts/synth.mjs'], { cwd: root, env: { ...process.env, CDK8S_OUTDIR: out } });
    run(path.join(dir, 'one'));
    run(path.join(dir, 'two'));
    const one = readDir(path.join(dir, 'one'));
    expect(Object.keys(one)).toEqual(expect.arrayContaining(['book-pipeline-gpu.k8s.yaml', 'book-pipeline.k8s.yaml']));
    expect(readDir(path.join(dir, 'two'))).toEqual(one);
  });

  test('a failed synth leaves the previous output untouched and no partial directory', () => {
    const dir = tmpdir();
    const outdir = path.join(dir, 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kept');
    const result = spawnSync('node', ['scripts/synth.mjs', 'test/fixtures/failing-main.ts'], { cwd: root, env: { ...process.env, CDK8S_OUTDIR: outdir }, encoding: 'utf8' });
    expect(result.status).toBe(1);
    // The message names the outdir the app really had (CDK8S_OUTDIR here), not a fixed dist/.
    expect(result.stderr).toContain(`synth failed, ${outdir}/ left as it was:`);
    expect(result.stderr).toMatch(/prop 'workers' is 0/);
    expect(readDir(outdir)).toEqual({ 'previous.k8s.yaml': 'kept' });
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});

describe('YamlWriter', () => {
  // Strings whose YAML text differs by rule: 1.1 booleans/nulls/numbers/timestamps, indicators,
  // quotes, colons, comments, document markers, control and non-ASCII characters, newlines.
  const tricky = [
    'plain', 'team-0001', '/models/0/', 'pvc://models/0', '10Gi', '500m', '2', '0.5', '1e3', 'e5', 'E5', '0x1F', '0o7', '017', '1:20', '2024-01-01',
    'yes', 'Yes', 'NO', 'y', 'n', 'on', 'Off', 'true', 'False', 'null', 'Null', '~', '', ' ', ' lead', 'trail ', '.inf', '-.inf', '.nan', '<<',
    '- a', '-a', '? x', 'a: b', 'a:b', 'a:', 'a #b', 'a#b', '#c', '@x', '`x', '*x', '&x', '!x', '|x', '>x', '%x', '---', '---x', '...', 'x---',
    '"q"', "it's", `"both'`, '{a}', '[a]', 'a, b', 'status.completionTime,status.replicaStatuses.Worker.succeeded > 0', 'é', 'ü-x', '\u0000x', 'tab\tx', 'a\nb', 'a\n', '\nlead',
    'x'.repeat(200), `${'word '.repeat(30)}end`,
    // number-like, dates, times and the characters the fast path accepts
    '500m', '2Gi', '1.27.3', '1.27.3-alpine', '1_000', '0b101', '0B101', '0o17', '08', '0x1f', '0X1F', '1:20', '1:20.5', '12:60', '2024-1-1', '2024-01-01T10:00:00Z',
    '2024-01-01 10:00:00', '+1', '-1', '.5', '5.', '1E+3', '1.5e-3', '-.inf', '+.INF', '.NaN', '.', '-', '+', '/', '_', 'v1', '1-2', 'yES', 'nULL', 'oN',
    'a  b', 'a b c', 'python /x.py --flag=1', 'x,y', ',x', 'x,', '(a)', '$HOME', 'a=b', 'a:b:c', 'a :b', 'x:', 'http://h:80/p', '- x', '-x y', '--- x', '...x', 'x ...',
    'a - b', 'key- ', ' x', '+x', '.hidden', '1.', '1 2', '1:2 3', '12:30:45', '190:20:30', '1-', '.inf.x', 'e', 'E1', 'e+5', '1e', 'a e5',
  ];

  test.each(tricky.map((t) => [JSON.stringify(t), t]))('writes the string %s exactly like cdk8s Yaml.stringify, as key and as value', (_label, t) => {
    const doc = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { [t || 'empty']: t } }, data: { value: t }, list: [t, { [t || 'k']: t }] };
    expect(new YamlWriter().stringify([doc])).toBe(Yaml.stringify(doc));
  });

  test('writes nested maps, sequences, empty collections, numbers, booleans and nulls exactly like cdk8s', () => {
    const docs = [
      { a: { b: { c: [1, 2.5, -3, 0, true, false, null] } }, e: [], m: {}, s: [{}, [], { x: [{ y: 1, z: [] }] }], n: -0, big: 1e21, small: 1.5e-7 },
      { nested: [[1, 2], [3]], deep: { list: [{ a: 1, b: { c: 'd' } }] } },
      { kind: 'Workflow', spec: { manifest: 'apiVersion: v1\nkind: X\n', templates: [{ resource: { manifest: 'a: 1\n\n  b: 2\nc' } }] } },
      { s: { a: ' leading\nspace', b: 'trailing\n\n\n', c: 'ends with space \nx', d: 'only\n', e: '\n', f: '  \n', g: 'tab\there\nx', h: ['in\nseq'], i: '---\nx', j: 'x\n---\ny', k: '#c\nd', l: 'é\nü' } },
      [1, 2],
      {},
    ];
    expect(new YamlWriter().stringify(docs)).toBe(Yaml.stringify(...docs));
  });

  test('every object of the whole platform is written exactly like cdk8s', () => {
    // Local import: building the platform is the expensive part of this test.
    const { buildPlatform } = require('../../../charts') as typeof import('../../../charts');
    const manifests = buildPlatform({ outdir: '/nonexistent' }).synthManifests();
    expect(manifests.length).toBeGreaterThan(0);
    for (const m of manifests) expect(new YamlWriter().stringify(m.objects)).toBe(Yaml.stringify(...m.objects));
  });
});
