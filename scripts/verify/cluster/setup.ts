// Inputs and cluster setup of verify-cluster: the TypeScript inputs, the CRDs the run needs
// (the shared reference set first, the operator's own release for kinds it lacks), storage, and
// applying dist plus the objects a workflow step or a CronJob would create.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { type ApiClient, applyObject } from '../core/api-client';
import { collectionPath, isPodSecurityWarning, type ServedResource, statusMessage } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { type CrdInfo, crdHeaderText, crdInfo } from '../core/crd-index';
import { discoverInstalled, installCrds } from '../core/crds';
import { notAppliedReason, sortForApply } from '../core/kinds';
import { describe, type KubeObject, type ObjectRecord } from '../core/objects';
import { errorMessage, Fatal, log, repoRoot } from '../core/runtime';
import type { PoolInput } from './nodes';
import type { DraInput } from './dra-inputs';
import type { TasInput } from './tas-inputs';
import type { ChartedInputs } from './chart-render';
import type { OperatorConfiguration } from './operator-config-source';
import type { WorkloadCanaryInput } from './canary-verdicts';
import type { WorkloadIntent } from './placement';
import type { OverQuotaInput } from './scenarios';
import { type Claim, expectedClaims, profileClasses, provisionedVolumes, type StorageClassInput, type StorageProfileInput } from './storage';

/** What cluster-inputs.ts prints under `canaries.workflowRole` (canaries.ts runs it). */
export interface WorkflowRoleCanaryInput {
  readonly namespace: string;
  readonly workflow: string;
  /** The verb and resource taken out of the derived Role. */
  readonly removed: string;
  readonly objects: KubeObject[];
}

/** A Workflow whose step applies a fixed-named TFJob: its second run reuses the first's (canaries.ts). */
export interface WorkflowRerunCanaryInput {
  readonly namespace: string;
  readonly workflow: string;
  readonly objects: KubeObject[];
}

/** What cluster-inputs.ts prints. */
export interface ClusterInputs {
  stackFile: string;
  cluster: string;
  kubernetesVersion: string;
  operators: { name: string; version: string; namespace?: string; crdGroups: string[] | null }[];
  pools: PoolInput[];
  operatorConfig: OperatorConfiguration;
  overQuota: OverQuotaInput | null;
  /** The operators installed from their charts (with MLP_CLUSTER_CHARTS_DIR). */
  charted: ChartedInputs;
  /** The stack's StorageProfile: the classes the harness provisions as (storage.ts). */
  storage: StorageProfileInput;
  /** Per dist workload object, the pool(s) and GPUs its construct was given (placement.ts). */
  intents: WorkloadIntent[];
  /** Pool renders construct-intent.ts could credit to no construct (printed). */
  uncreditedRenders: string[];
  /** Known-bad inputs built with the project's constructs (canaries.ts, canary-inputs.ts). */
  canaries: { workflowRole: WorkflowRoleCanaryInput; workflowRerun: WorkflowRerunCanaryInput; workloads: WorkloadCanaryInput[] };
  /** The DRA proof (dra-inputs.ts), built when the stack installs Trainer v2 (its workload is a TrainJob). */
  dra: DraInput | null;
  /** The TAS proof (tas-inputs.ts), built when the stack installs Kueue and Trainer v2. */
  tas: TasInput | null;
}

const INPUTS_ENTRY = 'scripts/verify/cluster/cluster-inputs.ts';

/**
 * Runs cluster-inputs.ts through scripts/synth.mjs (or reads `file`); returns its JSON. `charts`:
 * the charts directory and the operators to render from it.
 */
export function loadInputs(file: string | undefined, charts?: { dir: string; operators: readonly string[] }): ClusterInputs {
  if (file) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Fatal(`--inputs ${file}: ${errorMessage(e)}`);
    }
  }
  const env = { ...process.env, ...(charts ? { MLP_CLUSTER_CHARTS_DIR: path.resolve(charts.dir), MLP_CLUSTER_CHART_OPERATORS: charts.operators.join(',') } : {}) };
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'synth.mjs'), INPUTS_ENTRY], { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, env });
  if (r.status !== 0) {
    throw new Fatal(`${INPUTS_ENTRY} failed (exit ${r.status ?? r.signal}):\n${(r.stderr || '').trim().split('\n').slice(-15).join('\n')}`);
  }
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    throw new Fatal(`${INPUTS_ENTRY} printed no JSON: ${errorMessage(e)}: ${r.stdout.slice(0, 300)}`);
  }
}

/** CRD infos (crdInfo) of the files in an operator's asset dir (e.g. Kueue's own CRDs). */
export function operatorCrdInfos(dir: string, operator: string): CrdInfo[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    const header = crdHeaderText(text);
    const info = crdInfo(YAML.parse(header ?? text), file);
    return info ? [{ ...info, operatorRelease: operator }] : [];
  });
}

/**
 * The CRDs to install: every kind dist (and the embedded manifests) uses, plus the kinds the
 * running operators watch. A kind comes from the chart of an operator installed from its chart,
 * else from the shared set when it has it, else from the operator's own release (Kueue's Workload,
 * Cohort, Topology, ... are not in the shared set).
 */
export function crdsToInstall(sharedIndex: ReadonlyMap<string, CrdInfo>, operatorInfos: readonly CrdInfo[], kindsNeeded: Iterable<string>, chartInfos: readonly CrdInfo[] = []) {
  const needed = new Map<string, CrdInfo>();
  const missing: string[] = [];
  const operatorIndex = new Map(operatorInfos.map((i) => [`${i.group}/${i.kind}`, i]));
  // An operator installed from its chart brings its CRDs as the chart renders them.
  const chartIndex = new Map(chartInfos.map((i) => [`${i.group}/${i.kind}`, i]));
  for (const key of kindsNeeded) {
    const crd = chartIndex.get(key) || sharedIndex.get(key) || operatorIndex.get(key);
    if (crd) needed.set(key, crd);
    else missing.push(key);
  }
  return { needed, missing };
}

export async function installAll(client: ApiClient, needed: ReadonlyMap<string, CrdInfo>, opts: { crdTimeout: number }): Promise<Map<string, ServedResource>> {
  const results = await installCrds(client, needed, opts);
  const byGvk = await discoverInstalled(client, results);
  const failed = [...results.values()].flatMap((c) => (c.ok ? [] : [c.message]));
  if (failed.length) throw new Fatal(`CRDs not installed: ${failed.join('; ')}`);
  return byGvk;
}

/**
 * The profile's StorageClasses (with `classes`) and a pre-bound PersistentVolume for every claim of
 * `records` its provisioners would serve (storage.ts); the others are named and stay Pending.
 */
export async function createStorage(client: ApiClient, records: readonly ObjectRecord[], profile: StorageProfileInput, { classes = true, offset = 0, what = 'dist' } = {}): Promise<Claim[]> {
  const claims = expectedClaims(records);
  const { volumes, unbound } = provisionedVolumes(claims, profile, offset);
  for (const o of [...(classes ? profileClasses(profile) : []), ...volumes]) {
    const apiPath = o.kind === 'StorageClass' ? '/apis/storage.k8s.io/v1/storageclasses' : '/api/v1/persistentvolumes';
    const r = await client.request('POST', apiPath, { body: o });
    if (r.status !== 201) throw new Fatal(`creating ${o.kind} ${o.metadata.name} failed: ${statusMessage(r.status, r.body)}`);
  }
  const modes = (c: StorageClassInput) => `${c.name} (${c.accessModes.join(', ')})`;
  if (classes) log(`==> storage: the ${profile.name} profile's classes ${modes(profile.default)} [default], ${modes(profile.shared)}`);
  log(`    ${what}: ${volumes.length} of ${claims.length} claim(s) get a pre-bound PersistentVolume${unbound.length ? `; no volume (they stay Pending): ${unbound.join('; ')}` : ''}`);
  return claims;
}

/**
 * Server-side apply of every dist object in apply order (webhooks of the running operators are
 * active). Returns Map(record -> { ok, message }) and the refreshed discovery.
 */
export interface Applied {
  ok: boolean;
  skipped?: boolean;
  message?: string;
  warning?: string;
  body?: KubeObject;
}

export async function applyDist(
  client: ApiClient,
  objects: readonly ObjectRecord[],
  ctx: { opts: { fieldValidation: FieldValidation; verbose: boolean }; byGvk: ReadonlyMap<string, ServedResource> },
): Promise<Map<ObjectRecord, Applied>> {
  const results = new Map<ObjectRecord, Applied>();
  for (const o of sortForApply(objects)) {
    const why = notAppliedReason(o);
    if (why) {
      results.set(o, { ok: false, skipped: true, message: `not applied: ${why}` });
      continue;
    }
    const res = ctx.byGvk.get(`${o.group}/${o.version}/${o.kind}`);
    if (!res) {
      results.set(o, { ok: false, message: `the apiserver does not serve ${o.apiVersion} ${o.kind} (no CRD installed for it)` });
      continue;
    }
    const r = await applyObject(client, o, res, ctx.opts);
    const psa = r.warnings.filter(isPodSecurityWarning);
    if (r.status !== 200 && r.status !== 201) results.set(o, { ok: false, message: `apply rejected: ${statusMessage(r.status, r.body)}` });
    else if (psa.length) results.set(o, { ok: true, warning: `Pod Security warning on apply: ${psa.join('; ')}` });
    else results.set(o, { ok: true, body: r.body });
    const done = results.get(o)!;
    if (ctx.opts.verbose) log(`  ${done.ok ? 'ok  ' : 'FAIL'} ${describe(o)}${done.message ? `: ${done.message}` : ''}`);
  }
  return results;
}

/**
 * Objects a workflow step creates (embedded manifests whose kind runs pods): created here directly,
 * as the step would (POST, generateName kept). Returns [{ record, ok, name, message }].
 */
export interface Created {
  record: ObjectRecord;
  ok: boolean;
  name?: string;
  message?: string;
}

export async function createEmbedded(client: ApiClient, records: readonly ObjectRecord[], byGvk: ReadonlyMap<string, ServedResource>): Promise<Created[]> {
  const out: Created[] = [];
  for (const e of records) {
    const res = byGvk.get(`${e.group}/${e.version}/${e.kind}`);
    if (!res) {
      out.push({ record: e, ok: false, message: `the apiserver does not serve ${e.apiVersion} ${e.kind}` });
      continue;
    }
    const r = await client.request('POST', `${collectionPath(e, res, e.namespace)}?fieldManager=verify-cluster&fieldValidation=Strict`, {
      body: { ...e.body, metadata: { ...e.body.metadata, namespace: e.namespace } },
    });
    if (r.status === 201) out.push({ record: e, ok: true, name: r.body.metadata.name });
    else out.push({ record: e, ok: false, message: `create rejected: ${statusMessage(r.status, r.body)}` });
  }
  return out;
}

/** One Job from each CronJob's jobTemplate, as `kubectl create job --from=cronjob/<name>` makes it. */
export async function runCronJobs(client: ApiClient, cronJobs: readonly ObjectRecord[], applied: ReadonlyMap<ObjectRecord, Applied>): Promise<Created[]> {
  const out: Created[] = [];
  for (const c of cronJobs) {
    const live = applied.get(c)?.body;
    if (!live) continue;
    const tpl = live.spec.jobTemplate;
    const job = {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: `${c.name}-manual`.slice(0, 52),
        namespace: c.namespace,
        labels: tpl.metadata?.labels,
        annotations: { ...(tpl.metadata?.annotations || {}), 'cronjob.kubernetes.io/instantiate': 'manual' },
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: live.metadata.name, uid: live.metadata.uid, controller: true }],
      },
      spec: tpl.spec,
    };
    const r = await client.request('POST', `/apis/batch/v1/namespaces/${c.namespace}/jobs`, { body: job });
    out.push({ record: c, ok: r.status === 201, name: job.metadata.name, message: r.status === 201 ? undefined : `creating its Job rejected: ${statusMessage(r.status, r.body)}` });
  }
  return out;
}
