import { ApiObject, Duration, JsonPatch, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { KUEUE_PRIORITY_LABEL, KUEUE_QUEUE_LABEL, SchedulingRefs } from '../../../constructs/core/scheduling';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { AllReduceTrainingJob, AllReduceTrainingJobProps, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { RendezvousBackend } from '../../../constructs/training/elastic-policy';
import { GangScheduling } from '../../../constructs/training/gang-scheduling';
import { CleanPodPolicy, ReplicaRestartPolicy, SuccessPolicy } from '../../../constructs/training/policies';
import { EmbeddedManifests } from '../../../constructs/workflow/embedded-manifests';
import { byKindName, Manifest, synth, testChart } from '../../helpers';

const image = ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime');
const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'h100', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8 });
const command = ['python', 'train.py'];

function build(props: Partial<AllReduceTrainingJobProps> & Pick<AllReduceTrainingJobProps, 'framework'>, namespace?: string) {
  const chart = testChart(namespace);
  const job = new AllReduceTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, command, ...props });
  return { chart, job, objects: synth(chart) };
}

describe('AllReduceTrainingJob', () => {
  describe('TensorFlow (MultiWorkerMirroredStrategy)', () => {
    test('v1 output: a TFJob of two workers', () => {
      const { job, objects } = build({ framework: CollectiveFramework.TENSORFLOW });
      const tfjob = byKindName(objects, 'TFJob', 'job');
      expect(ApiObject.of(job).kind).toBe('TFJob');
      expect(tfjob).toMatchSnapshot();
      expect(Object.keys(tfjob.spec.tfReplicaSpecs)).toEqual(['Worker']);
      expect(tfjob.spec.tfReplicaSpecs.Worker.replicas).toBe(2);
      expect(tfjob.spec.tfReplicaSpecs.Worker.template.spec.containers[0].name).toBe('tensorflow');
      expect(job.processesPerWorker).toBe(1);
      expect(job.successCondition).toBe('status.completionTime,status.replicaStatuses.Worker.succeeded > 0');
      expect(job.failureCondition).toBe('status.replicaStatuses.Worker.failed > 0');
    });

    test('success policy AllWorkers reaches the spec and the success condition', () => {
      const { job, objects } = build({ framework: CollectiveFramework.TENSORFLOW, workers: 3, successPolicy: SuccessPolicy.ALL_WORKERS });
      expect(byKindName(objects, 'TFJob', 'job').spec.successPolicy).toBe('AllWorkers');
      expect(job.successCondition).toBe('status.completionTime,status.replicaStatuses.Worker.succeeded = 3');
    });
  });

  describe('PyTorch (DDP via torchrun)', () => {
    test('v1 output: Master + Worker, nprocPerNode a string', () => {
      const { job, objects } = build({ framework: CollectiveFramework.PYTORCH });
      const pt = byKindName(objects, 'PyTorchJob', 'job');
      expect(ApiObject.of(job).kind).toBe('PyTorchJob');
      expect(pt).toMatchSnapshot();
      expect(pt.spec.pytorchReplicaSpecs.Master.replicas).toBe(1);
      expect(pt.spec.pytorchReplicaSpecs.Worker.replicas).toBe(1);
      expect(pt.spec.nprocPerNode).toBe('1');
      expect(pt.spec.pytorchReplicaSpecs.Master.template.spec.containers[0].name).toBe('pytorch');
      expect(job.successCondition).toBe('status.replicaStatuses.Master.succeeded = 1');
      expect(job.failureCondition).toBe('status.replicaStatuses.Master.failed > 0');
    });

    test('one node is a Master alone', () => {
      const { objects } = build({ framework: CollectiveFramework.PYTORCH, workers: 1 });
      expect(Object.keys(byKindName(objects, 'PyTorchJob', 'job').spec.pytorchReplicaSpecs)).toEqual(['Master']);
    });

    test('GPU pool: nprocPerNode, GPU requests = limits and /dev/shm follow the pool\'s GPUs per node', () => {
      const { job, objects } = build({ framework: CollectiveFramework.PYTORCH, pool: gpu, workers: 4, resources: { cpu: Cpu.units(32), memory: Size.gibibytes(512) } });
      const pt = byKindName(objects, 'PyTorchJob', 'job');
      expect(job.gpusPerWorker).toBe(8);
      expect(pt.spec.nprocPerNode).toBe('8');
      expect(pt.spec.pytorchReplicaSpecs.Worker.replicas).toBe(3);
      for (const r of Object.values<Manifest>(pt.spec.pytorchReplicaSpecs)) {
        const spec = r.template.spec;
        expect(spec.containers[0].resources.requests['nvidia.com/gpu']).toBe(8);
        expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(8);
        expect(spec.tolerations).toEqual(gpu.tolerations());
        expect(spec.nodeSelector).toEqual(gpu.nodeSelector());
        expect(spec.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '256Gi' } });
        expect(spec.containers[0].volumeMounts).toContainEqual({ name: 'dshm', mountPath: '/dev/shm' });
      }
    });

    test('an explicit sharedMemory and fewer GPUs per worker', () => {
      const { objects } = build({ framework: CollectiveFramework.PYTORCH, pool: gpu, gpusPerWorker: 2, sharedMemory: Size.mebibytes(512) });
      const pt = byKindName(objects, 'PyTorchJob', 'job');
      expect(pt.spec.nprocPerNode).toBe('2');
      expect(pt.spec.pytorchReplicaSpecs.Master.template.spec.volumes).toContainEqual({ name: 'dshm', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } });
    });

    test('CPU pool: no tolerations, no GPUs, no /dev/shm', () => {
      const spec = byKindName(build({ framework: CollectiveFramework.PYTORCH }).objects, 'PyTorchJob', 'job').spec.pytorchReplicaSpecs.Master.template.spec;
      expect(spec.tolerations).toBeUndefined();
      expect(spec.volumes).toBeUndefined();
      expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    });

    test('elastic: Workers only, elasticPolicy with rendezvous, restarts and HPA metrics; gang minimum is minReplicas', () => {
      const { job, objects } = build({
        framework: CollectiveFramework.PYTORCH,
        workers: 3,
        restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
        elastic: {
          minReplicas: 2,
          maxReplicas: 6,
          rendezvousBackend: RendezvousBackend.ETCD,
          maxRestarts: 20,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
        scheduling: GangScheduling.volcano(),
      });
      const spec = byKindName(objects, 'PyTorchJob', 'job').spec;
      expect(Object.keys(spec.pytorchReplicaSpecs)).toEqual(['Worker']);
      expect(spec.pytorchReplicaSpecs.Worker).toMatchObject({ replicas: 3, restartPolicy: 'OnFailure' });
      expect(spec.elasticPolicy).toEqual({
        minReplicas: 2,
        maxReplicas: 6,
        rdzvBackend: 'etcd',
        maxRestarts: 20,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      });
      expect(spec.runPolicy.schedulingPolicy.minAvailable).toBe(2);
      expect(job.minAvailable).toBe(2);
      expect(job.successCondition).toBe('status.replicaStatuses.Worker.succeeded > 0');
    });

    test('elastic defaults: c10d rendezvous, 3 restarts, no metrics', () => {
      const { objects } = build({ framework: CollectiveFramework.PYTORCH, elastic: { minReplicas: 1, maxReplicas: 2 } });
      expect(byKindName(objects, 'PyTorchJob', 'job').spec.elasticPolicy).toEqual({ minReplicas: 1, maxReplicas: 2, rdzvBackend: 'c10d', maxRestarts: 3 });
    });
  });

  describe('MPI (Horovod)', () => {
    test('v1 output: Launcher running mpirun over every slot, Workers with the program image', () => {
      const { job, objects } = build({ framework: CollectiveFramework.MPI_HOROVOD, workers: 3 });
      const mpi = byKindName(objects, 'MPIJob', 'job');
      expect(ApiObject.of(job).kind).toBe('MPIJob');
      expect(mpi).toMatchSnapshot();
      expect(mpi.spec.slotsPerWorker).toBe(1);
      expect(mpi.spec.mpiReplicaSpecs.Launcher.replicas).toBe(1);
      expect(mpi.spec.mpiReplicaSpecs.Worker.replicas).toBe(3);
      const launcher = mpi.spec.mpiReplicaSpecs.Launcher.template.spec;
      expect(launcher.containers[0].command.slice(0, 3)).toEqual(['mpirun', '-np', '3']);
      expect(launcher.containers[0].command.slice(-2)).toEqual(command);
      expect(launcher.containers[0].name).toBe('mpi');
      expect(launcher.automountServiceAccountToken).toBe(true);
      expect(mpi.spec.mpiReplicaSpecs.Worker.template.spec.automountServiceAccountToken).toBe(false);
      expect(job.minAvailable).toBe(4);
      expect(job.successCondition).toBe('status.replicaStatuses.Launcher.succeeded = 1');
      expect(job.failureCondition).toBe('status.replicaStatuses.Launcher.failed > 0');
    });

    test('GPU pool: slotsPerWorker equals GPUs per worker; the launcher gets no GPU', () => {
      const { objects } = build({ framework: CollectiveFramework.MPI_HOROVOD, pool: gpu, workers: 2, gpusPerWorker: 4, resources: { cpu: Cpu.units(8), memory: Size.gibibytes(64) } });
      const mpi = byKindName(objects, 'MPIJob', 'job');
      expect(mpi.spec.slotsPerWorker).toBe(4);
      expect(mpi.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].command.slice(0, 3)).toEqual(['mpirun', '-np', '8']);
      expect(mpi.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
      expect(mpi.spec.mpiReplicaSpecs.Worker.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(4);
    });

    test('a custom launcher command and resources', () => {
      const { objects } = build({
        framework: CollectiveFramework.MPI_HOROVOD,
        launcher: { command: ['horovodrun', '-np', '2'], args: ['python', 'train.py'], resources: { cpu: Cpu.millis(250), memory: Size.mebibytes(512) } },
      });
      const c = byKindName(objects, 'MPIJob', 'job').spec.mpiReplicaSpecs.Launcher.template.spec.containers[0];
      expect(c.command).toEqual(['horovodrun', '-np', '2']);
      expect(c.args).toEqual(['python', 'train.py']);
      expect(c.resources.limits).toEqual({ cpu: '250m', memory: '512Mi' });
    });
  });

  describe('Trainer v2 output', () => {
    test('default output: a TrainJob on its own TrainingRuntime (torch), numNodes and numProcPerNode from workers and GPUs', () => {
      const { chart, job, objects } = build({ framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2, pool: gpu, gpusPerWorker: 4, workers: 3, resources: { memory: Size.gibibytes(64) } });
      const trainJob = byKindName(objects, 'TrainJob', 'job');
      const runtime = byKindName(objects, 'TrainingRuntime', 'job');
      expect(ApiObject.of(job).kind).toBe('TrainJob');
      expect(job.runtime?.kind).toBe('TrainingRuntime');
      expect([trainJob, runtime]).toMatchSnapshot();
      expect(trainJob.spec.runtimeRef).toEqual({ apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: 'job' });
      expect(trainJob.spec.trainer).toEqual({ numNodes: 3, numProcPerNode: 4 });
      expect(runtime.spec.mlPolicy).toEqual({ numNodes: 3, torch: {} });
      const rj = runtime.spec.template.spec.replicatedJobs[0];
      expect(rj.name).toBe('node');
      expect(rj.template.metadata.labels).toEqual({ 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' });
      const pod = rj.template.spec.template.spec;
      expect(pod.containers[0].name).toBe('node');
      expect(pod.restartPolicy).toBe('Never');
      expect(pod.tolerations).toEqual(gpu.tolerations());
      expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(4);
      // the runtime is applied before the job that refers to it
      expect(objects.findIndex((o) => o.kind === 'TrainingRuntime')).toBeLessThan(objects.findIndex((o) => o.kind === 'TrainJob'));
      expect(chart.node.findAll().includes(job.runtime!)).toBe(true);
      // Trainer v2.3.0 copies the JobSet's terminal condition; never suspended, it is the first one
      expect(job.successCondition).toBe('status.conditions.0.type = Complete,status.conditions.0.status = True');
      expect(job.failureCondition).toBe('status.conditions.0.type = Failed');
    });

    test('fault tolerance and gang scheduling map to their v2 fields', () => {
      const { objects } = build({
        framework: CollectiveFramework.PYTORCH,
        output: TrainingApi.TRAINER_V2,
        restartPolicy: ReplicaRestartPolicy.ON_FAILURE,
        backoffLimit: 2,
        activeDeadline: Duration.hours(3),
        ttlAfterFinished: Duration.hours(1),
        scheduling: GangScheduling.coscheduling({ scheduleTimeout: Duration.seconds(90) }),
      });
      const runtime = byKindName(objects, 'TrainingRuntime', 'job');
      expect(runtime.spec.template.spec.failurePolicy).toEqual({ maxRestarts: 2 });
      expect(runtime.spec.template.spec.ttlSecondsAfterFinished).toBe(3600);
      expect(runtime.spec.podGroupPolicy).toEqual({ coscheduling: { scheduleTimeoutSeconds: 90 } });
      expect(runtime.spec.template.spec.replicatedJobs[0].template.spec.template.spec.restartPolicy).toBe('OnFailure');
      expect(byKindName(objects, 'TrainJob', 'job').spec.activeDeadlineSeconds).toBe(10800);
    });

    test('Volcano on v2: podGroupPolicy volcano and the queue annotation on the TrainJob', () => {
      const { objects } = build({ framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2, scheduling: GangScheduling.volcano({ queue: SchedulingRefs.volcanoQueue('q1') }) });
      expect(byKindName(objects, 'TrainingRuntime', 'job').spec.podGroupPolicy).toEqual({ volcano: {} });
      expect(byKindName(objects, 'TrainJob', 'job').metadata.annotations).toEqual({ 'scheduling.volcano.sh/queue-name': 'q1' });
    });
  });

  describe('gang scheduling', () => {
    test.each([
      [CollectiveFramework.TENSORFLOW, 3, 3],
      [CollectiveFramework.PYTORCH, 3, 3],
      [CollectiveFramework.MPI_HOROVOD, 3, 4],
    ])('%s with %i workers: coscheduling minAvailable %i, scheduler-plugins scheduler on every pod', (framework, workers, min) => {
      const { objects } = build({ framework, workers, scheduling: GangScheduling.coscheduling() });
      const job = objects.find((o) => o.metadata.name === 'job')!;
      expect(job.spec.runPolicy.schedulingPolicy).toEqual({ minAvailable: min });
      const specs = job.spec.tfReplicaSpecs ?? job.spec.pytorchReplicaSpecs ?? job.spec.mpiReplicaSpecs;
      expect(Object.values<Manifest>(specs).reduce((n, r) => n + r.replicas, 0)).toBe(min);
      for (const r of Object.values<Manifest>(specs)) expect(r.template.spec.schedulerName).toBe('scheduler-plugins-scheduler');
    });

    test('Kueue: queue and priority labels from objects, job created suspended, default scheduler, no schedulingPolicy', () => {
      const queue = SchedulingRefs.localQueue('team-a', 'ml');
      const { objects } = build({ framework: CollectiveFramework.PYTORCH, scheduling: GangScheduling.kueue({ queue, priorityClass: SchedulingRefs.workloadPriorityClass('urgent', 10) }) }, 'ml');
      const pt = byKindName(objects, 'PyTorchJob', 'job');
      expect(pt.metadata.labels).toEqual({ [KUEUE_QUEUE_LABEL]: 'team-a', [KUEUE_PRIORITY_LABEL]: 'urgent' });
      expect(pt.spec.runPolicy).toEqual({ cleanPodPolicy: 'None', suspend: true });
      expect(pt.spec.pytorchReplicaSpecs.Master.template.spec.schedulerName).toBeUndefined();
    });

    test('without scheduling: no schedulingPolicy, no schedulerName, not suspended', () => {
      const pt = byKindName(build({ framework: CollectiveFramework.PYTORCH }).objects, 'PyTorchJob', 'job');
      expect(pt.spec.runPolicy).toEqual({ cleanPodPolicy: 'None' });
      expect(pt.metadata.labels).toBeUndefined();
      expect(pt.spec.pytorchReplicaSpecs.Master.template.spec.schedulerName).toBeUndefined();
    });
  });

  test('fault tolerance and checkpoints apply to every framework', () => {
    for (const framework of Object.values(CollectiveFramework).filter((f) => f !== CollectiveFramework.JAX)) {
      const chart = testChart();
      const ckpt = new SharedVolume(chart, 'ckpt');
      new AllReduceTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1,
        framework, image, pool: cpu, command,
        restartPolicy: ReplicaRestartPolicy.ON_FAILURE, backoffLimit: 1, cleanPodPolicy: CleanPodPolicy.RUNNING,
        activeDeadline: Duration.minutes(10), ttlAfterFinished: Duration.minutes(5), checkpoint: { volume: ckpt },
      });
      const job = synth(chart).find((o) => o.metadata.name === 'job')!;
      expect(job.spec.runPolicy).toEqual({ cleanPodPolicy: 'Running', backoffLimit: 1, activeDeadlineSeconds: 600, ttlSecondsAfterFinished: 300 });
      const specs = job.spec.tfReplicaSpecs ?? job.spec.pytorchReplicaSpecs ?? job.spec.mpiReplicaSpecs;
      for (const r of Object.values<Manifest>(specs)) {
        expect(r.restartPolicy).toBe('OnFailure');
        expect(r.template.spec.containers[0].volumeMounts).toEqual([{ name: 'ckpt', mountPath: '/checkpoints' }]);
        expect(r.template.spec.containers[0].env).toContainEqual({ name: 'CHECKPOINT_DIR', value: '/checkpoints' });
      }
    }
  });

  test('escape hatch: a JSON patch on the default child reaches the synthesized job', () => {
    const chart = testChart();
    const job = new AllReduceTrainingJob(chart, 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, framework: CollectiveFramework.PYTORCH, image, pool: cpu, command });
    // e.g. a field the construct does not type yet: the operator's managedBy hand-off to MultiKueue
    ApiObject.of(job).addJsonPatch(JsonPatch.add('/spec/runPolicy/managedBy', 'kueue.x-k8s.io/multikueue'));
    expect(byKindName(synth(chart), 'PyTorchJob', 'job').spec.runPolicy.managedBy).toBe('kueue.x-k8s.io/multikueue');
  });

  describe('validation', () => {
    const chart = () => testChart('ml');
    const make = (props: Partial<AllReduceTrainingJobProps>) => () => new AllReduceTrainingJob(chart(), 'job', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: cpu, command, framework: CollectiveFramework.PYTORCH, ...props });

    test('fails when workers is zero', () => {
      expect(make({ workers: 0 })).toThrow(/AllReduceTrainingJob 'test\/job': prop 'workers' is 0; use an integer >= 1/);
    });
    test('fails when gpusPerWorker exceeds the pool', () => {
      expect(make({ pool: gpu, gpusPerWorker: 16 })).toThrow(/prop 'gpusPerWorker' is 16; pool 'h100' has 8 GPUs per node/);
    });
    test('fails when gpusPerWorker is asked on a CPU pool', () => {
      expect(make({ gpusPerWorker: 1 })).toThrow(/prop 'gpusPerWorker' is 1; pool 'cpu' has no GPUs/);
    });
    test('fails when nprocPerNode exceeds the GPUs; fewer processes than GPUs is fine', () => {
      expect(make({ pool: gpu, gpusPerWorker: 4, nprocPerNode: 8 })).toThrow(/prop 'nprocPerNode' is 8; it exceeds gpusPerWorker 4: two processes would share a GPU/);
      expect(make({ pool: gpu, nprocPerNode: 4 })).not.toThrow();
    });
    test('fails when MPI slotsPerWorker is inconsistent with the GPUs', () => {
      expect(make({ framework: CollectiveFramework.MPI_HOROVOD, pool: gpu, gpusPerWorker: 2, slotsPerWorker: 4 }))
        .toThrow(/prop 'slotsPerWorker' is 4; it exceeds gpusPerWorker 2/);
    });
    test('fails when slotsPerWorker is not a positive integer', () => {
      expect(make({ framework: CollectiveFramework.MPI_HOROVOD, slotsPerWorker: 0 })).toThrow(/prop 'slotsPerWorker' is 0; use an integer >= 1/);
    });
    test('fails when elastic min exceeds max', () => {
      expect(make({ elastic: { minReplicas: 4, maxReplicas: 2 } })).toThrow(/prop 'elastic.minReplicas' is 4; it exceeds elastic.maxReplicas 2/);
    });
    test('fails when elastic workers start outside min..max', () => {
      expect(make({ workers: 5, elastic: { minReplicas: 1, maxReplicas: 3 } })).toThrow(/prop 'workers' is 5; elastic workers start within .* use a value from 1 to 3/);
    });
    test('fails when elastic maxRestarts is negative', () => {
      expect(make({ elastic: { minReplicas: 1, maxReplicas: 3, maxRestarts: -1 } })).toThrow(/prop 'elastic.maxRestarts' is -1/);
    });
    test.each([CollectiveFramework.TENSORFLOW, CollectiveFramework.MPI_HOROVOD])('fails when elastic is given for %s', (framework) => {
      expect(make({ framework, elastic: { minReplicas: 1, maxReplicas: 3 } })).toThrow(new RegExp(`prop 'elastic' is '1..3'; framework ${framework} has no elastic policy`));
    });
    test('fails when nprocPerNode is given for MPI', () => {
      expect(make({ framework: CollectiveFramework.MPI_HOROVOD, nprocPerNode: 2 })).toThrow(/prop 'nprocPerNode' is 2; it applies to PyTorch only.*use slotsPerWorker/);
    });
    test('fails when slotsPerWorker is given for PyTorch', () => {
      expect(make({ slotsPerWorker: 2 })).toThrow(/prop 'slotsPerWorker' is 2; it applies to MPI only, framework is PyTorch/);
    });
    test('fails when a launcher is given for TensorFlow', () => {
      expect(make({ framework: CollectiveFramework.TENSORFLOW, launcher: {} })).toThrow(/prop 'launcher' is 'set'; it applies to MPI only/);
    });
    test('fails when successPolicy is given for PyTorch', () => {
      expect(make({ successPolicy: SuccessPolicy.ALL_WORKERS })).toThrow(/prop 'successPolicy' is 'AllWorkers'; it applies to TensorFlow only/);
    });
    test('fails when an MPI job has no command for mpirun', () => {
      expect(make({ framework: CollectiveFramework.MPI_HOROVOD, command: undefined })).toThrow(/prop 'command' is undefined; an MPI job needs the program/);
    });
    test('fails when JAX is asked for the training-operator v1 (no v1 kind here)', () => {
      expect(make({ framework: CollectiveFramework.JAX })).toThrow(/AllReduceTrainingJob 'test\/job': prop 'framework' is 'JAX'; JAX runs on Kubeflow Trainer v2 only/);
    });
    test('fails when Trainer v2 output is elastic (v2.3.0 has no elastic policy)', () => {
      expect(make({ output: TrainingApi.TRAINER_V2, elastic: { minReplicas: 1, maxReplicas: 2 } })).toThrow(/prop 'elastic' is '1..2'; Trainer v2.3.0 has no elastic policy \(mlPolicy.torch has only envInjection/);
    });
    test('fails when Trainer v2 output gets a clean-pod policy', () => {
      expect(make({ output: TrainingApi.TRAINER_V2, cleanPodPolicy: CleanPodPolicy.ALL })).toThrow(/prop 'cleanPodPolicy' is 'All'; Trainer v2 has no clean-pod policy/);
    });
    test('fails when Trainer v2 output gets restart policy Always', () => {
      expect(make({ output: TrainingApi.TRAINER_V2, restartPolicy: ReplicaRestartPolicy.ALWAYS })).toThrow(/prop 'restartPolicy' is 'Always'; Trainer v2 runs nodes as Jobs/);
    });
    test('fails when backoffLimit is set with a restart policy the operator does not count', () => {
      expect(make({ backoffLimit: 3 })).toThrow(/prop 'backoffLimit' is 3; restartPolicy is 'ExitCode'/);
    });
    test('fails when the Kueue LocalQueue is in another namespace', () => {
      expect(make({ scheduling: GangScheduling.kueue({ queue: SchedulingRefs.localQueue('q', 'other') }) }))
        .toThrow(/prop 'scheduling' is 'kueue:other\/q'; the LocalQueue is in namespace 'other' but the job is in 'ml'/);
    });
    test('fails when sharedMemory does not fit in the memory limit', () => {
      expect(make({ pool: gpu, sharedMemory: Size.gibibytes(2) })).toThrow(/prop 'sharedMemory' is '2048Mi'; it counts against the memory limit/);
    });
    test('fails when activeDeadline is below one second', () => {
      expect(make({ activeDeadline: Duration.millis(10) })).toThrow(/prop 'activeDeadline' is '0.01s'; use a whole number of seconds >= 1/);
    });
    test('a Trainer v2 job may be embedded in workflow step manifests (the step applies its runtime too: test/constructs/workflow/composition.test.ts)', () => {
      const embedded = new EmbeddedManifests(chart(), 'steps');
      expect(() => new AllReduceTrainingJob(embedded, 'job', { image, pool: cpu, command, framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2 })).not.toThrow();
    });
    test('fails on a name the operator cannot turn into Services', () => {
      expect(make({ name: 'ddp.job' })).toThrow(/prop 'name' is 'ddp.job'; .*RFC 1035/);
    });
  });
});
