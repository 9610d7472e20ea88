import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ApiObject, Chart } from 'cdk8s';
import { chartObjects, PlatformApp, writeAtomically } from '../../../constructs/core/platform-app';

const root = path.resolve(__dirname, '../../..');
const tmpdir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-test-'));
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
    expect(result.stderr).toMatch(/synth failed, dist\/ left as it was[\s\S]*prop 'workers' is 0/);
    expect(readDir(outdir)).toEqual({ 'previous.k8s.yaml': 'kept' });
    expect(fs.readdirSync(dir)).toEqual(['dist']);
  });
});
