// Inputs and cluster setup of verify-cluster: the TypeScript inputs, the CRDs the run needs
// (the shared reference set first, the operator's own release for kinds it lacks), storage, and
// applying dist plus the objects a workflow step or a CronJob would create.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { applyObject, discover } from '../verify-apiserver/api.mjs';
import { Fatal, YAML, log, repoRoot, sleep } from '../verify-apiserver/common.mjs';
import { installCrds } from '../verify-apiserver/crds.mjs';
import lib from '../verify-apiserver/lib.cjs';
import storage from './storage.cjs';

/** Runs scripts/verify-cluster/cluster-inputs.ts through scripts/synth.mjs (or reads `file`); returns its JSON. */
export function loadInputs(file) {
  if (file) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Fatal(`--inputs ${file}: ${e.message}`);
    }
  }
  const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'synth.mjs'), 'scripts/verify-cluster/cluster-inputs.ts'],
    { cwd: repoRoot, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) {
    throw new Fatal(`scripts/verify-cluster/cluster-inputs.ts failed (exit ${r.status ?? r.signal}):\n${(r.stderr || '').trim().split('\n').slice(-15).join('\n')}`);
  }
  try {
    return JSON.parse(r.stdout);
  } catch (e) {
    throw new Fatal(`scripts/verify-cluster/cluster-inputs.ts printed no JSON: ${e.message}: ${r.stdout.slice(0, 300)}`);
  }
}

/** CRD infos (lib.crdInfo) of the files in an operator's asset dir (e.g. Kueue's own CRDs). */
export function operatorCrdInfos(dir, operator) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().flatMap((f) => {
    const file = path.join(dir, f);
    const text = fs.readFileSync(file, 'utf8');
    const header = lib.crdHeaderText(text);
    const info = lib.crdInfo(YAML.parse(header ?? text), file);
    return info ? [{ ...info, operatorRelease: operator }] : [];
  });
}

/**
 * The CRDs to install: every kind dist (and the embedded manifests) uses, plus the kinds the
 * running operators watch. A kind comes from the shared set when it has it, else from the
 * operator's own release (Kueue's Workload, Cohort, Topology, ... are not in the shared set).
 */
export function crdsToInstall(sharedIndex, operatorInfos, kindsNeeded) {
  const needed = new Map();
  const missing = [];
  const operatorIndex = new Map(operatorInfos.map((i) => [`${i.group}/${i.kind}`, i]));
  for (const key of kindsNeeded) {
    const crd = sharedIndex.get(key) || operatorIndex.get(key);
    if (crd) needed.set(key, crd);
    else missing.push(key);
  }
  return { needed, missing };
}

export async function installAll(client, needed, opts) {
  const results = await installCrds(client, needed, opts);
  let byGvk = await discover(client);
  for (let i = 0; i < 40; i++) {
    const lagging = [...results.values()].filter((c) => c.ok && c.served.some((v) => !byGvk.has(`${c.crd.group}/${v}/${c.crd.kind}`)));
    if (!lagging.length) break;
    await sleep(250);
    byGvk = await discover(client);
  }
  const failed = [...results.values()].filter((c) => !c.ok);
  if (failed.length) throw new Fatal(`CRDs not installed: ${failed.map((c) => c.message).join('; ')}`);
  return byGvk;
}

/** StorageClasses and one pre-bound PersistentVolume per claim that will exist. */
export async function createStorage(client, records) {
  const claims = storage.expectedClaims(records);
  const objs = [...storage.storageClasses(claims), ...storage.persistentVolumes(claims)];
  for (const o of objs) {
    const apiPath = o.kind === 'StorageClass' ? '/apis/storage.k8s.io/v1/storageclasses' : '/api/v1/persistentvolumes';
    const r = await client.request('POST', apiPath, { body: o });
    if (r.status !== 201) throw new Fatal(`creating ${o.kind} ${o.metadata.name} failed: ${lib.statusMessage(r.status, r.body)}`);
  }
  const classes = [...new Set(claims.map((c) => c.storageClassName || `${storage.DEFAULT_CLASS} (default)`))];
  log(`==> storage: ${claims.length} PersistentVolume(s) pre-bound to their claims, StorageClass(es): ${classes.join(', ') || storage.DEFAULT_CLASS}`);
  return claims;
}

/**
 * Server-side apply of every dist object in apply order (webhooks of the running operators are
 * active). Returns Map(record -> { ok, message }) and the refreshed discovery.
 */
export async function applyDist(client, objects, ctx) {
  const results = new Map();
  for (const o of lib.sortForApply(objects)) {
    const why = lib.notAppliedReason(o);
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
    const psa = r.warnings.filter(lib.isPodSecurityWarning);
    if (r.status !== 200 && r.status !== 201) results.set(o, { ok: false, message: `apply rejected: ${lib.statusMessage(r.status, r.body)}` });
    else if (psa.length) results.set(o, { ok: true, warning: `Pod Security warning on apply: ${psa.join('; ')}` });
    else results.set(o, { ok: true, body: r.body });
    if (ctx.opts.verbose) log(`  ${results.get(o).ok ? 'ok  ' : 'FAIL'} ${lib.describe(o)}${results.get(o).message ? `: ${results.get(o).message}` : ''}`);
  }
  return results;
}

/**
 * Objects a workflow step creates (embedded manifests whose kind runs pods): created here directly,
 * as the step would (POST, generateName kept). Returns [{ record, ok, name, message }].
 */
export async function createEmbedded(client, records, byGvk) {
  const out = [];
  for (const e of records) {
    const res = byGvk.get(`${e.group}/${e.version}/${e.kind}`);
    if (!res) {
      out.push({ record: e, ok: false, message: `the apiserver does not serve ${e.apiVersion} ${e.kind}` });
      continue;
    }
    const r = await client.request('POST', `${lib.collectionPath(e, res, e.namespace)}?fieldManager=verify-cluster&fieldValidation=Strict`, { body: { ...e.body, metadata: { ...e.body.metadata, namespace: e.namespace } } });
    if (r.status === 201) out.push({ record: e, ok: true, name: r.body.metadata.name });
    else out.push({ record: e, ok: false, message: `create rejected: ${lib.statusMessage(r.status, r.body)}` });
  }
  return out;
}

/** One Job from each CronJob's jobTemplate, as `kubectl create job --from=cronjob/<name>` makes it. */
export async function runCronJobs(client, cronJobs, applied) {
  const out = [];
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
    out.push({ record: c, ok: r.status === 201, name: job.metadata.name, message: r.status === 201 ? undefined : `creating its Job rejected: ${lib.statusMessage(r.status, r.body)}` });
  }
  return out;
}
