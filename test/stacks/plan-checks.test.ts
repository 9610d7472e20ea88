import { ApiObject, Chart } from 'cdk8s';
import { PlatformApp } from '../../constructs/app/platform-app';
import { parseStackConfig, StackConfigError } from '../../stacks/config';
import { configKeyOf } from '../../stacks/operators/plan-checks';
import { planPlatform } from '../../stacks/program';

/** A namespace and a Deployment in it, with `podSpec` merged into its pod spec. */
function workloadChart(app: PlatformApp, id: string, podSpec: Record<string, unknown> = {}): Chart {
  const chart = new Chart(app, id);
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: id } });
  new ApiObject(chart, 'deploy', {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'app', namespace: id },
    spec: {
      selector: { matchLabels: { app: 'app' } },
      template: { metadata: { labels: { app: 'app' } }, spec: { containers: [{ name: 'app', image: 'busybox:1.36.1' }], ...podSpec } },
    },
  });
  return chart;
}

/** A chart with one InferenceService (a kind only KServe acts on). */
function servingChart(app: PlatformApp, id: string): Chart {
  const chart = new Chart(app, id);
  new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: id } });
  new ApiObject(chart, 'isvc', {
    apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'model', namespace: id, annotations: { 'serving.kserve.io/deploymentMode': 'Standard' } },
    spec: { predictor: { model: { modelFormat: { name: 'tensorflow' }, storageUri: 'gs://bucket/model' } } },
  });
  return chart;
}

const config = (raw: Record<string, unknown>) => parseStackConfig(raw, []);

test('charts that work on the target plan without problems, and the plan carries that target', () => {
  const app = new PlatformApp();
  workloadChart(app, 'plain');
  const plan = planPlatform(config({ charts: ['plain'] }), app);
  expect(plan.manifests.map((m) => m.name)).toEqual(['plain']);
  expect(plan.target.source).toBe("the local stack's config");
  expect(plan.target.servedKinds.get('kubeflow.org/TFJob')).toBe('training-operator');
});

test('a kind whose operator the selection leaves out fails naming `operators`', () => {
  const app = new PlatformApp();
  servingChart(app, 'serving');
  const plan = () => planPlatform(config({ operators: ['cert-manager', 'kube-prometheus-stack'], charts: ['serving'] }), app);
  expect(plan).toThrow(StackConfigError);
  expect(plan).toThrow(/config 'ml-platform-patterns:operators' is .*cert-manager.*would not work on its cluster/);
  expect(plan).toThrow(/\[operators\] \[serving\] .*InferenceService serving\/model: kind is 'serving.kserve.io\/InferenceService'; no operator .* add 'kserve'/);
});

test('the same chart passes once its operator is selected', () => {
  const app = new PlatformApp();
  servingChart(app, 'serving');
  expect(() => planPlatform(config({ charts: ['serving'] }), app)).not.toThrow();
});

test('a chart referencing what no deployed chart defines fails naming `charts`', () => {
  const app = new PlatformApp();
  workloadChart(app, 'needs-priority', { priorityClassName: 'batch-high' });
  const plan = () => planPlatform(config({ charts: ['needs-priority'] }), app);
  expect(plan).toThrow(/config 'ml-platform-patterns:charts' is 'needs-priority'/);
  expect(plan).toThrow(/\[charts\] \[needs-priority\] .*priorityClassName is 'batch-high'/);
});

test('only the deployed charts are checked: a broken chart left out of `charts` does not fail the plan', () => {
  const app = new PlatformApp();
  workloadChart(app, 'plain');
  workloadChart(app, 'broken', { priorityClassName: 'missing' });
  expect(() => planPlatform(config({ charts: ['plain'] }), app)).not.toThrow();
  expect(() => planPlatform(config({}), app)).toThrow(/charts' is '\(every chart\)'/);
});

test.each([
  ['operator-coverage', 'kind', 'operators'],
  ['operator-coverage', "metadata.labels['kueue.x-k8s.io/queue-name']", 'operators'],
  ['operator-coverage', 'spec.template.spec.schedulerName', 'operators'],
  ['operator-coverage', 'spec.runPolicy.schedulingPolicy', 'gangScheduler'],
  ['object-references', 'spec.template.spec.priorityClassName', 'charts'],
  ['queue-references', "metadata.labels['kueue.x-k8s.io/queue-name']", 'charts'],
  ['storage-placement', 'spec.volumes[0].persistentVolumeClaim.claimName', 'charts'],
])('a %s problem at %s is fixed with config key %s', (rule, field, key) => {
  expect(configKeyOf({ entry: {} as any, field, value: 'x', message: '', rule })).toBe(key);
});

test('a model format no runtime serves: operators when the stack installs no runtimes, else charts', () => {
  const problem = { entry: {} as any, field: 'spec.predictor.model.modelFormat.name', value: 'tensorflow', message: '', rule: 'serving-runtimes' };
  const kserve = (clusterServingRuntimes: any[]) => ({ kserve: { defaultDeploymentMode: 'Standard' as const, knative: false, clusterServingRuntimes } });
  expect(configKeyOf(problem, kserve([]))).toBe('operators');
  expect(configKeyOf(problem, kserve([{ name: 'r', disabled: false, protocolVersions: [], supportedModelFormats: [] }]))).toBe('charts');
});

test('the values context the installs use carries the config the operators are configured from', () => {
  const { planReleases } = require('../../stacks/program') as typeof import('../../stacks/program');
  const { valuesContextFor } = require('../../stacks/operators/values-context') as typeof import('../../stacks/operators/values-context');
  const { trainingOperatorArgs } = require('../../stacks/operators/operator-config') as typeof import('../../stacks/operators/operator-config');
  const c = config({ gangScheduler: 'volcano', operators: ['training-operator', 'volcano', 'kueue', 'cert-manager'] });
  const ctx = valuesContextFor(c, planReleases(c));
  expect(ctx.operators).toEqual(['cert-manager', 'training-operator', 'kueue', 'volcano']);
  expect(trainingOperatorArgs(ctx)).toContain('--gang-scheduler-name=volcano');
});

describe('a kind cluster sized by its listed workers', () => {
  const { buildPlatform } = require('../../charts');
  const kind = (workers: Record<string, number>, charts: string[]) => parseStackConfig({
    pools: Object.entries(workers).map(([name, n]) => ({
      name, ...(name === 'gpu-l4' ? { accelerator: 'nvidia-l4', gpusPerNode: 1, instanceType: 'g6.2xlarge' } : {}),
      nodes: Array.from({ length: n }, (_, i) => `${name}-w${i}`),
    })),
    charts,
  });

  test('the book pipeline runs on one CPU worker', () => {
    expect(() => planPlatform(kind({ cpu: 1 }, ['ml-platform-priorities', 'book-pipeline']), buildPlatform())).not.toThrow();
  });

  test('on one GPU worker the GPU pipeline is refused: its 2-worker TrainJobs could start partially beside the always-on predictor', () => {
    expect(() => planPlatform(kind({ cpu: 1, 'gpu-l4': 1 }, ['ml-platform-priorities', 'book-pipeline-gpu']), buildPlatform()))
      .toThrow(/config 'ml-platform-patterns:charts' is .*TrainJob fashion-mnist-gpu\/train-cnn .*TrainingRuntime 'train-cnn' spec\.podGroupPolicy is 'no gang scheduling'.*pool 'gpu-l4' keeps only .*: nvidia.com\/gpu 2 > 0, so started replicas could wait forever/s);
    expect(() => planPlatform(kind({ cpu: 1, 'gpu-l4': 3 }, ['ml-platform-priorities', 'book-pipeline-gpu']), buildPlatform())).not.toThrow();
  });

  test('charts on a pool the cluster does not have are refused, naming the pool', () => {
    expect(() => planPlatform(kind({ cpu: 1 }, ['ml-platform-priorities', 'book-pipeline-gpu']), buildPlatform()))
      .toThrow(/the cluster has no node pool 'gpu-l4' \(its pools: cpu\)/);
  });
});
