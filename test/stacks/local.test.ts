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
    // Every object once, as the stack applies it; the order is the groups' (tested below).
    const key = (o: Record<string, any>) => `${o.apiVersion}/${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
    const sorted = (objs: Record<string, any>[]) => [...objs].sort((a, b) => key(a).localeCompare(key(b)));
    expect(sorted(deployedObjects(registered, m.name))).toEqual(sorted(m.objects.map(asDeployed)));
    const first = registered.find((r) => r.name.startsWith(`charts-${m.name}`))!;
    expect(first.dependencies.map(urnName)).toEqual(expect.arrayContaining(['operators-kserve-chart', 'operators-argo-workflows-release']));
  }
});

test('TrainingRuntimes (and their namespace) are created before the TrainJobs that name them: Trainer\'s webhook refuses a TrainJob without its runtime', () => {
  const referenced = named(registered, 'charts-training-examples-referenced');
  // its namespace comes with the prelude (the chart has volumes), else in this group
  expect([...new Set(referenced.inputs.objs.map((o: Record<string, any>) => o.kind))]).toEqual(['TrainingRuntime']);
  expect(referenced.dependencies.map(urnName)).toContain('charts-training-examples-prelude');
  const rest = named(registered, 'charts-training-examples');
  expect(rest.inputs.objs.some((o: Record<string, any>) => o.kind === 'TrainJob')).toBe(true);
  expect(rest.inputs.objs.some((o: Record<string, any>) => o.kind === 'TrainingRuntime')).toBe(false);
  expect(rest.dependencies.map(urnName)).toContain('charts-training-examples-referenced');
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

test('splitForVolumes: without volumes, the namespace goes with the looked-up runtimes, ahead of the TrainJob', () => {
  const { splitForVolumes } = require('../../stacks/platform/platform-charts');
  const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' } };
  const job = { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'j', namespace: 'ml' } };
  const runtime = { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainingRuntime', metadata: { name: 'r', namespace: 'ml' } };
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ml' } };
  expect(splitForVolumes([ns, cm, job, runtime])).toEqual({ namespaces: [], prelude: [], volumes: [], referenced: [ns, runtime], rest: [cm, job] });
  // no looked-up kind: no extra group
  expect(splitForVolumes([ns, cm])).toEqual({ namespaces: [], prelude: [], volumes: [], referenced: [], rest: [ns, cm] });
});
