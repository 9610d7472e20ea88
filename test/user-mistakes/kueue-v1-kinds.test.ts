import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, synthWarns, teamChart, teams } from './harness';
import { ContainerImage } from '../../constructs/core/image';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { TrainingApi } from '../../constructs/training/trainer-v2';

// Kueue v0.19.2 has no integration for the training-operator's kubeflow.org/v1 MPIJob (its
// kubeflow.org/mpijob is mpi-operator's v2beta1): queued for Kueue, the v1 job is never admitted.

const MPI_IMAGE = ContainerImage.of('horovod/horovod:0.28.1');
const horovod = (output?: TrainingApi) => (app: Parameters<Parameters<typeof expectMistake>[0]>[0]) => {
  const { a } = teams(app);
  new AllReduceTrainingJob(teamChart(app, 'jobs', a), 'horovod', {
    framework: CollectiveFramework.MPI_HOROVOD, image: MPI_IMAGE, pool: pools.cpu, workers: 2, output,
    command: ['python', '/horovod/examples/pytorch/pytorch_mnist.py'], resources: { cpu: Cpu.units(1), memory: Size.gibibytes(2) },
    scheduling: GangScheduling.kueue({ queue: a.queue }),
  });
};

describe('user mistakes: a v1 kind Kueue cannot admit', () => {
  test('a training-operator MPIJob queued for Kueue fails synth, naming the queue label and the way out', () => {
    const message = expectMistake(horovod(TrainingApi.TRAINING_OPERATOR_V1), { path: '[jobs/horovod/Resource]', prop: 'kueue.x-k8s.io/queue-name', value: 'default' });
    expect(message).toMatch(/MPIJob team-a\/horovod.*Kueue \(v0\.19\.2\) has no integration for the training-operator's kubeflow\.org\/v1 MPIJob/);
    expect(message).toMatch(/output: TrainingApi\.TRAINER_V2/);
    // said once (queue-references), not again as an integration to enable (operator-coverage)
    expect(message).not.toMatch(/does not enable the 'kubeflow\.org\/mpijob' integration/);
  });

  test('the same job as a TrainJob passes: Kueue admits it through trainer.kubeflow.org/trainjob', () => {
    expect(synthWarns(horovod(TrainingApi.TRAINER_V2)).files).toContain('jobs.k8s.yaml');
  });
});
