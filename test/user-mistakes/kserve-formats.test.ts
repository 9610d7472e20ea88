import { expectMistake, localTarget, pools, synthOk, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import type { PlatformTarget } from '../../constructs/checks/platform-target';
import { KServeDeploymentMode, KServeInferenceService } from '../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../constructs/serving/model-location';
import { KSERVE_CLUSTER_SERVING_RUNTIMES } from '../../stacks/operators/kserve-runtimes';

// The model formats constructs/serving/README.md says the installed KServe runtimes serve: each
// is synthesized against the runtimes kserve-runtime-configs v0.20.0 installs (the stacks' default).

const target = (): PlatformTarget => {
  const base = localTarget();
  return { ...base, kserve: { ...base.kserve!, clusterServingRuntimes: KSERVE_CLUSTER_SERVING_RUNTIMES } };
};
const serve = (format: ModelFormat) => (app: PlatformApp) => {
  new KServeInferenceService(teamChart(app, 'serving', teams(app).a), 'model', {
    pool: pools.cpu, modelFormat: format, model: ModelLocation.fromUri('s3://models/m'), deploymentMode: KServeDeploymentMode.STANDARD,
  });
};

describe('model formats on the runtimes kserve-runtime-configs v0.20.0 installs', () => {
  test.each([
    ['TENSORFLOW', ModelFormat.TENSORFLOW], ['PYTORCH', ModelFormat.PYTORCH], ['SKLEARN', ModelFormat.SKLEARN], ['XGBOOST', ModelFormat.XGBOOST],
    ['HUGGINGFACE', ModelFormat.HUGGINGFACE], ['TRITON', ModelFormat.TRITON], ["custom('lightgbm')", ModelFormat.custom('lightgbm')],
    ["custom('paddle')", ModelFormat.custom('paddle')], ["custom('pmml')", ModelFormat.custom('pmml')],
  ])('%s is served', (_name, format) => {
    expect(synthOk(serve(format), { target: target() })).toContain('serving.k8s.yaml');
  });

  test('ONNX is not: only Triton auto-selects it, over protocol v2, and the construct serves protocol v1', () => {
    const message = expectMistake(serve(ModelFormat.ONNX), { path: '[serving/model/Resource]', prop: 'spec.predictor.model.modelFormat', value: "'onnx'" }, { target: target() });
    expect(message).toMatch(/kserve-tritonserver: versions 1, protocols v2, grpc-v2\) do not match version \(any\) and protocol 'v1'/);
  });

  test("custom('mlflow') is not: only MLServer serves it, over protocol v2", () => {
    expectMistake(serve(ModelFormat.custom('mlflow')), { path: '[serving/model/Resource]', prop: 'spec.predictor.model.modelFormat', value: "'mlflow'" }, { target: target() });
  });
});
