// Child-process entry of the scaling benchmark (run by bench/run.mjs through scripts/synth.mjs, so it
// takes the same bundled, cached path as `npm run synth`). Builds a generated platform, synthesizes
// it to CDK8S_OUTDIR with the project's PlatformApp or with stock cdk8s, and writes what it measured
// as JSON to BENCH_REPORT.
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { App } from 'cdk8s';
import { generatePlatform } from './generate-platform';
import { PlatformApp } from '../constructs/app/platform-app';

/** Which synth runs: the project's PlatformApp, or stock `App.synth()` over the same charts. */
type Engine = 'platform' | 'stock';

const loadedMs = performance.now();
const engine = (process.env.BENCH_ENGINE ?? 'platform') as Engine;
if (engine !== 'platform' && engine !== 'stock') throw new Error(`BENCH_ENGINE is '${engine}'; use 'platform' or 'stock'`);
const teams = Number(process.env.BENCH_TEAMS ?? '10');
const jobsPerTeam = Number(process.env.BENCH_JOBS ?? '2');

const app = engine === 'platform' ? new PlatformApp() : new App();
const objects = generatePlatform(app, { teams, jobsPerTeam });
const builtMs = performance.now();
app.synth();
const doneMs = performance.now();

const report = {
  engine,
  teams,
  jobsPerTeam,
  objects,
  // Since process start: node bootstrap plus loading the bundle (cdk8s, constructs, project code).
  loadMs: loadedMs,
  buildMs: builtMs - loadedMs,
  synthMs: doneMs - builtMs,
  // Construct tree plus synth to disk: what grows with the platform.
  workMs: doneMs - loadedMs,
  maxRssKiB: process.resourceUsage().maxRSS,
};
if (process.env.BENCH_REPORT) fs.writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report));
else console.log(JSON.stringify(report));
