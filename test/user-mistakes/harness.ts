import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { NodePool } from '../../constructs/cluster/node-pool';
import { PlatformTarget } from '../../constructs/checks/platform-target';
import { ContainerImage } from '../../constructs/core/image';
import { PlatformApp } from '../../constructs/app/platform-app';
import { formatFinding } from '../../constructs/checks/semantic-rule';
import { ContainerSpec } from '../../constructs/core/pod-template';
import { FairShareCohort } from '../../constructs/operations/fair-share-cohort';
import { Team } from '../../constructs/operations/team';
import { defaultPlatformTarget } from '../../stacks/operators/platform-target';

/**
 * The user-mistakes suite: each test builds a small platform with one mistake in it, runs synth
 * the way `npm run synth` does (PlatformApp.synth into an outdir that already holds a previous
 * output) and asserts that synth fails before writing anything, with an error that names the
 * construct path, the prop (or field) and the value — never a raw TypeError, never a silent pass.
 */

/** The platform the mistakes are made in: a CPU pool and a pool of 8 x A100 80 GB nodes. */
export const pools = {
  cpu: NodePool.cpu({ name: 'cpu', instanceType: 'm6i.4xlarge', maxSize: 4 }),
  gpu: NodePool.gpu({ name: 'gpu-a100', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, maxSize: 2 }),
};

/** The local stack's default target over those pools (what `npm run synth` checks against). */
export function localTarget(): PlatformTarget {
  return defaultPlatformTarget('local', Object.values(pools));
}

/** Pinned images: a CPU one and a CUDA build of PyTorch (the image facts know which is which). */
export const BUSYBOX = ContainerImage.of('busybox:1.36.1');
export const PYTORCH = ContainerImage.of('pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime');

/** A small CPU step. */
export const STEP: ContainerSpec = { image: BUSYBOX, command: ['sh', '-c', 'echo ok'], resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) } };

/** Two teams sharing both pools through one cohort; each owns its namespace and LocalQueue. */
export function teams(app: PlatformApp): { chart: Chart; cohort: FairShareCohort; a: Team; b: Team } {
  const chart = new Chart(app, 'teams', { disableResourceNameHashes: true });
  const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml-teams', pools: [pools.cpu, pools.gpu] });
  const quota = (gpus: number) => [
    { pool: pools.cpu, nominal: { cpu: Cpu.units(16), memory: Size.gibibytes(64) } },
    { pool: pools.gpu, nominal: { cpu: Cpu.units(48 * gpus / 8), memory: Size.gibibytes(512 * gpus / 8), gpus } },
  ];
  const a = new Team(chart, 'team-a', { group: 'ml-team-a', cohort, quotas: quota(8) });
  const b = new Team(chart, 'team-b', { group: 'ml-team-b', cohort, quotas: quota(8) });
  return { chart, cohort, a, b };
}

/** A chart in a team's namespace. */
export function teamChart(app: PlatformApp, id: string, team: Team): Chart {
  return new Chart(app, id, { namespace: team.namespace, disableResourceNameHashes: true });
}

/** What the error of a mistake must name. */
export interface Named {
  /** Construct path (or the kind and factory of a value object, e.g. `NodePool 'gpu'`). */
  readonly path: string;
  /** Prop, or manifest field for a cross-object (semantic) check. */
  readonly prop: string;
  /** The value, as the message prints it. */
  readonly value: string;
}

export interface SynthOptions {
  /** @default localTarget() */
  readonly target?: PlatformTarget;
  /** Warnings fail synth too, as in CI (`--strict`). @default false */
  readonly strict?: boolean;
}

const RAW_ERRORS = /Cannot read propert|is not a function|is not iterable|undefined is not|Cannot convert undefined|of undefined|of null/;

/**
 * Builds the app with `build`, synthesizes it into an outdir holding a previous output, and
 * returns the error message after checking: synth failed; the error is no raw TypeError (nor
 * ReferenceError/RangeError) and names the path, the prop and the value; the outdir still holds
 * exactly the previous output and nothing was left beside it.
 */
export function expectMistake(build: (app: PlatformApp) => void, named: Named, options: SynthOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-mistake-'));
  const outdir = path.join(dir, 'dist');
  fs.mkdirSync(outdir);
  fs.writeFileSync(path.join(outdir, 'previous.k8s.yaml'), 'kept');
  try {
    let error: unknown;
    try {
      const app = new PlatformApp({ outdir, target: options.target ?? localTarget(), strictChecks: options.strict ?? false });
      build(app);
      app.synth();
    } catch (e) {
      error = e;
    }
    if (error === undefined) throw new Error(`the mistake passed silently: synth wrote ${fs.readdirSync(outdir).join(', ')}`);
    expect(error).toBeInstanceOf(Error);
    const err = error as Error;
    expect(err.name).not.toBe('TypeError');
    expect(err).not.toBeInstanceOf(TypeError);
    expect(err).not.toBeInstanceOf(ReferenceError);
    expect(err).not.toBeInstanceOf(RangeError);
    expect(err.message).not.toMatch(RAW_ERRORS);
    expect(err.message).toContain(named.path);
    expect(err.message).toContain(named.prop);
    expect(err.message).toContain(named.value);
    // Nothing written: the previous output is intact and no temp dir was left beside it.
    expect(fs.readdirSync(outdir)).toEqual(['previous.k8s.yaml']);
    expect(fs.readFileSync(path.join(outdir, 'previous.k8s.yaml'), 'utf8')).toBe('kept');
    expect(fs.readdirSync(dir)).toEqual(['dist']);
    // MLP_MISTAKES_LOG=<file>: collect every message, to read them all at once.
    if (process.env.MLP_MISTAKES_LOG) fs.appendFileSync(process.env.MLP_MISTAKES_LOG, `${expect.getState().currentTestName}\n  ${err.message.split('\n').join('\n  ')}\n`);
    return err.message;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Builds and synthesizes into a fresh outdir (warnings never fail it here, whatever the
 * environment says); returns the files written, each warning as printed (`(rule <id>)` at the end)
 * and the rules of the findings suppressions silenced.
 */
export function synthWarns(build: (app: PlatformApp) => void, options: SynthOptions = {}): { files: string[]; warnings: string[]; suppressed: string[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-warns-'));
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    const app = new PlatformApp({ outdir: path.join(dir, 'dist'), target: options.target ?? localTarget(), strictChecks: false });
    build(app);
    app.synth();
    const report = app.lastCheckReport!;
    return { files: fs.readdirSync(path.join(dir, 'dist')).sort(), warnings: report.warnings.map(formatFinding), suppressed: report.suppressed.map((s) => s.problem.rule!) };
  } finally {
    log.mockRestore();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Builds and synthesizes into a fresh outdir, with no warning; returns the files written (for the valid twins). */
export function synthOk(build: (app: PlatformApp) => void, options: SynthOptions = {}): string[] {
  const { files, warnings } = synthWarns(build, options);
  expect(warnings).toEqual([]);
  return files;
}
