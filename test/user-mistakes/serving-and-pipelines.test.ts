import { Duration } from 'cdk8s';
import { expectMistake, localTarget, pools, STEP, synthOk, teamChart, teams } from './harness';
import type { PlatformTarget, ServingRuntimeFacts } from '../../constructs/checks/platform-target';
import { ContainerImage } from '../../constructs/core/image';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { KServeDeploymentMode, KServeInferenceService } from '../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../constructs/serving/model-location';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';

// Operator configuration the charts rely on (KServe's runtimes, Argo's memoization RBAC) and
// programs whose relative writes land where the pod's user cannot write: each fails synth.

// KServe v0.20.0 config/runtimes/kserve-tensorflow-serving.yaml (what kserve-runtime-configs installs for it).
const TF_SERVING: ServingRuntimeFacts = {
  name: 'kserve-tensorflow-serving', disabled: false, protocolVersions: ['v1', 'grpc-v1'],
  supportedModelFormats: [{ name: 'tensorflow', version: '1', autoSelect: true, priority: 2 }, { name: 'tensorflow', version: '2', autoSelect: true, priority: 2 }],
};

/** The local target with KServe's runtimes as given and Argo allowed (or not) to write its memo caches. */
function target(runtimes: readonly ServingRuntimeFacts[], controllerWritesConfigMaps = true): PlatformTarget {
  const base = localTarget();
  return { ...base, kserve: { ...base.kserve!, clusterServingRuntimes: runtimes }, argo: { ...base.argo!, controllerWritesConfigMaps } };
}

const serve = (format: ModelFormat) => (app: Parameters<Parameters<typeof synthOk>[0]>[0]) => {
  new KServeInferenceService(teamChart(app, 'serving', teams(app).a), 'model', {
    pool: pools.cpu, modelFormat: format, model: ModelLocation.fromUri('s3://models/m'), deploymentMode: KServeDeploymentMode.STANDARD,
  });
};

describe('user mistakes: serving and pipelines', () => {
  test('an InferenceService on a KServe without kserve-runtime-configs (no runtime serves any format)', () => {
    const message = expectMistake(serve(ModelFormat.TENSORFLOW), { path: '[serving/model/Resource]', prop: 'spec.predictor.model.modelFormat', value: "'tensorflow'" }, { target: target([]) });
    expect(message).toMatch(/No runtime found to support specified framework\/version.*kserve-runtime-configs chart with kserve\.servingruntime\.enabled/);
    expect(synthOk(serve(ModelFormat.TENSORFLOW), { target: target([TF_SERVING]) }).length).toBeGreaterThan(0);
  });

  test('a model format no installed runtime auto-selects', () => {
    const message = expectMistake(serve(ModelFormat.custom('keras')), { path: '[serving/model/Resource]', prop: 'spec.predictor.model.modelFormat', value: "'keras'" }, { target: target([TF_SERVING]) });
    expect(message).toMatch(/the runtimes there auto-select tensorflow \(1, 2\)/);
  });

  test("a memoized step on an Argo whose controller may not write ConfigMaps (argo-helm's default)", () => {
    const memoized = (app: Parameters<Parameters<typeof synthOk>[0]>[0]) => {
      const wf = new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'ingest', { pool: pools.cpu });
      wf.addContainerTask('fetch', { container: STEP, inputs: { dataset: 'mnist' }, memoize: { maxAge: Duration.hours(1) } });
    };
    const message = expectMistake(memoized, { path: '[pipeline/ingest/Resource]', prop: 'spec.templates[1].memoize.cache.configMap.name', value: "'ingest-memo-cache'" }, { target: target([TF_SERVING], false) });
    expect(message).toMatch(/install Argo with controller\.rbac\.writeConfigMaps: true, or drop memoize/);
    expect(synthOk(memoized, { target: target([TF_SERVING], true) }).length).toBeGreaterThan(0);
  });

  test('a program writing relative paths, run by a relative path in a root-owned WORKDIR (the working directory cannot move)', () => {
    const image = ContainerImage.of('example/trainer:1.0').withFacts({
      cuda: false, workdir: '/app', files: ['/app/'], programs: { '/app/train.py': { writes: ['runs/'] } }, source: 'test image: WORKDIR /app created by root',
    });
    const job = (command: string[]) => (app: Parameters<Parameters<typeof synthOk>[0]>[0]) => {
      new BatchProcessingJob(teamChart(app, 'jobs', teams(app).a), 'train', { container: { ...STEP, image, command }, pool: pools.cpu });
    };
    const message = expectMistake(job(['python', 'train.py']), { path: '[jobs/train/Resource]', prop: "container 'batch' workingDir", value: "'/app'" }, { target: target([TF_SERVING]) });
    expect(message).toMatch(/'\/app\/train\.py' writes runs\/ relative to its working directory, i\.e\. \/app\/runs\/, on the image's WORKDIR, which only root may write; as UID 1000 it fails with "Permission denied"/);
    // By its absolute path, the pod template moves it to a writable emptyDir working directory.
    expect(synthOk(job(['python', '/app/train.py']), { target: target([TF_SERVING]) }).length).toBeGreaterThan(0);
  });
});
