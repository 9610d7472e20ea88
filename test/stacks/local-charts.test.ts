import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { examplePools } from '../../charts';
import { parseStackConfig, StackConfigError } from '../../stacks/config';
import { planReleases } from '../../stacks/program';
import { assembleLocalChart, LocalChart, localChartDir, resolveLocalCharts } from '../../stacks/operators/local-charts';
import { localOperatorInstalls } from '../../stacks/operators/local-installs';
import { writeKustomization } from '../../stacks/operators/training-operator-kustomize';
import { operatorValues } from '../../stacks/operators/values';
import { valuesContextFor } from '../../stacks/operators/values-context';
import { installOrder, OperatorName, releasesFor } from '../../stacks/operators/versions';

// The vendored upstream charts, laid out as chartsDir expects (<chart>-<version>/).
const CHARTS = path.resolve(__dirname, '../../../shared/charts');
const HAVE_CHARTS = fs.existsSync(CHARTS);
const withCharts = HAVE_CHARTS ? describe : describe.skip;
const table = releasesFor('1.36');
const releases = (names: readonly OperatorName[]) => installOrder(table, names);
const pools = Object.values(examplePools);
/** Operators whose pinned chart (or overlay) ../shared/charts holds at the pinned version. */
const VENDORED: OperatorName[] = [
  'kube-prometheus-stack', 'metrics-server', 'nfs-provisioner', 'training-operator', 'kubeflow-trainer', 'kserve-crd', 'kserve', 'kserve-runtime-configs', 'kueue', 'volcano',
];

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-local-charts-test-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A charts dir under the test's temp dir with `charts` (folder → Chart.yaml fields). */
function chartsDirWith(name: string, charts: Record<string, Record<string, unknown>>): string {
  const dir = path.join(tmp, name);
  for (const [folder, chart] of Object.entries(charts)) {
    fs.mkdirSync(path.join(dir, folder), { recursive: true });
    fs.writeFileSync(path.join(dir, folder, 'Chart.yaml'), JSON.stringify({ apiVersion: 'v2', ...chart }));
  }
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

withCharts(`chartsDir against the vendored charts (skipped without ${path.relative(path.resolve(__dirname, '../..'), CHARTS)})`, () => {
  let charts: Map<OperatorName, LocalChart>;
  beforeAll(() => {
    charts = new Map(resolveLocalCharts(CHARTS, releases(VENDORED)).map((c) => [c.operator, c]));
  });

  test('every chart is found at <chart>-<version>, the training-operator at its overlay', () => {
    expect([...charts.keys()].sort()).toEqual([...VENDORED].sort());
    expect(charts.get('kserve')!.dir).toBe(path.join(CHARTS, 'kserve-resources-v0.20.0'));
    expect(charts.get('kserve-runtime-configs')!.dir).toBe(path.join(CHARTS, 'kserve-runtime-configs-v0.20.0'));
    expect(charts.get('nfs-provisioner')!.dir).toBe(path.join(CHARTS, 'nfs-server-provisioner-1.8.0'));
    expect(charts.get('training-operator')).toMatchObject({ kind: 'kustomize', dir: path.join(CHARTS, 'training-operator-v1.9.4/overlays/standalone') });
    for (const c of charts.values()) expect(c.dir).toBe(localChartDir(CHARTS, table[c.operator]));
  });

  test('subcharts missing from a chart are found beside it; those it has (crds, jobflow) are not', () => {
    expect(charts.get('kube-prometheus-stack')!.dependencies.map((d) => `${d.name}-${d.version}`)).toEqual([
      'kube-state-metrics-8.2.0', 'prometheus-node-exporter-4.56.1', 'grafana-12.10.4', 'prometheus-windows-exporter-0.12.8', // 0.12.* → newest 0.12.x
    ]);
    expect(charts.get('kubeflow-trainer')!.dependencies.map((d) => d.name)).toEqual(['jobset', 'lws']);
    expect(charts.get('volcano')!.dependencies).toEqual([]);
  });

  test('documented build-time substitutions warn, naming what differs; exact copies do not', () => {
    const warnings = (o: OperatorName) => charts.get(o)!.warnings.join('\n');
    expect(warnings('kubeflow-trainer')).toMatch(/lws-0\.8\.0: Chart\.yaml says 0\.1\.0, not 0\.8\.0, a documented build-time substitution/);
    expect(warnings('kubeflow-trainer')).toMatch(/jobset-0\.12\.0: values\.yaml has 'k8s-staging-images'/);
    expect(warnings('kueue')).toMatch(/operator 'kueue' .*values\.yaml has 'k8s-staging-images'.*hack\/helm-chart-package\.sh/);
    for (const o of ['kserve', 'kserve-runtime-configs', 'kube-prometheus-stack', 'training-operator'] as const) expect(charts.get(o)!.warnings).toEqual([]);
    const [gpu] = resolveLocalCharts(CHARTS, releases(['gpu-operator']));
    expect(gpu.warnings).toEqual([expect.stringMatching(/operator 'gpu-operator' from .*gpu-operator-v26\.7\.0: Chart\.yaml says v1\.0\.0-devel, not v26\.7\.0, a documented build-time substitution \(.*main-latest/)]);
    const [karpenter] = resolveLocalCharts(CHARTS, releases(['karpenter']));
    expect(karpenter.warnings).toEqual([expect.stringContaining('Chart.yaml says 1.13.0, not 1.14.1')]);
  });

  test('assembly copies the subcharts into charts/ of a content-named copy, once; the folder is not written', () => {
    const kps = charts.get('kube-prometheus-stack')!;
    const root = path.join(tmp, 'assembled');
    const dir = assembleLocalChart(kps, root);
    expect(path.dirname(dir)).toBe(root);
    expect(path.basename(dir)).toMatch(/^kube-prometheus-stack-88\.2\.0-[0-9a-f]{16}$/);
    expect(fs.readdirSync(path.join(dir, 'charts')).sort()).toEqual(['crds', 'grafana', 'kube-state-metrics', 'prometheus-node-exporter', 'prometheus-windows-exporter']);
    expect(parse(fs.readFileSync(path.join(dir, 'charts/grafana/Chart.yaml'), 'utf8')).version).toBe('12.10.4');
    expect(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')).toBe(fs.readFileSync(path.join(kps.dir, 'values.yaml'), 'utf8'));
    expect(assembleLocalChart(kps, root)).toBe(dir);
    expect(fs.readdirSync(root)).toEqual([path.basename(dir)]);
    expect(fs.readdirSync(path.join(kps.dir, 'charts'))).toEqual(['crds']);
    // A chart with every subchart is installed from its own folder.
    expect(assembleLocalChart(charts.get('volcano')!, root)).toBe(charts.get('volcano')!.dir);
  });

  test('the config key: checked at load for what the stack installs, warnings kept for the log', () => {
    const operators = ['kube-prometheus-stack', 'metrics-server', 'nfs-provisioner', 'training-operator', 'gpu-operator'];
    const config = parseStackConfig({ chartsDir: CHARTS, operators }, pools);
    expect(config.chartsDir).toBe(CHARTS);
    expect(config.localCharts!.map((c) => c.operator)).toEqual(planReleases(config).map((r) => r.name));
    expect(config.localCharts!.flatMap((c) => c.warnings)).toEqual([expect.stringContaining('v1.0.0-devel')]);
    // External operators are not installed by the stack: only its own (none on local) are checked.
    expect(parseStackConfig({ chartsDir: CHARTS, operatorInstall: 'external' }, pools).localCharts).toEqual([]);
  });

  test('the default selection names the first pinned chart the folder lacks', () => {
    expect(() => parseStackConfig({ chartsDir: CHARTS }, pools)).toThrow(
      new RegExp(`config 'ml-platform-patterns:chartsDir' is '${CHARTS}'; operator 'cert-manager': no chart folder ${CHARTS}/cert-manager-v1\\.21\\.1`),
    );
  });

  test('localOperatorInstalls: the stack\'s own values and kustomization, over the local charts', () => {
    const config = parseStackConfig({ chartsDir: CHARTS, operators: ['kube-prometheus-stack', 'training-operator', 'gpu-operator'] }, pools);
    const ctx = valuesContextFor(config, planReleases(config));
    const installs = localOperatorInstalls(config, { operators: ['training-operator', 'gpu-operator'] });
    expect(installs.map((i) => [i.operator, i.releaseName, i.namespace])).toEqual([['gpu-operator', 'gpu-operator', 'gpu-operator'], ['training-operator', 'training-operator', 'kubeflow']]);
    const gpu = installs.find((i) => i.operator === 'gpu-operator')!;
    expect(gpu.values).toEqual(operatorValues('gpu-operator', ctx));
    // Values of the whole plan: the DCGM ServiceMonitor because monitoring is planned too.
    expect(gpu.values).toMatchObject({ dcgmExporter: { serviceMonitor: { enabled: true } } });
    expect(gpu.chart.warnings).toEqual([expect.stringContaining('v1.0.0-devel')]);
    const training = installs.find((i) => i.operator === 'training-operator')!;
    // kustomize refuses absolute resource paths: the local overlay is named through a link.
    expect(parse(training.kustomization!['kustomization.yaml']).resources).toEqual(['upstream']);
    expect(training.kustomizationLinks).toEqual({ upstream: path.join(CHARTS, 'training-operator-v1.9.4/overlays/standalone') });
    const dir = writeKustomization('training-operator', training.kustomization!, path.join(tmp, 'kustomize'), training.kustomizationLinks);
    expect(fs.readlinkSync(path.join(dir, 'upstream'))).toBe(training.chart.dir);
    expect(writeKustomization('training-operator', training.kustomization!, path.join(tmp, 'kustomize'), training.kustomizationLinks)).toBe(dir);
    expect(() => localOperatorInstalls(config, { operators: ['volcano'] })).toThrow(/not planned by this config: volcano/);
  });

  test('localOperatorInstalls of a config without the key, given the directory: the default plan\'s values', () => {
    const config = parseStackConfig({}, pools);
    const [kserve, runtimes] = localOperatorInstalls(config, { operators: ['kserve', 'kserve-runtime-configs'], chartsDir: CHARTS });
    expect(kserve.chart.dir).toBe(path.join(CHARTS, 'kserve-resources-v0.20.0'));
    expect(runtimes.values).toEqual(operatorValues('kserve-runtime-configs', valuesContextFor(config, planReleases(config))));
    // The pinned argo-workflows 2.0.4 is not vendored: a stand-in renders the same values, with a warning.
    expect(() => localOperatorInstalls(config, { operators: ['argo-workflows'], chartsDir: CHARTS })).toThrow(/no chart folder .*argo-workflows-2\.0\.4/);
    const [argo] = localOperatorInstalls(config, { operators: ['argo-workflows'], chartsDir: CHARTS, standIns: { 'argo-workflows': 'argo-workflows-1.0.18' } });
    expect(argo.chart).toMatchObject({ dir: path.join(CHARTS, 'argo-workflows-1.0.18'), warnings: [expect.stringContaining('chart argo-workflows 1.0.18, not the pinned 2.0.4')] });
    expect(argo.values).toMatchObject({ controller: { rbac: { writeConfigMaps: true } } });
  });
});

describe('chartsDir errors', () => {
  test('a directory that does not exist: the key, the value and the path', () => {
    const missing = path.join(tmp, 'no-such-dir');
    let error: StackConfigError | undefined;
    try {
      parseStackConfig({ chartsDir: missing, operators: ['volcano'] }, pools);
    } catch (e) {
      error = e as StackConfigError;
    }
    expect(error).toBeInstanceOf(StackConfigError);
    expect(error!.key).toBe('chartsDir');
    expect(error!.message).toMatch(new RegExp(`there is no directory ${missing}; give a directory holding one <chart>-<version>/ folder per operator chart`));
  });

  test('a chart folder missing: the operator and the path it was looked for at', () => {
    const dir = chartsDirWith('empty', {});
    expect(() => resolveLocalCharts(dir, releases(['volcano']))).toThrow(`operator 'volcano': no chart folder ${dir}/volcano-1.15.1`);
    expect(() => resolveLocalCharts(dir, releases(['training-operator']))).toThrow(`no kustomization.yaml in ${dir}/training-operator-v1.9.4/overlays/standalone`);
  });

  test('a chart of another version in the pinned folder is refused', () => {
    const dir = chartsDirWith('mismatch', { 'argo-workflows-2.0.4': { name: 'argo-workflows', version: '1.0.18' }, 'gpu-operator-v26.7.0': { name: 'gpu-operator', version: 'v26.3.0' } });
    expect(() => resolveLocalCharts(dir, releases(['argo-workflows']))).toThrow(
      `operator 'argo-workflows': ${dir}/argo-workflows-2.0.4/Chart.yaml says version 1.0.18, but the pin is 2.0.4; use chart argo-workflows 2.0.4`,
    );
    // Only the documented placeholder passes for the GPU operator, not any other version.
    expect(() => resolveLocalCharts(dir, releases(['gpu-operator']))).toThrow(/Chart\.yaml says version v26\.3\.0, but the pin is v26\.7\.0/);
  });

  test('a documented substitution passes with a warning', () => {
    const dir = chartsDirWith('placeholder', { 'gpu-operator-v26.7.0': { name: 'gpu-operator', version: 'v1.0.0-devel', appVersion: 'main-latest' } });
    const [gpu] = resolveLocalCharts(dir, releases(['gpu-operator']));
    expect(gpu.warnings).toEqual([expect.stringMatching(/^chartsDir: operator 'gpu-operator' from .*: Chart\.yaml says v1\.0\.0-devel, not v26\.7\.0, a documented build-time substitution/)]);
  });

  test('another chart in the folder, a git copy without Chart.yaml, a missing subchart', () => {
    const dir = chartsDirWith('wrong', {
      'volcano-1.15.1': { name: 'volcano-agent', version: '1.15.1' },
      'kueue-0.19.2': { name: 'kueue', version: '0.19.2', dependencies: [{ name: 'helper', version: '1.0.0', repository: 'oci://example.invalid/charts' }] },
    });
    fs.mkdirSync(path.join(dir, 'cert-manager-v1.21.1'));
    fs.writeFileSync(path.join(dir, 'cert-manager-v1.21.1', 'Chart.template.yaml'), 'name: cert-manager\nversion: v0.0.0\n');
    expect(() => resolveLocalCharts(dir, releases(['volcano']))).toThrow(/names chart 'volcano-agent', not 'volcano'/);
    expect(() => resolveLocalCharts(dir, releases(['cert-manager']))).toThrow(/no Chart\.yaml in .*cert-manager-v1\.21\.1 \(only Chart\.template\.yaml/);
    expect(() => resolveLocalCharts(dir, releases(['kueue']))).toThrow(/operator 'kueue': its chart declares dependency helper 1\.0\.0, found in neither .*helper-<version>/);
  });

  test('localOperatorInstalls needs the key', () => {
    expect(() => localOperatorInstalls(parseStackConfig({ operators: ['volcano'] }, pools))).toThrow(/config 'ml-platform-patterns:chartsDir' is undefined/);
  });
});
