import { Duration, Size } from 'cdk8s';
import { expectMistake, pools, STEP, synthWarns, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { ContainerImage } from '../../constructs/core/image';
import { ScriptBundle } from '../../constructs/core/script-bundle';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { AccessMode } from '../../constructs/core/volume-types';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';

// Mistakes that used to pass synth silently (issue 23): each now fails it, naming path, field and value.

const PYTHON = ContainerImage.of('python:3.12.8-slim').withFacts({ cuda: false, source: 'python official image: no CUDA' });
const shared = (app: PlatformApp) => {
  const chart = teamChart(app, 'jobs', teams(app).a);
  const volume = (id: string) => new SharedVolume(chart, id, { storage: Size.gibibytes(1), accessModes: [AccessMode.READ_WRITE_MANY], storageClassName: 'nfs' });
  return { chart, volume };
};

describe('user mistakes that passed silently', () => {
  test('two volumes mounted at one path', () => {
    const build = (second: string) => (app: PlatformApp) => {
      const { chart, volume } = shared(app);
      new BatchProcessingJob(chart, 'copy', { pool: pools.cpu, container: STEP, volumes: [volume('raw').mount('/data'), volume('clean').mount(second)] });
    };
    const message = expectMistake(build('/data'), { path: '[jobs/copy/Resource]', prop: "container 'batch' volumeMounts[1].mountPath", value: "'/data'" });
    expect(message).toMatch(/volumes '.*' and '.*' are both mounted at \/data, so the apiserver rejects the pod \("must be unique"\)/);
    expect(synthWarns(build('/clean')).warnings).toEqual([]);
  });

  test('a program that writes to its own read-only code mount', () => {
    const build = (writes: string) => (app: PlatformApp) => {
      const { chart } = shared(app);
      const code = new ScriptBundle(chart, 'code', { files: { 'job.py': 'print(1)\n' }, programs: { 'job.py': { writes: [writes] } } });
      new BatchProcessingJob(chart, 'job', { pool: pools.cpu, container: { ...STEP, image: PYTHON, command: ['python', code.path('/opt/job', 'job.py')] }, volumes: [code.mount('/opt/job')] });
    };
    const message = expectMistake(build('/opt/job/results/'), { path: '[jobs/job/Resource]', prop: "container 'batch' volumeMounts", value: "'/opt/job'" });
    expect(message).toMatch(/writes \/opt\/job\/results\/, which is on the read-only mount \/opt\/job, so it fails with "Read-only file system"/);
  });

  test('a workflow deadline shorter than its steps\' together (a warning; CI\'s --strict fails on it)', () => {
    const build = (workflowDeadline: Duration) => (app: PlatformApp) => {
      const { chart } = shared(app);
      const wf = new ArgoWorkflow(chart, 'nightly', { pool: pools.cpu, activeDeadline: workflowDeadline });
      const job = (id: string) => new BatchProcessingJob(wf.manifests, id, { pool: pools.cpu, container: STEP, activeDeadline: Duration.minutes(45) });
      const first = wf.addResourceTask('extract', { resource: job('extract') });
      wf.addResourceTask('load', { resource: job('load'), dependsOn: [first] });
    };
    expect(synthWarns(build(Duration.hours(1))).warnings).toEqual([expect.stringMatching(/Workflow team-a\/nightly: spec\.activeDeadlineSeconds is 3600; steps 'extract' → 'load' may take up to \d+s by their own deadlines.* \(rule workflow-deadlines\)$/)]);
    expectMistake(build(Duration.hours(1)), { path: '[jobs/nightly/Resource]', prop: 'spec.activeDeadlineSeconds', value: '3600' }, { strict: true });
    expect(synthWarns(build(Duration.hours(2))).warnings).toEqual([]);
  });
});
