import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, localTarget, pools, PYTORCH, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { ContainerImage, Images } from '../../constructs/core/image';
import { SharedVolume } from '../../constructs/core/shared-volume';
import { AllReduceTrainingJob, AllReduceTrainingJobProps, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { TensorFlowTrainingJob } from '../../constructs/training/tensorflow-job';
import { TrainingApi } from '../../constructs/training/trainer-v2';

// Each training mistake the checks catch for a training-operator job, made again on the Trainer v2
// path (a TrainJob on its TrainingRuntime): the checks judge the pods the TrainJob will really get,
// so each must fail synth on both (issue 22).

const APIS = [TrainingApi.TRAINING_OPERATOR_V1, TrainingApi.TRAINER_V2] as const;
const ddp = { framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: pools.gpu, command: ['python', '-c', 'import torch'], resources: { cpu: Cpu.units(16), memory: Size.gibibytes(128) } };
const job = (output: TrainingApi, props: Partial<AllReduceTrainingJobProps>, chart = 'jobs') => (app: PlatformApp) => {
  const team = teams(app).a;
  new AllReduceTrainingJob(teamChart(app, chart, team), 'ddp', { ...ddp, ...props, output } as AllReduceTrainingJobProps);
};
/** The kind each path emits, as messages name the object. */
const kindOf = (api: TrainingApi) => (api === TrainingApi.TRAINER_V2 ? 'TrainJob' : 'PyTorchJob');

describe.each(APIS)('training mistakes on %s', (api) => {
  test("a gang larger than its team's ClusterQueue can ever admit", () => {
    const message = expectMistake((app) => {
      const { a } = teams(app);
      new AllReduceTrainingJob(teamChart(app, 'jobs', a), 'ddp', { ...ddp, output: api, workers: 3, scheduling: GangScheduling.kueue({ queue: a.queue }) });
    }, { path: '[jobs/ddp/Resource]', prop: 'kueue.x-k8s.io/queue-name', value: 'default' });
    expect(message).toMatch(new RegExp(`${kindOf(api)} team-a/ddp`));
    expect(message).toMatch(/nvidia\.com\/gpu|gpus 16/);
  });

  test('a ReadWriteOnce checkpoint volume mounted by workers on two nodes', () => {
    const message = expectMistake((app) => {
      const chart = teamChart(app, 'jobs', teams(app).a);
      const data = new SharedVolume(chart, 'data', { storage: Size.gibibytes(10) });
      new AllReduceTrainingJob(chart, 'ddp', { ...ddp, output: api, workers: 2, volumes: [data.mount('/checkpoints')] });
    }, { path: '[jobs/data/Resource]', prop: 'spec.accessModes', value: "'ReadWriteOnce'" });
    expect(message).toMatch(/Multi-Attach/);
    expect(message).toMatch(/jobs\/ddp\/Resource/);
  });

  test('an image without CUDA asking for GPUs', () => {
    const message = expectMistake(job(api, { image: ContainerImage.of('tensorflow/tensorflow:2.16.1'), workers: 1, resources: { cpu: Cpu.units(32), memory: Size.gibibytes(256) } }),
      { path: '[jobs/ddp/Resource]', prop: 'image', value: 'tensorflow/tensorflow:2.16.1' });
    expect(message).toMatch(/CUDA/);
  });

  test('memory above a node of the pool', () => {
    const message = expectMistake(job(api, { workers: 1, resources: { cpu: Cpu.units(16), memory: Size.gibibytes(4096) } }),
      { path: '[jobs/ddp/Resource]', prop: 'containers[*].resources', value: 'memory 4194304Mi' });
    expect(message).toMatch(/pool 'gpu-a100'/);
  });

  test('a pool too small for the gang (more nodes than the pool has at maxSize)', () => {
    const message = expectMistake((app) => {
      const { a } = teams(app);
      new AllReduceTrainingJob(teamChart(app, 'jobs', a), 'ddp', { ...ddp, output: api, workers: 3, gpusPerWorker: 8, scheduling: GangScheduling.kueue({ queue: a.queue }) });
    }, { path: 'jobs/ddp', prop: "metadata.labels['kueue.x-k8s.io/queue-name']", value: 'nvidia.com/gpu 24' });
    expect(message).toMatch(/more than pool\(s\) 'gpu-a100' 2 node\(s\) hold at maxSize/);
  });

  test('a gang scheduler the cluster does not run', () => {
    const message = expectMistake(job(api, { workers: 1, scheduling: GangScheduling.coscheduling() }),
      { path: '[jobs/ddp/Resource]', prop: 'schedulerName', value: "'scheduler-plugins-scheduler'" });
    expect(message).toMatch(/runs no scheduler of that name/);
  });

  test("a flag the book's training script does not accept", () => {
    const message = expectMistake((app) => {
      new TensorFlowTrainingJob(teamChart(app, 'jobs', teams(app).a), 'book', {
        pool: pools.cpu, output: api,
        container: { image: Images.BOOK_MULTI_WORKER, resources: { cpu: Cpu.units(1), memory: Size.gibibytes(2) }, command: ['python', '/multi-worker-distributed-training.py', '--saved_model_dir', '/m/1', '--checkpoint_dir', '/m/c', '--model_type', 'cnn', '--learning_rate', '0.1'] },
      });
    }, { path: '[jobs/book/Resource]', prop: 'command', value: '--learning_rate' });
    expect(message).toMatch(/does not accept --learning_rate/);
  });

  test("a typo in the training script's path", () => {
    const message = expectMistake((app) => {
      new TensorFlowTrainingJob(teamChart(app, 'jobs', teams(app).a), 'book', {
        pool: pools.cpu, output: api,
        container: { image: Images.BOOK_MULTI_WORKER, resources: { cpu: Cpu.units(1), memory: Size.gibibytes(2) }, command: ['python', '/multi-worker-distributed-trainig.py', '--saved_model_dir', '/m/1', '--checkpoint_dir', '/m/c', '--model_type', 'cnn'] },
      });
    }, { path: '[jobs/book/Resource]', prop: 'command', value: '/multi-worker-distributed-trainig.py' });
    expect(message).toMatch(/multi-worker-distributed-trainig\.py/);
  });
});

test('the local target runs the training-operator and Trainer v2 both (so both paths are judged alike)', () => {
  expect(localTarget().servedKinds.has('trainer.kubeflow.org/TrainJob')).toBe(true);
});
