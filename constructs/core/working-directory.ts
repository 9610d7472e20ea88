import type { ContainerImage, ImageFacts } from './image';
import { isRelativePath, ProgramFacts, resolvePath } from './program-facts';
import { VolumeAttachment } from './volume-types';

// Where a program's relative writes land, shared by the pod templates (which derive a writable
// working directory) and the program-contract rule (which reports containers without one).

/** A container mount as far as writing goes. */
export interface MountAccess {
  readonly mountPath: string;
  readonly writable: boolean;
}

/**
 * Volume sources the kubelet always mounts read-only (Kubernetes v1.34: configMap, secret,
 * downwardAPI and projected volumes since the v1.10 fix of CVE-2017-1002102; image volumes).
 * Both spellings: manifests say `downwardAPI`, cdk8s's typed volumes `downwardApi`.
 */
const READ_ONLY_SOURCES = ['configMap', 'secret', 'downwardAPI', 'downwardApi', 'projected', 'image'];

/**
 * Whether a container may write under a mount: not mounted or claimed read-only, and not a source
 * the kubelet mounts read-only. Other types (emptyDir, claims, ephemeral, nfs, ...) are taken as
 * writable: the pod's fsGroup makes most of them writable for its non-root user.
 */
export function mountAccess(mount: { mountPath: string; readOnly?: boolean }, volume: Record<string, any> | undefined): MountAccess {
  const readOnly = mount.readOnly === true || volume?.persistentVolumeClaim?.readOnly === true || READ_ONLY_SOURCES.some((k) => volume?.[k] !== undefined);
  return { mountPath: mount.mountPath.replace(/\/$/, '') || '/', writable: !readOnly };
}

/** A relative path a program writes, and where it lands. */
export interface RelativeWrite {
  readonly path: string;
  readonly resolved: string;
  /** The read-only mount it lands on; undefined when it lands in the image's own directories. */
  readonly readOnlyMount?: string;
}

/**
 * The relative writes of a program that land where the user cannot write: on a read-only mount,
 * or outside every mount in a directory of the image that `image.workdirWritableBy` does not give
 * to `uid` (`undefined`: some non-root UID, unknown). Empty when every write can succeed.
 */
export function unwritableRelativeWrites(facts: ProgramFacts, workdir: string, mounts: readonly MountAccess[], image: ImageFacts | undefined, uid: number | undefined): RelativeWrite[] {
  const imageWorkdir = (image?.workdir ?? '/').replace(/\/$/, '');
  const imageWritable = uid !== undefined && (image?.workdirWritableBy ?? []).includes(uid);
  return (facts.writes ?? []).filter(isRelativePath).flatMap((path): RelativeWrite[] => {
    const resolved = resolvePath(path, workdir);
    const under = (dir: string) => dir === '/' || resolved === dir || resolved.startsWith(`${dir}/`);
    // The deepest mount holding the path decides; outside every mount, the image's directories do.
    const mount = mounts.filter((m) => under(m.mountPath)).sort((a, b) => b.mountPath.length - a.mountPath.length)[0];
    if (mount) return mount.writable ? [] : [{ path, resolved, readOnlyMount: mount.mountPath }];
    return imageWritable && under(imageWorkdir || '/') ? [] : [{ path, resolved }];
  });
}

/** The program a container runs: its absolute path, its facts, and whether the command names it by a relative path. */
export interface ProgramRun {
  readonly path: string;
  readonly facts: ProgramFacts;
  readonly relative: boolean;
}

/**
 * The described program a command runs: the first word of the command and args (`sh -c` strings
 * split) that is, resolved against the image's working directory, a program of the image map or
 * of a ScriptBundle mounted among `volumes` (past a launcher, to the program it runs).
 */
export function programRunBy(container: ContainerLike, volumes: readonly VolumeAttachment[]): ProgramRun | undefined {
  const image = container.image.facts;
  const workdir = image?.workdir ?? '/';
  const words = [...(container.command ?? []), ...(container.args ?? [])].flatMap((a) => a.split(/[\s;&|]+/)).filter(Boolean);
  for (const word of words) {
    const path = resolvePath(word, workdir);
    const facts = image?.programs?.[path] ?? bundleFacts(path, volumes);
    // A launcher (ProgramFacts.launches) runs the program named after it.
    if (facts && !facts.launches) return { path, facts, relative: isRelativePath(word) };
  }
  return undefined;
}

function bundleFacts(path: string, volumes: readonly VolumeAttachment[]): ProgramFacts | undefined {
  for (const v of volumes) {
    const dir = v.mount.mountPath.replace(/\/$/, '');
    if (v.programs && path.startsWith(`${dir}/`)) return v.programs[path.slice(dir.length + 1)];
  }
  return undefined;
}

/** What deriving a working directory needs of a container. */
export interface ContainerLike {
  readonly image: ContainerImage;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
}

/** The emptyDir a program with relative writes works in, and where it is mounted. */
export const WORKDIR_VOLUME = 'workdir';
export const WORKDIR_PATH = '/workdir';

/** A derived working directory: the volume, its mount, and the container's `workingDir`. */
export interface DerivedWorkingDirectory {
  readonly attachment: VolumeAttachment;
  readonly workingDir: string;
}

/**
 * A writable working directory for a container running as `uid`, when the program it runs writes
 * relative paths (ProgramFacts.writes) that would land where that user cannot write: the image's
 * WORKDIR (`/` for most images, root-owned) or a read-only mount. An emptyDir is writable by any
 * UID, so the program's relative writes succeed (and last as long as the pod). Nothing is derived
 * when the command names the program by a relative path or the program reads relative paths:
 * moving the working directory would break those; the program-contract rule reports them.
 */
export function derivedWorkingDirectory(container: ContainerLike, volumes: readonly VolumeAttachment[], uid: number): DerivedWorkingDirectory | undefined {
  const run = programRunBy(container, volumes);
  if (!run || run.relative || (run.facts.reads ?? []).some(isRelativePath)) return undefined;
  const image = container.image.facts;
  const mounts = volumes.map((v) => mountAccess(v.mount, v.volume as Record<string, any>));
  if (!unwritableRelativeWrites(run.facts, image?.workdir ?? '/', mounts, image, uid).length) return undefined;
  return {
    attachment: { volume: { name: WORKDIR_VOLUME, emptyDir: {} }, mount: { name: WORKDIR_VOLUME, mountPath: WORKDIR_PATH } },
    workingDir: WORKDIR_PATH,
  };
}
