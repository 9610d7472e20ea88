import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Replaces `outdir` with a directory holding exactly `files`. Files are written into a sibling
 * temp dir first; a crash before the final rename leaves the previous `outdir` untouched.
 */
export function writeAtomically(outdir: string, files: readonly { file: string; content: string }[]): void {
  const target = path.resolve(outdir);
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  // existsSync first: the first rmSync call alone costs ~30 ms (it loads Node's rimraf).
  const remove = (dir: string) => fs.existsSync(dir) && fs.rmSync(dir, { recursive: true, force: true });
  remove(tmp);
  fs.mkdirSync(tmp, { recursive: true });
  try {
    for (const f of files) fs.writeFileSync(path.join(tmp, f.file), f.content);
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
  } finally {
    remove(tmp);
    remove(old);
  }
}
