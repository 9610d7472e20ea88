import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { examplePools } from '../../charts';
import { NodePool } from '../../constructs/cluster/node-pool';
import { parseStackConfig } from '../../stacks/config';
import { planReleases } from '../../stacks/program';
import { chartReference, installKind } from '../../stacks/operators/operator-install';
import { clusterServingRuntimesOf, KSERVE_CLUSTER_SERVING_RUNTIMES, KSERVE_RUNTIMES_CHART } from '../../stacks/operators/kserve-runtimes';
import { platformTarget } from '../../stacks/operators/platform-target';
import { operatorValues } from '../../stacks/operators/values';
import { defaultOperators, installOrder, OperatorName, releasesFor } from '../../stacks/operators/versions';
import generated from '../../constructs/imports/kserve-cluster-serving-runtimes.json';

const ROOT = path.resolve(__dirname, '../..');
const CHARTS = path.resolve(ROOT, '../shared/charts');
const table = releasesFor('1.36');
const runtimes = table['kserve-runtime-configs'];
const ctx = { cluster: 'local' as const, pools: [NodePool.cpu({ name: 'cpu' })], operators: defaultOperators('local'), domain: 'example.com' };

describe('the kserve-runtime-configs release', () => {
  test('same OCI repository and version as KServe, upstream chart name, after KServe, no CRDs of its own', () => {
    expect(runtimes.source).toEqual({ ...table.kserve.source, chart: 'kserve-runtime-configs' });
    expect(runtimes.appVersion).toBe(table.kserve.appVersion);
    expect(runtimes.namespace).toBe(table.kserve.namespace);
    expect(runtimes.requires).toEqual(['kserve']);
    expect(runtimes.crdGroups).toEqual([]);
    // hack/setup/infra/manage.kserve-helm.sh (v0.20.0): helm upgrade -i kserve-runtime-configs oci://…/kserve-runtime-configs --version v0.20.0
    expect(chartReference(runtimes)).toEqual({ chart: 'oci://ghcr.io/kserve/charts/kserve-runtime-configs', version: 'v0.20.0' });
    expect(installKind(runtimes)).toBe('chart');
  });

  test.each(['local', 'eks', 'gke'] as const)('installed by default wherever KServe is (%s), after it', (cluster) => {
    expect(defaultOperators(cluster)).toEqual(expect.arrayContaining(['kserve', 'kserve-runtime-configs']));
    const extra = cluster === 'eks' ? { subnetIds: ['subnet-a', 'subnet-b'] } : cluster === 'gke' ? { location: 'us-central1' } : {};
    const config = parseStackConfig({ cluster, ...extra }, Object.values(examplePools), { awsRegion: 'us-west-2' });
    const order = planReleases(config).map((r) => r.name);
    for (const before of ['kserve-crd', 'cert-manager', 'kserve'] as const) expect(order.indexOf(before)).toBeLessThan(order.indexOf('kserve-runtime-configs'));
  });

  test('selected without KServe: the plan names what it requires', () => {
    const config = parseStackConfig({ operators: ['cert-manager', 'kserve-runtime-configs'] }, Object.values(examplePools));
    expect(() => planReleases(config)).toThrow(/kserve-runtime-configs requires kserve; add 'kserve' to the operators list/);
  });

  test('values: the runtimes on, the LLM configs off, the image tag default pinned; no runtime overridden', () => {
    const values = operatorValues('kserve-runtime-configs', { ...ctx, releases: installOrder(table, ctx.operators) });
    expect(values).toEqual({ kserve: { llmisvcConfigs: { enabled: false }, servingruntime: { enabled: true }, version: 'v0.20.0' } });
    // The generated table was rendered for exactly these switches (and the chart's own kserve.version).
    expect(generated.values).toEqual({ kserve: { servingruntime: (values as any).kserve.servingruntime, llmisvcConfigs: (values as any).kserve.llmisvcConfigs } });
  });
});

describe('the generated ClusterServingRuntimes table', () => {
  test('is the pinned chart\'s, 14 runtimes by name, each with its model formats', () => {
    expect(KSERVE_RUNTIMES_CHART).toEqual({ name: runtimes.source.kind === 'helm' ? runtimes.source.chart : '', version: runtimes.source.version });
    const names = KSERVE_CLUSTER_SERVING_RUNTIMES.map((r) => r.name);
    expect(names).toHaveLength(14);
    expect(names).toEqual([...names].sort());
    for (const r of KSERVE_CLUSTER_SERVING_RUNTIMES) {
      expect(r.disabled).toBe(false);
      expect(r.supportedModelFormats.length).toBeGreaterThan(0);
    }
  });

  test('carries what runtime selection reads, as the chart renders it', () => {
    const byName = new Map(KSERVE_CLUSTER_SERVING_RUNTIMES.map((r) => [r.name, r]));
    expect(byName.get('kserve-sklearnserver')).toEqual({
      name: 'kserve-sklearnserver', disabled: false, protocolVersions: ['v1', 'v2'], supportedModelFormats: [{ name: 'sklearn', version: '1', autoSelect: true, priority: 1 }],
    });
    // Not auto-selected: only an InferenceService naming the runtime gets it.
    expect(byName.get('kserve-tritonserver')!.supportedModelFormats.find((f) => f.name === 'pytorch')).toEqual({ name: 'pytorch', version: '1', autoSelect: false });
    expect(byName.get('kserve-vllmserver')!.protocolVersions).toEqual([]);
  });

  const withCharts = fs.existsSync(CHARTS) ? test : test.skip;
  withCharts(`is what scripts/gen-kserve-runtimes.mjs renders from the vendored chart (skipped without ${path.relative(ROOT, CHARTS)})`, () => {
    expect(() => execFileSync(process.execPath, [path.join(ROOT, 'scripts/gen-kserve-runtimes.mjs'), '--check'], { cwd: ROOT, stdio: 'pipe' })).not.toThrow();
  });
});

describe('the target\'s clusterServingRuntimes follow the runtimes release and its values', () => {
  const releases = (names: readonly OperatorName[]) => installOrder(table, names);

  test('the table with the release installed (the default selection)', () => {
    expect(platformTarget({ cluster: 'local' }, releases(defaultOperators('local'))).kserve?.clusterServingRuntimes).toBe(KSERVE_CLUSTER_SERVING_RUNTIMES);
  });

  test('none when the operators list KServe without its runtimes', () => {
    const target = platformTarget({ cluster: 'local' }, releases(['cert-manager', 'kserve-crd', 'kserve']));
    expect(target.kserve).toMatchObject({ defaultDeploymentMode: 'Standard', clusterServingRuntimes: [] });
  });

  test('none when the values turn the runtimes off (derived from the values, not a flag of their own)', () => {
    const off: typeof operatorValues = (name, c) => {
      const v = operatorValues(name, c) as any;
      return name === 'kserve-runtime-configs' ? { kserve: { ...v.kserve, servingruntime: { enabled: false } } } : v;
    };
    expect(platformTarget({ cluster: 'local' }, releases(defaultOperators('local')), off).kserve?.clusterServingRuntimes).toEqual([]);
    expect(clusterServingRuntimesOf(undefined)).toEqual([]);
  });
});
