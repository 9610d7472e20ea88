// verify:apiserver — apply every object of dist/*.yaml to a real, throwaway kube-apiserver.
//
// Starts etcd and kube-apiserver (pinned builds from tools/go/build.sh kube) on 127.0.0.1 with
// random free ports and a temporary data dir, installs the upstream CRDs the charts need, proves
// Pod Security admission is enforcing, server-side applies every chart object twice (the second
// apply must change nothing), dry-run creates every manifest embedded in an Argo workflow step
// (`resource` templates) as the ServiceAccount argoexec would use for that step (step-identity.ts),
// sends its canaries (known-bad inputs that must be refused for their stated
// reason: canaries/inputs.ts) and prints a per-chart table. The line before the last is
//   canaries: C/T caught
// and the last line is always either
//   apiserver: N objects accepted, R rejected[, K canaries not caught]
// (N and R include the embedded manifests, never the canaries) or, when the check could not run,
//   apiserver: error: <reason>
// Exit codes: 0 all accepted and every canary caught, 1 objects rejected / Pod Security not
// enforcing / a canary not caught, 2 could not run.

import { commandLine } from '../core/args';
import { resolveBinaries, startControlPlane } from '../core/control-plane';
import { canaryLine, canaryReportLines, exitCodeWithCanaries, missedSuffix } from '../core/canaries';
import { chartsDirBeside } from '../core/chart-crds';
import { addChartCrds, addProjectCrds, type CrdInstallResult, discoverInstalled, installCrds, loadCrdIndex } from '../core/crds';
import { loadDist } from '../core/dist';
import { extractAllEmbedded } from '../core/embedded';
import { describe } from '../core/objects';
import { cleanup, exitDescription, installSignalHandlers, logTail, runMain, state } from '../core/processes';
import { Fatal, log } from '../core/runtime';
import { applyAll, checkEmbedded } from './apply';
import { APISERVER_CANARY_MINIMUM } from './canaries/inputs';
import { runApiserverCanaries } from './canaries/run';
import { embeddedSummaryLine, summaryLine } from './chart-table';
import { missingCrdMessage, namespacesNotRestricted, resolveKinds } from './kinds';
import { parseArgs, USAGE } from './options';
import { podSecurityProbe } from './pod-security-probe';
import { printReport } from './report';

installSignalHandlers({ tool: 'verify-apiserver', summary: 'apiserver' });

async function main(): Promise<number> {
  const opts = commandLine(parseArgs, USAGE, { tool: 'verify-apiserver', summary: 'apiserver' });
  if (typeof opts === 'number') return opts;
  const t0 = Date.now();

  // 1. inputs (before anything is started, so bad input fails fast)
  const { charts, objects } = loadDist(opts.dist);
  const extracted = extractAllEmbedded(objects);
  const crds = addChartCrds(addProjectCrds(loadCrdIndex(opts.crds), opts.projectCrds), chartsDirBeside(opts.crds));
  const { needed, missing } = resolveKinds([...objects, ...extracted.embedded], crds.index);
  log(
    `verify-apiserver: ${objects.length} objects in ${charts.length} chart file(s) from ${opts.dist}` +
      ` (+ ${extracted.embedded.length + extracted.errors.length} manifest(s) embedded in workflow steps);` +
      ` ${needed.size} CRD(s) needed from ${opts.crds}`,
  );
  if (crds.problem && (needed.size || missing.size)) log(`  warning: ${crds.problem}`);
  if (opts.verbose) {
    for (const d of crds.duplicates) log(`  note: ${d.key} is defined in ${d.used} and ${d.ignored}; using ${d.used}`);
  }
  const missingMsgs = new Map<string, string>();
  for (const [key, m] of missing) {
    const msg = missingCrdMessage(m, opts.crds);
    missingMsgs.set(key, msg);
    log(`  FAIL ${msg}`);
  }

  // 2. binaries + control plane
  const bins = resolveBinaries(opts);
  const cp = await startControlPlane(opts, bins);
  const { client } = cp;
  const ver = await client.request('GET', '/version');
  log(`==> kube-apiserver ${ver.body?.gitVersion} ready on https://127.0.0.1:${cp.securePort} (etcd on 127.0.0.1:${cp.etcdClient}) after ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  log('    note: operator admission webhooks and CRD conversion webhooks are NOT running here; objects are');
  log('          checked by built-in admission (incl. Pod Security), OpenAPI/CRD structural schemas and');
  log('          CEL rules only. Webhook-only defaulting/validation of kueue, kserve, training-operator,');
  log('          trainer, argo, keda and volcano is not exercised. No controllers run (status stays empty).');

  // 3. Pod Security admission proof
  const psa = await podSecurityProbe(client);
  log(`==> Pod Security admission probe (namespace ${psa.nsName || '-'} labelled enforce=restricted):`);
  for (const l of psa.lines) log(`    ${l}`);

  // 4. CRDs
  let crdResults = new Map<string, CrdInstallResult>();
  if (needed.size) {
    log(`==> installing ${needed.size} CRD(s) (server-side apply, wait for Established)`);
    crdResults = await installCrds(client, needed, opts);
  }
  const byGvk = await discoverInstalled(client, crdResults);

  // 5. apply twice
  const notRestricted = namespacesNotRestricted(objects);
  if (notRestricted.length) log(`    note: namespaces without pod-security.kubernetes.io/enforce=restricted: ${notRestricted.join(', ')}`);
  if (objects.some((o) => o.kind === 'ResourceQuota' && o.group === '')) {
    log('    note: no quota controller runs, so ResourceQuota status stays empty and quota admission');
    log('          enforces nothing here (quota limits are not checked against the workloads).');
  }
  const ctx = { opts, missingMsgs, crdResults, byGvk };
  const { result, rvOnly } = await applyAll(client, objects, ctx);
  if (rvOnly.length) {
    log(`    note: the second apply left ${rvOnly.length} object(s) unchanged but the server bumped their resourceVersion`);
    log(`          (${rvOnly.map((o) => describe(o)).join(', ')}); content, generation and field ownership are identical`);
  }

  // 6. manifests embedded in workflow steps: dry-run create as the step's ServiceAccount
  const embeddedResults = await checkEmbedded(client, extracted, ctx, objects);

  // 7. canaries: known-bad inputs next to dist, each must be refused for its stated reason
  const accepted = objects.filter((o) => result.get(o)?.status === 'accepted').map((o) => o.body);
  const canaries = await runApiserverCanaries(client, accepted, ctx.byGvk, extracted.embedded, objects);

  // 8. report
  const totals = printReport({
    charts,
    objects,
    result,
    embeddedRecords: [...extracted.embedded, ...extracted.errors],
    embeddedResults,
  });
  log(`==> canaries (known-bad inputs; each must be refused for its stated reason, not counted above):`);
  for (const l of canaryReportLines(canaries)) log(l);
  if (totals.notApplied) log(`${totals.notApplied} object(s) reported but not applied (webhook/aggregation config; see "skip" lines above)`);
  log(`Pod Security admission: ${psa.ok ? 'enforcing (non-compliant Pod rejected, compliant Pod accepted)' : 'FAILED — see probe output above'}`);
  log(`finished in ${((Date.now() - t0) / 1000).toFixed(1)}s; stopping kube-apiserver and etcd`);
  client.close();
  await cleanup();
  const rejected = totals.rejected + totals.embeddedRejected;
  log(embeddedSummaryLine(totals.embeddedChecked, totals.embeddedRejected));
  log(canaryLine(canaries));
  log(summaryLine(totals.accepted + totals.embeddedAccepted, rejected) + missedSuffix(canaries, APISERVER_CANARY_MINIMUM));
  return exitCodeWithCanaries(rejected > 0 || !psa.ok ? 1 : 0, canaries, APISERVER_CANARY_MINIMUM);
}

/** A lost connection is explained by what happened to kube-apiserver (its exit and log tail). */
function explainLostConnection(err: unknown): unknown {
  if (err instanceof Fatal || !/ECONNREFUSED|ECONNRESET|socket hang up/.test(String((err as Error)?.message))) return err;
  const api = state.procs.find((p) => p.procName === 'kube-apiserver');
  const how = api?.exitInfo ? `kube-apiserver ${exitDescription(api.exitInfo)}` : 'kube-apiserver stopped answering';
  return new Fatal(`lost the connection to kube-apiserver (${(err as Error).message}): ${how}${api ? `\n${logTail(api)}` : ''}`);
}

runMain(main, explainLostConnection);
