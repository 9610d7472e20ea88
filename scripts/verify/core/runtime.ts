// What every module of the verification harness shares: where the repository is, the error that
// means "the check could not run at all", logging and sleeping.

import fs from 'node:fs';
import path from 'node:path';

/**
 * The checkout the harness runs in: the nearest directory above this module with tools/ and
 * package.json. Found by walking up, because the same code runs from its source (jest) and from
 * its bundle in .cache/ (npm run verify:*), at different depths; any checkout path works.
 */
function findRepoRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'tools'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no repository root (package.json + tools/) above ${start}`);
  }
}

export const repoRoot = findRepoRoot(__dirname);

/** The check cannot run at all: reported as `<rung>: error: <message>`, exit code 2. */
export class Fatal extends Error {}

export const log = (...a: unknown[]): void => console.log(...a);
export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The message of anything thrown. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
