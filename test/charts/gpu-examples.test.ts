import { Size } from 'cdk8s';
import { exampleGpuPools, examplePools, localExamplePools } from '../../charts';
import { GpuExamples, gpuExamplePoolsOf } from '../../charts/gpu-examples';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { CapacityReservation, GpuAllocation, GpuSharing, Interconnect } from '../../constructs/cluster/gpu-features';
import { NodePool } from '../../constructs/cluster/node-pool';
import { PlatformApp } from '../../constructs/app/platform-app';
import { KUEUE_QUEUE_LABEL } from '../../constructs/core/scheduling';
import { byKindName, Manifest, ofKind } from '../helpers';
import { formatViolations, validateObjects } from '../validation/validator';

function synthGpuExamples(pools = gpuExamplePoolsOf(localExamplePools())): Manifest[] {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  new GpuExamples(app, 'gpu-examples', { pools });
  return app.synthManifests().find((m) => m.name === 'gpu-examples')!.objects;
}

/** The worker pod template of a TrainJob's TrainingRuntime (same name as the job). */
const workerPod = (objects: Manifest[], name: string): Manifest => byKindName(objects, 'TrainingRuntime', name).spec.template.spec.replicatedJobs
  .find((r: Manifest) => r.name === 'node').template.spec.template;

describe('gpuExamplePoolsOf: the first pool of each GPU feature, each pool used once', () => {
  test('the local defaults give all four; the example charts\' own pools none', () => {
    expect(Object.fromEntries(Object.entries(gpuExamplePoolsOf(localExamplePools())).map(([k, p]) => [k, p!.name]))).toEqual({ dra: 'l4-dra', shared: 'a100-mig', multiNode: 'h100-efa', reserved: 'h100-block' });
    expect(gpuExamplePoolsOf(Object.values(examplePools))).toEqual({});
  });

  test('a reserved multi-node pool is the multi-node example\'s; a one-node interconnect pool is not multi-node', () => {
    const reservedEfa = NodePool.gpu({ name: 'h100-block', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, maxSize: 2, interconnect: Interconnect.efa(), reservation: CapacityReservation.ec2CapacityBlock('cr-0123456789abcdef0') });
    expect(gpuExamplePoolsOf([reservedEfa])).toEqual({ multiNode: reservedEfa });
    const single = NodePool.gpu({ name: 'one', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, maxSize: 1, interconnect: Interconnect.efa() });
    expect(gpuExamplePoolsOf([single])).toEqual({});
  });
});

describe('GpuExamples on the local defaults', () => {
  const objects = synthGpuExamples();

  test('one ClusterQueue books each pool through its own cohort, DRA GPUs under their DeviceClass mapping', () => {
    const [group] = byKindName(objects, 'ClusterQueue', 'gpu-examples').spec.resourceGroups;
    expect(group.flavors.map((f: Manifest) => f.name).sort()).toEqual(['a100-mig', 'h100-block', 'h100-efa', 'l4-dra']);
    const gpus = (flavor: string) => Object.fromEntries(group.flavors.find((f: Manifest) => f.name === flavor).resources.filter((r: Manifest) => r.name.includes('gpu')).map((r: Manifest) => [r.name, r.nominalQuota]));
    expect(gpus('l4-dra')).toEqual({ 'nvidia.com/gpu': '0', 'dra.mlpatterns.dev/gpu.nvidia.com': '2' });
    expect(gpus('a100-mig')).toEqual({ 'nvidia.com/gpu': '16', 'dra.mlpatterns.dev/gpu.nvidia.com': '0' });
    expect(gpus('h100-efa')).toEqual({ 'nvidia.com/gpu': '32', 'dra.mlpatterns.dev/gpu.nvidia.com': '0' });
    expect(byKindName(objects, 'ResourceFlavor', 'h100-efa').spec.topologyName).toBeDefined();
  });

  test('every job is a Kueue-queued TrainJob in the chart\'s LocalQueue, in a restricted namespace with per-job network policies (not a team\'s)', () => {
    const jobs = ofKind(objects, 'TrainJob');
    expect(jobs.map((j) => j.metadata.name).sort()).toEqual(['dra-ddp', 'multi-node-ddp', 'reserved-ddp', 'shared-gpu-ddp']);
    for (const j of jobs) expect(j.metadata.labels[KUEUE_QUEUE_LABEL]).toBe('gpu');
    expect(byKindName(objects, 'Namespace', 'gpu-examples').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name)).not.toContain('allow-team-workloads');
  });

  test('DRA: each worker claims one GPU from the pool\'s ResourceClaimTemplate, no nvidia.com/gpu', () => {
    const pod = workerPod(objects, 'dra-ddp');
    expect(pod.spec.resourceClaims).toEqual([{ name: 'gpus', resourceClaimTemplateName: 'l4-dra-gpus-1' }]);
    expect(pod.spec.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(byKindName(objects, 'ResourceClaimTemplate', 'l4-dra-gpus-1').spec.spec.devices.requests[0].exactly).toMatchObject({ deviceClassName: 'gpu.nvidia.com', count: 1 });
  });

  test('DRA serving: a KServe predictor claims one GPU from the same template, on a node the team\'s quota leaves to it', () => {
    const predictor = byKindName(objects, 'InferenceService', 'dra-serving').spec.predictor;
    expect(predictor.resourceClaims).toEqual([{ name: 'gpus', resourceClaimTemplateName: 'l4-dra-gpus-1' }]);
    expect(predictor.model.resources.claims).toEqual([{ name: 'gpus' }]);
    expect(predictor.model.resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(predictor.nodeSelector).toEqual({ 'mlpatterns.dev/node-pool': 'l4-dra' });
    expect(ofKind(objects, 'ResourceClaimTemplate')).toHaveLength(1);
    // 3 nodes: 2 booked by Kueue for the training job, 1 for the server.
    const [group] = byKindName(objects, 'ClusterQueue', 'gpu-examples').spec.resourceGroups;
    expect(group.flavors.find((f: Manifest) => f.name === 'l4-dra').resources.find((r: Manifest) => r.name === 'dra.mlpatterns.dev/gpu.nvidia.com').nominalQuota).toBe('2');
  });

  test('a DRA pool of two nodes only trains: no server', () => {
    const two = NodePool.gpu({ name: 'l4-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 2, allocation: GpuAllocation.dra() });
    expect(ofKind(synthGpuExamples({ dra: two }), 'InferenceService')).toEqual([]);
  });

  test('shared: four workers of one MIG slice each', () => {
    const job = byKindName(objects, 'TrainJob', 'shared-gpu-ddp');
    expect(job.spec.trainer.numNodes).toBe(4);
    expect(workerPod(objects, 'shared-gpu-ddp').spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  });

  test('multi-node: two whole p5 nodes, all their EFA interfaces, the gang required in one lowest network domain', () => {
    const pod = workerPod(objects, 'multi-node-ddp');
    expect(pod.metadata.annotations['kueue.x-k8s.io/podset-required-topology']).toBe('topology.k8s.aws/network-node-layer-3');
    expect(pod.spec.containers[0].resources.limits).toMatchObject({ 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    expect(byKindName(objects, 'TrainJob', 'multi-node-ddp').spec.trainer.numNodes).toBe(2);
  });

  test('reserved: two whole nodes of the Capacity Block pool', () => {
    expect(workerPod(objects, 'reserved-ddp').spec.nodeSelector).toEqual({ 'mlpatterns.dev/node-pool': 'h100-block' });
    expect(workerPod(objects, 'reserved-ddp').spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(8);
  });

  test('valid against the Trainer v2, Kueue and Kubernetes schemas', () => {
    expect(formatViolations(validateObjects('gpu-examples', objects))).toBe('');
  });
});

test('only the examples of the pools given are built; none given is an error naming the prop', () => {
  const objects = synthGpuExamples({ shared: exampleGpuPools.shared });
  expect(ofKind(objects, 'TrainJob').map((j) => j.metadata.name)).toEqual(['shared-gpu-ddp']);
  expect(() => synthGpuExamples({})).toThrow(/gpu-examples.*pools.*give at least one GPU pool/);
});

test('a time-sliced pool is a shared pool too', () => {
  const sliced = NodePool.gpu({ name: 'l4-sliced', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 1, sharing: GpuSharing.timeSlicing(4) });
  const dra = NodePool.gpu({ name: 'l4-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 2, allocation: GpuAllocation.dra(), disks: { root: Size.gibibytes(100) } });
  expect(gpuExamplePoolsOf([sliced, dra])).toEqual({ dra, shared: sliced });
});
