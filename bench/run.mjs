#!/usr/bin/env node
// `npm run bench`: synth speed and scaling of the project, side by side with a default cdk8s
// project. Every measurement is a fresh child process (cold start included), so the numbers are
// what a user waits for. Writes bench/results/{results.md,results.json,scaling.svg}.
//
//   npm run bench                      full run (~3-4 min on 2 cores)
//   npm run bench -- --smoke           a few seconds: checks that every step still works (CI);
//                                      results go to a temp dir, bench/results is left alone
//   --runs N                           repetitions per measurement (default 5 platform, 3 baseline/scaling)
//   --sizes 1000,2000,5000,10000       generated platform sizes in objects
//   --stock-max 10000                  largest size run through stock cdk8s (default 10000)
//   --stock-timeout 60                 seconds before a stock run is killed (default 60)
//   --no-jest                          skip timing the test suite
//   --strict                           exit 1 when a target is missed
//   --out DIR                          where results go
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cleanup, expectOk, measure, median, settleDisk, tempDir } from './lib/measure.mjs';
import { renderMarkdown, renderSvg } from './lib/report.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};

const smoke = flag('smoke');
const JOBS_PER_TEAM = 2;
const sizes = option('sizes', smoke ? '100' : '1000,2000,5000,10000').split(',').map(Number);
const platformRuns = Number(option('runs', smoke ? 1 : 5));
const otherRuns = Number(option('runs', smoke ? 1 : 3));
const stockMax = Number(option('stock-max', 10000));
const stockTimeoutMs = Number(option('stock-timeout', 60)) * 1000;
const outDir = path.resolve(option('out', smoke ? tempDir('results') : path.join(root, 'bench', 'results')));
const node = process.execPath;
const log = (msg) => process.stderr.write(`${msg}\n`);
const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');

/** Runs the project entry (or another entry through it) into a fresh outdir; the outdir is removed after. */
function synthRun(entryArgs, env = {}, timeoutMs) {
  const out = tempDir('out');
  settleDisk();
  try {
    return measure(node, ['scripts/synth.mjs', ...entryArgs], { cwd: root, env: { CDK8S_OUTDIR: out, ...env }, timeoutMs });
  } finally {
    cleanup(out);
  }
}

function summarize(results) {
  return {
    wallMs: median(results.map((x) => x.wallMs)),
    bestWallMs: Math.min(...results.map((x) => x.wallMs)),
    cpuMs: median(results.map((x) => x.cpuMs)),
    maxRssKiB: median(results.map((x) => x.maxRssKiB)),
    runs: results.map((x) => Math.round(x.wallMs)),
  };
}

function benchPlatform() {
  log('platform: project entry with an empty cache (esbuild bundle + code cache built)');
  const cache = tempDir('cache');
  const miss = expectOk('synth with an empty cache', synthRun([], { MLP_SYNTH_CACHE: cache }));
  cleanup(cache);
  expectOk('synth warm-up', synthRun([]));
  log(`platform: project entry x${platformRuns}`);
  const cached = [];
  for (let i = 0; i < platformRuns; i++) cached.push(expectOk('synth', synthRun([])));
  return { cacheMiss: summarize([miss]), cached: summarize(cached) };
}

function benchBaseline() {
  if (smoke) return { skipped: 'skipped in smoke mode (type-checking takes several seconds)' };
  log(`baseline: default cdk8s entry (ts-node-like, type-checked) + stock App.synth() x${otherRuns}`);
  const runs = [];
  for (let i = 0; i < otherRuns; i++) {
    const out = tempDir('out');
    const result = measure(node, ['bench/baseline/ts-node-like.cjs', 'bench/baseline/default-main.ts'], { cwd: root, env: { CDK8S_OUTDIR: out } });
    cleanup(out);
    // Like ts-node, the baseline refuses to run with type errors; the rest of the benchmark still runs.
    if (!result.ok) return { skipped: `failed: ${result.stderr.trim().split('\n').slice(0, 3).join(' ').slice(0, 300)}` };
    runs.push(result);
  }
  return summarize(runs);
}

/** One generated-platform size through one engine; the child reports its own timings as JSON. */
function scaleRun(engine, teams, timeoutMs) {
  const dir = tempDir('report');
  const report = path.join(dir, 'report.json');
  try {
    const result = synthRun(['bench/scale-main.ts'], { BENCH_ENGINE: engine, BENCH_TEAMS: String(teams), BENCH_JOBS: String(JOBS_PER_TEAM), BENCH_REPORT: report }, timeoutMs);
    if (!result.ok) return { ...result, timeoutMs };
    return { ...result, ...JSON.parse(fs.readFileSync(report, 'utf8')), wallMs: result.wallMs };
  } finally {
    cleanup(dir);
  }
}

function benchScaling() {
  const rows = [];
  let stockGaveUp;
  // Builds (or checks) the cached bundle of bench/scale-main.ts so no measured run pays for esbuild.
  // Its one team also says how many objects a team emits (generate-platform.ts objectsPerTeam).
  const perTeam = expectOk('scaling warm-up', scaleRun('platform', 1)).objects;
  for (const target of sizes) {
    const teams = Math.max(1, Math.round(target / perTeam));
    log(`scaling: ${teams * perTeam} objects, PlatformApp x${otherRuns}`);
    const runs = [];
    for (let i = 0; i < otherRuns; i++) runs.push(expectOk(`PlatformApp at ${target} objects`, scaleRun('platform', teams)));
    const objects = runs[0].objects;
    const platform = {
      ...summarize(runs),
      workMs: median(runs.map((x) => x.workMs)),
      bestWorkMs: Math.min(...runs.map((x) => x.workMs)),
      buildMs: median(runs.map((x) => x.buildMs)),
      synthMs: median(runs.map((x) => x.synthMs)),
      loadMs: median(runs.map((x) => x.loadMs)),
      maxRssKiB: Math.max(...runs.map((x) => x.maxRssKiB)),
    };
    platform.perObjectUs = (platform.workMs * 1000) / objects;
    let stock;
    if (target > stockMax) stock = { skipped: `skipped above ${stockMax} objects` };
    else if (stockGaveUp) stock = { skipped: `skipped: timed out at ${stockGaveUp} objects` };
    else {
      log(`scaling: ${objects} objects, stock cdk8s App.synth() (timeout ${stockTimeoutMs / 1000} s)`);
      stock = scaleRun('stock', teams, stockTimeoutMs);
      if (stock.timedOut) stockGaveUp = objects;
      else expectOk(`stock cdk8s at ${target} objects`, stock);
      if (stock.ok) stock.perObjectUs = (stock.workMs * 1000) / objects;
    }
    rows.push({ objects, teams, platform, stock: { ...stock, stdout: undefined, stderr: undefined } });
  }
  return rows;
}

function benchJest() {
  if (smoke || flag('no-jest')) return { skipped: smoke ? 'skipped in smoke mode' : 'skipped (--no-jest)' };
  log('test suite: npx jest');
  const result = measure('npx', ['jest', '--silent'], { cwd: root });
  return { ok: result.ok, wallMs: result.wallMs, cpuMs: result.cpuMs };
}

const sec = (ms) => `${(ms / 1000).toFixed(2)} s`;

function targets(r) {
  const first = r.scaling[0];
  const last = r.scaling.at(-1);
  const linear = last.platform.perObjectUs / first.platform.perObjectUs;
  const list = [
    { name: 'Whole-platform synth (cold process, cached bundle), median wall', goal: '≤ 0.5 s', measured: `${sec(r.platform.cached.wallMs)} (best ${sec(r.platform.cached.bestWallMs)}, CPU ${sec(r.platform.cached.cpuMs)})`, pass: r.platform.cached.wallMs <= 500 },
    { name: `${last.objects} objects: tree + synth + write (in process), median`, goal: '≤ 2 s', measured: `${sec(last.platform.workMs)} (best ${sec(last.platform.bestWorkMs)}; whole process ${sec(last.platform.wallMs)})`, pass: last.platform.workMs <= 2000 },
    { name: `Linear: time per object at ${last.objects} / at ${first.objects}`, goal: '≤ 1.5×', measured: `${linear.toFixed(2)}×`, pass: linear <= 1.5 },
    { name: `Peak RSS at ${last.objects} objects`, goal: '≤ 500 MiB', measured: `${Math.round(last.platform.maxRssKiB / 1024)} MiB`, pass: last.platform.maxRssKiB <= 500 * 1024 },
  ];
  if (smoke) for (const t of list) t.pass = undefined; // smoke sizes say nothing about the targets
  return list;
}

const started = Date.now();
const meta = { date: new Date().toISOString(), node: process.versions.node, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown', loadBefore: load(), smoke };
const results = { meta, jobsPerTeam: JOBS_PER_TEAM };
results.platform = benchPlatform();
results.baseline = benchBaseline();
if (!results.baseline.skipped) {
  results.ratio = {
    wall: results.baseline.wallMs / results.platform.cached.wallMs,
    cpu: results.baseline.cpuMs / results.platform.cached.cpuMs,
    missWall: results.baseline.wallMs / results.platform.cacheMiss.wallMs,
  };
}
results.scaling = benchScaling();
results.jest = benchJest();
meta.loadAfter = load();
meta.durationS = Math.round((Date.now() - started) / 1000);
results.targets = targets(results);

fs.mkdirSync(outDir, { recursive: true });
const markdown = renderMarkdown(results);
for (const [file, content] of [['results.md', markdown], ['results.json', `${JSON.stringify(results, null, 2)}\n`], ['scaling.svg', renderSvg(results)]]) {
  const tmp = path.join(outDir, `${file}.tmp`);
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, path.join(outDir, file));
}
// A smoke run without --out wrote to a temp dir of its own: printed, then removed (CI leaves nothing).
const keptResults = !smoke || option('out', undefined) !== undefined;
process.stdout.write(`${markdown}\n${keptResults ? `results written to ${outDir}` : 'smoke results printed, not kept'} in ${meta.durationS} s\n`);
if (!keptResults) cleanup(outDir);
if (flag('strict') && results.targets.some((t) => t.pass === false)) process.exit(1);
