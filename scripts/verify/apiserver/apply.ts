// The object checks of verify-apiserver: server-side apply of every dist object (twice; the second
// apply must change nothing) and dry-run create of every manifest embedded in an Argo workflow step,
// sent as the step's ServiceAccount (step-identity.ts).

import { type ApiClient, applyObject, discover, dryRunApply, dryRunCreate } from '../core/api-client';
import { isPodSecurityWarning, type ServedResource, statusMessage } from '../core/api-paths';
import type { CrdInstallResult } from '../core/crds';
import { describeEmbedded, describeOwner, type Extracted, type UnreadableManifest } from '../core/embedded';
import { BUILTIN_GROUPS, notAppliedReason, sortForApply } from '../core/kinds';
import { describe, type KubeObject, type ObjectRecord } from '../core/objects';
import { log } from '../core/runtime';
import { diffPaths } from './chart-table';
import { crdProblem, servedResource } from './kinds';
import type { ApiserverOptions } from './options';
import { actingAs, ownerOf, stepServiceAccount } from './step-identity';

export interface Verdict {
  status: 'accepted' | 'rejected' | 'notApplied';
  reasons: string[];
}

export interface ApplyContext {
  opts: ApiserverOptions;
  missingMsgs: ReadonlyMap<string, string>;
  crdResults: ReadonlyMap<string, CrdInstallResult>;
  byGvk: Map<string, ServedResource>;
}

/**
 * Apply every object twice. ctx: { opts, missingMsgs, crdResults, byGvk } (byGvk is refreshed in
 * place when dist itself defines CRDs). Returns { result: Map(object -> { status, reasons }), rvOnly }.
 */
export async function applyAll(client: ApiClient, objects: readonly ObjectRecord[], ctx: ApplyContext): Promise<{ result: Map<ObjectRecord, Verdict>; rvOnly: ObjectRecord[] }> {
  const { opts, missingMsgs, crdResults } = ctx;
  const result = new Map<ObjectRecord, Verdict>();
  const first = new Map<ObjectRecord, KubeObject>(); // response body of pass 1
  const ordered = sortForApply(objects);
  const reject = (o: ObjectRecord, reason: string) => {
    const r: Verdict = result.get(o) || { status: 'rejected', reasons: [] };
    r.status = 'rejected';
    r.reasons.push(reason);
    result.set(o, r);
  };
  const rvOnly: ObjectRecord[] = []; // re-written by the server on the second apply, but with identical content
  for (const pass of [1, 2]) {
    log(`==> apply pass ${pass}${pass === 2 ? ' (must change nothing)' : ''}`);
    let dirtyDiscovery = false;
    for (const o of ordered) {
      if (pass === 2 && result.get(o)?.status !== 'accepted') continue;
      const why = notAppliedReason(o);
      if (why) {
        if (pass === 1) {
          result.set(o, { status: 'notApplied', reasons: [why] });
          log(`  skip ${describe(o)} (${o.chart}): not applied — ${why}`);
        }
        continue;
      }
      const problem = crdProblem(o, missingMsgs, crdResults);
      if (problem) {
        reject(o, problem);
        continue;
      }
      if (!o.name) {
        reject(o, 'metadata.name is missing (server-side apply needs a name)');
        continue;
      }
      if (dirtyDiscovery && !BUILTIN_GROUPS.has(o.group)) {
        ctx.byGvk = await discover(client);
        dirtyDiscovery = false;
      }
      const served = servedResource(o, ctx.byGvk, crdResults);
      if (!served.res) {
        reject(o, served.reason);
        continue;
      }
      const res = served.res;
      const r = await applyObject(client, o, res, opts);
      const psaWarnings = r.warnings.filter(isPodSecurityWarning);
      const otherWarnings = r.warnings.filter((w) => !isPodSecurityWarning(w));
      if (r.status !== 200 && r.status !== 201) {
        reject(o, statusMessage(r.status, r.body));
      } else if (pass === 1) {
        first.set(o, r.body);
        result.set(o, { status: 'accepted', reasons: [] });
        if (psaWarnings.length) reject(o, `Pod Security: ${psaWarnings.join('; ')}`);
        if (o.group === 'apiextensions.k8s.io' && o.kind === 'CustomResourceDefinition') dirtyDiscovery = true;
      } else {
        const before = first.get(o);
        const rvBefore = before?.metadata?.resourceVersion;
        const rvAfter = r.body?.metadata?.resourceVersion;
        const changed = diffPaths(before, r.body);
        if (changed.length) {
          reject(o, `changed on the second apply (resourceVersion ${rvBefore} -> ${rvAfter}); differs at ${changed.join(', ')}`);
        } else if (rvBefore !== rvAfter) {
          rvOnly.push(o);
        }
      }
      if (pass === 1 && otherWarnings.length) log(`  warn ${describe(o)} (${o.chart}): ${otherWarnings.join('; ')}`);
      const st = result.get(o);
      if (opts.verbose && pass === 1 && st && st.status === 'accepted') log(`  ok   ${describe(o)} (${o.chart})`);
    }
  }
  return { result, rvOnly };
}

/**
 * Dry-run create every embedded manifest (lib.extractAllEmbedded) in the namespace its step would
 * use, after the dist objects are applied (so namespaces, PVCs, Roles, ... exist), as the
 * ServiceAccount argoexec uses for that step (`records`: dist's, to find the embedding workflow),
 * so RBAC refuses what the workflow's Role does not allow. A step with action
 * apply/replace whose object already exists is checked with a dry-run server-side apply instead.
 * Unparsable manifests and Pod Security warnings count as rejections.
 * Returns Map(record -> { status: 'accepted'|'rejected'|'notApplied', reasons: [] }) over
 * extracted.embedded and extracted.errors.
 */
export async function checkEmbedded(admin: ApiClient, extracted: Extracted, ctx: ApplyContext, records: readonly ObjectRecord[]): Promise<Map<ObjectRecord | UnreadableManifest, Verdict>> {
  const { opts, missingMsgs, crdResults } = ctx;
  const { embedded, skipped, errors } = extracted;
  const results = new Map<ObjectRecord | UnreadableManifest, Verdict>();
  const t0 = Date.now();
  log(
    `==> embedded in workflow steps: dry-run create of ${embedded.length} manifest(s)` +
      `${errors.length ? `, ${errors.length} unreadable` : ''}${skipped.length ? `, ${skipped.length} not checked` : ''}`,
  );
  for (const s of skipped) log(`  skip ${describeOwner(s.embeddedIn)} (${s.chart}): ${s.reason}`);
  for (const e of errors) results.set(e, { status: 'rejected', reasons: [e.message] });
  for (const e of embedded) {
    const reject = (reason: string) => {
      const hint = e.expressions ? ' (the manifest contains Argo {{...}} expressions, substituted only when the step runs)' : '';
      results.set(e, { status: 'rejected', reasons: [`${reason}${hint}`] });
    };
    const why = notAppliedReason(e);
    if (why) {
      results.set(e, { status: 'notApplied', reasons: [why] });
      log(`  skip ${describeEmbedded(e)} (${e.chart}): not checked — ${why}`);
      continue;
    }
    const problem = crdProblem(e, missingMsgs, crdResults);
    if (problem) {
      reject(problem);
      continue;
    }
    if (!e.name && !e.generateName) {
      reject('metadata.name and metadata.generateName are both missing');
      continue;
    }
    const served = servedResource(e, ctx.byGvk, crdResults);
    if (!served.res) {
      reject(served.reason);
      continue;
    }
    const res = served.res;
    const sa = stepServiceAccount(e, ownerOf(e, records));
    const client = actingAs(admin, sa);
    let how = `dry-run create as ServiceAccount ${sa.namespace}/${sa.name}`;
    let r = await dryRunCreate(client, e, res, opts);
    if (r.status === 409 && e.name && e.embeddedIn?.action !== 'create') {
      how = `dry-run apply as ServiceAccount ${sa.namespace}/${sa.name} (an object of that name exists)`;
      r = await dryRunApply(client, e, res, opts);
    }
    const psaWarnings = r.warnings.filter(isPodSecurityWarning);
    const otherWarnings = r.warnings.filter((w) => !isPodSecurityWarning(w));
    if (r.status !== 200 && r.status !== 201) reject(`${how}: ${statusMessage(r.status, r.body)}`);
    else if (psaWarnings.length) reject(`Pod Security: ${psaWarnings.join('; ')}`);
    else results.set(e, { status: 'accepted', reasons: [] });
    if (otherWarnings.length) log(`  warn ${describeEmbedded(e)} (${e.chart}): ${otherWarnings.join('; ')}`);
    if (opts.verbose && results.get(e)?.status === 'accepted') log(`  ok   ${describeEmbedded(e)} (${e.chart}) by ${how}`);
  }
  const statuses = [...results.values()].map((r) => r.status);
  const rejected = statuses.filter((st) => st === 'rejected').length;
  log(`    ${statuses.filter((st) => st !== 'notApplied').length} embedded manifest(s) checked in ${((Date.now() - t0) / 1000).toFixed(1)}s, ${rejected} rejected`);
  return results;
}
