import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { BUSYBOX, expectMistake, pools, STEP, teamChart, teams } from './harness';
import { ContainerImage } from '../../constructs/core/image';
import { ScriptBundle } from '../../constructs/core/script-bundle';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';
import { Team } from '../../constructs/operations/team';
import { ReplicatedModelService } from '../../constructs/serving/replicated-service';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';

// Names (invalid DNS labels, too long, duplicates) and images (untagged, :latest, malformed,
// not an image at all, no CUDA for a GPU job).

describe('user mistakes: names', () => {
  test('a team name that is not a DNS label (upper case)', () => {
    expectMistake((app) => {
      const { chart, cohort } = teams(app);
      new Team(chart, 'Team-C', { group: 'ml-team-c', cohort, quotas: [{ pool: pools.cpu, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1) } }] });
    }, { path: "Team 'teams/Team-C'", prop: "prop 'name'", value: "is 'Team-C'" });
  });

  test('a job name too long for a DNS label', () => {
    const name = `train-${'x'.repeat(64)}`;
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new AllReduceTrainingJob(chart, 'ddp', { name, framework: CollectiveFramework.TENSORFLOW, image: BUSYBOX, pool: pools.cpu });
    }, { path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'name'", value: `is '${name}'` });
    expect(message).toMatch(/at most 63 characters/);
  });

  test('a Service name starting with a digit (RFC 1035)', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'serving', teams(app).a);
      new ReplicatedModelService(chart, 'serve', { name: '9serve', container: STEP, pool: pools.cpu });
    }, { path: "ReplicatedModelService 'serving/serve'", prop: "prop 'name'", value: "is '9serve'" });
  });

  test('two steps of one workflow with the same id', () => {
    expectMistake((app) => {
      const wf = new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'wf', { pool: pools.cpu });
      wf.addContainerTask('train', { container: STEP });
      wf.addContainerTask('train', { container: STEP });
    }, { path: "'pipeline/wf/train'", prop: "prop 'id'", value: "is 'train'" });
  });

  test('two teams with the same name in one cohort', () => {
    const message = expectMistake((app) => {
      const { chart, cohort } = teams(app);
      const other = new Chart(app, 'more-teams', { disableResourceNameHashes: true });
      new Team(other, 'team-a', { namespace: 'team-a2', group: 'ml-team-a2', cohort, quotas: [{ pool: pools.cpu, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1) } }] });
      expect(chart).toBeDefined();
    }, { path: "KueueClusterQueue 'more-teams/team-a/ClusterQueue'", prop: "prop 'name'", value: "is 'team-a'" });
    expect(message).toMatch(/cohort 'ml-teams' already has a member named 'team-a'/);
  });

  test('two charts defining the same object (same kind, namespace and name)', () => {
    const message = expectMistake((app) => {
      const { a } = teams(app);
      new SharedVolume(teamChart(app, 'data-a', a), 'data');
      new SharedVolume(teamChart(app, 'data-b', a), 'data');
    }, { path: '[data-b/data/Resource]', prop: "metadata.name 'data'", value: '/PersistentVolumeClaim team-a/data' });
    expect(message).toMatch(/also defined in chart 'data-a' \(by 'data-a\/data\/Resource'\)/);
  });

  test('a script file name that is not a ConfigMap key', () => {
    expectMistake((app) => {
      new ScriptBundle(teamChart(app, 'code', teams(app).a), 'programs', { files: { 'bin/train.py': 'print(1)' } });
    }, { path: "ScriptBundle 'code/programs'", prop: "prop 'files'", value: "is 'bin/train.py'" });
  });

  test('a workflow parameter name that is not a DNS label', () => {
    expectMistake((app) => {
      const wf = new ArgoWorkflow(teamChart(app, 'pipeline', teams(app).a), 'wf', { pool: pools.cpu });
      wf.addParameter('Learning_Rate', { value: '0.1' });
    }, { path: "'pipeline/wf/Learning_Rate'", prop: "prop 'parameter'", value: "is 'Learning_Rate'" });
  });
});

describe('user mistakes: images', () => {
  const job = (image: () => ContainerImage) => (app: Parameters<Parameters<typeof expectMistake>[0]>[0]) => {
    const chart = teamChart(app, 'jobs', teams(app).a);
    new BatchProcessingJob(chart, 'prep', { container: { ...STEP, image: image() }, pool: pools.cpu });
  };

  test('an untagged image (it means :latest)', () => {
    const message = expectMistake(job(() => ContainerImage.of('pytorch/pytorch')), { path: "'ContainerImage'", prop: "prop 'image'", value: "is 'pytorch/pytorch'" });
    expect(message).toMatch(/pin the image to a tag or digest/);
  });

  test('an image pinned to :latest', () => {
    expectMistake(job(() => ContainerImage.of('busybox:latest')), { path: "'ContainerImage'", prop: "prop 'image'", value: "is 'busybox:latest'" });
  });

  test('a malformed image reference (upper case, a digest that is not sha256)', () => {
    expectMistake(job(() => ContainerImage.of('PyTorch/PyTorch:2.1')), { path: "'ContainerImage'", prop: "prop 'image'", value: "is 'PyTorch/PyTorch:2.1'" });
    expectMistake(job(() => ContainerImage.of('busybox@md5:abc')), { path: "'ContainerImage'", prop: "prop 'image'", value: "is 'busybox@md5:abc'" });
  });

  test('an image reference given as a string instead of a ContainerImage (JavaScript): :latest would slip through', () => {
    expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new BatchProcessingJob(chart, 'prep', { container: { ...STEP, image: 'busybox:latest' as any }, pool: pools.cpu });
    }, { path: "BatchProcessingJob 'jobs/prep'", prop: "prop 'container.image'", value: "is 'busybox:latest'; use a ContainerImage" });
  });

  test('a GPU job on an image without CUDA (semantic check at synth)', () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      new AllReduceTrainingJob(chart, 'ddp', {
        framework: CollectiveFramework.PYTORCH, image: ContainerImage.of('tensorflow/tensorflow:2.16.1'), pool: pools.gpu, workers: 1,
        command: ['python', '-c', 'import torch'], resources: { cpu: Cpu.units(32), memory: Size.gibibytes(256) },
      });
    }, { path: '[jobs/ddp/Resource]', prop: 'image', value: 'tensorflow/tensorflow:2.16.1' });
    expect(message).toMatch(/CUDA/);
  });

  test('two different sets of facts for one image reference', () => {
    expectMistake(() => {
      ContainerImage.of('example/trainer:1.0').withFacts({ cuda: true, source: 'Dockerfile A' });
      ContainerImage.of('example/trainer:1.0').withFacts({ cuda: false, source: 'Dockerfile B' });
    }, { path: "ContainerImage 'example/trainer:1.0'", prop: "prop 'facts'", value: "is 'Dockerfile B'" });
  });
});
