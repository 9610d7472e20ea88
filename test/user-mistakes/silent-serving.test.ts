import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, localTarget, pools, PYTORCH, STEP, synthOk, synthWarns, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import type { PlatformTarget, ServingRuntimeFacts } from '../../constructs/checks/platform-target';
import { withExternals } from '../../constructs/checks/declared-externals';
import { ContainerImage } from '../../constructs/core/image';
import { ScriptBundle } from '../../constructs/core/script-bundle';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { AccessMode } from '../../constructs/core/volume-types';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { KServeDeploymentMode, KServeInferenceService } from '../../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../../constructs/serving/model-location';
import { FairShareCohort } from '../../constructs/operations/fair-share-cohort';
import { Team } from '../../constructs/operations/team';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';

// Serving mistakes that used to pass synth silently (issue 23): serving a path no step writes, and
// a workflow whose re-run needs the GPUs its own serving keeps. Each fails; its twin passes.

// KServe v0.20.0 config/runtimes/kserve-tensorflow-serving.yaml (what kserve-runtime-configs installs).
const TF_SERVING: ServingRuntimeFacts = {
  name: 'kserve-tensorflow-serving', disabled: false, protocolVersions: ['v1', 'grpc-v1'],
  supportedModelFormats: [{ name: 'tensorflow', version: '1', autoSelect: true, priority: 2 }, { name: 'tensorflow', version: '2', autoSelect: true, priority: 2 }],
};
const target = (): PlatformTarget => {
  const base = localTarget();
  return { ...base, kserve: { ...base.kserve!, clusterServingRuntimes: [TF_SERVING] } };
};
const PYTHON = ContainerImage.of('python:3.12.8-slim').withFacts({ cuda: false, source: 'python official image: no CUDA' });

describe('user mistakes that passed silently: serving', () => {
  /** train writes /models/<written> on a claim; serve serves <served> of that claim. */
  const pipeline = (written: string, served: string) => (app: PlatformApp) => {
    const chart = teamChart(app, 'pipeline', teams(app).a);
    const models = new SharedVolume(chart, 'models', { storage: Size.gibibytes(1), accessModes: [AccessMode.READ_WRITE_MANY], storageClassName: 'nfs' });
    const code = new ScriptBundle(chart, 'code', { files: { 'train.py': 'print(1)\n' }, programs: { 'train.py': { writes: [`/models/${written}/`] } } });
    const wf = new ArgoWorkflow(chart, 'fashion', { pool: pools.cpu });
    const train = wf.addResourceTask('train', { resource: new BatchProcessingJob(wf.manifests, 'train', {
      pool: pools.cpu, container: { ...STEP, image: PYTHON, command: ['python', code.path('/opt/code', 'train.py')] }, volumes: [code.mount('/opt/code'), models.mount('/models')],
    }) });
    wf.addResourceTask('serve', { dependsOn: [train], resource: new KServeInferenceService(wf.manifests, 'model', {
      pool: pools.cpu, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromVolume(models, served), deploymentMode: KServeDeploymentMode.STANDARD,
    }) });
  };

  test('serving a path no step writes is an error; serving the path the training step writes passes', () => {
    const message = expectMistake(pipeline('fashion', 'fasion'), { path: 'pipeline/fashion/Manifests/model', prop: 'spec.predictor.model.storageUri', value: 'fasion' }, { target: target() });
    expect(message).toMatch(/serves 'fasion' of claim '.*', but the steps writing that claim write 'fashion' there .*the predictor finds no model and never becomes Ready.*\(rule served-model-written\)/);
    expect(synthOk(pipeline('fashion', 'fashion'), { target: target() })).toContain('pipeline.k8s.yaml');
  });

  test('serving a claim no step of the workflow writes warns until the claim is declared as filled outside', () => {
    const serveOnly = (app: PlatformApp) => {
      const chart = teamChart(app, 'pipeline', teams(app).a);
      const models = new SharedVolume(chart, 'models', { storage: Size.gibibytes(1), accessModes: [AccessMode.READ_WRITE_ONCE], storageClassName: 'standard' });
      const wf = new ArgoWorkflow(chart, 'deploy', { pool: pools.cpu });
      wf.addResourceTask('serve', { resource: new KServeInferenceService(wf.manifests, 'model', {
        pool: pools.cpu, modelFormat: ModelFormat.TENSORFLOW, model: ModelLocation.fromVolume(models, 'fashion'), deploymentMode: KServeDeploymentMode.STANDARD,
      }) });
    };
    expect(synthWarns(serveOnly, { target: target() }).warnings).toEqual([expect.stringMatching(/no step of workflow 'pipeline\/deploy' mounts claim '.*' writable.*withExternals\(target, \{ claims: \['team-a\/.*'\] \}\) \(rule served-model-written\)$/)]);
    const claim = /claims: \['(team-a\/[^']+)'\]/.exec(synthWarns(serveOnly, { target: target() }).warnings[0])![1];
    expect(synthWarns(serveOnly, { target: withExternals(target(), { claims: [claim] }) }).warnings).toEqual([]);
  });

  /**
   * One team with 8 GPUs of quota (no borrowing: its ResourceQuota allows 8) on the 2 x 8-GPU pool: a 4-GPU training step, then serving of
   * 2 replicas x `servingGpus` GPUs the workflow leaves running.
   */
  const gpuPipeline = (servingGpus: number) => (app: PlatformApp) => {
    const teamsChart = new Chart(app, 'teams', { disableResourceNameHashes: true });
    const cohort = new FairShareCohort(teamsChart, 'Cohort', { name: 'ml', pools: [pools.cpu, pools.gpu] });
    const team = new Team(teamsChart, 'team-a', { group: 'ml-team-a', cohort, quotas: [
      { pool: pools.cpu, nominal: { cpu: Cpu.units(16), memory: Size.gibibytes(64) } },
      { pool: pools.gpu, nominal: { cpu: Cpu.units(48), memory: Size.gibibytes(512), gpus: 8 }, borrowingLimit: { cpu: Cpu.units(0), memory: Size.gibibytes(0), gpus: 0 } },
    ] });
    const wf = new ArgoWorkflow(teamChart(app, 'pipeline', team), 'retrain', { pool: pools.cpu });
    const train = wf.addResourceTask('train', { resource: new BatchProcessingJob(wf.manifests, 'train', {
      pool: pools.gpu, container: { ...STEP, image: PYTORCH, command: ['sh', '-c', 'nvidia-smi'], gpus: 4, resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16) } },
    }) });
    wf.addResourceTask('serve', { dependsOn: [train], resource: new KServeInferenceService(wf.manifests, 'model', {
      pool: pools.gpu, gpus: servingGpus, modelFormat: ModelFormat.TENSORFLOW, runtimeVersion: '2.6.2-gpu', model: ModelLocation.fromUri('s3://models/m'), deploymentMode: KServeDeploymentMode.STANDARD, minReplicas: 2, maxReplicas: 2,
    }) });
  };

  test('a re-run whose GPU step needs the GPUs its own serving keeps is an error; with room for both it passes', () => {
    const message = expectMistake(gpuPipeline(3), { path: 'pipeline/retrain', prop: 'spec.templates (GPU steps)', value: 'nvidia.com/gpu 4' }, { target: target() });
    expect(message).toMatch(/while the serving it created stays and keeps 6 .*requests\.nvidia\.com\/gpu 8\): the first run fits, every later one is refused \("exceeded quota"\).*\(rule rerun-beside-serving\)/);
    expect(synthOk(gpuPipeline(2), { target: target() })).toContain('pipeline.k8s.yaml');
  });
});
