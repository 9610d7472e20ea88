/**
 * Script files a container's command and args run: the first `.py` after a Python launcher
 * (`python`, `python3.x`, `torchrun`, `deepspeed`), the first `.sh` after `sh`/`bash`, also
 * inside `sh -c "..."` strings and after `mpirun ... python`. `python -m module` runs a module and
 * `python -c code` inline code, not a file. Paths holding unexpanded variables (`$(X)`, `${X}`, `{{...}}`) cannot be resolved and are
 * skipped. A heuristic over argv, not a shell: it finds the scripts the project's examples run.
 */

const PYTHON_LAUNCHER = /^(python(\d+(\.\d+)?)?|torchrun|deepspeed)$/;
const SHELL = /^(sh|bash)$/;
/** Launchers that start the training on other processes (MPI), for the MPIJob worker check. */
export const MPI_LAUNCHER = /^(mpirun|mpiexec|horovodrun)$/;

const basename = (token: string) => token.slice(token.lastIndexOf('/') + 1);

/** argv with `sh -c "a b; c"` strings split into words. */
export function argvOf(container: Record<string, any>): string[] {
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    out.push(argv[i]);
    if (SHELL.test(basename(argv[i])) && argv[i + 1] === '-c' && argv[i + 2] !== undefined) {
      out.push('-c', ...argv[i + 2].split(/[\s;&|]+/).filter(Boolean));
      i += 2;
    }
  }
  return out;
}

/** Script paths the container runs (as written: absolute or relative). */
export function scriptsRunBy(container: Record<string, any>): string[] {
  const argv = argvOf(container);
  const scripts: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const launcher = basename(argv[i]);
    const ext = PYTHON_LAUNCHER.test(launcher) ? '.py' : SHELL.test(launcher) ? '.sh' : undefined;
    if (!ext) continue;
    for (let j = i + 1; j < argv.length; j++) {
      const t = argv[j];
      if (t === '-m' || t === '-c') break;
      if (t.endsWith(ext)) {
        if (!/\$\(|\$\{|\{\{/.test(t)) scripts.push(t);
        i = j;
        break;
      }
      if (PYTHON_LAUNCHER.test(basename(t)) || SHELL.test(basename(t))) break;
    }
  }
  return scripts;
}

/** True when the container starts its program through an MPI launcher (the ranks run elsewhere). */
export function launchesMpi(container: Record<string, any>): boolean {
  return argvOf(container).some((t) => MPI_LAUNCHER.test(basename(t)));
}

/**
 * Variables Open MPI's launcher sets by value in every rank it starts (`-x NAME=VALUE`, before the
 * program). A bare `-x NAME` forwards the launcher container's own variable, which its env shows.
 */
export function mpiExportedEnv(container: Record<string, any>): string[] {
  const argv = argvOf(container);
  const names: string[] = [];
  let i = argv.findIndex((t) => /^(mpirun|mpiexec)$/.test(basename(t)));
  if (i < 0) return names;
  for (i++; i < argv.length - 1 && !PYTHON_LAUNCHER.test(basename(argv[i])) && !SHELL.test(basename(argv[i])); i++) {
    const set = argv[i] === '-x' ? /^([A-Za-z_]\w*)=/.exec(argv[i + 1]) : null;
    if (set) names.push(set[1]);
  }
  return names;
}

/** True when argv starts training itself: a script, a Python launcher or an MPI launcher. */
export function runsTraining(container: Record<string, any>): boolean {
  return scriptsRunBy(container).length > 0 || argvOf(container).some((t) => PYTHON_LAUNCHER.test(basename(t)) || MPI_LAUNCHER.test(basename(t)));
}

/** An absolute path for a script: relative ones resolve against the working directory. */
export { resolvePath } from '../core/program-facts';
