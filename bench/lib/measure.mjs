// Runs one benchmark step as a fresh child process and measures it: wall time, CPU time
// (user + sys, steadier than wall on a shared machine) and peak RSS via `/usr/bin/time`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TIME = '/usr/bin/time';
const hasTime = fs.existsSync(TIME);

/** A fresh temp dir; removed by `cleanup()`. */
export function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mlp-bench-${prefix}-`));
}

export function cleanup(dir) {
  fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Flushes dirty pages (e.g. the previous run's 12 MB of YAML and its deletion) before the next
 * measured run, so a run does not pay for the writeback of the one before it. Not timed.
 */
export function settleDisk() {
  spawnSync('sync');
}

/**
 * Runs `command args` with `env` added, at most `timeoutMs`.
 * @returns { ok, timedOut, wallMs, cpuMs, maxRssKiB, stdout, stderr, status }
 */
export function measure(command, args, { cwd, env = {}, timeoutMs = 600_000 } = {}) {
  const stats = hasTime ? path.join(tempDir('time'), 'rusage') : undefined;
  const [cmd, argv] = hasTime ? [TIME, ['-f', '%e %U %S %M', '-o', stats, command, ...args]] : [command, args];
  const started = process.hrtime.bigint();
  const result = spawnSync(cmd, argv, {
    cwd,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const timedOut = result.error?.code === 'ETIMEDOUT' || result.signal === 'SIGKILL';
  let cpuMs;
  let maxRssKiB;
  if (stats) {
    try {
      // `time` prints "Command exited with non-zero status N" first on failure: read the last line.
      const line = fs.readFileSync(stats, 'utf8').trim().split('\n').pop();
      const [, user, sys, rss] = line.split(' ').map(Number);
      cpuMs = (user + sys) * 1000;
      maxRssKiB = rss;
    } catch {
      // killed by the timeout before `time` could write
    }
    cleanup(path.dirname(stats));
  }
  return {
    ok: result.status === 0 && !timedOut,
    timedOut,
    status: result.status,
    wallMs,
    cpuMs,
    maxRssKiB,
    stdout: result.stdout ?? '',
    stderr: result.stderr ?? '',
  };
}

/** Median of numbers (undefined entries ignored). */
export function median(values) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return undefined;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Throws with the child's output when a step that must work failed. */
export function expectOk(label, result) {
  if (!result.ok) {
    const why = result.timedOut ? 'timed out' : `exited with ${result.status}`;
    throw new Error(`${label} ${why}:\n${result.stderr.slice(-4000)}${result.stdout.slice(-2000)}`);
  }
  return result;
}
