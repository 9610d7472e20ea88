#!/usr/bin/env node
// `npm run verify:network`: proves offline, with a real policy engine (cyclonus v0.5.6
// `analyze --mode query-traffic`), that the NetworkPolicies `npm run synth` wrote to dist/ let
// exactly the expected traffic through. Pods are described from the synthesized objects with the
// labels their controllers put on them (pods.cjs); the must-reach / must-not-reach table comes
// from rules over what each pod is (expectations.cjs). Prints the table and
// `network: N pairs as expected, M wrong`; exits non-zero on any wrong pair.
//
//   node scripts/verify-network/verify-network.mjs [--dist dist] [--all] [--no-build]
//     --all       print every pair, not only the wrong ones and a summary per rule
//     --no-build  fail instead of building cyclonus when the binary is missing
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const YAML = require('yaml');
const { describePods } = require('./pods.cjs');
const { expectedPairs, teamPods } = require('./expectations.cjs');
const { parseVerdicts, policyList, trafficFile } = require('./cyclonus.cjs');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const started = Date.now();

function parseArgs(argv) {
  const args = { dist: path.join(root, 'dist'), all: false, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--dist') args.dist = path.resolve(argv[++i] ?? '');
    else if (a.startsWith('--dist=')) args.dist = path.resolve(a.slice(7));
    else if (a === '--all') args.all = true;
    else if (a === '--no-build') args.build = false;
    else throw new Error(`verify-network: unknown argument '${a}' (use --dist <dir>, --all, --no-build)`);
  }
  return args;
}

/** The cyclonus binary: built once into .cache/bin by tools/cyclonus/build.sh. */
function cyclonusBinary(build) {
  const script = path.join(root, 'tools/cyclonus/build.sh');
  const bin = execFileSync('bash', [script, '--print-path'], { encoding: 'utf8' }).trim();
  if (fs.existsSync(bin)) return bin;
  if (!build) throw new Error(`${bin} is missing: run tools/cyclonus/build.sh (or drop --no-build)`);
  execFileSync('bash', [script], { stdio: 'inherit' });
  return bin;
}

/** Every chart file of dist/ as { chart, objects }. */
function loadCharts(dist) {
  if (!fs.existsSync(dist)) throw new Error(`${dist} does not exist: run \`npm run synth\` first (or pass --dist <dir>)`);
  const files = fs.readdirSync(dist).filter((f) => f.endsWith('.yaml')).sort();
  if (!files.length) throw new Error(`no chart files in ${dist}: run \`npm run synth\` first`);
  return files.map((f) => ({
    chart: f.replace(/\.k8s\.yaml$|\.yaml$/, ''),
    objects: YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8')).map((d) => d.toJS()).filter(Boolean),
  }));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const charts = loadCharts(args.dist);
  const objects = charts.flatMap((c) => c.objects);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const namespaces = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
  const teamNamespaces = objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['mlpatterns.dev/team']).map((o) => o.metadata.name);
  const pods = [...charts.flatMap((c) => describePods(c.chart, c.objects)), ...teamPods(teamNamespaces)];
  pods.forEach((p, i) => { p.ip = `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`; });
  const unprotected = [...new Set(pods.map((p) => p.namespace))].filter((ns) => !policies.some((p) => p.metadata.namespace === ns && p.metadata.name === 'default-deny-all'));
  const pairs = expectedPairs(pods, objects.filter((o) => o.kind === 'PodMonitor'));

  const bin = cyclonusBinary(args.build);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-network-'));
  try {
    const policyDir = path.join(dir, 'policies');
    fs.mkdirSync(policyDir);
    for (const c of charts) {
      const own = c.objects.filter((o) => o.kind === 'NetworkPolicy');
      if (own.length) fs.writeFileSync(path.join(policyDir, `${c.chart}.json`), JSON.stringify(policyList(own)));
    }
    const traffic = path.join(dir, 'traffic.json');
    fs.writeFileSync(traffic, JSON.stringify(trafficFile(pairs, (ns) => namespaces.get(ns) ?? {})));
    const stdout = execFileSync(bin, ['analyze', '--mode', 'query-traffic', '--policy-path', policyDir, '--traffic-path', traffic], {
      encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'],
    });
    const verdicts = parseVerdicts(stdout, pairs.length);
    report(pairs, verdicts, { pods, policies, unprotected, all: args.all });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const name = (e) => e.id ?? `${e.namespace}/${e.owner}`;

function report(pairs, verdicts, { pods, policies, unprotected, all }) {
  const rows = pairs.map((p, i) => ({ ...p, got: verdicts[i] ? 'allow' : 'deny' }));
  const wrong = rows.filter((r) => r.got !== r.expect);
  const byRule = new Map();
  for (const r of rows) {
    const key = `${r.rule}|${r.expect}`;
    const s = byRule.get(key) ?? { rule: r.rule, expect: r.expect, ok: 0, wrong: 0 };
    if (r.got === r.expect) s.ok++;
    else s.wrong++;
    byRule.set(key, s);
  }
  console.log(`network: ${policies.length} policies, ${pods.length} pods described, ${pairs.length} pairs asked of cyclonus`);
  console.log('');
  console.log(`${'expect'.padEnd(6)}  ${'pairs'.padStart(5)}  ${'wrong'.padStart(5)}  rule`);
  for (const s of [...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule))) {
    console.log(`${s.expect.padEnd(6)}  ${String(s.ok + s.wrong).padStart(5)}  ${String(s.wrong).padStart(5)}  ${s.rule}`);
  }
  const shown = all ? rows : wrong;
  if (shown.length) {
    console.log('');
    console.log(`${all ? 'every pair' : 'wrong pairs'}:`);
    for (const r of shown) {
      const mark = r.got === r.expect ? 'ok   ' : 'WRONG';
      console.log(`  ${mark} ${r.expect.padEnd(5)} got ${r.got.padEnd(5)} ${name(r.from)} -> ${name(r.to)} ${r.port}/${r.protocol}  (${r.rule})`);
    }
  }
  for (const ns of unprotected) console.log(`WRONG: namespace ${ns} runs pods but has no default-deny-all policy`);
  console.log('');
  console.log(`network: ${rows.length - wrong.length} pairs as expected, ${wrong.length + unprotected.length} wrong (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (wrong.length || unprotected.length) process.exitCode = 1;
}

try {
  main();
} catch (e) {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 2;
}
