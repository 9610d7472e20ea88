import { ApiObject, Size, SizeRoundingBehavior } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { CACHE_DIR_ENV, CACHE_HELPER_IMAGE, CACHE_READY_MARKER, CacheAttachment, IDatasetCache } from './dataset-cache-ref';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { sizeQuantity } from '../core/compute';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { containerVolumes, ContainerSpec, renderContainer, renderPodSpec } from '../core/pod-template';
import { CONTAINER_SPEC, SIZE } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps } from '../core/required-props';
import { SharedVolume } from '../core/shared-volume';
import { AccessMode, ISharedVolume } from '../core/volume-types';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { ingestionJobNeeds, PodComponent } from '../operations/network/workload-traffic';

/** Properties for `DatasetCache`. */
export interface DatasetCacheProps {
  /**
   * Claim name.
   * @default - the construct id
   */
  readonly claimName?: string;
  /**
   * Claim size.
   * @default Size.gibibytes(10)
   */
  readonly size?: Size;
  /**
   * Storage class of the claim.
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * Access mode. Consumers on several nodes need READ_WRITE_MANY (the warm-up writes, they read);
   * READ_WRITE_ONCE works when every consumer lands on one node.
   * @default AccessMode.READ_WRITE_ONCE
   */
  readonly accessMode?: AccessMode;
  /**
   * The fill step: downloads or preprocesses the dataset into `$DATASET_CACHE_DIR`. It runs once,
   * in a Job; consumers start only after it has succeeded.
   */
  readonly warmUp: ContainerSpec;
  /** Nodes the warm-up Job runs on. */
  readonly pool: NodePool;
  /**
   * Where the cache is mounted, in the warm-up and in every consumer.
   * @default '/cache'
   */
  readonly mountPath?: string;
  /**
   * Retries of the warm-up pod before the Job fails (`backoffLimit`).
   * @default 2
   */
  readonly warmUpRetries?: number;
  /**
   * The warm-up downloads the dataset: HTTPS egress to the internet for the warm-up Job's pods only.
   * @default false
   */
  readonly internetEgress?: boolean;
}

const DEFAULTS = Object.freeze({
  size: Size.gibibytes(10),
  accessMode: AccessMode.READ_WRITE_ONCE,
  mountPath: '/cache',
  warmUpRetries: 2,
});

const PROP_CHECKS: PropChecks<DatasetCacheProps> = {
  claimName: optional('string'), size: optional(SIZE), storageClassName: optional('string'), accessMode: optional(oneOf(AccessMode, 'AccessMode')),
  warmUp: CONTAINER_SPEC, pool: NODE_POOL, mountPath: optional('string'), warmUpRetries: optional('number'), internetEgress: optional('boolean'),
};

/** Small fixed resources of the marker and wait containers (they only run a shell loop). */
const HELPER_RESOURCES = Object.freeze({ cpu: Cpu.millis(50), memory: Size.mebibytes(32) });

/**
 * Caching (book chapter 2): a dataset cache on a PersistentVolumeClaim, filled once by a warm-up
 * Job and mounted read-only by every consumer. The warm-up writes a marker file after the fill
 * succeeds; consumers get an init container that waits for it, so they never read a partial cache.
 */
export class DatasetCache extends Construct implements IDatasetCache {
  public readonly apiObject: ApiObject;
  public readonly name: string;
  public readonly size: Size;
  public readonly mountPath: string;
  /** The claim, as a shared volume (for constructs that take `ISharedVolume`). */
  public readonly volume: ISharedVolume;
  /** The Job that fills the cache. */
  public readonly warmUpJob: k8s.KubeJob;
  /** Consumers only read the claim; the warm-up Job is the one that downloads. */
  public readonly consumerInternetEgress = false;
  private readonly pool: NodePool;

  constructor(scope: Construct, id: string, props: DatasetCacheProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'claimName', props.claimName ?? id, NameRule.DNS_LABEL);
    this.size = p.size;
    const mi = this.size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!(mi > 0) || !Number.isInteger(mi)) throw propError(this, 'size', `${mi}Mi`, 'use a positive whole number of mebibytes');
    if (!p.mountPath.startsWith('/')) throw propError(this, 'mountPath', p.mountPath, 'use an absolute path');
    this.mountPath = p.mountPath;
    this.pool = props.pool;
    const retries = requireInteger(this, 'warmUpRetries', p.warmUpRetries, 0, 20);

    this.apiObject = new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        accessModes: [p.accessMode],
        storageClassName: props.storageClassName,
        resources: { requests: { storage: sizeQuantity(this.size) } },
      },
    });
    this.volume = SharedVolume.fromClaimName(this, 'Claim', this.name);

    const owner = this.node.path;
    const writable = this.volume.mount(this.mountPath);
    const env = { ...props.warmUp.env, [CACHE_DIR_ENV]: this.mountPath };
    // The fill runs as an init container so the marker container only starts after it succeeded.
    const fillOptions = { owner, containerName: 'fill', container: { ...props.warmUp, env }, pool: this.pool, volumes: [writable] };
    const fill = renderContainer(fillOptions);
    const fillVolumes = containerVolumes(fillOptions);
    const spec = renderPodSpec({
      owner,
      containerName: 'mark-complete',
      container: {
        image: CACHE_HELPER_IMAGE,
        command: ['sh', '-c', `touch "${this.mountPath}/${CACHE_READY_MARKER}"`],
        resources: HELPER_RESOURCES,
      },
      pool: this.pool,
      volumes: [writable],
      restartPolicy: 'Never',
    });
    const jobName = validateName(this, 'claimName', `${this.name}-warm-up`, NameRule.DNS_LABEL);
    const network = NamespaceNetwork.of(this).group(this, ingestionJobNeeds(this.name, PodComponent.CACHE_WARM_UP, props.internetEgress));
    this.warmUpJob = new k8s.KubeJob(this, 'WarmUp', {
      metadata: { name: jobName },
      spec: {
        backoffLimit: retries,
        // The fill's own volumes (a derived working directory) join the pod's.
        template: { metadata: { labels: { ...network.podLabels } }, spec: { ...spec, initContainers: [fill], volumes: fillVolumes.length ? [...(spec.volumes ?? []), ...fillVolumes] : spec.volumes } },
      },
    });
  }

  /** Read-only volume plus an init container that waits for the warm-up's marker. */
  public attach(owner: string): CacheAttachment {
    const marker = `${this.mountPath}/${CACHE_READY_MARKER}`;
    const volume = this.volume.mount(this.mountPath, { readOnly: true });
    const wait = renderContainer({
      owner,
      containerName: `wait-${this.name}`.slice(0, 63).replace(/-+$/, ''),
      container: {
        image: CACHE_HELPER_IMAGE,
        command: ['sh', '-c', `until [ -f "${marker}" ]; do echo "waiting for dataset cache ${this.name}"; sleep 5; done`],
        resources: HELPER_RESOURCES,
      },
      pool: this.pool,
      volumes: [volume],
    });
    return { volume, mountPath: this.mountPath, initContainers: [wait], memoryCharge: Size.mebibytes(0) };
  }
}
