import { problemsOf, testTarget } from './check-helpers';
import type { ServingRuntimeFacts } from '../../../constructs/checks/platform-target';
import { servingRuntimes } from '../../../constructs/checks/rules/serving-runtimes';

// KServe v0.20.0 config/runtimes/kserve-tensorflow-serving.yaml; TRITON is modelled on
// kserve-tritonserver.yaml but with tensorflow not auto-selected, to tell named from auto-selected.
const TF_SERVING: ServingRuntimeFacts = {
  name: 'kserve-tensorflow-serving', disabled: false, protocolVersions: ['v1', 'grpc-v1'],
  supportedModelFormats: [{ name: 'tensorflow', version: '1', autoSelect: true, priority: 2 }, { name: 'tensorflow', version: '2', autoSelect: true, priority: 2 }],
};
const TRITON: ServingRuntimeFacts = {
  name: 'kserve-tritonserver', disabled: false, protocolVersions: ['v2', 'grpc-v2'],
  supportedModelFormats: [{ name: 'tensorflow', version: '1', autoSelect: false }, { name: 'onnx', version: '1', autoSelect: true }],
};
const target = (clusterServingRuntimes: readonly ServingRuntimeFacts[]) => testTarget({ kserve: { defaultDeploymentMode: 'Standard', knative: false, clusterServingRuntimes } });

const isvc = (model: Record<string, any>, extra: Record<string, any> = {}) => ({
  apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'ns' },
  spec: { predictor: { model: { storageUri: 'pvc://models/m', ...model }, ...extra } },
});
const tensorflow = isvc({ modelFormat: { name: 'tensorflow' } });
const servingRuntime = (name: string, spec: Record<string, any>) => ({ apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name, namespace: 'ns' }, spec });

describe('rule serving-runtimes', () => {
  test('needs a target, and KServe on it (operator-coverage reports a missing KServe)', () => {
    expect(problemsOf(servingRuntimes, [tensorflow])).toEqual([]);
    expect(problemsOf(servingRuntimes, [tensorflow], testTarget())).toEqual([]);
  });

  test('no runtime installed (KServe without kserve-runtime-configs): the predictor is never ready', () => {
    expect(problemsOf(servingRuntimes, [tensorflow], target([]))).toEqual([
      "[t/InferenceService0/Resource] InferenceService ns/m: spec.predictor.model.modelFormat is 'tensorflow'; KServe auto-selects a runtime for it (no runtime named), but no ServingRuntime is deployed in namespace 'ns' and test target installs no ClusterServingRuntime, so the InferenceService is never ready (\"No runtime found to support specified framework/version\"); install KServe's runtimes (the kserve-runtime-configs chart with kserve.servingruntime.enabled, which the stacks install by default) on test target, or deploy a ServingRuntime for the format in namespace 'ns'",
    ]);
  });

  test('auto-selection: the tensorflow runtime serves tensorflow (any version, or 1 and 2) on v1', () => {
    expect(problemsOf(servingRuntimes, [tensorflow], target([TF_SERVING]))).toEqual([]);
    expect(problemsOf(servingRuntimes, [isvc({ modelFormat: { name: 'tensorflow', version: '2' } })], target([TF_SERVING]))).toEqual([]);
    // Legacy framework fields are model formats too (the defaulting webhook converts them).
    expect(problemsOf(servingRuntimes, [{ ...tensorflow, spec: { predictor: { tensorflow: { storageUri: 's3://b/m' } } } }], target([TF_SERVING]))).toEqual([]);
  });

  test('auto-selection misses: format not auto-selected, version string, protocol, disabled', () => {
    const [onnxOnly] = problemsOf(servingRuntimes, [tensorflow], target([TRITON]));
    expect(onnxOnly).toMatch(/the runtimes there auto-select onnx \(1\), so the InferenceService is never ready/);
    const [version] = problemsOf(servingRuntimes, [isvc({ modelFormat: { name: 'tensorflow', version: '2.6' } })], target([TF_SERVING]));
    expect(version).toMatch(/modelFormat is 'tensorflow:2\.6'; .*kserve-tensorflow-serving: versions 1, 2, protocols v1, grpc-v1\) do not match version 2\.6 and protocol 'v1'/);
    const [protocol] = problemsOf(servingRuntimes, [isvc({ modelFormat: { name: 'tensorflow' }, protocolVersion: 'v2' })], target([TF_SERVING]));
    expect(protocol).toMatch(/do not match version \(any\) and protocol 'v2'/);
    expect(problemsOf(servingRuntimes, [tensorflow], target([{ ...TF_SERVING, disabled: true }]))).toHaveLength(1);
    // A multi-node runtime is only for predictors with a workerSpec.
    expect(problemsOf(servingRuntimes, [tensorflow], target([{ ...TF_SERVING, multiNode: true }]))).toHaveLength(1);
    expect(problemsOf(servingRuntimes, [isvc({ modelFormat: { name: 'tensorflow' } }, { workerSpec: {} })], target([{ ...TF_SERVING, multiNode: true }]))).toEqual([]);
  });

  test("a ServingRuntime of the charts in the InferenceService's namespace serves it; one elsewhere does not", () => {
    const own = servingRuntime('tf', { supportedModelFormats: [{ name: 'tensorflow', autoSelect: true }], containers: [] });
    expect(problemsOf(servingRuntimes, [tensorflow, own], target([]))).toEqual([]);
    expect(problemsOf(servingRuntimes, [tensorflow, { ...own, metadata: { name: 'tf', namespace: 'other' } }], target([]))).toHaveLength(1);
  });

  test('a named runtime must exist, be enabled and list the format (autoSelect not needed) and protocol', () => {
    const named = (runtime: string, extra: Record<string, any> = {}) => isvc({ modelFormat: { name: 'tensorflow' }, runtime, ...extra });
    expect(problemsOf(servingRuntimes, [named('kserve-tritonserver')], target([TRITON]))).toEqual([]);
    expect(problemsOf(servingRuntimes, [named('missing')], target([TRITON]))[0])
      .toMatch(/spec\.predictor\.model\.runtime is 'missing'; no ServingRuntime 'missing' is deployed in namespace 'ns' and test target installs no ClusterServingRuntime of that name \(it has kserve-tritonserver\)/);
    expect(problemsOf(servingRuntimes, [named('kserve-tensorflow-serving')], target([{ ...TF_SERVING, disabled: true }]))[0]).toMatch(/is disabled/);
    expect(problemsOf(servingRuntimes, [isvc({ modelFormat: { name: 'sklearn' }, runtime: 'kserve-tritonserver' })], target([TRITON]))[0])
      .toMatch(/does not list model format 'sklearn' \(it serves tensorflow \(1\), onnx \(1\)\)/);
    expect(problemsOf(servingRuntimes, [named('kserve-tensorflow-serving', { protocolVersion: 'v2' })], target([TF_SERVING]))[0]).toMatch(/does not speak protocol 'v2'/);
  });

  test('InferenceServices created by a workflow step are judged in the workflow namespace', () => {
    const embedded = { ...tensorflow, metadata: { name: 'm' }, embeddedIn: 't/pipeline', step: 'serve' };
    expect(problemsOf(servingRuntimes, [embedded], target([]))[0]).toMatch(/^\[t\/InferenceService0\/Resource\] InferenceService ns\/m \(created by a step of workflow 't\/pipeline'\)/);
    expect(problemsOf(servingRuntimes, [embedded], target([TF_SERVING]))).toEqual([]);
  });
});
