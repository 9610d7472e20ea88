import { Size, SizeRoundingBehavior } from 'cdk8s';
import { Construct } from 'constructs';
import { CACHE_DIR_ENV, CacheAttachment, IDatasetCache } from './dataset-cache-ref';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { sizeQuantity } from '../core/compute';
import { withDefaults } from '../core/defaults';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { containerVolumes, ContainerSpec, renderContainer } from '../core/pod-template';
import { CONTAINER_SPEC, SIZE } from '../core/prop-checks';
import { optional, PropChecks, requireProps } from '../core/required-props';

/** Properties for `MemoryDatasetCache`. */
export interface MemoryDatasetCacheProps {
  /**
   * Volume name in consumer pods.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `emptyDir.sizeLimit`; the pod is evicted when the cache outgrows it. Counts against the
   * consumer's memory limit, which must be larger.
   * @default Size.gibibytes(1)
   */
  readonly size?: Size;
  /** The fill step, run as an init container in every consumer pod; writes to `$DATASET_CACHE_DIR`. */
  readonly warmUp: ContainerSpec;
  /** Pool the consumers run on (the fill container's GPUs, if any, come from it). */
  readonly pool: NodePool;
  /**
   * Where the cache is mounted.
   * @default '/cache'
   */
  readonly mountPath?: string;
  /**
   * The fill step downloads the dataset: every consumer pod (it runs the fill) gets HTTPS egress to the internet.
   * @default false
   */
  readonly internetEgress?: boolean;
}

const DEFAULTS = Object.freeze({ size: Size.gibibytes(1), mountPath: '/cache' });

const PROP_CHECKS: PropChecks<MemoryDatasetCacheProps> = {
  name: optional('string'), size: optional(SIZE), warmUp: CONTAINER_SPEC, pool: NODE_POOL, mountPath: optional('string'), internetEgress: optional('boolean'),
};

/**
 * Caching in RAM: an `emptyDir` with `medium: Memory` per consumer pod, filled by an init container
 * and mounted read-only by the main container. Fastest reads, no shared storage needed; every pod
 * fills its own copy, so use it for datasets that are small or quick to fetch.
 * It emits no object of its own: the volume lives in each consumer's pod spec.
 */
export class MemoryDatasetCache extends Construct implements IDatasetCache {
  public readonly name: string;
  public readonly size: Size;
  public readonly mountPath: string;
  public readonly consumerInternetEgress: boolean;
  private readonly warmUp: ContainerSpec;
  private readonly pool: NodePool;

  constructor(scope: Construct, id: string, props: MemoryDatasetCacheProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    this.size = p.size;
    const mi = this.size.toMebibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!(mi > 0) || !Number.isInteger(mi)) throw propError(this, 'size', `${mi}Mi`, 'use a positive whole number of mebibytes');
    if (!p.mountPath.startsWith('/')) throw propError(this, 'mountPath', p.mountPath, 'use an absolute path');
    this.mountPath = p.mountPath;
    this.consumerInternetEgress = props.internetEgress ?? false;
    this.warmUp = props.warmUp;
    this.pool = props.pool;
  }

  /** The memory-backed volume (read-only for the consumer) and the init container that fills it. */
  public attach(owner: string): CacheAttachment {
    const volume = { name: this.name, emptyDir: { medium: 'Memory', sizeLimit: sizeQuantity(this.size) } };
    const fillOptions = {
      owner,
      containerName: `fill-${this.name}`.slice(0, 63).replace(/-+$/, ''),
      container: { ...this.warmUp, env: { ...this.warmUp.env, [CACHE_DIR_ENV]: this.mountPath } },
      pool: this.pool,
      volumes: [{ volume, mount: { name: this.name, mountPath: this.mountPath } }],
    };
    const fill = renderContainer(fillOptions);
    return {
      volume: { volume, mount: { name: this.name, mountPath: this.mountPath, readOnly: true } },
      mountPath: this.mountPath,
      initContainers: [fill],
      initVolumes: containerVolumes(fillOptions),
      memoryCharge: this.size,
    };
  }
}
