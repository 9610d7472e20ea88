// Operators that read files from fixed paths run in a private mount namespace (`unshare --mount`)
// where the run's own directories are bind-mounted over those paths: nothing on the host changes
// and concurrent runs do not collide.
//
// A mount over a directory hides everything beneath it on the host, and the checkout (with the
// binaries in .cache/bin) may well live there: CI runners often clone under /tmp, and the
// training-operator needs a mount over /tmp. So nothing the process needs may be reached through a
// hidden path:
// - the binary is exec'd relative to its own directory, entered before the mounts (a process's
//   working directory stays the directory it entered even when a mount later covers its path);
// - every absolute path in the arguments and environment that lies under a mount target must
//   exist in the mounted source (the process sees the source there); anything else is refused
//   before the process starts, naming the path;
// - a mount's source must not lie under an earlier mount's target (it would be hidden by then);
// - the log file is opened by the harness and handed over as stdout/stderr.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, type Supervised } from './processes';
import { Fatal } from './runtime';

/** [source on the host, target path inside the namespace] */
export type BindMount = readonly [string, string];

const under = (p: string, dir: string) => p === dir || p.startsWith(dir.endsWith('/') ? dir : `${dir}/`);

/** Absolute paths mentioned by an argument or environment value (`/x`, `--flag=/x`). */
function pathsIn(value: string): string[] {
  const v = value.includes('=') && !value.startsWith('/') ? value.slice(value.indexOf('=') + 1) : value;
  return v.startsWith('/') ? [v] : [];
}

/** Why the process would not see what it needs once `mounts` are in place, as messages. */
export function hiddenPaths(args: readonly string[], env: NodeJS.ProcessEnv, mounts: readonly BindMount[]): string[] {
  const problems: string[] = [];
  mounts.forEach(([source], i) => {
    const earlier = mounts.slice(0, i).find(([, target]) => under(source, target));
    if (earlier) problems.push(`mount source ${source} is hidden by the private mount over ${earlier[1]} made before it`);
  });
  const mentioned = [...args.flatMap(pathsIn), ...Object.values(env).flatMap((v) => (v === undefined ? [] : pathsIn(v)))];
  for (const p of mentioned) {
    // The last mount over a path wins.
    const mount = [...mounts].reverse().find(([, target]) => under(p, target));
    if (!mount) continue;
    const [source, target] = mount;
    const seenAs = path.join(source, path.relative(target, p));
    if (!fs.existsSync(seenAs)) problems.push(`${p} is hidden by the private mount of ${source} over ${target} (not in ${source})`);
  }
  return problems;
}

function unshareArgs(): string[] {
  return ['--mount', '--propagation', 'private', ...(process.getuid && process.getuid() !== 0 ? ['--map-root-user'] : [])];
}

/**
 * Runs `bin args` in a private mount namespace with `mounts` bind-mounted first, its output in
 * `logFile`. Throws a Fatal when unshare does not work here or when the process would not see
 * something it is given (see above).
 */
export function startIsolated(name: string, bin: string, args: readonly string[], mounts: readonly BindMount[], logFile: string, env: NodeJS.ProcessEnv = {}): Supervised {
  const problems = hiddenPaths(args, env, mounts);
  if (problems.length) throw new Fatal(`${name} would not see what it needs in its private mount namespace: ${problems.join('; ')}`);
  const unshare = unshareArgs();
  const probe = spawnSync('unshare', [...unshare, 'true'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    throw new Fatal(`${name} reads files from fixed paths and runs in a private mount namespace, but 'unshare ${unshare.join(' ')}' does not work here: ${(probe.stderr || probe.error?.message || '').trim()}`);
  }
  // $1 = the binary's directory, $2 = its file name, then source/target pairs, then the arguments.
  const script = ['cd -- "$1"', ...mounts.map((_, i) => `mount --bind -- "$${2 * i + 3}" "$${2 * i + 4}"`), 'bin="./$2"', `shift ${2 + 2 * mounts.length}`, 'exec "$bin" "$@"'].join(' && ');
  const absolute = path.resolve(bin);
  return startProcess(name, 'unshare', [...unshare, 'sh', '-c', script, 'sh', path.dirname(absolute), path.basename(absolute), ...mounts.flat(), ...args], logFile, env);
}
