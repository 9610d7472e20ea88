#!/usr/bin/env node
// Runs a TypeScript entry of this repository with Node: `node scripts/run-ts.mjs <entry.ts> [args]`
// (the `verify:*` npm scripts run scripts/verify/<rung>/main.ts this way). The entry is bundled by
// esbuild — transpile only; `npm run lint` type-checks — into one CommonJS file in .cache/run-ts
// and run in this process with `args` as its process.argv.slice(2).
//
// Unlike scripts/synth.mjs (which bundles the constructs and their dependencies for speed), the
// packages stay external and are loaded from node_modules: the harness needs the same instances
// the programs it bundles separately load (@pulumi/pulumi). Bundling takes ~0.1 s, so there is no
// cache; the write is atomic, so concurrent runs never read a half-written bundle.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const [entryArg, ...args] = process.argv.slice(2);
if (!entryArg) {
  console.error('usage: node scripts/run-ts.mjs <entry.ts> [args]');
  process.exit(2);
}
const entry = path.resolve(entryArg);
const relative = path.relative(root, entry);
const outfile = path.join(root, '.cache', 'run-ts', `${relative.replace(/\.ts$/, '').replace(/[\\/]/g, '--')}.cjs`);

const { build } = await import('esbuild');
let result;
try {
  result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    keepNames: true,
    write: false,
    logLevel: 'error',
  });
} catch (e) {
  console.error(`run-ts: could not bundle ${relative}: ${e instanceof Error ? e.message : e}`);
  process.exit(2);
}
fs.mkdirSync(path.dirname(outfile), { recursive: true });
const tmp = `${outfile}.tmp-${process.pid}`;
fs.writeFileSync(tmp, result.outputFiles[0].contents);
fs.renameSync(tmp, outfile);

process.setSourceMapsEnabled(true);
process.argv = [process.argv[0], entry, ...args];
createRequire(import.meta.url)(outfile);
