// The pinned binaries come from tools/<tool>/build.sh: `build.sh [what...]` builds what is missing
// (a no-op when built), `build.sh --print-paths` says where they are. Versions are never written
// here: they live in tools/<tool>/versions.env and show only in the printed paths.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Fatal, log, repoRoot } from './runtime';

export function buildScript(tool: string): string {
  return path.join(repoRoot, 'tools', tool, 'build.sh');
}

/** Runs tools/<tool>/build.sh with `args` (output shown); a Fatal when it fails. */
export function runBuild(tool: string, args: readonly string[], what: string): void {
  log(`==> tools/${tool}/build.sh ${args.join(' ')} (skips what is already built)`.replace('  (', ' ('));
  const r = spawnSync('bash', [buildScript(tool), ...args], { stdio: 'inherit' });
  if (r.status !== 0) {
    throw new Fatal(`building ${what} failed: tools/${tool}/build.sh ${r.error ? `could not run: ${r.error.message}` : `exited with ${r.status ?? r.signal}`} (see its output above)`);
  }
}

/** The lines tools/<tool>/build.sh prints for `flag` (--print-paths, or cyclonus's --print-path). */
export function printedPaths(tool: string, flag = '--print-paths'): string[] {
  const r = spawnSync('bash', [buildScript(tool), flag], { encoding: 'utf8' });
  if (r.status !== 0) throw new Fatal(`tools/${tool}/build.sh ${flag} failed: ${r.stderr || r.error?.message}`);
  return r.stdout.trim().split('\n');
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
