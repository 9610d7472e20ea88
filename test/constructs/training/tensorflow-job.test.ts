import { ApiObject, Duration } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { CleanPodPolicy, ReplicaRestartPolicy, TensorFlowTrainingJob } from '../../../constructs/training/tensorflow-job';
import { byKindName, synth, testChart } from '../../helpers';
import { TrainingApi } from '../../../constructs/training/trainer-v2';

const image = ContainerImage.of('kubeflow/multi-worker-strategy:v0.1');
const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2 });

describe('TensorFlowTrainingJob', () => {
  test('default output: a TFJob with two workers on the pool', () => {
    const chart = testChart('ml');
    const job = new TensorFlowTrainingJob(chart, 'mnist', { output: TrainingApi.TRAINING_OPERATOR_V1, pool: cpu, container: { image, command: ['python', 'train.py'] } });
    const tfjob = byKindName(synth(chart), 'TFJob', 'mnist');
    expect(ApiObject.of(job).kind).toBe('TFJob');
    expect(tfjob).toMatchSnapshot();
    const worker = tfjob.spec.tfReplicaSpecs.Worker;
    expect(worker.replicas).toBe(2);
    expect(worker.restartPolicy).toBe('Never');
    expect(worker.template.spec.nodeSelector).toEqual(cpu.nodeSelector());
    expect(worker.template.spec.tolerations).toBeUndefined();
    expect(worker.template.spec.containers[0].name).toBe('tensorflow');
    expect(job.successCondition).toBe('status.completionTime,status.replicaStatuses.Worker.succeeded > 0');
    expect(job.failureCondition).toBe('status.replicaStatuses.Worker.failed > 0');
  });

  test('props reach the spec: workers, policies, deadlines, volumes', () => {
    const chart = testChart();
    const vol = new SharedVolume(chart, 'data');
    new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1,
      pool: cpu,
      workers: 4,
      restartPolicy: ReplicaRestartPolicy.EXIT_CODE,
      cleanPodPolicy: CleanPodPolicy.ALL,
      activeDeadline: Duration.hours(2),
      ttlAfterFinished: Duration.days(1),
      volumes: [vol.mount('/data')],
      container: { image },
    });
    const spec = byKindName(synth(chart), 'TFJob', 'job').spec;
    expect(spec.tfReplicaSpecs.Worker.replicas).toBe(4);
    expect(spec.tfReplicaSpecs.Worker.restartPolicy).toBe('ExitCode');
    expect(spec.runPolicy).toEqual({ cleanPodPolicy: 'All', activeDeadlineSeconds: 7200, ttlSecondsAfterFinished: 86400 });
    const pod = spec.tfReplicaSpecs.Worker.template.spec;
    expect(pod.volumes).toEqual([{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }]);
    expect(pod.containers[0].volumeMounts).toEqual([{ name: 'data', mountPath: '/data' }]);
  });

  test('GPU workers get nvidia.com/gpu requests = limits and the pool tolerations', () => {
    const chart = testChart();
    new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, pool: gpu, container: { image, gpus: 2 } });
    const pod = byKindName(synth(chart), 'TFJob', 'job').spec.tfReplicaSpecs.Worker.template.spec;
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
    expect(pod.containers[0].resources.requests['nvidia.com/gpu']).toBe(2);
    expect(pod.tolerations).toEqual(gpu.tolerations());
    expect(pod.nodeSelector).toEqual(gpu.nodeSelector());
  });

  test('every container runs restricted with requests and limits', () => {
    const chart = testChart();
    new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, pool: cpu, container: { image } });
    const pod = byKindName(synth(chart), 'TFJob', 'job').spec.tfReplicaSpecs.Worker.template.spec;
    const c = pod.containers[0];
    expect(c.securityContext).toMatchObject({ runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, seccompProfile: { type: 'RuntimeDefault' } });
    expect(Object.keys(c.resources.requests).sort()).toEqual(['cpu', 'memory']);
    expect(Object.keys(c.resources.limits).sort()).toEqual(['cpu', 'memory']);
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });

  test('fails when workers is zero', () => {
    const chart = testChart();
    expect(() => new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, pool: cpu, workers: 0, container: { image } }))
      .toThrow(/TensorFlowTrainingJob 'test\/job': prop 'workers' is 0; use an integer >= 1/);
  });

  test('fails when a GPU is requested on a pool without GPUs', () => {
    const chart = testChart();
    expect(() => new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, pool: cpu, container: { image, gpus: 1 } }))
      .toThrow(/'test\/job': prop 'gpus' is 1; pool 'cpu' has no GPUs/);
  });

  test('fails when more GPUs are asked than a node of the pool has', () => {
    const chart = testChart();
    expect(() => new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, pool: gpu, container: { image, gpus: 3 } }))
      .toThrow(/prop 'gpus' is 3; pool 'l4' has 2 GPUs per node/);
  });

  test('fails on a name the operator cannot turn into Services', () => {
    const chart = testChart();
    expect(() => new TensorFlowTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, name: '1job', pool: cpu, container: { image } }))
      .toThrow(/prop 'name' is '1job'; .*RFC 1035/);
  });
});
