import { ApiObject, Cron } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { GpuAllocation } from '../../../constructs/cluster/gpu-features';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { ShardedIngestionJob } from '../../../constructs/ingestion/sharded-job';
import { EventDrivenModelService } from '../../../constructs/serving/event-driven-service';
import { ReplicatedModelService } from '../../../constructs/serving/replicated-service';
import { ScaleTrigger } from '../../../constructs/serving/scale-trigger';
import { ShardedModelService } from '../../../constructs/serving/sharded-service';
import { Manifest, synth, testChart } from '../../helpers';
import { formatViolations, validateObjects } from '../../validation/validator';

// The cdk8s-plus-27-typed workloads (serving and ingestion) on a DRA pool: their pods claim GPUs from
// the pool's ResourceClaimTemplate exactly as training jobs do, with nothing changed at the call site.

const dra = NodePool.gpu({ name: 'l4-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2, allocation: GpuAllocation.dra() });
const plugin = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2 });
const container = { image: ContainerImage.of('tensorflow/serving:2.6.2-gpu'), gpus: 1 };
const trigger = ScaleTrigger.redisListLength({ address: 'redis.queue.svc:6379', listName: 'requests', listLength: 5 });

/** Every workload kind, built on `pool`; their objects by kind/name. */
function build(pool: NodePool): Manifest[] {
  const chart = testChart('ml');
  new ReplicatedModelService(chart, 'replicated', { container, pool });
  new EventDrivenModelService(chart, 'events', { container, pool, trigger });
  new ShardedModelService(chart, 'shards', { container, pool, shards: 2 });
  new BatchProcessingJob(chart, 'batch', { container, pool });
  new BatchProcessingJob(chart, 'nightly', { container, pool, schedule: Cron.daily() });
  new ShardedIngestionJob(chart, 'prep', { container, pool, output: new SharedVolume(chart, 'out'), shards: 2 });
  return synth(chart);
}

/** The pod spec of each workload object. */
const podSpecs = (objects: Manifest[]) => objects.filter((o) => ['Deployment', 'StatefulSet', 'Job', 'CronJob'].includes(o.kind)).map((o) => ({
  id: `${o.kind}/${o.metadata.name}`, spec: (o.kind === 'CronJob' ? o.spec.jobTemplate.spec : o.spec).template.spec,
}));

describe('typed workloads on a DRA pool', () => {
  const objects = build(dra);

  test('every pod claims one GPU from the pool\'s template; no nvidia.com/gpu', () => {
    // The sharded service's router asks for no GPU: no claim.
    const router = podSpecs(objects).find((s) => s.id === 'Deployment/shards-router')!;
    expect(router.spec.resourceClaims).toBeUndefined();
    const specs = podSpecs(objects).filter((s) => s.id !== router.id);
    expect(specs.map((s) => s.id).sort()).toEqual(['CronJob/nightly', 'Deployment/events', 'Deployment/replicated', 'Job/batch', 'Job/prep', 'StatefulSet/shards']);
    for (const { id, spec } of specs) {
      expect([id, spec.resourceClaims]).toEqual([id, [{ name: 'gpus', resourceClaimTemplateName: 'l4-dra-gpus-1' }]]);
      expect([id, spec.containers[0].resources.claims]).toEqual([id, [{ name: 'gpus' }]]);
      expect(spec.containers[0].resources.limits?.['nvidia.com/gpu']).toBeUndefined();
    }
    expect(objects.filter((o) => o.kind === 'ResourceClaimTemplate').map((o) => o.metadata.name)).toEqual(['l4-dra-gpus-1']);
  });

  test('the objects are what Kubernetes 1.36 accepts', () => {
    expect(formatViolations(validateObjects('ml.k8s.yaml', objects))).toBe('');
  });
});

test('on a device-plugin pool nothing changes: nvidia.com/gpu, no claim, the typed classes', () => {
  const chart = testChart('ml');
  const svc = new ReplicatedModelService(chart, 'replicated', { container, pool: plugin });
  expect(ApiObject.of(svc).constructor.name).toBe('KubeDeployment');
  for (const { spec } of podSpecs(synth(chart))) {
    expect(spec.resourceClaims).toBeUndefined();
    expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
  }
});

test('a pod rendered without a pod-level claim (a workflow step, a cache fill) is refused on a DRA pool, naming where DRA GPUs do go', () => {
  expect(() => dra.gpuResources(1, { scope: 'wf/step', prop: 'gpus' })).toThrow(/'wf\/step': prop 'gpus' is 1; pool 'l4-dra' allocates GPUs through DRA \(dra\(gpu\.nvidia\.com\)\), and this pod is rendered without a pod-level claim .*training jobs, InferenceServices and the serving and ingestion workloads claim DRA GPUs/);
});
