import { ApiObject, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { GangScheduling } from '../../../constructs/training/gang-scheduling';
import { ParameterServerTrainingJob } from '../../../constructs/training/parameter-server-job';
import { CleanPodPolicy, ReplicaRestartPolicy, SuccessPolicy } from '../../../constructs/training/policies';
import { byKindName, synth, testChart } from '../../helpers';
import { TrainingApi } from '../../../constructs/training/trainer-v2';

const image = ContainerImage.of('tensorflow/tensorflow:2.16.1');
const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 4 });

describe('ParameterServerTrainingJob', () => {
  test('default output: a TFJob with one PS and two workers, TF_CONFIG left to the operator', () => {
    const chart = testChart('ml');
    const job = new ParameterServerTrainingJob(chart, 'ps-job', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, command: ['python', 'train.py'], ps: {} });
    const tfjob = byKindName(synth(chart), 'TFJob', 'ps-job');
    expect(ApiObject.of(job).kind).toBe('TFJob');
    expect(tfjob).toMatchSnapshot();
    expect(Object.keys(tfjob.spec.tfReplicaSpecs)).toEqual(['PS', 'Worker']);
    expect(tfjob.spec.tfReplicaSpecs.PS.replicas).toBe(1);
    expect(tfjob.spec.tfReplicaSpecs.Worker.replicas).toBe(2);
    expect(tfjob.spec.tfReplicaSpecs.Worker.restartPolicy).toBe('ExitCode');
    expect(tfjob.spec.runPolicy).toEqual({ cleanPodPolicy: 'None' });
    expect(tfjob.spec.successPolicy).toBeUndefined();
    const container = tfjob.spec.tfReplicaSpecs.Worker.template.spec.containers[0];
    expect(container.name).toBe('tensorflow');
    expect(container.env).toBeUndefined(); // no TF_CONFIG: the operator injects it
    expect(job.minAvailable).toBe(3);
    expect(job.successCondition).toBe('status.completionTime,status.replicaStatuses.Worker.succeeded > 0');
    expect(job.failureCondition).toBe('status.replicaStatuses.Worker.failed > 0');
  });

  test('per-role replicas, resources, commands and GPUs; chief and evaluator are optional single replicas', () => {
    const chart = testChart();
    const job = new ParameterServerTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1,
      image,
      pool: gpu,
      command: ['python', 'train.py'],
      resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16) },
      ps: { replicas: 3, resources: { cpu: Cpu.units(1), memory: Size.gibibytes(4) }, env: { ROLE: 'ps' } },
      worker: { replicas: 4, gpus: 2 },
      chief: { gpus: 1 },
      evaluator: { command: ['python', 'eval.py'] },
      successPolicy: SuccessPolicy.ALL_WORKERS,
    });
    const specs = byKindName(synth(chart), 'TFJob', 'job').spec.tfReplicaSpecs;
    expect(Object.keys(specs).sort()).toEqual(['Chief', 'Evaluator', 'PS', 'Worker']);
    expect([specs.Chief.replicas, specs.PS.replicas, specs.Worker.replicas, specs.Evaluator.replicas]).toEqual([1, 3, 4, 1]);
    const c = (role: string) => specs[role].template.spec.containers[0];
    expect(c('PS').resources.limits).toEqual({ cpu: '1', memory: '4Gi' });
    expect(c('PS').env).toEqual([{ name: 'ROLE', value: 'ps' }]);
    expect(c('Worker').resources.limits).toEqual({ cpu: '4', memory: '16Gi', 'nvidia.com/gpu': 2 });
    expect(c('Worker').resources.requests['nvidia.com/gpu']).toBe(2);
    expect(c('Chief').resources.limits['nvidia.com/gpu']).toBe(1);
    expect(c('Evaluator').command).toEqual(['python', 'eval.py']);
    expect(c('Worker').command).toEqual(['python', 'train.py']);
    // GPU pool: every role tolerates the taint because every role lands on the pool.
    for (const role of Object.keys(specs)) expect(specs[role].template.spec.tolerations).toEqual(gpu.tolerations());
    expect(specs.Worker.template.spec.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '8Gi' } });
    expect(specs.PS.template.spec.volumes).toBeUndefined();
    expect(job.minAvailable).toBe(1 + 3 + 4);
    expect(job.successCondition).toBe('status.completionTime,status.replicaStatuses.Chief.succeeded = 1');
    expect(job.failureCondition).toBe('status.replicaStatuses.Chief.failed > 0');
  });

  test('AllWorkers success policy without a chief waits for every worker', () => {
    const chart = testChart();
    const job = new ParameterServerTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, ps: {}, worker: { replicas: 5 }, successPolicy: SuccessPolicy.ALL_WORKERS });
    expect(byKindName(synth(chart), 'TFJob', 'job').spec.successPolicy).toBe('AllWorkers');
    expect(job.successCondition).toBe('status.completionTime,status.replicaStatuses.Worker.succeeded = 5');
  });

  test('fault tolerance: restart policy, backoffLimit, deadlines, TTL, clean-pod policy and a checkpoint volume', () => {
    const chart = testChart();
    const ckpt = new SharedVolume(chart, 'ckpt');
    new ParameterServerTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1,
      image,
      pool: cpu,
      ps: {},
      restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
      backoffLimit: 4,
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.minutes(30),
      cleanPodPolicy: CleanPodPolicy.ALL,
      checkpoint: { volume: ckpt, mountPath: '/ckpt', subPath: 'run-1', envVar: 'MODEL_CKPT' },
    });
    const spec = byKindName(synth(chart), 'TFJob', 'job').spec;
    expect(spec.runPolicy).toEqual({ cleanPodPolicy: 'All', backoffLimit: 4, activeDeadlineSeconds: 3600, ttlSecondsAfterFinished: 1800 });
    for (const r of Object.values<any>(spec.tfReplicaSpecs)) {
      expect(r.restartPolicy).toBe('OnFailure');
      expect(r.template.spec.volumes).toEqual([{ name: 'ckpt', persistentVolumeClaim: { claimName: 'ckpt' } }]);
      expect(r.template.spec.containers[0].volumeMounts).toEqual([{ name: 'ckpt', mountPath: '/ckpt', subPath: 'run-1' }]);
      expect(r.template.spec.containers[0].env).toEqual([{ name: 'MODEL_CKPT', value: '/ckpt' }]);
    }
  });

  test('gang scheduling with Volcano: minAvailable from the replicas (evaluator excluded), queue and priority by object', () => {
    const chart = testChart();
    new ParameterServerTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1,
      image,
      pool: cpu,
      ps: { replicas: 2 },
      worker: { replicas: 3 },
      evaluator: {},
      scheduling: GangScheduling.volcano({ queue: SchedulingRefs.volcanoQueue('research'), priorityClass: SchedulingRefs.priorityClass('high', 1000) }),
    });
    const spec = byKindName(synth(chart), 'TFJob', 'job').spec;
    expect(spec.runPolicy.schedulingPolicy).toEqual({ minAvailable: 5, queue: 'research', priorityClass: 'high' });
    expect(spec.tfReplicaSpecs.PS.template.spec.schedulerName).toBe('volcano');
    expect(spec.tfReplicaSpecs.PS.template.spec.priorityClassName).toBe('high');
  });

  test('fails when the job has no parameter server', () => {
    const chart = testChart();
    expect(() => new ParameterServerTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, ps: { replicas: 0 } }))
      .toThrow(/ParameterServerTrainingJob 'test\/job': prop 'ps.replicas' is 0; a parameter-server job needs at least one PS/);
  });

  test('fails when workers is zero', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'job', { image, pool: cpu, ps: {}, worker: { replicas: 0 } }))
      .toThrow(/prop 'worker.replicas' is 0; use an integer >= 1/);
  });

  test('fails when a chief has more than one replica', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'job', { image, pool: cpu, ps: {}, chief: { replicas: 2 } }))
      .toThrow(/prop 'chief.replicas' is 2; use an integer from 1 to 1/);
  });

  test('fails when parameter servers ask for GPUs', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'job', { image, pool: gpu, ps: { gpus: 1 } }))
      .toThrow(/prop 'ps.gpus' is 1; parameter servers only hold variables/);
  });

  test('fails when a worker asks for more GPUs than a node of the pool has', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'job', { image, pool: gpu, ps: {}, worker: { gpus: 8 } }))
      .toThrow(/prop 'worker.gpus' is 8; pool 'a100' has 4 GPUs per node/);
  });

  test('fails when GPUs are asked on a CPU pool', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'job', { image, pool: cpu, ps: {}, chief: { gpus: 1 } }))
      .toThrow(/prop 'chief.gpus' is 1; pool 'cpu' has no GPUs/);
  });

  test('fails on a name the operator cannot turn into Services', () => {
    expect(() => new ParameterServerTrainingJob(testChart(), 'job', { name: 'PS_job', image, pool: cpu, ps: {} }))
      .toThrow(/prop 'name' is 'PS_job'; .*RFC 1035/);
  });
});
