import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import type { ProgramFacts } from './program-facts';

// The volume types both sides share: pod templates and prop checks (which mount volumes) and
// claims and storage profiles (which provide them). Kept apart so neither side imports the other.

/** A volume plus where a container mounts it: what a pod template needs to use a volume. */
export interface VolumeAttachment {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  /**
   * Facts of the programs the volume holds, by path under the mount (a ScriptBundle's): pod
   * templates derive what those programs need, e.g. a writable working directory.
   * @default - none known
   */
  readonly programs?: Readonly<Record<string, ProgramFacts>>;
}

/** A persistent volume claim shared by the steps of a pipeline (data in, models out). */
export interface ISharedVolume {
  /** The PersistentVolumeClaim name. */
  readonly claimName: string;
  /** Mounts the claim at `mountPath`. */
  mount(mountPath: string, options?: { readonly readOnly?: boolean; readonly subPath?: string }): VolumeAttachment;
  /** A KServe storage URI (`pvc://<claim>/<path>`) for a model stored on the claim. */
  uri(path?: string): string;
}

/** Access mode of a claim. */
export enum AccessMode {
  READ_WRITE_ONCE = 'ReadWriteOnce',
  READ_WRITE_MANY = 'ReadWriteMany',
  READ_ONLY_MANY = 'ReadOnlyMany',
  READ_WRITE_ONCE_POD = 'ReadWriteOncePod',
}

/** A StorageClass of the target cluster and the access modes its provisioner really provides. */
export interface StorageClassRef {
  readonly name: string;
  readonly accessModes: readonly AccessMode[];
}
