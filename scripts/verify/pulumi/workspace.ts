// The Pulumi side of verify-pulumi: bundles the stacks' entry (stacks/index.ts, what `pulumi up`
// runs) for the Automation API's inline program, creates a workspace in the run's temp dir (the
// repo's Pulumi.yaml is never written) pointing the engine at the built CLI and provider, and runs
// engine operations with their events, a timeout and the resulting state.

import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { type EngineEvent, LocalWorkspace, PulumiCommand, type Stack } from '@pulumi/pulumi/automation';
import YAML from 'yaml';
import type { KubeObject } from '../core/objects';
import { state } from '../core/processes';
import { repoRoot } from '../core/runtime';
import { errorDiagnostics, slowestSteps, type StepTiming } from './engine-results';
import type { StackSettings } from './stack-settings';

export const PROJECT = YAML.parse(fs.readFileSync(path.join(repoRoot, 'Pulumi.yaml'), 'utf8'));
export const NS = PROJECT.name;

/**
 * Bundles stacks/index.ts and plan-entry.ts with esbuild into a directory of this run under
 * .cache/verify-pulumi (inside the repo, so `require('@pulumi/pulumi')` from the bundle resolves to
 * the same node_modules instance the Automation API uses: every package stays external). Separate
 * from the harness's own bundle because the engine evaluates stacks/index.ts afresh for every
 * operation; per run, so a concurrent run never rewrites the file an engine operation loads.
 * Removed by cleanup().
 */
export async function bundlePrograms(): Promise<{ stackIndex: string; planEntry: string }> {
  const { build } = await import('esbuild');
  const parent = path.join(repoRoot, '.cache', 'verify-pulumi');
  fs.mkdirSync(parent, { recursive: true });
  const outdir = fs.mkdtempSync(path.join(parent, 'run-'));
  state.cleanups.push(() => fs.rmSync(outdir, { recursive: true, force: true }));
  await build({
    entryPoints: { 'stack-index': path.join(repoRoot, 'stacks', 'index.ts'), 'plan-entry': path.join(repoRoot, 'scripts', 'verify', 'pulumi', 'plan-entry.ts') },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'error',
    outExtension: { '.js': '.cjs' },
  });
  process.setSourceMapsEnabled(true);
  return { stackIndex: path.join(outdir, 'stack-index.cjs'), planEntry: path.join(outdir, 'plan-entry.cjs') };
}

/** A fresh evaluation of the bundled stacks/index.ts per engine run; its exports are the outputs. */
function inlineProgram(stackIndex: string) {
  return async () => {
    delete require.cache[stackIndex];
    return { ...require(stackIndex) };
  };
}

/**
 * Workspace + stack `stackName` in `dir`: Pulumi.yaml = the repo's project (name, runtime) plus
 * `plugins.providers` -> the built provider; Pulumi.<stack>.yaml = `settings`; file backend and
 * PULUMI_HOME under `dir`; no update check, no plugin download.
 */
export async function createStack({
  dir,
  cliRoot,
  providerDir,
  kubeconfig,
  stackName,
  settings,
  stackIndex,
}: {
  dir: string;
  cliRoot: string;
  providerDir: string;
  kubeconfig: string;
  stackName: string;
  settings: StackSettings;
  stackIndex: string;
}): Promise<{ stack: Stack; work: string }> {
  const work = path.join(dir, 'project');
  fs.mkdirSync(work, { recursive: true });
  fs.mkdirSync(path.join(dir, 'state'), { recursive: true });
  const project = { name: PROJECT.name, description: PROJECT.description, runtime: PROJECT.runtime, plugins: { providers: [{ name: 'kubernetes', path: providerDir }] } };
  fs.writeFileSync(path.join(work, 'Pulumi.yaml'), YAML.stringify(project));
  writeSettings(work, stackName, settings);
  const envVars = {
    PULUMI_HOME: path.join(dir, 'pulumi-home'),
    PULUMI_BACKEND_URL: `file://${path.join(dir, 'state')}`,
    PULUMI_CONFIG_PASSPHRASE: crypto.randomBytes(16).toString('hex'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    KUBECONFIG: kubeconfig,
  };
  const pulumiCommand = await PulumiCommand.get({ root: cliRoot });
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName, projectName: PROJECT.name, program: inlineProgram(stackIndex) },
    { workDir: work, pulumiCommand, envVars },
  );
  return { stack, work };
}

/** Rewrites Pulumi.<stack>.yaml, keeping what the CLI added (encryptionsalt). */
export function writeSettings(work: string, stackName: string, settings: StackSettings): void {
  const file = path.join(work, `Pulumi.${stackName}.yaml`);
  const prev = fs.existsSync(file) ? YAML.parse(fs.readFileSync(file, 'utf8')) || {} : {};
  fs.writeFileSync(file, YAML.stringify({ ...settings, ...(prev.encryptionsalt ? { encryptionsalt: prev.encryptionsalt } : {}) }));
}

/**
 * Runs `op` ('preview' | 'up' | 'refresh' | 'destroy'; `target` limits a refresh to those URNs) and returns { ok, result, error, events, diagnostics,
 * seconds }. The operation is cancelled after `timeoutS`; then the resources still in progress
 * (a step started, no outputs) are named in `pending`.
 */
export interface OperationResult {
  ok: boolean;
  result?: any;
  error?: unknown;
  timedOut: boolean;
  events: EngineEvent[];
  diagnostics: string[];
  pending: string[];
  seconds: number;
}

export async function run(stack: Stack, op: 'preview' | 'up' | 'refresh' | 'destroy', { timeoutS, log, target }: { timeoutS: number; log?: (line: string) => void; target?: string[] }): Promise<OperationResult> {
  const events: EngineEvent[] = [];
  const started = new Map<string, string>();
  const steps: StepTiming[] = [];
  const since = new Map<string, number>();
  const onEvent = (e: EngineEvent) => {
    events.push(e);
    const pre = e.resourcePreEvent?.metadata;
    if (pre && pre.op !== 'same') {
      started.set(pre.urn, pre.op);
      since.set(pre.urn, Date.now());
    }
    const out = e.resOutputsEvent?.metadata;
    if (out && since.has(out.urn)) steps.push({ urn: out.urn, op: out.op, seconds: (Date.now() - since.get(out.urn)!) / 1000 });
    if (out) started.delete(out.urn);
    const fail = e.resOpFailedEvent?.metadata;
    if (fail) started.delete(fail.urn);
  };
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutS * 1000);
  const t0 = Date.now();
  const opts = { onEvent, signal: controller.signal, color: 'never' as const };
  let result: any;
  let error: unknown;
  try {
    result = await (op === 'preview' ? stack.preview(opts) : op === 'up' ? stack.up(opts) : op === 'refresh' ? stack.refresh({ ...opts, target }) : stack.destroy(opts));
  } catch (e) {
    error = e;
  } finally {
    clearTimeout(timer);
  }
  const seconds = (Date.now() - t0) / 1000;
  const diagnostics = errorDiagnostics(events);
  const pending = [...started.entries()].map(([urn, o]) => `${o} ${urn}`);
  if (log) log(`  ${op}: ${error ? (timedOut ? `cancelled after ${timeoutS}s` : 'failed') : 'ok'} in ${seconds.toFixed(1)}s${seconds > 30 ? `; slowest: ${slowestSteps(steps, 4)}` : ''}`);
  return { ok: !error, result, error, timedOut, events, diagnostics, pending, seconds };
}

/** Why an operation failed: error diagnostics, else the CLI's error text; plus what was pending. */
export function whyFailed(r: OperationResult): string[] {
  const lines = r.diagnostics.length ? r.diagnostics : [String((r.error as Error | undefined)?.message).split('\n').slice(-12).join(' | ')];
  return [...lines, ...(r.timedOut ? [`still in progress when cancelled: ${r.pending.join(', ') || 'none'}`] : [])];
}

/** The stack's state (deployment: resources with inputs/outputs). */
export async function deployment(stack: Stack): Promise<KubeObject> {
  return (await stack.exportStack()).deployment;
}
