#!/usr/bin/env node
// `npm run synth` and `cdk8s synth` (cdk8s.yaml `app`): bundle main.ts with esbuild — transpile
// only, no type-check (that is `npm run lint`) — and run it, with the output written atomically
// (PlatformApp) and a non-zero exit plus message on failure. An optional argument names another
// entry (tests and the benchmark use it).
//
// Flags for the semantic checks, handed to PlatformApp through the environment (the entry runs in
// this process): --strict (MLP_STRICT_CHECKS=1: warnings fail synth too); --report json|sarif
// (MLP_CHECKS_REPORT) and --report-file <path> (MLP_CHECKS_REPORT_FILE, default
// semantic-checks.<format>): the findings as a file for CI, written whether synth passes or fails.
//
// Cold start is most of the cost of a synth, so (measured by `npm run bench`, bench/results):
// - the bundle is cached in .cache/synth and rebuilt only when one of its inputs (every source file
//   and package file esbuild read, by mtime and size) or the build options change;
// - dependencies (cdk8s, cdk8s-plus-27, constructs, yaml) are bundled too: one file to load
//   instead of ~150 module resolutions and reads;
// - the bundle runs from a V8 code cache (vm.Script cachedData), so it is not recompiled per run.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The entry and the check flags; the flags become environment variables PlatformApp reads. */
function parseArgs(args) {
  let entry;
  let reportFile;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === '') usage(`${flag} needs a value`);
      return v;
    };
    if (flag === '--strict') process.env.MLP_STRICT_CHECKS = '1';
    else if (flag === '--report') {
      const format = value();
      if (format !== 'json' && format !== 'sarif') usage(`--report is '${format}'; use json or sarif`);
      process.env.MLP_CHECKS_REPORT = format;
    } else if (flag === '--report-file') {
      reportFile = path.resolve(value());
      process.env.MLP_CHECKS_REPORT_FILE = reportFile;
    }
    else if (flag.startsWith('--')) usage(`unknown flag '${flag}'`);
    else if (entry === undefined) entry = arg;
    else usage(`a second entry '${arg}' (the first is '${entry}')`);
  }
  if (reportFile && !process.env.MLP_CHECKS_REPORT) usage('--report-file needs --report json|sarif');
  return entry ?? 'main.ts';
}

function usage(problem) {
  console.error(`synth: ${problem}\nusage: node scripts/synth.mjs [entry.ts] [--strict] [--report json|sarif [--report-file <path>]]`);
  process.exit(2);
}

const entry = parseArgs(process.argv.slice(2));
// MLP_SYNTH_CACHE: another cache dir (the benchmark measures a cache miss with an empty one).
const cacheDir = process.env.MLP_SYNTH_CACHE ? path.resolve(process.env.MLP_SYNTH_CACHE) : path.join(root, '.cache', 'synth');
// Keyed by the entry's path, not only its name: two entries called synth.ts must not share a bundle.
const outfile = path.join(cacheDir, `${path.basename(entry, '.ts')}-${createHash('sha1').update(path.resolve(root, entry)).digest('hex').slice(0, 8)}.cjs`);
const stampFile = `${outfile}.inputs.json`;
const codeCacheFile = `${outfile}.v8cache`;

/** Writes a file via a temp file and a rename: concurrent synths never read a half-written file. */
function writeFileAtomic(file, data) {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

/** Everything besides the inputs that decides the bundle's bytes. */
function buildKey(esbuildVersion) {
  return createHash('sha1')
    .update(JSON.stringify([BUILD_VERSION, esbuildVersion, process.version, entry, fs.readFileSync(fileURLToPath(import.meta.url), 'utf8')]))
    .digest('hex');
}
const BUILD_VERSION = 2;

const stat = (file) => {
  try {
    const s = fs.statSync(path.join(root, file));
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return 'missing';
  }
};

/** True when the cached bundle was built from exactly the files that are on disk now. */
function bundleIsFresh(esbuildVersion) {
  let stamp;
  try {
    stamp = JSON.parse(fs.readFileSync(stampFile, 'utf8'));
  } catch {
    return false;
  }
  if (stamp.key !== buildKey(esbuildVersion) || !fs.existsSync(outfile)) return false;
  return Object.entries(stamp.inputs).every(([file, s]) => stat(file) === s);
}

// Bundled packages that locate files next to themselves (cdk8s `Yaml.load` runs `_loadurl.mjs`
// from its own directory) keep their real `__dirname` / `__filename`.
const keepModulePaths = {
  name: 'keep-module-paths',
  setup(build) {
    build.onLoad({ filter: /[\\/]node_modules[\\/].*\.[cm]?js$/ }, (args) => {
      const source = fs.readFileSync(args.path, 'utf8');
      if (!/__dirname|__filename/.test(source)) return undefined;
      const prelude = `var __filename = ${JSON.stringify(args.path)}, __dirname = ${JSON.stringify(path.dirname(args.path))};`;
      return { contents: `${prelude}${source}`, loader: 'js' };
    });
  },
};

async function bundle() {
  // esbuild is loaded only on a cache miss: requiring it and starting its service cost ~0.1-0.5 s.
  const { build, version } = await import('esbuild');
  if (bundleIsFresh(version)) return;
  const result = await build({
    absWorkingDir: root,
    entryPoints: [path.join(root, entry)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    write: false,
    metafile: true,
    // Class names as written: messages name constructs by class (PropError), never `_NodePool`.
    keepNames: true,
    logLevel: 'warning',
    plugins: [keepModulePaths],
  });
  fs.mkdirSync(cacheDir, { recursive: true });
  writeFileAtomic(outfile, result.outputFiles[0].contents);
  // esbuild also reads tsconfig.json (class fields, decorators); the lock file covers reinstalls.
  const files = [...Object.keys(result.metafile.inputs), 'tsconfig.json', 'package-lock.json'];
  const inputs = Object.fromEntries(files.map((file) => [file, stat(file)]));
  writeFileAtomic(stampFile, JSON.stringify({ key: buildKey(version), inputs }));
}

/** Quick check that avoids importing esbuild at all when nothing changed. */
function cachedBundleLooksFresh() {
  try {
    const { version } = createRequire(import.meta.url)('esbuild/package.json');
    return bundleIsFresh(version);
  } catch {
    return false;
  }
}

/** Runs the bundle as a CommonJS module, compiled from (and refreshing) the V8 code cache. */
function run() {
  const source = fs.readFileSync(outfile, 'utf8');
  // V8 checks only the source length against the cache, so the cache carries the bundle's hash.
  const hash = createHash('sha1').update(source).digest();
  let cachedData;
  try {
    const file = fs.readFileSync(codeCacheFile);
    if (file.subarray(0, hash.length).equals(hash)) cachedData = file.subarray(hash.length);
  } catch {
    cachedData = undefined;
  }
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: outfile, cachedData });
  const module = { exports: {} };
  const fn = script.runInThisContext();
  try {
    fn.call(module.exports, module.exports, createRequire(outfile), module, outfile, path.dirname(outfile));
  } finally {
    // After the run, so functions compiled lazily during synth are in the cache too.
    if (cachedData === undefined || script.cachedDataRejected) {
      try {
        writeFileAtomic(codeCacheFile, Buffer.concat([hash, script.createCachedData()]));
      } catch {
        // A read-only cache dir only costs speed.
      }
    }
  }
}

try {
  if (!cachedBundleLooksFresh()) await bundle();
  run();
} catch (err) {
  console.error(`${failureHeadline()}:\n${err instanceof Error ? err.message : err}`);
  process.exit(1);
}

/**
 * Which output the failure left alone: the outdirs of the PlatformApps the entry created (they
 * record themselves under this symbol, constructs/core/platform-app.ts; PlatformApp writes all or
 * nothing), or nothing at all when the entry failed before creating one.
 */
function failureHeadline() {
  const outdirs = [...(globalThis[Symbol.for('mlpatterns.dev/platform-app-outdirs')] ?? [])];
  if (!outdirs.length) return 'synth failed before any PlatformApp was created, so nothing was written';
  const shown = outdirs.map((dir) => {
    const relative = path.relative(process.cwd(), dir);
    return `${relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : dir}/`;
  });
  return `synth failed, ${shown.join(', ')} left as it was`;
}
