/**
 * The contract of a program a container runs (a script in an image or in a ScriptBundle): the
 * flags it parses, the environment it fails without, what it reads and writes. The semantic
 * checks hold every command, step output and mount against it, so an example that would die on
 * "unrecognized arguments" or wait for a file nothing writes fails at synth instead.
 */
export interface ProgramFacts {
  /**
   * Flags the program requires (argparse `required=True`).
   * @default - none
   */
  readonly requiredArgs?: readonly string[];
  /**
   * Every other flag it accepts. `undefined` (with no `requiredArgs`) means it parses no
   * arguments at all, so any flag given is silently ignored.
   * @default - parses no arguments
   */
  readonly optionalArgs?: readonly string[];
  /** Environment variables it fails without (e.g. TF_CONFIG, which the training-operator sets in TFJob replicas). @default - none */
  readonly requiredEnv?: readonly string[];
  /**
   * Paths (directories end in `/`) it reads: absolute, or relative to its working directory
   * (`trained_model/` read from the cwd). Either way they must be on a mounted volume.
   * @default - none
   */
  readonly reads?: readonly string[];
  /**
   * Files or directories (ending in `/`) it writes: absolute, or relative to its working directory
   * (Keras `TensorBoard(log_dir='./logs')` writes `logs/`). A relative one needs a working
   * directory the container's user may write; a workflow step may declare a file it writes as an
   * output.
   * @default - none
   */
  readonly writes?: readonly string[];
  /**
   * A launcher: it runs the rest of its command line (after its own path) as the program, with
   * these environment variables set (the TF_CONFIG launcher of constructs/training). The checks
   * judge the program it runs against that program's facts.
   * @default - not a launcher
   */
  readonly launches?: { readonly env: readonly string[] };
}

/** Annotation of a ScriptBundle's ConfigMap carrying its programs' facts (JSON, by file name). */
export const PROGRAM_FACTS_ANNOTATION = 'mlpatterns.dev/program-facts';

/** Flags (`--name`) of an argv. */
export function flagsOf(argv: readonly string[]): string[] {
  return argv.filter((a) => /^--[A-Za-z]/.test(a)).map((a) => a.split('=')[0]);
}

/** True for a path relative to the working directory (`logs/`, `./logs`, `../x`). */
export function isRelativePath(path: string): boolean {
  return !path.startsWith('/');
}

/** An absolute path: relative ones resolve against the working directory; `.`/`..` are folded. */
export function resolvePath(path: string, workdir: string): string {
  const full = path.startsWith('/') ? path : `${workdir.replace(/\/$/, '')}/${path}`;
  const parts: string[] = [];
  for (const p of full.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') parts.pop();
    else parts.push(p);
  }
  // Keep a directory's trailing slash: `logs/` stays a directory.
  return `/${parts.join('/')}${path.endsWith('/') && parts.length ? '/' : ''}`;
}
