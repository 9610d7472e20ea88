import { deployedObjects, installMocks, kindExamplePools, named, ofType, promiseOf, Registered, settle, urnName, volumesOf } from './mocks';

// Every example chart fits: each pool has the nodes the example charts were sized for.
const POOLS = kindExamplePools();

jest.setTimeout(60_000); // loading the Pulumi SDKs takes seconds on 2 busy cores

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  registered = installMocks({ cluster: 'local', kubeconfigContext: 'kind-mlp', pools: JSON.stringify(POOLS) });
  // Mocks first, then the program; jest runs CommonJS, so require (not import()).
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

test('the provider uses the configured kubeconfig context', () => {
  const provider = ofType(registered, 'pulumi:providers:kubernetes');
  expect(provider.map((p) => p.inputs.context)).toEqual(['kind-mlp']);
});

test('no node groups are created; listed nodes are labelled and tainted from the pool model', () => {
  const { examplePools } = require('../../charts');
  expect(registered.filter((r) => r.type.startsWith('aws:') || r.type.startsWith('gcp:'))).toEqual([]);
  const gpuPatch = named(registered, 'mlp-gpu-l4-kind-worker5');
  expect(gpuPatch.type).toBe('kubernetes:core/v1:NodePatch');
  expect(gpuPatch.inputs.metadata.labels).toEqual(examplePools.gpu.nodeLabels());
  expect(gpuPatch.inputs.spec.taints).toEqual([{ key: 'nvidia.com/gpu', value: 'present', effect: 'NoSchedule' }]);
  expect(named(registered, 'mlp-cpu-kind-worker').inputs.spec.taints).toEqual([]);
});

test('every default operator is installed at its pinned version', () => {
  const { OPERATOR_VERSIONS, DEFAULT_OPERATORS } = require('../../stacks/operators/versions');
  const pinned = OPERATOR_VERSIONS['1.36'];
  for (const name of DEFAULT_OPERATORS) {
    const r = registered.find((x) => ['release', 'chart', 'kustomize'].some((k) => x.name === `operators-${name}-${k}`))!;
    expect(r).toBeDefined();
    if (pinned[name].source.kind === 'helm') expect(r.inputs.version).toBe(pinned[name].source.version);
    // The stack's own kustomization, layered on the pinned upstream overlay.
    else expect(require('node:fs').readFileSync(`${r.inputs.directory}/kustomization.yaml`, 'utf8')).toContain(pinned[name].source.remote);
  }
  expect(registered.some((r) => r.name.startsWith('operators-volcano'))).toBe(false);
  // No node autoscaler on a local cluster: its nodes are fixed.
  expect(registered.filter((r) => /operators-(cluster-autoscaler|karpenter)/.test(r.name))).toEqual([]);
});

test('operators wait for what they require: cert-manager and KServe CRDs before KServe, KServe before its runtimes', () => {
  const deps = named(registered, 'operators-kserve').dependencies.map(urnName);
  expect(deps).toEqual(expect.arrayContaining(['operators-cert-manager-release', 'operators-kserve-crd-release']));
  // The ClusterServingRuntimes after the controller (its webhook) and so after the CRDs.
  expect(named(registered, 'operators-kserve-runtime-configs').dependencies.map(urnName)).toContain('operators-kserve-chart');
  // Operators wait for the nodes the pool model labels (their daemonsets select them).
  expect(named(registered, 'operators-cert-manager-release').dependencies.map(urnName)).toEqual(
    expect.arrayContaining(['mlp-cpu-kind-worker', 'mlp-gpu-l4-kind-worker5']),
  );
});

test('charts are deployed after the operators, one ConfigGroup per chart, equal to the cdk8s synth output as the stack applies it', () => {
  const { buildPlatform } = require('../../charts');
  const { asDeployed } = require('../../stacks/platform/platform-charts');
  const { defaultPlatformTarget } = require('../../stacks/operators/platform-target');
  // The target decides which kinds the charts emit (e.g. TrainJobs once Trainer v2 is installed).
  const expected = buildPlatform({ target: defaultPlatformTarget('local') }).synthManifests();
  expect(expected.length).toBeGreaterThan(0);
  for (const m of expected) {
    expect(deployedObjects(registered, m.name)).toEqual(m.objects.map(asDeployed));
    const first = registered.find((r) => r.name.startsWith(`charts-${m.name}`))!;
    expect(first.dependencies.map(urnName)).toEqual(expect.arrayContaining(['operators-kserve-chart', 'operators-argo-workflows-release']));
  }
});

test('volumes are separate resources, created after their namespace and before the workloads', () => {
  for (const chart of ['book-pipeline', 'book-pipeline-gpu']) {
    const pvcs = volumesOf(registered, chart);
    expect(pvcs.length).toBeGreaterThan(0);
    for (const pvc of pvcs) expect(pvc.dependencies.map(urnName)).toContain(`charts-${chart}-prelude`);
    expect(named(registered, `charts-${chart}`).dependencies.map(urnName)).toEqual(expect.arrayContaining(pvcs.map((p) => p.name)));
  }
});

test('outputs: inference endpoints, Argo UI service, operator versions', async () => {
  expect(program.inferenceEndpoints).toMatchObject({
    'fashion-mnist/fashion-mnist': 'http://fashion-mnist-fashion-mnist.example.com',
    'fashion-mnist-gpu/fashion-mnist': 'http://fashion-mnist-fashion-mnist-gpu.example.com',
  });
  expect(program.argoServer?.portForward).toMatch(/-n argo port-forward svc\/argo-workflows-server/);
  expect(program.operatorVersions.kserve).toBe('v0.20.0');
});
