import { AppProps, Chart, Size } from 'cdk8s';
import { exampleFeatures } from './example-features';
import { FashionMnistPipeline } from './fashion-mnist-pipeline';
import { GpuExamples, gpuExamplePoolsOf, hasGpuExamplePools } from './gpu-examples';
import { MlPlatformOperations } from './operations-example';
import { IngestionExamples } from './ingestion-examples';
import { ServingExamples } from './serving-examples';
import { TrainingExamples } from './training-examples';
import { WorkflowExamples } from './workflow-examples';
import { PlatformTarget } from '../constructs/checks/platform-target';
import { Accelerator } from '../constructs/cluster/accelerator';
import { CapacityReservation, GpuAllocation, GpuSharing, Interconnect } from '../constructs/cluster/gpu-features';
import { NodePool } from '../constructs/cluster/node-pool';
import { PlatformApp } from '../constructs/app/platform-app';
import { applyMetadataConvention } from '../constructs/operations/metadata-convention';
import { PlatformPriorities } from '../constructs/operations/platform-priorities';
import { PriorityTier } from '../constructs/operations/priority-tier';

/**
 * The pools the example charts run on. Kueue books the two training pools whole (the demo teams'
 * and the examples' ClusterQueues); serving, pipelines, ingestion and workflows run on the general
 * pools, which Kueue does not book, so an admitted gang never competes with pods Kueue does not
 * admit (the capacity-feasibility check holds both sides).
 */
export const examplePools = {
  cpu: NodePool.cpu({ name: 'cpu', maxSize: 4 }),
  // g6.2xlarge: 8 vCPU, 32 GiB and one L4 per node (the instance-type table gives the allocatable).
  gpu: NodePool.gpu({ name: 'gpu-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 8, instanceType: 'g6.2xlarge' }),
  trainCpu: NodePool.cpu({ name: 'train-cpu', maxSize: 3 }),
  trainGpu: NodePool.gpu({ name: 'train-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 4, instanceType: 'g6.2xlarge' }),
};

/**
 * The GPU pools of the GPU examples (charts/gpu-examples.ts), as Pulumi.eks-gpu.yaml declares
 * them: the local stack's default pools add them to `examplePools`; a cloud stack has them only
 * where its config lists them (Karpenter makes a node only when a pod asks, but an H100 pool should
 * be a choice).
 */
export const exampleGpuPools = {
  dra: NodePool.gpu({ name: 'l4-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 3, instanceType: 'g6.2xlarge', allocation: GpuAllocation.dra() }),
  shared: NodePool.gpu({ name: 'a100-mig', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, maxSize: 1, sharing: GpuSharing.mig('3g.40gb') }),
  multiNode: NodePool.gpu({
    name: 'h100-efa', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', maxSize: 4, interconnect: Interconnect.efa(),
    disks: { root: Size.gibibytes(500), localNvmeForEphemeralStorage: true },
    topologyLevels: ['topology.k8s.aws/network-node-layer-1', 'topology.k8s.aws/network-node-layer-2', 'topology.k8s.aws/network-node-layer-3', 'kubernetes.io/hostname'],
  }),
  reserved: NodePool.gpu({
    name: 'h100-block', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, maxSize: 2, interconnect: Interconnect.efa(),
    disks: { root: Size.gibibytes(500) }, reservation: CapacityReservation.ec2CapacityBlock('cr-0123456789abcdef0'),
  }),
};

/** The local stack's default pools: the example charts' pools and the GPU examples' pools. */
export const localExamplePools = (): NodePool[] => [...Object.values(examplePools), ...Object.values(exampleGpuPools)];

/** The stacks' default pools (`parseStackConfig`): the GPU examples' pools on the local stack only. */
export const stackDefaultPools = { local: localExamplePools(), cloud: Object.values(examplePools) } as const;

/** Props of `buildPlatform`. */
export interface PlatformBuildProps extends AppProps {
  /**
   * The cluster the charts are built for: the stacks pass theirs, `npm run synth` the local
   * stack's default. Examples that need an optional operator are built only when it is there,
   * shared volumes take the target's shared storage class, and every semantic check runs.
   * @default - no target: the local stack's defaults, and only the checks that need no target
   */
  readonly target?: PlatformTarget;
  /**
   * The stack's node pools: the GPU examples run on the first pool of each GPU feature among them
   * (`gpuExamplePoolsOf`), and are left out when none has one. Give them with a `target`: the
   * target's checks know only the pools it was made for.
   * @default - without a target, localExamplePools() (the local stack's defaults); with one, none
   */
  readonly pools?: readonly NodePool[];
}

/** Every chart of the platform, in one app: what `npm run synth` writes and the stacks deploy. */
export function buildPlatform(props: PlatformBuildProps = {}): PlatformApp {
  const { target, pools, ...appProps } = props;
  const app = new PlatformApp({ ...appProps, target });
  const features = exampleFeatures(target);
  const storage = features.storage;
  const training = { cpu: 'training-examples', gpu: 'training-examples-gpu' };
  // The priority tiers in a chart of their own: every workload chart may refer to them, with or
  // without the operations chart (a stack with teams of its own leaves that one out).
  const priorities = new PlatformPriorities(new Chart(app, 'ml-platform-priorities', { disableResourceNameHashes: true }), 'Priorities');
  const operations = new MlPlatformOperations(app, 'ml-platform-operations', {
    cpuPool: examplePools.trainCpu, gpuPool: examplePools.trainGpu, features, exampleNamespaces: Object.values(training), priorities,
    monitoredNamespaces: [...Object.values(training), 'serving-examples'],
  });
  new FashionMnistPipeline(app, 'book-pipeline', { namespace: 'fashion-mnist', pool: examplePools.cpu, storage, knative: features.knative });
  new FashionMnistPipeline(app, 'book-pipeline-gpu', {
    namespace: 'fashion-mnist-gpu',
    pool: examplePools.gpu,
    gpus: 1,
    autoscaledServing: true,
    storage,
    knative: features.knative,
  });
  const trainingProps = { features, clusterQueue: operations.examplesQueue, priorities };
  new TrainingExamples(app, 'training-examples', { namespace: training.cpu, pool: examplePools.trainCpu, mpiPool: examplePools.cpu, ...trainingProps });
  new TrainingExamples(app, 'training-examples-gpu', { namespace: training.gpu, pool: examplePools.trainGpu, mpiPool: examplePools.gpu, ...trainingProps });
  new WorkflowExamples(app, 'workflow-examples', { namespace: 'workflow-examples', pool: examplePools.cpu, storage, retrainingPriority: priorities.priorityClass(PriorityTier.BATCH_LOW) });
  new IngestionExamples(app, 'ingestion-examples', { pool: examplePools.cpu, storage });
  new ServingExamples(app, 'serving-examples', { pool: examplePools.cpu, gpuPool: examplePools.gpu, features });
  const gpuPools = gpuExamplePoolsOf(pools ?? (target ? [] : localExamplePools()));
  if (hasGpuExamplePools(gpuPools)) new GpuExamples(app, 'gpu-examples', { pools: gpuPools, features, priorities });
  // Last: labels every object of every chart (and fails synth for objects added after it).
  applyMetadataConvention(app);
  return app;
}
