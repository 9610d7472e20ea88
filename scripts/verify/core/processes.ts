// Process supervision of the harness: every process and the run's temp dir are registered here
// and torn down exactly once, on success, failure, SIGINT, SIGTERM or SIGHUP; readiness waits
// that fail with the process's log tail; and the common way a rung's main ends (last line, exit code).

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { Fatal, errorMessage, sleep } from './runtime';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

/** A started process with what the harness reports about it. */
export interface Supervised {
  readonly procName: string;
  readonly logFile: string;
  readonly child: ChildProcess;
  exitInfo?: ExitInfo;
  readonly exited: Promise<ExitInfo>;
}

export const state = {
  tmp: undefined as string | undefined,
  procs: [] as Supervised[],
  cleaning: undefined as Promise<void> | undefined,
  interrupted: undefined as NodeJS.Signals | undefined,
  // Who is running: the message prefix and the summary-line prefix (`apiserver: error: ...`).
  tool: 'verify',
  summary: 'verify',
  // Extra teardown steps (run after the processes stopped, before the temp dir is removed).
  cleanups: [] as (() => void | Promise<void>)[],
};

/** Start a process whose stdout and stderr go to logFile; it is stopped by cleanup(). */
export function startProcess(name: string, bin: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = {}): Supervised {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(bin, args, { stdio: ['ignore', fd, fd], env: { ...process.env, ...env } });
  fs.closeSync(fd);
  return supervise(name, child, logFile);
}

/** Registers a spawned child: cleanup() stops it. */
export function supervise(name: string, child: ChildProcess, logFile = ''): Supervised {
  const proc: Supervised = {
    procName: name,
    logFile,
    child,
    exitInfo: undefined,
    exited: new Promise<ExitInfo>((resolve) => {
      child.on('exit', (code, signal) => {
        proc.exitInfo = { code, signal };
        resolve(proc.exitInfo);
      });
      child.on('error', (err) => {
        proc.exitInfo = { code: null, signal: null, error: err };
        resolve(proc.exitInfo);
      });
    }),
  };
  state.procs.push(proc);
  return proc;
}

/**
 * Drops a process that was meant to end (a workflow step the harness ran) from the supervised set,
 * so its exit is not reported as a component failing during the run.
 */
export function forget(proc: Supervised): void {
  const i = state.procs.indexOf(proc);
  if (i >= 0) state.procs.splice(i, 1);
}

async function stopProcess(proc: Supervised): Promise<void> {
  if (proc.exitInfo || proc.child.pid === undefined) return;
  proc.child.kill('SIGTERM');
  const done = await Promise.race([proc.exited, sleep(10000).then(() => null)]);
  if (!done) {
    proc.child.kill('SIGKILL');
    await Promise.race([proc.exited, sleep(5000)]);
  }
}

export function cleanup(): Promise<void> {
  if (!state.cleaning) {
    state.cleaning = (async () => {
      // Reverse start order: controllers, then kube-apiserver, then etcd.
      for (const proc of [...state.procs].reverse()) {
        try {
          await stopProcess(proc);
        } catch {
          /* best effort */
        }
      }
      for (const fn of state.cleanups) {
        try {
          await fn();
        } catch (e) {
          console.error(`${state.tool}: cleanup step failed: ${errorMessage(e)}`);
        }
      }
      if (state.tmp) {
        try {
          fs.rmSync(state.tmp, { recursive: true, force: true });
        } catch (e) {
          console.error(`${state.tool}: could not remove ${state.tmp}: ${errorMessage(e)}`);
        }
      }
    })();
  }
  return state.cleaning;
}

/**
 * Stop every process and remove the temp dir on SIGINT/SIGTERM/SIGHUP, then exit 130/143/129.
 * tool/summary name the runner in messages (`verify-cluster`, `cluster: error: ...`).
 */
export function installSignalHandlers({ tool, summary }: { tool: string; summary: string }): void {
  state.tool = tool;
  state.summary = summary;
  for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    process.on(sig, () => {
      if (state.interrupted) return;
      state.interrupted = sig;
      console.error(`\n${state.tool}: ${sig} received, stopping ${state.procs.map((p) => p.procName).join(', ') || 'nothing'}`);
      cleanup().finally(() => {
        console.log(`${state.summary}: error: interrupted by ${sig}`);
        process.exit(code);
      });
    });
  }
}

/**
 * Runs a rung's main and ends the process: its exit code after cleanup, or, when it threw, the
 * message on stderr, `<summary>: error: <first line>` as the last line and exit code 2.
 * `explain` may turn an unexpected error into a better one (e.g. a lost connection into the
 * apiserver's exit and log tail).
 */
export function runMain(main: () => Promise<number>, explain: (err: unknown) => unknown = (e) => e): void {
  main().then(
    async (code) => {
      await cleanup();
      process.exit(code);
    },
    async (thrown) => {
      if (state.interrupted) return; // the signal handler cleans up, reports and exits
      const err = explain(thrown);
      const msg = err instanceof Fatal ? err.message : err instanceof Error ? err.stack || err.message : String(err);
      console.error(`${state.tool}: ERROR: ${msg}`);
      try {
        await cleanup();
      } catch {
        /* best effort */
      }
      console.log(`${state.summary}: error: ${errorMessage(err).split('\n')[0]}`);
      process.exit(2);
    },
  );
}

export function logTail(proc: Supervised, lines = 25): string {
  try {
    const text = fs.readFileSync(proc.logFile, 'utf8').trimEnd();
    if (!text) return `    | (${proc.procName} wrote no log output)`;
    return text.split('\n').slice(-lines).map((l) => `    | ${l}`).join('\n');
  } catch {
    return '    | (no log)';
  }
}

export function exitDescription(info: ExitInfo): string {
  if (info.error) return `could not be started: ${info.error.message}`;
  return info.signal ? `was killed by ${info.signal}` : `exited with code ${info.code}`;
}

export function processDiedMessage(proc: Supervised, what: string): string {
  let text = '';
  try {
    text = fs.readFileSync(proc.logFile, 'utf8');
  } catch {
    /* ignore */
  }
  const inUse = /address already in use|bind: address already in use/i.test(text);
  const hint = inUse ? ` — a port it needs is already in use (${what})` : '';
  return `${proc.procName} ${exitDescription(proc.exitInfo!)} before becoming ready${hint}\n${logTail(proc)}`;
}

/** Polls `probe` until it returns true; a string is the latest reason it is not ready yet. */
export async function waitUntil(what: string, proc: Supervised, timeoutS: number, probe: () => Promise<true | string>): Promise<void> {
  const deadline = Date.now() + timeoutS * 1000;
  let last = '';
  while (Date.now() < deadline) {
    if (proc.exitInfo) throw new Fatal(processDiedMessage(proc, what));
    try {
      const r = await probe();
      if (r === true) return;
      last = r || last;
    } catch (e) {
      last = errorMessage(e);
    }
    await sleep(250);
  }
  if (proc.exitInfo) throw new Fatal(processDiedMessage(proc, what));
  throw new Fatal(`${proc.procName} did not become ready within ${timeoutS}s (${what}; last probe: ${last || 'no answer'})\n${logTail(proc)}`);
}
