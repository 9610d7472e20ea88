import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { KServeDeploymentMode, KServeInferenceService, ScaleMetric } from '../../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../../constructs/serving/model-location';
import { byKindName, synth, testChart } from '../../helpers';

const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1 });

describe('KServeInferenceService', () => {
  test('serves a model from a shared volume by object', () => {
    const chart = testChart('ml');
    const vol = new SharedVolume(chart, 'models');
    new KServeInferenceService(chart, 'mnist', { pool: cpu, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromVolume(vol, 'saved_model_versions'), runtimeVersion: '2.6.2' });
    const isvc = byKindName(synth(chart), 'InferenceService', 'mnist');
    expect(isvc).toMatchSnapshot();
    expect(isvc.spec.predictor.model.storageUri).toBe('pvc://models/saved_model_versions');
    expect(isvc.spec.predictor.model.modelFormat).toEqual({ name: 'tensorflow' });
    expect(isvc.spec.predictor.minReplicas).toBe(1);
    expect(isvc.spec.predictor.maxReplicas).toBe(1);
    expect(isvc.spec.predictor.scaleMetric).toBeUndefined();
    // KServe v0.20.0's validator refuses a named model ("the 'name' field is not allowed in standard predictor").
    expect(isvc.spec.predictor.model).not.toHaveProperty('name');
  });

  test('autoscaling sets scaleMetric, scaleTarget and a default max of 3', () => {
    const chart = testChart();
    new KServeInferenceService(chart, 'm', { pool: cpu, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('gs://bucket/model'), deploymentMode: KServeDeploymentMode.KNATIVE, autoscaling: { metric: ScaleMetric.CONCURRENCY, target: 1 } });
    const p = byKindName(synth(chart), 'InferenceService', 'm').spec.predictor;
    expect([p.scaleMetric, p.scaleTarget, p.maxReplicas]).toEqual(['concurrency', 1, 3]);
  });

  test('the mode is always written; Standard mode scales on cpu through the HPA autoscaler class', () => {
    const chart = testChart();
    new KServeInferenceService(chart, 'm', { pool: cpu, modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('gs://bucket/model'), autoscaling: { metric: ScaleMetric.CPU, target: 70 } });
    const isvc = byKindName(synth(chart), 'InferenceService', 'm');
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'hpa' });
    expect([isvc.spec.predictor.scaleMetric, isvc.spec.predictor.scaleTarget]).toEqual(['cpu', 70]);
  });

  test.each([
    [KServeDeploymentMode.STANDARD, ScaleMetric.CONCURRENCY, /deploymentMode 'Standard' scales with an HPA on cpu or memory/],
    [KServeDeploymentMode.STANDARD, ScaleMetric.RPS, /use ScaleMetric\.CPU\/MEMORY, or KServeDeploymentMode\.KNATIVE for rps/],
    [KServeDeploymentMode.KNATIVE, ScaleMetric.CPU, /Knative's autoscaler scales on concurrency or rps/],
  ])('mode %s refuses scale metric %s', (deploymentMode, metric, message) => {
    expect(() => new KServeInferenceService(testChart(), 'm', { pool: cpu, deploymentMode, modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m'), autoscaling: { metric, target: 10 } }))
      .toThrow(message);
  });

  test('GPUs on the TensorFlow runtime need its CUDA (-gpu) version', () => {
    const props = { pool: gpu, gpus: 1, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromUri('s3://b/m') };
    expect(() => new KServeInferenceService(testChart(), 'm', { ...props, runtimeVersion: '2.6.2' })).toThrow(/prop 'runtimeVersion' is '2\.6\.2'; GPUs need a CUDA build of TensorFlow Serving/);
    expect(() => new KServeInferenceService(testChart(), 'm', { ...props, runtimeVersion: '2.6.2-gpu' })).not.toThrow();
  });

  test('GPU predictor gets GPU limits, tolerations and the pool selector', () => {
    const chart = testChart();
    new KServeInferenceService(chart, 'm', { pool: gpu, gpus: 1, modelFormat: ModelFormat.PYTORCH, model: ModelLocation.fromUri('s3://b/m') });
    const p = byKindName(synth(chart), 'InferenceService', 'm').spec.predictor;
    expect(p.model.resources.limits['nvidia.com/gpu']).toBe(1);
    expect(p.tolerations).toEqual(gpu.tolerations());
    expect(p.nodeSelector).toEqual(gpu.nodeSelector());
  });

  test('canary percent and scale-to-zero reach the spec', () => {
    const chart = testChart();
    new KServeInferenceService(chart, 'm', { pool: cpu, minReplicas: 0, maxReplicas: 5, canaryTrafficPercent: 10, deploymentMode: KServeDeploymentMode.KNATIVE, modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m') });
    const p = byKindName(synth(chart), 'InferenceService', 'm').spec.predictor;
    expect([p.minReplicas, p.maxReplicas, p.canaryTrafficPercent]).toEqual([0, 5, 10]);
  });

  test('fails when minReplicas exceeds maxReplicas', () => {
    expect(() => new KServeInferenceService(testChart(), 'm', { pool: cpu, minReplicas: 4, maxReplicas: 2, modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m') }))
      .toThrow(/'test\/m': prop 'minReplicas' is 4; it exceeds maxReplicas 2/);
  });

  test('fails when the canary percent is outside 0-100', () => {
    expect(() => new KServeInferenceService(testChart(), 'm', { pool: cpu, canaryTrafficPercent: 120, modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m') }))
      .toThrow(/prop 'canaryTrafficPercent' is 120; use an integer from 0 to 100/);
  });

  test('fails on an unsupported storage URI', () => {
    expect(() => ModelLocation.fromUri('ftp://x/y')).toThrow(/ModelLocation 'fromUri': prop 'uri' is 'ftp:\/\/x\/y'; it is not a supported storage URI/);
  });
  test('priority class (by object) and deployment mode reach the InferenceService', () => {
    const chart = testChart();
    new KServeInferenceService(chart, 'm', { pool: cpu, minReplicas: 0, deploymentMode: KServeDeploymentMode.KNATIVE, priorityClass: SchedulingRefs.priorityClass('serving-critical', 1000), modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m') });
    const isvc = byKindName(synth(chart), 'InferenceService', 'm');
    expect(isvc.metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Knative' });
    expect(isvc.spec.predictor.priorityClassName).toBe('serving-critical');
  });

  test('fails when scale to zero is asked of a raw deployment', () => {
    expect(() => new KServeInferenceService(testChart(), 'm', { pool: cpu, minReplicas: 0, deploymentMode: KServeDeploymentMode.STANDARD, modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m') }))
      .toThrow(/'test\/m': prop 'minReplicas' is 0; deploymentMode 'Standard' cannot scale to zero/);
  });

  test('fails when a canary is asked of a raw deployment', () => {
    expect(() => new KServeInferenceService(testChart(), 'm', { pool: cpu, canaryTrafficPercent: 10, deploymentMode: KServeDeploymentMode.STANDARD, modelFormat: ModelFormat.ONNX, model: ModelLocation.fromUri('s3://b/m') }))
      .toThrow(/prop 'canaryTrafficPercent' is 10; traffic splitting needs Knative revisions/);
  });
});

describe('KServeInferenceService on GPU pools with features', () => {
  const { GpuAllocation, Interconnect } = require('../../../constructs/cluster/gpu-features') as typeof import('../../../constructs/cluster/gpu-features');
  const model = { modelFormat: ModelFormat.SKLEARN, model: ModelLocation.fromUri('gs://bucket/model') };

  test('a DRA pool: the predictor claims its GPU from the pool\'s ResourceClaimTemplate, written once beside it; no nvidia.com/gpu', () => {
    const chart = testChart('ml');
    const dra = NodePool.gpu({ name: 'l4-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2, allocation: GpuAllocation.dra() });
    new KServeInferenceService(chart, 'a', { pool: dra, gpus: 1, ...model });
    new KServeInferenceService(chart, 'b', { pool: dra, gpus: 1, ...model });
    const objects = synth(chart);
    const predictor = byKindName(objects, 'InferenceService', 'a').spec.predictor;
    expect(predictor.resourceClaims).toEqual([{ name: 'gpus', resourceClaimTemplateName: 'l4-dra-gpus-1' }]);
    expect(predictor.model.resources.claims).toEqual([{ name: 'gpus' }]);
    expect(predictor.model.resources.limits).not.toHaveProperty('nvidia.com/gpu');
    expect(objects.filter((o) => o.kind === 'ResourceClaimTemplate').map((o) => o.metadata.name)).toEqual(['l4-dra-gpus-1']);
  });

  test('an EFA pool: the predictor requests its share of the EFA devices and gets NCCL\'s settings', () => {
    const chart = testChart('ml');
    const efa = NodePool.gpu({ name: 'h100', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', interconnect: Interconnect.efa() });
    new KServeInferenceService(chart, 'big', { pool: efa, gpus: 8, ...model });
    const m = byKindName(synth(chart), 'InferenceService', 'big').spec.predictor.model;
    expect(m.resources.limits).toMatchObject({ 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    expect(m.env).toEqual(expect.arrayContaining([{ name: 'FI_PROVIDER', value: 'efa' }]));
    expect(byKindName(synth((() => { const c = testChart('ml'); new KServeInferenceService(c, 'cpu', { pool: gpu, ...model }); return c; })()), 'InferenceService', 'cpu').spec.predictor.model.env).toBeUndefined();
  });
});
