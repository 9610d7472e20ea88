import { execFileSync } from 'node:child_process';
import { ApiObject, Duration, Size } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { KUEUE_QUEUE_LABEL, SchedulingRefs } from '../../../constructs/core/scheduling';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { AllReduceTrainingJob, AllReduceTrainingJobProps, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { GangScheduling } from '../../../constructs/training/gang-scheduling';
import { ParameterServerTrainingJob } from '../../../constructs/training/parameter-server-job';
import { ReplicaRestartPolicy, SuccessPolicy } from '../../../constructs/training/policies';
import { TensorFlowTrainingJob } from '../../../constructs/training/tensorflow-job';
import { TF_CONFIG_LAUNCHER, TensorFlowTrainingRuntime, tfConfigLauncher } from '../../../constructs/training/tensorflow-runtime';
import { DEFAULT_TRAINING_API } from '../../../constructs/training/trainer-v2';
import { byKindName, Manifest, synth, testChart } from '../../helpers';

const image = ContainerImage.of('example/train:1.0');
const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2 });
const command = ['python', 'train.py'];
const v2 = TrainingApi.TRAINER_V2;

function allReduce(props: Partial<AllReduceTrainingJobProps> & Pick<AllReduceTrainingJobProps, 'framework'>) {
  const chart = testChart('team');
  const job = new AllReduceTrainingJob(chart, 'job', { image, pool: cpu, command, output: v2, ...props });
  const objects = synth(chart);
  return { job, objects, trainJob: byKindName(objects, 'TrainJob', 'job'), runtime: byKindName(objects, 'TrainingRuntime', 'job') };
}
const jobsOf = (runtime: Manifest): Manifest[] => runtime.spec.template.spec.replicatedJobs;
const podOf = (rj: Manifest): Manifest => rj.template.spec.template.spec;
const envOf = (rj: Manifest): Record<string, unknown> => Object.fromEntries(podOf(rj).containers[0].env.map((e: Manifest) => [e.name, e.value ?? e.valueFrom.fieldRef.fieldPath]));

describe('Trainer v2 is the default', () => {
  test('every training construct renders a TrainJob unless told TRAINING_OPERATOR_V1', () => {
    expect(DEFAULT_TRAINING_API).toBe(TrainingApi.TRAINER_V2);
    const chart = testChart('team');
    new AllReduceTrainingJob(chart, 'ddp', { framework: CollectiveFramework.PYTORCH, image, pool: cpu, command });
    new TensorFlowTrainingJob(chart, 'book', { pool: cpu, container: { image, command } });
    new ParameterServerTrainingJob(chart, 'ps', { image, pool: cpu, command, ps: {} });
    new AllReduceTrainingJob(chart, 'v1', { framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, command });
    const kinds = synth(chart).filter((o) => ['TrainJob', 'PyTorchJob', 'TFJob'].includes(o.kind)).map((o) => `${o.kind}/${o.metadata.name}`).sort();
    expect(kinds).toEqual(['PyTorchJob/v1', 'TrainJob/book', 'TrainJob/ddp', 'TrainJob/ps']);
  });

  test("a v1-only prop says how to opt into the training-operator", () => {
    expect(() => new AllReduceTrainingJob(testChart('team'), 'el', { framework: CollectiveFramework.PYTORCH, image, pool: cpu, command, elastic: { minReplicas: 1, maxReplicas: 2 } }))
      .toThrow(/prop 'elastic' is '1..2'; Trainer v2.3.0 has no elastic policy .*use TrainingApi.TRAINING_OPERATOR_V1 for elastic PyTorch/);
  });
});

describe('Trainer v2 runtimes', () => {
  test('MPI/Horovod: sshd nodes and a launcher, shaped like the built-in deepspeed-distributed runtime', () => {
    const { job, runtime, trainJob } = allReduce({ framework: CollectiveFramework.MPI_HOROVOD, pool: gpu, workers: 3 });
    expect(runtime.metadata.labels).toEqual({ 'trainer.kubeflow.org/framework': 'mpi' });
    // The runtime's numNodes is the launcher's pod count (Trainer v2.3.0 newRuntimeInfo); the TrainJob's sizes the node job (mpi.go).
    expect(runtime.spec.mlPolicy).toEqual({ numNodes: 1, mpi: { numProcPerNode: 2, mpiImplementation: 'OpenMPI', sshAuthMountPath: '/home/mpiuser/.ssh', runLauncherAsNode: false } });
    expect(trainJob.spec.trainer.numNodes).toBe(3);
    expect(runtime.spec.template.spec.network).toEqual({ publishNotReadyAddresses: true });
    expect(runtime.spec.template.spec.successPolicy).toEqual({ operator: 'All', targetReplicatedJobs: ['launcher'] });
    const [node, launcher] = jobsOf(runtime);
    expect(node.name).toBe('node');
    expect(node.template.metadata).toBeUndefined();
    expect(node.template.spec).toMatchObject({ parallelism: 3, completions: 3 });
    const sshd = podOf(node).containers[0];
    expect(sshd).toMatchObject({ name: 'node', command: ['/usr/sbin/sshd', '-De', '-f', '/home/mpiuser/.sshd_config'], ports: [{ name: 'ssh', containerPort: 2222 }] });
    expect(sshd.readinessProbe).toEqual({ tcpSocket: { port: 2222 }, initialDelaySeconds: 5 });
    expect(sshd.resources.limits['nvidia.com/gpu']).toBe(2);
    expect(launcher).toMatchObject({ name: 'launcher', dependsOn: [{ name: 'node', status: 'Ready' }] });
    expect(launcher.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
    const mpirun = podOf(launcher).containers[0];
    expect(mpirun.name).toBe('node');
    expect(mpirun.command.slice(0, 3)).toEqual(['mpirun', '-np', '6']);
    expect(mpirun.command.slice(-2)).toEqual(command);
    expect(mpirun.resources.limits['nvidia.com/gpu']).toBeUndefined();
    // SSH, not kubectl exec: no ServiceAccount token anywhere
    for (const rj of jobsOf(runtime)) expect(podOf(rj).automountServiceAccountToken).toBe(false);
    expect(trainJob.spec.trainer).toEqual({ numNodes: 3, numProcPerNode: 2 });
    expect(job.minAvailable).toBe(4);
  });

  test('MPI/Horovod: ranks started over SSH get a login environment, so mpirun forwards the job\'s env and checkpoint variable', () => {
    const chart = testChart('team');
    const volume = new SharedVolume(chart, 'ckpt', { storage: Size.gibibytes(1) });
    new AllReduceTrainingJob(chart, 'job', { framework: CollectiveFramework.MPI_HOROVOD, image, pool: cpu, command, output: v2, env: { EPOCHS: '3' }, checkpoint: { volume } });
    const runtime = byKindName(synth(chart), 'TrainingRuntime', 'job');
    const mpirun: string[] = podOf(jobsOf(runtime)[1]).containers[0].command;
    const forwarded = mpirun.flatMap((a, i) => (mpirun[i - 1] === '-x' ? [a] : []));
    expect(forwarded).toEqual(['LD_LIBRARY_PATH', 'PATH', 'NCCL_DEBUG=INFO', 'EPOCHS', 'CHECKPOINT_DIR']);
    expect(envOf(jobsOf(runtime)[1])).toMatchObject({ EPOCHS: '3', CHECKPOINT_DIR: '/checkpoints' });
  });

  test('fault tolerance: ExitCode becomes a Job podFailurePolicy (program errors fail, evictions do not count); OnFailure keeps none', () => {
    const { runtime } = allReduce({ framework: CollectiveFramework.PYTORCH });
    const policy = jobsOf(runtime)[0].template.spec.podFailurePolicy;
    expect(policy.rules[0]).toEqual({ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] });
    expect(policy.rules[1].action).toBe('FailJob');
    expect(policy.rules[1].onExitCodes).toMatchObject({ containerName: 'node', operator: 'In' });
    expect(policy.rules[1].onExitCodes.values).toEqual(Array.from({ length: 127 }, (_, i) => i + 1));
    expect(podOf(jobsOf(runtime)[0]).restartPolicy).toBe('Never');
    const onFailure = allReduce({ framework: CollectiveFramework.PYTORCH, restartPolicy: ReplicaRestartPolicy.ON_FAILURE, backoffLimit: 2 }).runtime;
    expect(jobsOf(onFailure)[0].template.spec.podFailurePolicy).toBeUndefined();
    expect(onFailure.spec.template.spec.failurePolicy).toEqual({ maxRestarts: 2 });
  });

  test('JAX: one trainer job under the jax policy, one process per node', () => {
    const { runtime, trainJob } = allReduce({ framework: CollectiveFramework.JAX, pool: gpu, workers: 2 });
    expect(runtime.metadata.labels).toEqual({ 'trainer.kubeflow.org/framework': 'jax' });
    expect(runtime.spec.mlPolicy).toEqual({ numNodes: 2, jax: {} });
    expect(jobsOf(runtime).map((j) => j.name)).toEqual(['node']);
    expect(jobsOf(runtime)[0].template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
    expect(podOf(jobsOf(runtime)[0]).containers[0].name).toBe('node');
    expect(trainJob.spec.trainer).toEqual({ numNodes: 2 });
  });

  test('TensorFlow all-reduce: workers are the trainer, started by the TF_CONFIG launcher from the job\'s ConfigMap', () => {
    const { objects, runtime, trainJob } = allReduce({ framework: CollectiveFramework.TENSORFLOW, workers: 3 });
    expect(runtime.metadata.labels).toEqual({ 'trainer.kubeflow.org/framework': 'tensorflow' });
    // a plain runtime: no torch/mpi/jax policy, so Trainer's PlainML plugin sizes the trainer
    expect(runtime.spec.mlPolicy).toEqual({ numNodes: 3 });
    const [worker] = jobsOf(runtime);
    expect(worker.name).toBe('worker');
    expect(worker.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
    // default success: worker 0 (a Job success policy on index 0), then the JobSet
    expect(worker.template.spec.successPolicy).toEqual({ rules: [{ succeededIndexes: '0' }] });
    expect(runtime.spec.template.spec.successPolicy).toEqual({ operator: 'All', targetReplicatedJobs: ['worker'] });
    const c = podOf(worker).containers[0];
    expect(c.name).toBe('node');
    expect(c.command).toEqual(['python', '/opt/tf-launcher/tf_config_launcher.py', 'python', 'train.py']);
    expect(c.ports).toEqual([{ name: 'tf', containerPort: 2222 }]);
    expect(envOf(worker)).toEqual({
      TF_ROLES: 'worker=3', TF_PORT: '2222',
      JOBSET_NAME: "metadata.annotations['jobset.sigs.k8s.io/jobset-name']",
      REPLICATED_JOB_NAME: "metadata.annotations['jobset.sigs.k8s.io/replicatedjob-name']",
      JOB_INDEX: "metadata.annotations['jobset.sigs.k8s.io/job-index']",
    });
    expect(c.volumeMounts).toContainEqual({ name: 'job-tf-launcher', mountPath: '/opt/tf-launcher', readOnly: true });
    expect(podOf(worker).volumes).toContainEqual({ name: 'job-tf-launcher', configMap: { name: 'job-tf-launcher', defaultMode: 0o444 } });
    expect(byKindName(objects, 'ConfigMap', 'job-tf-launcher').data).toEqual({ 'tf_config_launcher.py': TF_CONFIG_LAUNCHER });
    expect(trainJob.spec.trainer).toEqual({ numNodes: 3 });
  });

  test('TensorFlow all-reduce with AllWorkers: the worker Job succeeds only when every index does', () => {
    const { runtime } = allReduce({ framework: CollectiveFramework.TENSORFLOW, successPolicy: SuccessPolicy.ALL_WORKERS });
    expect(jobsOf(runtime)[0].template.spec.successPolicy).toBeUndefined();
  });

  test('parameter server: one replicated job per TF role, the chief decides, Kueue admits the TrainJob suspended', () => {
    const chart = testChart('team');
    const queue = SchedulingRefs.localQueue('training', 'team');
    const job = new ParameterServerTrainingJob(chart, 'ps', {
      output: v2, image, pool: gpu, command, ps: { replicas: 2, gpus: 0 }, worker: { replicas: 3, gpus: 2 }, chief: {}, evaluator: { command: ['python', 'eval.py'] },
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE, backoffLimit: 3, ttlAfterFinished: Duration.days(1), scheduling: GangScheduling.kueue({ queue }),
    });
    const objects = synth(chart);
    const runtime = byKindName(objects, 'TrainingRuntime', 'ps');
    const trainJob = byKindName(objects, 'TrainJob', 'ps');
    expect(ApiObject.of(job).kind).toBe('TrainJob');
    expect(runtime.spec.mlPolicy).toEqual({ numNodes: 3 });
    expect(jobsOf(runtime).map((j) => [j.name, j.template.spec.parallelism, podOf(j).containers[0].name])).toEqual([
      ['chief', 1, 'chief'], ['ps', 2, 'ps'], ['worker', undefined, 'node'], ['evaluator', 1, 'evaluator'],
    ]);
    expect(jobsOf(runtime).filter((j) => j.template.metadata).map((j) => j.name)).toEqual(['worker']);
    expect(runtime.spec.template.spec.successPolicy).toEqual({ operator: 'All', targetReplicatedJobs: ['chief'] });
    expect(runtime.spec.template.spec.failurePolicy).toEqual({ maxRestarts: 3 });
    expect(runtime.spec.template.spec.ttlSecondsAfterFinished).toBe(86400);
    for (const rj of jobsOf(runtime)) {
      expect(envOf(rj).TF_ROLES).toBe('chief=1,ps=2,worker=3,evaluator=1');
      expect(podOf(rj).restartPolicy).toBe('OnFailure');
    }
    const [chief, ps, worker, evaluator] = jobsOf(runtime);
    expect(podOf(ps).containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(podOf(worker).containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
    expect(podOf(chief).containers[0].command.slice(2)).toEqual(command);
    expect(podOf(evaluator).containers[0].command.slice(2)).toEqual(['python', 'eval.py']);
    expect(trainJob.metadata.labels).toEqual({ [KUEUE_QUEUE_LABEL]: 'training' });
    expect(trainJob.spec).toMatchObject({ suspend: true, trainer: { numNodes: 3 } });
    // created suspended, Trainer puts `Suspended` first: the terminal condition is the second
    expect(job.successCondition).toBe('status.conditions.1.type = Complete,status.conditions.1.status = True');
    expect(job.failureCondition).toBe('status.conditions.1.type = Failed');
  });

  test('the book\'s TFJob construct: the same workers as a TrainJob, with the container\'s fields', () => {
    const chart = testChart('book');
    const job = new TensorFlowTrainingJob(chart, 'train-cnn', { output: v2, pool: cpu, workers: 2, container: { image, command: ['python', '/train.py', '--model_type', 'cnn'], env: { HOME: '/data' } } });
    const objects = synth(chart);
    const [worker] = jobsOf(byKindName(objects, 'TrainingRuntime', 'train-cnn'));
    expect(podOf(worker).containers[0].command).toEqual(['python', '/opt/tf-launcher/tf_config_launcher.py', 'python', '/train.py', '--model_type', 'cnn']);
    expect(envOf(worker)).toMatchObject({ HOME: '/data', TF_ROLES: 'worker=2' });
    expect(podOf(worker).restartPolicy).toBe('Never');
    expect(byKindName(objects, 'TrainJob', 'train-cnn').spec.trainer).toEqual({ numNodes: 2 });
    expect(job.runtime?.kind).toBe('TrainingRuntime');
  });

  test('a shareable TensorFlow ClusterTrainingRuntime: cluster-scoped, the same roles', () => {
    const chart = testChart('team');
    const launcher = tfConfigLauncher(chart, 'shared');
    const rt = new TensorFlowTrainingRuntime(chart, 'tf', { name: 'tensorflow-ps', image, pool: cpu, command, launcher, workers: 4, ps: { replicas: 2 }, chief: {} });
    const runtime = byKindName(synth(chart), 'ClusterTrainingRuntime', 'tensorflow-ps');
    expect(rt.apiObject.kind).toBe('ClusterTrainingRuntime');
    expect(runtime.apiVersion).toBe('trainer.kubeflow.org/v1alpha1');
    expect(runtime.metadata.namespace).toBeUndefined();
    expect(runtime.metadata.labels).toEqual({ 'trainer.kubeflow.org/framework': 'tensorflow' });
    expect(runtime.spec.mlPolicy).toEqual({ numNodes: 4 });
    expect(jobsOf(runtime).map((j) => j.name)).toEqual(['chief', 'ps', 'worker']);
    expect(envOf(jobsOf(runtime)[1]).TF_ROLES).toBe('chief=1,ps=2,worker=4');
    expect(podOf(jobsOf(runtime)[0]).volumes).toContainEqual({ name: 'shared-tf-launcher', configMap: { name: 'shared-tf-launcher', defaultMode: 0o444 } });
  });

  test('the shareable runtime names its bad props', () => {
    const chart = testChart('team');
    expect(() => new TensorFlowTrainingRuntime(chart, 'tf', { image, pool: cpu, command, launcher: 'tf-launcher' as never }))
      .toThrow(/TensorFlowTrainingRuntime 'test\/tf': prop 'launcher'/);
    expect(() => new TensorFlowTrainingRuntime(chart, 'tf2', { image, pool: cpu, command, launcher: tfConfigLauncher(chart, 'x'), chief: { replicas: 2 } }))
      .toThrow(/prop 'chief.replicas' is 2/);
  });
});

describe('validation', () => {
  test('the TF launcher needs the program to run', () => {
    expect(() => allReduce({ framework: CollectiveFramework.TENSORFLOW, command: undefined }))
      .toThrow(/AllReduceTrainingJob 'test\/job': prop 'command' is undefined; the TF_CONFIG launcher runs the program given as its arguments/);
  });
  test('MPI on v2 still needs a program for mpirun', () => {
    expect(() => allReduce({ framework: CollectiveFramework.MPI_HOROVOD, command: undefined })).toThrow(/prop 'command' is undefined; an MPI job needs the program/);
  });
  test('a bad output value names the prop', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'ps', { image, pool: cpu, command, ps: {}, output: 'v3' as TrainingApi }))
      .toThrow(/ParameterServerTrainingJob 'test\/ps': prop 'output'/);
  });
});

const python = (() => {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

(python ? test : test.skip)('the launcher builds TF_CONFIG from the JobSet environment and execs the program', () => {
  const env = {
    PATH: process.env.PATH, JOBSET_NAME: 'ps', REPLICATED_JOB_NAME: 'worker', JOB_INDEX: '0', JOB_COMPLETION_INDEX: '1',
    TF_ROLES: 'chief=1,ps=2,worker=2,evaluator=1', TF_PORT: '2222',
  };
  const out = execFileSync('python3', ['-c', TF_CONFIG_LAUNCHER, 'python3', '-c', 'import os; print(os.environ["TF_CONFIG"])'], { env }).toString().trim().split('\n');
  expect(JSON.parse(out[out.length - 1])).toEqual({
    cluster: {
      chief: ['ps-chief-0-0.ps:2222'],
      ps: ['ps-ps-0-0.ps:2222', 'ps-ps-0-1.ps:2222'],
      worker: ['ps-worker-0-0.ps:2222', 'ps-worker-0-1.ps:2222'],
    },
    task: { type: 'worker', index: 1 },
  });
});
