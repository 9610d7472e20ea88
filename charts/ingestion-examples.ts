import { Chart, ChartProps, Cron, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NodePool } from '../constructs/cluster/node-pool';
import { ContainerImage, Images } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { IPriorityClass } from '../constructs/core/scheduling';
import { SharedVolume } from '../constructs/core/shared-volume';
import { AccessMode } from '../constructs/core/volume-types';
import { StorageProfile, StorageProfiles } from '../constructs/core/storage-profile';
import { BatchProcessingJob } from '../constructs/ingestion/batch-job';
import { DatasetCache } from '../constructs/ingestion/dataset-cache';
import { MemoryDatasetCache } from '../constructs/ingestion/memory-dataset-cache';
import { ShardedIngestionJob } from '../constructs/ingestion/sharded-job';

/** Properties for `IngestionExamples`. */
export interface IngestionExamplesProps extends ChartProps {
  /** Nodes every example runs on. */
  readonly pool: NodePool;
  /** @default 'ingestion-examples' */
  readonly namespace?: string;
  /** @default - the book's image (TensorFlow 2.1 with tensorflow_datasets) */
  readonly image?: ContainerImage;
  /** @default - the cluster default priority */
  readonly priorityClass?: IPriorityClass;
  /** The cluster's storage: claims several nodes mount use its shared class. @default StorageProfiles.LOCAL */
  readonly storage?: StorageProfile;
}

/** Python one-liners over Fashion-MNIST; the book's image ships TensorFlow and tensorflow_datasets. */
const PY = {
  fill: "import os, tensorflow_datasets as tfds; tfds.load('fashion_mnist', data_dir=os.environ['DATASET_CACHE_DIR'])",
  batches: "import os, tensorflow_datasets as tfds; ds = tfds.load('fashion_mnist', split='train', data_dir=os.environ['DATASET_CACHE_DIR'], download=False).batch(int(os.environ['BATCH_SIZE'])); print(sum(1 for _ in ds), 'batches')",
  shard: [
    'import os, numpy as np, tensorflow_datasets as tfds',
    "i, n, out = int(os.environ['SHARD_INDEX']), int(os.environ['SHARD_COUNT']), os.environ['SHARD_OUTPUT_DIR']",
    "ds = tfds.load('fashion_mnist', split=f'train[{100 * i // n}%:{100 * (i + 1) // n}%]', data_dir=os.environ['DATASET_CACHE_DIR'], batch_size=-1, download=False)",
    "os.makedirs(out, exist_ok=True); np.savez(os.path.join(out, 'part.npz'), **tfds.as_numpy(ds))",
  ].join('\n'),
};

/**
 * The data-ingestion patterns of chapter 2 on Fashion-MNIST: a disk cache filled once, batch
 * processing (one-off and nightly), sharded preprocessing into per-shard directories, and an
 * in-memory cache per pod.
 */
export class IngestionExamples extends Chart {
  public readonly cache: DatasetCache;
  public readonly memoryCache: MemoryDatasetCache;
  public readonly batch: BatchProcessingJob;
  public readonly nightly: BatchProcessingJob;
  public readonly sharded: ShardedIngestionJob;
  public readonly inMemoryBatch: BatchProcessingJob;

  constructor(scope: Construct, id: string, props: IngestionExamplesProps) {
    const namespace = props.namespace ?? 'ingestion-examples';
    super(scope, id, { ...props, namespace, disableResourceNameHashes: true });
    new RestrictedNamespace(this, 'Namespace', { name: namespace });
    const image = props.image ?? Images.BOOK_MULTI_WORKER;
    const { pool, priorityClass } = props;
    const storage = props.storage ?? StorageProfiles.LOCAL;
    const python = (code: string) => ({ image, command: ['python', '-c', code], resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(2) } });

    this.cache = new DatasetCache(this, 'fashion-mnist-cache', {
      pool,
      size: Size.gibibytes(2),
      // Shards on several nodes read it at once.
      accessMode: AccessMode.READ_WRITE_MANY,
      storageClassName: storage.shared.name,
      warmUp: python(PY.fill),
      // The warm-up downloads Fashion-MNIST; the consumers only read the claim.
      internetEgress: true,
    });
    this.batch = new BatchProcessingJob(this, 'fashion-mnist-batches', {
      pool,
      priorityClass,
      cache: this.cache,
      batchSize: 256,
      parallelism: 2,
      completions: 2,
      retries: 2,
      activeDeadline: Duration.hours(1),
      ttlAfterFinished: Duration.days(1),
      container: python(PY.batches),
    });
    this.nightly = new BatchProcessingJob(this, 'fashion-mnist-nightly', {
      pool,
      priorityClass,
      cache: this.cache,
      schedule: Cron.schedule({ minute: '0', hour: '2' }),
      batchSize: 512,
      container: python(PY.batches),
    });

    const output = new SharedVolume(this, 'fashion-mnist-shards', { storage: Size.gibibytes(2), accessModes: [AccessMode.READ_WRITE_MANY], storageClass: storage.shared });
    this.sharded = new ShardedIngestionJob(this, 'fashion-mnist-sharded', {
      pool,
      priorityClass,
      cache: this.cache,
      shards: 4,
      parallelism: 2,
      retriesPerShard: 2,
      output,
      activeDeadline: Duration.hours(2),
      container: python(PY.shard),
    });

    // Filled (downloaded) inside every consumer pod, so its consumers get internet egress.
    this.memoryCache = new MemoryDatasetCache(this, 'fashion-mnist-ram', { pool, size: Size.mebibytes(512), warmUp: python(PY.fill), internetEgress: true });
    this.inMemoryBatch = new BatchProcessingJob(this, 'fashion-mnist-ram-batches', {
      pool,
      priorityClass,
      cache: this.memoryCache,
      batchSize: 1024,
      container: python(PY.batches),
    });
  }
}
