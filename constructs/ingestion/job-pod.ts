import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { CACHE_DIR_ENV, IDatasetCache } from './dataset-cache-ref';
import { NodePool } from '../cluster/node-pool';
import { DEFAULT_RESOURCES } from '../core/compute';
import { propError, Where } from '../core/errors';
import type { GpuClaim } from '../core/pod-placement';
import { ContainerSpec, renderPodSpec } from '../core/pod-template';
import { IPriorityClass } from '../core/scheduling';
import { VolumeAttachment } from '../core/volume-types';

/** Inputs of an ingestion Job's pod (shared by the batching and sharding constructs). */
export interface IngestionPodOptions {
  /** The pod's DRA claim for its GPUs (`podGpuClaim`); the Job gets it from `typedWorkload`. */
  readonly claim?: GpuClaim;
  readonly owner: string;
  readonly containerName: string;
  readonly container: ContainerSpec;
  readonly pool: NodePool;
  readonly volumes?: readonly VolumeAttachment[];
  readonly cache?: IDatasetCache;
  /** Env vars from the downward API; placed first so other values can use `$(NAME)`. */
  readonly fieldEnv?: Readonly<Record<string, string>>;
  readonly priorityClass?: IPriorityClass;
  readonly labels?: Readonly<Record<string, string>>;
}

/**
 * A Job pod: restartPolicy Never (so `backoffLimit` counts pods and `status.failed` is exact),
 * the cache's read-only volume and init containers, and downward-API env vars.
 */
export function renderIngestionPod(o: IngestionPodOptions): k8s.PodTemplateSpec {
  const cache = o.cache?.attach(o.owner);
  if (cache) {
    const memory = o.container.resources?.memory ?? DEFAULT_RESOURCES.memory;
    // tmpfs pages are charged to the pod: a cache as large as the limit leaves nothing to work with.
    if (cache.memoryCharge.toMebibytes() >= memory.toMebibytes()) {
      throw propError(o.owner, 'cache', o.cache?.name, `the in-memory cache takes ${cache.memoryCharge.toMebibytes()}Mi of the container's ${memory.toMebibytes()}Mi memory limit; raise resources.memory above the cache size`);
    }
  }
  const env = cache ? { ...o.container.env, [CACHE_DIR_ENV]: cache.mountPath } : o.container.env;
  const spec = renderPodSpec({
    owner: o.owner,
    containerName: o.containerName,
    container: { ...o.container, env },
    pool: o.pool,
    volumes: [...(o.volumes ?? []), ...(cache ? [cache.volume] : [])],
    restartPolicy: 'Never',
  }, o.claim);
  const fieldEnv: k8s.EnvVar[] = Object.entries(o.fieldEnv ?? {}).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } }));
  const [main] = spec.containers;
  const mainEnv = [...fieldEnv, ...(main.env ?? [])];
  return {
    metadata: o.labels ? { labels: { ...o.labels } } : undefined,
    spec: {
      ...spec,
      priorityClassName: o.priorityClass?.name,
      initContainers: cache?.initContainers.length ? [...cache.initContainers] : undefined,
      // The main container and a fill may both work in the same emptyDir working directory: one volume.
      volumes: cache?.initVolumes?.length ? [...new Map([...(spec.volumes ?? []), ...cache.initVolumes].map((v) => [v.name, v])).values()] : spec.volumes,
      containers: [{ ...main, env: mainEnv.length ? mainEnv : undefined }],
    },
  };
}

/** `d` in whole seconds >= `min`, or undefined when unset; throws naming the prop otherwise. */
export function wholeSeconds(owner: Where, prop: string, d: Duration | undefined, min: number): number | undefined {
  if (d === undefined) return undefined;
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min) throw propError(owner, prop, `${s}s`, `use a whole number of seconds >= ${min}`);
  return s;
}
