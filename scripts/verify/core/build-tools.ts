// The pinned binaries come from tools/go/build.sh, in groups (kube: control plane, kwok,
// operators, cyclonus; helm; argo: workflow-controller and argoexec; kserve; pulumi: CLI and provider): `build.sh <group>` builds a group unless its key
// is built (a no-op then, no Go needed), `build.sh --print-paths <group>` prints `name<TAB>path` for
// its binaries and asset dirs. Versions are never written here: they live in tools/go/versions.env
// and show only in the printed paths.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Fatal, log, repoRoot } from './runtime';

export type GoGroup = 'kube' | 'pulumi' | 'helm' | 'argo' | 'kserve';

const BUILD_SCRIPT = path.join(repoRoot, 'tools', 'go', 'build.sh');

/**
 * The binaries and asset dirs of a group by name, built first when `build` is set (output shown);
 * a Fatal when the build fails.
 */
export function goBinaries(group: GoGroup, build: boolean, what: string): Record<string, string> {
  if (build) {
    log(`==> tools/go/build.sh ${group} (skips a group that is already built)`);
    const r = spawnSync('bash', [BUILD_SCRIPT, group], { stdio: 'inherit' });
    if (r.status !== 0) {
      throw new Fatal(`building ${what} failed: tools/go/build.sh ${group} ${r.error ? `could not run: ${r.error.message}` : `exited with ${r.status ?? r.signal}`} (see its output above)`);
    }
  }
  const r = spawnSync('bash', [BUILD_SCRIPT, '--print-paths', group], { encoding: 'utf8' });
  if (r.status !== 0) throw new Fatal(`tools/go/build.sh --print-paths ${group} failed: ${r.stderr || r.error?.message}`);
  return Object.fromEntries(r.stdout.trim().split('\n').map((l) => l.split('\t') as [string, string]));
}

export function isExecutable(file: string | undefined): file is string {
  if (!file) return false;
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** A Fatal unless `file` is an executable. */
export function requireExecutable(what: string, file: string | undefined, hint: string): string {
  if (!isExecutable(file)) throw new Fatal(`${what} binary not found or not executable: ${file} (${hint})`);
  return file;
}
