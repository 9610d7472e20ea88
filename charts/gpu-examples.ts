import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExampleFeatures, exampleFeatures } from './example-features';
import { TRAINING_SCRIPTS } from './scripts/training-scripts';
import { TrainingImages } from './training-examples';
import { NodePool } from '../constructs/cluster/node-pool';
import { propError } from '../constructs/core/errors';
import { ScriptBundle } from '../constructs/core/script-bundle';
import { SharedVolume } from '../constructs/core/shared-volume';
import { AccessMode } from '../constructs/core/volume-types';
import { FairShareCohort } from '../constructs/operations/fair-share-cohort';
import { PlatformPriorities } from '../constructs/operations/platform-priorities';
import { PriorityTier } from '../constructs/operations/priority-tier';
import { KueueClusterQueue } from '../constructs/operations/cluster-queue';
import { KueueLocalQueue } from '../constructs/operations/local-queue';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { KServeInferenceService } from '../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../constructs/serving/model-location';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../constructs/training/allreduce-job';
import { GangScheduling, TopologyPlacement } from '../constructs/training/gang-scheduling';

/**
 * One GPU pool per way of using scarce GPUs (issue 26), each optional: the chart builds the
 * examples of the pools it is given.
 */
export interface GpuExamplePools {
  /** GPUs claimed through DRA (`allocation: GpuAllocation.dra()`). */
  readonly dra?: NodePool;
  /** GPUs shared between pods: MIG slices, time-slicing or MPS shares (`sharing`). */
  readonly shared?: NodePool;
  /** Multi-node training over EFA or GPUDirect (`interconnect`), with `topologyLevels`. */
  readonly multiNode?: NodePool;
  /** Reserved capacity: an EC2 reservation or Capacity Block, a GKE reservation or flex-start. */
  readonly reserved?: NodePool;
}

/**
 * The first pool of each kind among `pools` (a pool is used for one example only): what
 * `buildPlatform` gives the chart from the stack's pools. Empty when no pool has a GPU feature.
 */
export function gpuExamplePoolsOf(pools: readonly NodePool[]): GpuExamplePools {
  const gpu = pools.filter((p) => p.gpu !== undefined);
  const taken = new Set<NodePool>();
  const first = (test: (p: NodePool) => boolean) => {
    const found = gpu.find((p) => !taken.has(p) && test(p));
    if (found) taken.add(found);
    return found;
  };
  const dra = first((p) => p.draDeviceClass !== undefined);
  const shared = first((p) => p.gpu!.sharing.kind !== 'none');
  const multiNode = first((p) => p.gpu!.interconnect.kind !== 'none' && p.maxSize >= 2);
  const reserved = first((p) => p.gpu!.reservation !== undefined);
  return Object.fromEntries(Object.entries({ dra, shared, multiNode, reserved }).filter(([, p]) => p !== undefined));
}

/** True when `pools` has at least one pool `GpuExamples` can use. */
export const hasGpuExamplePools = (pools: GpuExamplePools) => Object.keys(pools).length > 0;

export interface GpuExamplesProps extends ChartProps {
  readonly pools: GpuExamplePools;
  /** @default 'gpu-examples' */
  readonly namespace?: string;
  /** @default - exampleFeatures(undefined): the local stack's defaults */
  readonly features?: ExampleFeatures;
  /** The platform's priority tiers. @default - no priorities */
  readonly priorities?: PlatformPriorities;
}

/** Where the programs are mounted in every replica. */
const CODE_DIR = '/workspace';
/** KServe's TorchServe example model (its docs' first PyTorch InferenceService). */
const SERVED_MODEL = 'gs://kfserving-examples/models/torchserve/image_classifier/v1';

/**
 * Distributed training on the GPU pools people ask for, one Trainer v2 TrainJob per pool, all
 * admitted by Kueue through one ClusterQueue whose quotas are exactly these pools (its own cohort,
 * so no other chart books them), in a restricted namespace:
 * - DRA: each worker claims its GPU from the pool's ResourceClaimTemplate; Kueue counts it through
 *   the DeviceClass mapping the stack gives its Configuration. A pool of three nodes or more also
 *   serves a model on one claimed GPU (KServe), on a node the team's quota leaves to it.
 * - shared: four workers of one GPU share each (a MIG slice, a time-slice or an MPS share).
 * - multi-node: two whole nodes over the pool's interconnect (EFA devices requested per GPU), the
 *   gang required in one domain of the pool's closest topology level (Kueue TAS).
 * - reserved: two whole nodes on reserved capacity, at the highest training priority.
 * The same torch DDP program on synthetic data as the training examples, checkpointing to a shared volume.
 */
export class GpuExamples extends Chart {
  /** Books the pools (its own cohort, so no other chart books them). */
  public readonly clusterQueue: KueueClusterQueue;
  /** Where the jobs queue. */
  public readonly queue: KueueLocalQueue;
  public readonly jobs: Partial<Record<keyof GpuExamplePools, AllReduceTrainingJob>>;
  /** The InferenceService on the DRA pool (when it has a node to spare for it). */
  public readonly server?: KServeInferenceService;

  constructor(scope: Construct, id: string, props: GpuExamplesProps) {
    const namespace = props.namespace ?? 'gpu-examples';
    super(scope, id, { ...props, namespace, disableResourceNameHashes: true });
    const pools = Object.values(props.pools) as NodePool[];
    if (!pools.length) throw propError(this, 'pools', props.pools, 'give at least one GPU pool (dra, shared, multiNode or reserved)');
    const features = props.features ?? exampleFeatures(undefined);
    // Construct-built workloads, each with its own network policies: a restricted namespace, not a
    // Team's (whose members' run-time pods share one team-wide policy).
    new RestrictedNamespace(this, 'Namespace', { name: namespace });
    const cohort = new FairShareCohort(this, 'Cohort', { name: namespace, pools });
    // The DRA pool also serves, outside Kueue, on one node of its own (at least two left to train).
    const serving = props.pools.dra && props.pools.dra.maxSize >= 3 ? props.pools.dra : undefined;
    // The queue books each pool whole, but the server's node: the examples are the pools' only Kueue workloads.
    this.clusterQueue = new KueueClusterQueue(this, 'ClusterQueue', {
      name: namespace, cohort, namespaces: [namespace],
      quotas: pools.map((pool) => {
        const c = pool.capacity(pool.maxSize - (pool === serving ? 1 : 0));
        return { pool, nominal: { cpu: Cpu.units(c.cpu), memory: c.memory, gpus: c.gpus } };
      }),
    });
    this.queue = new KueueLocalQueue(this, 'LocalQueue', { name: 'gpu', namespace, clusterQueue: this.clusterQueue });
    const scripts = new ScriptBundle(this, 'training-scripts', { files: TRAINING_SCRIPTS });
    const checkpoints = new SharedVolume(this, 'checkpoints', {
      storage: Size.gibibytes(50), accessModes: [AccessMode.READ_WRITE_MANY], storageClass: features.storage.shared,
    });
    const priority = (tier: PriorityTier) => props.priorities?.workloadPriorityClass(tier);
    const job = (name: string, pool: NodePool, o: { workers: number; gpusPerWorker: number; cpu: number; memoryGiB: number; scheduling: GangScheduling }) => new AllReduceTrainingJob(this, name, {
      framework: CollectiveFramework.PYTORCH,
      output: TrainingApi.TRAINER_V2,
      image: TrainingImages.PYTORCH,
      pool,
      workers: o.workers,
      gpusPerWorker: o.gpusPerWorker,
      resources: { cpu: Cpu.units(o.cpu), memory: Size.gibibytes(o.memoryGiB) },
      volumes: [scripts.mount(CODE_DIR)],
      command: ['torchrun', scripts.path(CODE_DIR, 'torch_ddp.py')],
      checkpoint: { volume: checkpoints, subPath: name },
      activeDeadline: Duration.hours(12),
      ttlAfterFinished: Duration.days(1),
      scheduling: o.scheduling,
    });
    const queued = (tier: PriorityTier, topology?: { level: string }) => GangScheduling.kueue({
      queue: this.queue, priorityClass: priority(tier), topology: topology && { ...topology, placement: TopologyPlacement.REQUIRED },
    });
    const { dra, shared, multiNode, reserved } = props.pools;
    this.jobs = {};
    if (dra) this.jobs.dra = job('dra-ddp', dra, { workers: 2, gpusPerWorker: 1, cpu: 2, memoryGiB: 8, scheduling: queued(PriorityTier.BATCH_LOW) });
    if (serving) {
      // KServe's TorchServe runtime on one claimed GPU: the predictor's pod claims it from the pool's template.
      this.server = new KServeInferenceService(this, 'dra-serving', {
        pool: serving, gpus: 1, modelFormat: ModelFormat.PYTORCH, model: ModelLocation.fromUri(SERVED_MODEL),
        resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) }, minReplicas: 1, maxReplicas: 1,
        priorityClass: props.priorities?.priorityClass(PriorityTier.SERVING_CRITICAL),
      });
    }
    if (shared) this.jobs.shared = job('shared-gpu-ddp', shared, { workers: 4, gpusPerWorker: 1, cpu: 4, memoryGiB: 16, scheduling: queued(PriorityTier.BATCH_LOW) });
    if (multiNode) {
      // The closest level above the node: both nodes under one network spine or block.
      const levels = multiNode.gpu!.topologyLevels.filter((l) => l !== 'kubernetes.io/hostname');
      const level = levels.length ? levels[levels.length - 1] : undefined;
      this.jobs.multiNode = job('multi-node-ddp', multiNode, {
        workers: 2, gpusPerWorker: multiNode.gpusPerNode, cpu: wholeNodeCpu(multiNode), memoryGiB: wholeNodeMemoryGiB(multiNode),
        scheduling: queued(PriorityTier.TRAINING_HIGH, level ? { level } : undefined),
      });
    }
    if (reserved) {
      this.jobs.reserved = job('reserved-ddp', reserved, {
        workers: Math.min(2, reserved.maxSize), gpusPerWorker: reserved.gpusPerNode, cpu: wholeNodeCpu(reserved), memoryGiB: wholeNodeMemoryGiB(reserved),
        scheduling: queued(PriorityTier.TRAINING_HIGH),
      });
    }
  }
}

/** Most of a node's CPUs for a worker that has all its GPUs (room left for daemon sets). */
const wholeNodeCpu = (pool: NodePool) => Math.floor(pool.cpuPerNode * 0.75);
/** Most of a node's memory, in GiB, for a worker that has all its GPUs. */
const wholeNodeMemoryGiB = (pool: NodePool) => Math.floor((pool.memoryPerNode.toMebibytes() / 1024) * 0.75);
