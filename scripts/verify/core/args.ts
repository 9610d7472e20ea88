// Command-line parsing shared by every rung: `--flag value`, `--flag=value`, boolean flags, and
// converters that reject bad values with a UsageError (exit code 2, usage printed).

export class UsageError extends Error {}

/** flag -> [option key, convert(value, flag)] */
export type ValueFlags<T> = Record<string, [keyof T & string, (value: string, flag: string) => unknown]>;
/** flag -> [option key, value it sets] */
export type BoolFlags<T> = Record<string, [keyof T & string, unknown]>;

/**
 * Parses `argv` into a copy of `defaults`: `valueFlags` map a flag to [key, convert(value, flag)]
 * (`--flag value` or `--flag=value`), `boolFlags` to [key, value]. Unknown flags are a UsageError.
 */
export function parseFlags<T extends object>(argv: readonly string[], defaults: T, valueFlags: ValueFlags<T>, boolFlags: BoolFlags<T>): T {
  const opts = { ...defaults } as Record<string, unknown>;
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (boolFlags[arg] && value === undefined) {
      const [key, v] = boolFlags[arg];
      opts[key] = v;
    } else if (valueFlags[arg]) {
      if (value === undefined) {
        if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${arg} needs a value`);
        value = argv[++i];
      }
      const [key, conv] = valueFlags[arg];
      opts[key] = conv(value, arg);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return opts as T;
}

export function text(v: string): string {
  return v;
}

export function port(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: not a port: ${v}`);
  return n;
}

export function seconds(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: not a positive number of seconds: ${v}`);
  return n;
}

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export function fieldValidation(v: string, flag: string): FieldValidation {
  const m = (['Strict', 'Warn', 'Ignore'] as const).find((x) => x.toLowerCase() === String(v).toLowerCase());
  if (!m) throw new UsageError(`${flag}: expected Strict, Warn or Ignore, got ${v}`);
  return m;
}

/** Options every rung takes. */
export interface CommonOptions {
  build: boolean;
  verbose: boolean;
  help: boolean;
}

/** Flags every rung takes. */
export const COMMON_BOOL_FLAGS: BoolFlags<CommonOptions> = Object.freeze({
  '--no-build': ['build', false],
  '--verbose': ['verbose', true],
  '-v': ['verbose', true],
  '--help': ['help', true],
  '-h': ['help', true],
});

/**
 * A rung's options from its command line, or the exit code when it should stop: 0 after printing
 * the usage for --help, 2 after a UsageError (message and usage on stderr, `<summary>: error: ...`
 * as the last line).
 */
export function commandLine<T extends { help: boolean }>(parse: (argv: readonly string[]) => T, usage: string, names: { tool: string; summary: string }): T | number {
  let opts: T;
  try {
    opts = parse(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`${names.tool}: ${e.message}\n\n${usage}`);
    console.log(`${names.summary}: error: ${e.message}`);
    return 2;
  }
  if (opts.help) {
    process.stdout.write(usage);
    return 0;
  }
  return opts;
}
