import { Size } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { sizeQuantity } from './compute';
import { childPath, propError } from './errors';
import { validateName } from './names';
import { SIZE } from './prop-checks';
import { arrayOf, oneOf, optional, PropChecks, requireProps, requireValue, shape } from './required-props';
import { AccessMode, ISharedVolume, StorageClassRef, VolumeAttachment } from './volume-types';

export interface SharedVolumeProps {
  /**
   * Claim name.
   * @default - the construct id
   */
  readonly claimName?: string;
  /** @default Size.gibibytes(1) */
  readonly storage?: Size;
  /**
   * Access modes. Parallel training workers on several nodes need ReadWriteMany.
   * @default [AccessMode.READ_WRITE_ONCE] (what the book uses on a one-node cluster)
   */
  readonly accessModes?: readonly AccessMode[];
  /**
   * Storage class by name (prefer `storageClass`, which also checks the access modes).
   * @default - the cluster's default storage class
   */
  readonly storageClassName?: string;
  /**
   * A class of the cluster's storage profile (`StorageProfile.shared` for data pods on several
   * nodes mount at once): sets `storageClassName` and refuses access modes it does not provide.
   * @default - `storageClassName`
   */
  readonly storageClass?: StorageClassRef;
}

const DEFAULTS = { storage: Size.gibibytes(1), accessModes: [AccessMode.READ_WRITE_ONCE] } as const;

const ACCESS_MODES = arrayOf(oneOf(AccessMode, 'AccessMode'));
const PROP_CHECKS: PropChecks<SharedVolumeProps> = {
  claimName: optional('string'),
  storage: optional(SIZE),
  accessModes: optional(ACCESS_MODES),
  storageClassName: optional('string'),
  storageClass: optional(shape<StorageClassRef>({ name: 'string', accessModes: ACCESS_MODES }, 'a storage class of the cluster (StorageProfiles.<cloud>.shared or .default)')),
};

abstract class SharedVolumeBase extends Construct implements ISharedVolume {
  public abstract readonly claimName: string;

  public mount(mountPath: string, options: { readonly readOnly?: boolean; readonly subPath?: string } = {}): VolumeAttachment {
    requireValue(this, 'mountPath', mountPath, 'string');
    if (!mountPath.startsWith('/')) throw propError(this, 'mountPath', mountPath, 'use an absolute path');
    return {
      volume: { name: this.volumeName(), persistentVolumeClaim: { claimName: this.claimName, readOnly: options.readOnly } },
      mount: { name: this.volumeName(), mountPath, readOnly: options.readOnly, subPath: options.subPath },
    };
  }

  public uri(path = ''): string {
    return `pvc://${this.claimName}${path ? `/${path.replace(/^\/+/, '')}` : ''}`;
  }

  private volumeName(): string {
    // Volume names are DNS labels; the claim name may be a longer subdomain.
    return this.claimName.replace(/\./g, '-').slice(0, 63).replace(/-+$/, '');
  }
}

/** A PersistentVolumeClaim for data and models, mounted by the pipeline's steps. */
export class SharedVolume extends SharedVolumeBase {
  /** Refers to a claim managed elsewhere. */
  public static fromClaimName(scope: Construct, id: string, claimName: string): ISharedVolume {
    validateName(childPath(scope, id), 'claimName', claimName);
    class Imported extends SharedVolumeBase {
      public readonly claimName = claimName;
    }
    return new Imported(scope, id);
  }

  public readonly claimName: string;
  public readonly storage: Size;

  constructor(scope: Construct, id: string, props: SharedVolumeProps = {}) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.claimName = validateName(this, 'claimName', props.claimName ?? id);
    this.storage = props.storage ?? DEFAULTS.storage;
    const gi = this.storage.toGibibytes();
    if (!(gi > 0)) throw propError(this, 'storage', `${gi}Gi`, 'use a positive size');
    const accessModes = props.accessModes ?? DEFAULTS.accessModes;
    if (accessModes.length === 0) throw propError(this, 'accessModes', accessModes, 'give at least one access mode');
    const cls = props.storageClass;
    if (cls && props.storageClassName !== undefined && props.storageClassName !== cls.name) {
      throw propError(this, 'storageClassName', props.storageClassName, `it contradicts storageClass '${cls.name}'; give one of them`);
    }
    const unsupported = cls ? accessModes.filter((m) => !cls.accessModes.includes(m)) : [];
    if (cls && unsupported.length) {
      throw propError(this, 'accessModes', accessModes, `storage class '${cls.name}' provides ${cls.accessModes.join(', ')}, not ${unsupported.join(', ')}; the claim would never bind`);
    }
    new k8s.KubePersistentVolumeClaim(this, 'Resource', {
      metadata: { name: this.claimName },
      spec: {
        accessModes: [...accessModes],
        storageClassName: cls?.name ?? props.storageClassName,
        resources: { requests: { storage: sizeQuantity(this.storage) } },
      },
    });
  }
}

