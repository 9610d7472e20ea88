import { Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { IConstruct } from 'constructs';
import { Images } from '../core/image';
import { like } from '../core/required-props';
import { VolumeAttachment } from '../core/volume-types';

/**
 * Pinned helper image for the cache's marker and wait steps (a shell with `test`, `sleep`, `touch`).
 * Not in `core/image.ts` yet because only the ingestion constructs use it.
 */
export const CACHE_HELPER_IMAGE = Images.CACHE_HELPER;

/** Env var every consumer of a cache gets: where the cached dataset is mounted. */
export const CACHE_DIR_ENV = 'DATASET_CACHE_DIR';

/** File the warm-up writes last; consumers wait for it, so they never read a half-filled cache. */
export const CACHE_READY_MARKER = '.dataset-cache-complete';

/** What a consumer pod needs to use a cache: the read-only volume and the steps that run before it. */
export interface CacheAttachment {
  /** The cache volume, mounted read-only at `mountPath`. */
  readonly volume: VolumeAttachment;
  /** Where the dataset is mounted (also in the `DATASET_CACHE_DIR` env var). */
  readonly mountPath: string;
  /**
   * Init containers the consumer runs first: wait for the warm-up (disk) or fill the pod's own
   * copy (memory). They come fully rendered (pinned image, resources, restricted context).
   */
  readonly initContainers: readonly k8s.Container[];
  /** Volumes only the init containers use (a derived working directory). @default - none */
  readonly initVolumes?: readonly k8s.Volume[];
  /**
   * Memory the cache takes out of the consumer pod's memory limit (tmpfs pages are charged to the
   * pod's cgroup); zero for a disk cache.
   */
  readonly memoryCharge: Size;
}

/**
 * A dataset cache consumers refer to by object: `DatasetCache` (a claim filled once by a warm-up
 * Job) or `MemoryDatasetCache` (a per-pod `emptyDir` in RAM, filled by an init container).
 */
export interface IDatasetCache extends IConstruct {
  /** Cache name (the claim name, or the volume name for memory caches). */
  readonly name: string;
  /** Size of the cache (claim size or `emptyDir.sizeLimit`). */
  readonly size: Size;
  /**
   * Consumer pods need internet egress because the cache is filled inside them (a memory cache
   * whose fill step downloads). A disk cache downloads in its own warm-up Job.
   */
  readonly consumerInternetEgress: boolean;
  /**
   * The attachment for one consumer; `owner` is the consumer's construct path, used to name
   * init containers uniquely and in error messages.
   */
  attach(owner: string): CacheAttachment;
}

/** Run-time check of a `cache` prop (see core/required-props.ts), beside the interface it checks. */
export const DATASET_CACHE = like<IDatasetCache>({ name: 'string', attach: 'function' }, 'a dataset cache (new DatasetCache(...) or new MemoryDatasetCache(...))');
