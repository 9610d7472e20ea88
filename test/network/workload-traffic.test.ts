import { Chart, Size } from 'cdk8s';
import { NodePool } from '../../constructs/cluster/node-pool';
import { ContainerImage } from '../../constructs/core/image';
import { RestrictedNamespace } from '../../constructs/operations/restricted-namespace';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { DatasetCache } from '../../constructs/ingestion/dataset-cache';
import { MemoryDatasetCache } from '../../constructs/ingestion/memory-dataset-cache';
import { MetricsScrape } from '../../constructs/operations/metrics-scrape';
import { NetworkPeer } from '../../constructs/operations/network';
import { Discovery, ScrapeTarget, TargetNamespaces } from '../../constructs/operations/scrape-target';
import { KServeDeploymentMode, KServeInferenceService } from '../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../constructs/serving/model-location';
import { ReplicatedModelService } from '../../constructs/serving/replicated-service';
import { ShardedModelService } from '../../constructs/serving/sharded-service';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../constructs/training/allreduce-job';
import { ParameterServerTrainingJob } from '../../constructs/training/parameter-server-job';
import { TensorFlowTrainingJob } from '../../constructs/training/tensorflow-job';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';
import { Manifest, synth, testChart } from '../helpers';

const cpu = NodePool.cpu({ name: 'cpu' });
const image = ContainerImage.of('tensorflow/tensorflow:2.16.1');
const container = { image, command: ['python', 'x.py'] };

/** A chart whose namespace is a RestrictedNamespace (the baseline the group policies need). */
function namespaced(ns = 'ml'): Chart {
  const chart = testChart(ns);
  new RestrictedNamespace(chart, 'ns', { name: ns });
  return chart;
}
const policyOf = (objects: Manifest[], name: string) => objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === name)?.spec;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([k, v]) => labels[k] === v);
const hasInternet = (spec: any) => (spec?.egress ?? []).some((r: any) => r.to.some((t: any) => t.ipBlock?.cidr === '0.0.0.0/0'));
const hasApiServer = (spec: any) => (spec?.egress ?? []).some((r: any) => r.ports?.some((p: any) => p.port === 6443));

describe('training jobs: every replica carries the labels its job policy selects, and only its job', () => {
  test.each([
    ['TFJob (all-reduce)', (c: Chart) => new AllReduceTrainingJob(c, 'tf', { output: TrainingApi.TRAINING_OPERATOR_V1, framework: CollectiveFramework.TENSORFLOW, image, pool: cpu, command: container.command, workers: 3 }), 'TFJob', 'tfReplicaSpecs'],
    ['PyTorchJob', (c: Chart) => new AllReduceTrainingJob(c, 'pt', { output: TrainingApi.TRAINING_OPERATOR_V1, framework: CollectiveFramework.PYTORCH, image, pool: cpu, command: container.command }), 'PyTorchJob', 'pytorchReplicaSpecs'],
    ['MPIJob', (c: Chart) => new AllReduceTrainingJob(c, 'mpi', { output: TrainingApi.TRAINING_OPERATOR_V1, framework: CollectiveFramework.MPI_HOROVOD, image, pool: cpu, command: container.command }), 'MPIJob', 'mpiReplicaSpecs'],
    ['TFJob (parameter server)', (c: Chart) => new ParameterServerTrainingJob(c, 'ps', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, command: container.command, ps: { replicas: 1 }, chief: {}, evaluator: {} }), 'TFJob', 'tfReplicaSpecs'],
    ['TFJob (book)', (c: Chart) => new TensorFlowTrainingJob(c, 'book', { output: TrainingApi.TRAINING_OPERATOR_V1, container, pool: cpu }), 'TFJob', 'tfReplicaSpecs'],
  ])('%s', (_name, build, kind, specsKey) => {
    const chart = namespaced();
    const job = build(chart) as { name: string };
    const objects = synth(chart);
    const spec = policyOf(objects, `allow-${job.name}-training-job`);
    const selector = spec.podSelector.matchLabels;
    const templates = Object.values(objects.find((o) => o.kind === kind)!.spec[specsKey]).map((r: any) => r.template.metadata?.labels);
    expect(templates.length).toBeGreaterThan(0);
    for (const labels of templates) expect(matches(selector, labels)).toBe(true);
    // Own pods on every port, in and out; no internet; no API server for the job as a whole.
    expect(spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: selector } }] }]);
    expect(spec.egress).toEqual([{ to: [{ podSelector: { matchLabels: selector } }] }]);
  });

  test('the MPI launcher, and only it, calls the API server (kubectl exec)', () => {
    const chart = namespaced();
    new AllReduceTrainingJob(chart, 'mpi', { output: TrainingApi.TRAINING_OPERATOR_V1, framework: CollectiveFramework.MPI_HOROVOD, image, pool: cpu, command: container.command });
    const spec = policyOf(synth(chart), 'allow-mpi-training-job-launcher');
    expect(spec.podSelector.matchLabels['training.kubeflow.org/replica-type']).toBe('launcher');
    expect(hasApiServer(spec)).toBe(true);
    expect(hasApiServer(policyOf(synth(chart), 'allow-mpi-training-job'))).toBe(false);
  });

  test('Trainer v2: the runtime pod template carries the labels', () => {
    const chart = namespaced();
    new AllReduceTrainingJob(chart, 'v2', { framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2, image, pool: cpu, command: container.command });
    const objects = synth(chart);
    const runtime = objects.find((o) => o.kind === 'TrainingRuntime')!;
    const labels = runtime.spec.template.spec.replicatedJobs[0].template.spec.template.metadata.labels;
    expect(matches(policyOf(objects, 'allow-v2-training-job').podSelector.matchLabels, labels)).toBe(true);
  });

  test('two jobs in one namespace never select each other', () => {
    const chart = namespaced();
    new TensorFlowTrainingJob(chart, 'a', { output: TrainingApi.TRAINING_OPERATOR_V1, container, pool: cpu });
    new TensorFlowTrainingJob(chart, 'b', { output: TrainingApi.TRAINING_OPERATOR_V1, container, pool: cpu });
    const objects = synth(chart);
    const a = policyOf(objects, 'allow-a-training-job').podSelector.matchLabels;
    const bLabels = objects.find((o) => o.kind === 'TFJob' && o.metadata.name === 'b')!.spec.tfReplicaSpecs.Worker.template.metadata.labels;
    expect(matches(a, bLabels)).toBe(false);
  });
});

describe('KServe predictors', () => {
  const vol = (c: Chart) => new SharedVolume(c, 'models');
  test('a model on a volume downloads nothing: no internet; gateways per mode; metrics only with the queue-proxy', () => {
    const chart = namespaced();
    new KServeInferenceService(chart, 'std', { pool: cpu, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromVolume(vol(chart), 'm'), deploymentMode: KServeDeploymentMode.STANDARD });
    new KServeInferenceService(chart, 'kn', { pool: cpu, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromVolume(SharedVolume.fromClaimName(chart, 'c', 'models'), 'm'), deploymentMode: KServeDeploymentMode.KNATIVE });
    const objects = synth(chart);
    const std = policyOf(objects, 'allow-std-predictor');
    const kn = policyOf(objects, 'allow-kn-predictor');
    expect(hasInternet(std) || hasInternet(kn)).toBe(false);
    expect(std.ingress).toHaveLength(1);
    expect(std.ingress[0].ports.map((p: any) => p.port)).toEqual([8080]);
    expect(kn.ingress.map((r: any) => r.ports.map((p: any) => p.port))).toEqual([[8012, 8013, 9090], [9091]]);
    const isvc = objects.find((o) => o.kind === 'InferenceService' && o.metadata.name === 'std')!;
    expect(isvc.spec.predictor.labels).toEqual(std.podSelector.matchLabels);
  });

  test('a remote model gets HTTPS egress (HTTP for http://), derived from the URI', () => {
    const chart = namespaced();
    new KServeInferenceService(chart, 's3', { pool: cpu, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('s3://bucket/m') });
    new KServeInferenceService(chart, 'web', { pool: cpu, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('http://mirror.example/m') });
    const objects = synth(chart);
    expect(policyOf(objects, 'allow-s3-predictor').egress[0].ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    expect(policyOf(objects, 'allow-web-predictor').egress[0].ports).toEqual([{ protocol: 'TCP', port: 80 }]);
  });

  test('internetEgress false with a remote model is an error: the model could never load', () => {
    expect(() => new KServeInferenceService(namespaced(), 'm', { pool: cpu, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('gs://b/m'), internetEgress: false }))
      .toThrow(/KServeInferenceService 'test\/m': prop 'internetEgress' is false; the model at 'gs:\/\/b\/m' is downloaded by KServe's storage-initializer/);
  });
});

describe('model servers', () => {
  test('replicated: the gateways and declared clients reach the serving port, nothing else', () => {
    const chart = namespaced();
    const wf = new ArgoWorkflow(chart, 'eval', { pool: cpu });
    new ReplicatedModelService(chart, 'srv', { pool: cpu, port: 8501, container, clients: [NetworkPeer.group(wf.network)] });
    const objects = synth(chart);
    const spec = policyOf(objects, 'allow-srv-model-server');
    expect(spec.ingress.map((r: any) => [Object.keys(r.from[0]), r.ports])).toEqual([
      [['namespaceSelector'], [{ protocol: 'TCP', port: 8501 }]],
      [['podSelector'], [{ protocol: 'TCP', port: 8501 }]],
    ]);
    // The client workflow got the egress to the server derived.
    expect(policyOf(objects, 'allow-eval-workflow').egress).toContainEqual({ to: [{ podSelector: { matchLabels: spec.podSelector.matchLabels } }], ports: [{ protocol: 'TCP', port: 8501 }] });
  });

  test('sharded: clients reach the router, the router reaches the shards, nobody else does', () => {
    const chart = namespaced();
    new ShardedModelService(chart, 'sh', { pool: cpu, port: 8501, container, shards: 2 });
    const objects = synth(chart);
    const router = policyOf(objects, 'allow-sh-shard-router');
    const shards = policyOf(objects, 'allow-sh-model-shard');
    expect(shards.ingress).toEqual([{ from: [{ podSelector: { matchLabels: router.podSelector.matchLabels } }], ports: [{ protocol: 'TCP', port: 8501 }] }]);
    expect(router.egress).toEqual([{ to: [{ podSelector: { matchLabels: shards.podSelector.matchLabels } }], ports: [{ protocol: 'TCP', port: 8501 }] }]);
    expect(router.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 8080 }]);
  });
});

describe('monitors', () => {
  test("a PodMonitor opens its port to Prometheus on exactly the pods it selects, in each scraped namespace", () => {
    const chart = namespaced('serving');
    new RestrictedNamespace(chart, 'other', { name: 'other' });
    new MetricsScrape(chart, 'scrape', {
      target: ScrapeTarget.custom({ name: 'srv', discovery: Discovery.POD, namespaces: TargetNamespaces.TEAMS, selector: { 'app.kubernetes.io/name': 'srv' }, port: 'http' }),
      teamNamespaces: ['serving', 'other'],
    });
    const objects = synth(chart);
    for (const ns of ['serving', 'other']) {
      const p = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === `allow-srv-metrics-scrape-${ns}`)!;
      expect(p.metadata.namespace).toBe(ns);
      expect(p.spec.podSelector).toEqual({ matchLabels: { 'app.kubernetes.io/name': 'srv' } });
      expect(p.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 'http' }]);
    }
  });

  test('a ServiceMonitor of an operator namespace adds nothing to the platform namespaces', () => {
    const chart = namespaced();
    new MetricsScrape(chart, 'op', { target: ScrapeTarget.TRAINING_OPERATOR });
    expect(synth(chart).filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['default-deny-all', 'allow-dns-egress']);
  });
});

describe('workflows and ingestion: internet egress only where a construct says it downloads', () => {
  test('every step pod calls the API server; only the downloading step gets the internet', () => {
    const chart = namespaced();
    const wf = new ArgoWorkflow(chart, 'wf', { pool: cpu });
    wf.addContainerTask('fetch', { container, internetEgress: true });
    wf.addContainerTask('train', { container });
    const objects = synth(chart);
    const spec = objects.find((o) => o.kind === 'Workflow')!.spec;
    const all = policyOf(objects, 'allow-wf-workflow');
    expect(spec.podMetadata.labels).toEqual(all.podSelector.matchLabels);
    expect(hasApiServer(all) && !hasInternet(all)).toBe(true);
    const fetch = policyOf(objects, 'allow-wf-workflow-step-fetch');
    const labelsOf = (t: string) => ({ ...spec.podMetadata.labels, ...spec.templates.find((x: any) => x.name === t).metadata?.labels });
    expect(hasInternet(fetch)).toBe(true);
    expect(matches(fetch.podSelector.matchLabels, labelsOf('fetch'))).toBe(true);
    expect(matches(fetch.podSelector.matchLabels, labelsOf('train'))).toBe(false);
  });

  test('ingestion jobs: off by default; on for the job, the disk cache warm-up, or a memory cache that downloads', () => {
    const chart = namespaced();
    const disk = new DatasetCache(chart, 'disk', { pool: cpu, warmUp: container, internetEgress: true });
    const ram = new MemoryDatasetCache(chart, 'ram', { pool: cpu, size: Size.mebibytes(64), warmUp: container, internetEgress: true });
    new BatchProcessingJob(chart, 'quiet', { pool: cpu, container, cache: disk });
    new BatchProcessingJob(chart, 'fills', { pool: cpu, container, cache: ram });
    new BatchProcessingJob(chart, 'loud', { pool: cpu, container, internetEgress: true });
    const objects = synth(chart);
    expect(policyOf(objects, 'allow-quiet-batch-job')).toBeUndefined();
    expect(hasInternet(policyOf(objects, 'allow-fills-batch-job'))).toBe(true);
    expect(hasInternet(policyOf(objects, 'allow-loud-batch-job'))).toBe(true);
    const warmUp = policyOf(objects, 'allow-disk-cache-warm-up');
    const job = objects.find((o) => o.kind === 'Job' && o.metadata.name === 'disk-warm-up')!;
    expect(hasInternet(warmUp) && matches(warmUp.podSelector.matchLabels, job.spec.template.metadata.labels)).toBe(true);
  });
});
