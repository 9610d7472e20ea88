import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { installMocks, kindExamplePools, named, promiseOf, Registered, settle } from './mocks';

// The local program with `chartsDir` at the vendored upstream charts: every operator is installed
// from its folder (no repository, no version), with the values the repository install gets.
jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

const CHARTS = path.resolve(__dirname, '../../../shared/charts');
const withCharts = fs.existsSync(CHARTS) ? describe : describe.skip;
const OPERATORS = ['kube-prometheus-stack', 'metrics-server', 'nfs-provisioner', 'training-operator', 'volcano'];

withCharts(`the local program installing from chartsDir (skipped without ${path.relative(path.resolve(__dirname, '../..'), CHARTS)})`, () => {
  let registered: Registered[];
  // The assembled charts and the kustomization are written under the OS temp dir (content-named).
  const tmp = os.tmpdir();

  beforeAll(async () => {
    registered = installMocks({
      cluster: 'local', pools: JSON.stringify(kindExamplePools()), chartsDir: CHARTS, operators: JSON.stringify(OPERATORS), charts: JSON.stringify([]),
    });
    const program = require('../../stacks/index');
    await promiseOf(program.kubeconfig);
    await settle();
  });
  // Leave nothing behind: the two folders only this program writes (removed with their parents when empty).
  afterAll(() => {
    const written = ['operators-kube-prometheus-stack-release', 'operators-training-operator-kustomize'].map((n) => {
      const r = registered.find((x) => x.name === n);
      return r?.inputs.chart ?? r?.inputs.directory;
    });
    for (const dir of written.filter((d): d is string => typeof d === 'string' && d.startsWith(tmp))) {
      fs.rmSync(dir, { recursive: true, force: true });
      if (fs.readdirSync(path.dirname(dir)).length === 0) fs.rmdirSync(path.dirname(dir));
    }
  });

  test('Helm charts come from their folders, without repository or version', () => {
    const volcano = named(registered, 'operators-volcano-release');
    expect(volcano.inputs.chart).toBe(path.join(CHARTS, 'volcano-1.15.1'));
    expect(volcano.inputs.version).toBeUndefined();
    expect(volcano.inputs.repositoryOpts).toBeUndefined();
    expect(named(registered, 'operators-metrics-server-chart').inputs.chart).toBe(path.join(CHARTS, 'metrics-server-3.13.1'));
  });

  test('a chart lacking its subcharts is installed from the assembled copy', () => {
    const kps = named(registered, 'operators-kube-prometheus-stack-release').inputs.chart;
    expect(path.dirname(kps)).toBe(path.join(tmp, 'mlp-charts'));
    expect(fs.readdirSync(path.join(kps, 'charts')).sort()).toEqual(['crds', 'grafana', 'kube-state-metrics', 'prometheus-node-exporter', 'prometheus-windows-exporter']);
  });

  test('the values are the repository install\'s', () => {
    const { operatorValues } = require('../../stacks/operators/values');
    const { valuesContextFor } = require('../../stacks/operators/values-context');
    const { parseStackConfig } = require('../../stacks/config');
    const { planReleases } = require('../../stacks/program');
    const { examplePools } = require('../../charts');
    const config = parseStackConfig({ chartsDir: CHARTS, operators: OPERATORS }, Object.values(examplePools));
    const ctx = valuesContextFor(config, planReleases(config));
    expect(named(registered, 'operators-nfs-provisioner-release').inputs.values).toEqual(operatorValues('nfs-provisioner', ctx));
  });

  test('the training-operator kustomization builds on the local overlay', () => {
    const dir = named(registered, 'operators-training-operator-kustomize').inputs.directory;
    expect(path.dirname(dir)).toBe(path.join(tmp, 'mlp-kustomize'));
    expect(parse(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).resources).toEqual(['upstream']);
    expect(fs.readlinkSync(path.join(dir, 'upstream'))).toBe(path.join(CHARTS, 'training-operator-v1.9.4/overlays/standalone'));
  });
});
