// `npm run verify:network`: proves offline, with a real policy engine (cyclonus
// `analyze --mode query-traffic`, pinned in tools/go/versions.env), that the NetworkPolicies
// `npm run synth` wrote to dist/ let exactly the expected traffic through. Pods are described from
// the synthesized objects with the labels their controllers put on them (pods.ts); the
// must-reach / must-not-reach table comes from rules over what each pod is (expectations.ts).
// Then the canaries (canaries.ts): the same pairs against dist's policies widened on purpose, each
// must turn its rule wrong. Prints the table, `canaries: C/T caught` and, last,
// `network: N pairs as expected, M wrong` (canaries not counted; `, K canaries not caught`
// appended when one is missed); exits 1 on any wrong pair or missed canary, 2 when it cannot run
// (`network: error: <reason>`).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { type BoolFlags, commandLine, parseFlags } from '../core/args';
import { goBinaries, requireExecutable } from '../core/build-tools';
import type { KubeObject } from '../core/objects';
import { installSignalHandlers, runMain, state, supervise } from '../core/processes';
import { Fatal, repoRoot } from '../core/runtime';
import { canaryLine, canaryReportLines, exitCodeWithCanaries, missedSuffix } from '../core/canaries';
import { judgeNetworkCanary, NETWORK_CANARY_MINIMUM, networkCanaries } from './canaries';
import { parseVerdicts, policyList, trafficFile } from './cyclonus';
import { callsApiServer, expectedPairs, LOOKALIKE_NAMESPACE, lookalikeNamespaceLabels, type Pair, teamPods } from './expectations';
import { describePods } from './pods';
import { reportLines, type Row, summaryLine } from './report';

const USAGE = `Usage: npm run verify:network -- [--dist <dir>] [--all] [--no-build] [--cyclonus-bin <path>]
  --dist <dir>           chart files (default: dist)
  --all                  print every pair, not only the wrong ones and a summary per rule
  --no-build             fail instead of building cyclonus when the binary is missing
  --cyclonus-bin <path>  use this cyclonus instead of the pinned build
`;

interface NetworkOptions {
  dist: string;
  cyclonusBin?: string;
  all: boolean;
  build: boolean;
  help: boolean;
}

const BOOL_FLAGS: BoolFlags<NetworkOptions> = { '--all': ['all', true], '--no-build': ['build', false], '--help': ['help', true], '-h': ['help', true] };

function parseArgs(argv: readonly string[]): NetworkOptions {
  const opts = parseFlags<NetworkOptions>(argv, { dist: 'dist', all: false, build: true, help: false }, { '--dist': ['dist', (v) => v], '--cyclonus-bin': ['cyclonusBin', (v) => v] }, BOOL_FLAGS);
  return { ...opts, dist: path.resolve(repoRoot, opts.dist) };
}

/** The cyclonus binary, built with the kube group of tools/go (a no-op when the group is built). */
function cyclonusBinary(build: boolean): string {
  return requireExecutable('cyclonus', goBinaries('kube', build, 'cyclonus').cyclonus, 'run tools/go/build.sh kube, or drop --no-build');
}

/** Every chart file of dist/ as { chart, objects }. */
function loadCharts(dist: string): { chart: string; objects: KubeObject[] }[] {
  if (!fs.existsSync(dist)) throw new Fatal(`${dist} does not exist: run \`npm run synth\` first (or pass --dist <dir>)`);
  const files = fs.readdirSync(dist).filter((f) => f.endsWith('.yaml')).sort();
  if (!files.length) throw new Fatal(`no chart files in ${dist}: run \`npm run synth\` first`);
  return files.map((f) => ({
    chart: f.replace(/\.k8s\.yaml$|\.yaml$/, ''),
    objects: YAML.parseAllDocuments(fs.readFileSync(path.join(dist, f), 'utf8'))
      .map((d) => d.toJS())
      .filter(Boolean),
  }));
}

/** Runs cyclonus supervised (stopped on SIGINT/SIGTERM like every process of a run); its stdout. */
function runCyclonus(bin: string, args: string[]): Promise<string> {
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = supervise('cyclonus', child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d) => {
    stdout += d;
  });
  child.stderr.setEncoding('utf8').on('data', (d) => {
    stderr += d;
  });
  return proc.exited.then((exit) => {
    if (exit.code !== 0) throw new Fatal(`cyclonus ${exit.error ? `could not run: ${exit.error.message}` : `exited with ${exit.code ?? exit.signal}`}: ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
    return stdout;
  });
}

async function main(): Promise<number> {
  const started = Date.now();
  const args = commandLine(parseArgs, USAGE, { tool: 'verify-network', summary: 'network' });
  if (typeof args === 'number') return args;
  const charts = loadCharts(args.dist);
  const objects = charts.flatMap((c) => c.objects);
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const namespaces = new Map<string, Record<string, string>>(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels ?? {}]));
  namespaces.set(LOOKALIKE_NAMESPACE, lookalikeNamespaceLabels([...namespaces.values()]));
  const teamNamespaces = objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['mlpatterns.dev/team']).map((o) => o.metadata.name);
  const pods = [...charts.flatMap((c) => describePods(c.chart, c.objects)), ...teamPods(teamNamespaces)];
  pods.forEach((p, i) => {
    p.ip = `10.244.${Math.floor(i / 250)}.${(i % 250) + 2}`;
  });
  const unprotected = [...new Set(pods.map((p) => p.namespace))].filter((ns) => !policies.some((p) => p.metadata.namespace === ns && p.metadata.name === 'default-deny-all'));
  const pairs = expectedPairs(
    pods,
    objects.filter((o) => o.kind === 'PodMonitor'),
  );

  const bin = args.cyclonusBin ?? cyclonusBinary(args.build);
  // Removed by the supervisor's cleanup, also on SIGINT/SIGTERM.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-network-'));
  state.tmp = dir;
  const traffic = path.join(dir, 'traffic.json');
  fs.writeFileSync(traffic, JSON.stringify(trafficFile(pairs, (ns) => namespaces.get(ns) ?? {})));
  /** cyclonus's verdict on every pair for one policy set, written as one list per file. */
  const decide = async (label: string, files: { name: string; policies: KubeObject[] }[]): Promise<Row[]> => {
    const policyDir = path.join(dir, label);
    fs.mkdirSync(policyDir);
    for (const f of files) if (f.policies.length) fs.writeFileSync(path.join(policyDir, `${f.name}.json`), JSON.stringify(policyList(f.policies)));
    const stdout = await runCyclonus(bin, ['analyze', '--mode', 'query-traffic', '--policy-path', policyDir, '--traffic-path', traffic]);
    const verdicts = parseVerdicts(stdout, pairs.length);
    return pairs.map((p: Pair, i) => ({ ...p, got: verdicts[i] ? 'allow' : 'deny' }));
  };
  const rows = await decide('policies', charts.map((c) => ({ name: c.chart, policies: c.objects.filter((o) => o.kind === 'NetworkPolicy') })));
  const canaries = [];
  for (const [i, c] of networkCanaries(policies, pods, new Set(teamNamespaces), callsApiServer).entries()) {
    canaries.push(judgeNetworkCanary(c, c.policies && (await decide(`canary-${i}`, [{ name: 'canary', policies: c.policies }]))));
  }

  const wrong = rows.filter((r) => r.got !== r.expect).length + unprotected.length;
  console.log(`network: ${policies.length} policies, ${pods.length} pods described, ${pairs.length} pairs asked of cyclonus`);
  console.log('');
  for (const l of reportLines(rows, { unprotected, all: args.all })) console.log(l);
  console.log('');
  console.log('canaries (dist policies widened on purpose; each must turn its rule wrong, not counted above):');
  for (const l of canaryReportLines(canaries)) console.log(l);
  console.log(canaryLine(canaries));
  console.log(summaryLine(rows.length - (wrong - unprotected.length), wrong, (Date.now() - started) / 1000) + missedSuffix(canaries, NETWORK_CANARY_MINIMUM));
  return exitCodeWithCanaries(wrong ? 1 : 0, canaries, NETWORK_CANARY_MINIMUM);
}

installSignalHandlers({ tool: 'verify-network', summary: 'network' });
runMain(main);
