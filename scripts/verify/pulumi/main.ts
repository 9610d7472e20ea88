// verify:pulumi — the `local` stack's program through the real Pulumi engine and Kubernetes
// provider (built from Go modules by tools/go/build.sh pulumi), offline, against verify-cluster's
// simulated cluster (kube-controller-manager, kube-scheduler, kwok nodes from the stack's pools,
// the real training-operator and Kueue): cluster.ts.
//
// Config: Pulumi.local.yaml + `operatorInstall: external` (Helm charts cannot be fetched offline;
// the CRDs those operators bring are installed from ../shared/crds, Kueue's from its release) +
// `pools` listing the cluster's nodes (as Pulumi.local.yaml documents for a kind cluster), so the
// stack's NodePatches run too. Checks, in order:
//   preview; up does what preview planned (URN by URN, op by op); right after up every awaited
//   object is ready (awaits.ts); refresh changes nothing; second up changes nothing; the drift
//   canary (drift-canary.ts); bad input fails before any resource (state unchanged); a config
//   change (the GPU pool's accelerator) updates exactly the objects it changes, in place; destroy
//   leaves nothing but the retainOnDelete claims; then a failure half-way (one object rejected by
//   the apiserver) that a fixed up converges; destroy again.
// Before the last line: `canaries: C/T caught`. Last line: `pulumi: up N created, second up 0
// changed, update U changed, destroy D deleted, R retained, refresh 0 changed` (+ `, 1 canary not
// caught` when it was missed) or `pulumi: error: <reason>` (exit 2). Exit 1 when a check fails or
// the canary is missed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { commandLine } from '../core/args';
import { goBinaries } from '../core/build-tools';
import { type CanaryResult, canaryLine, canaryReportLines, exitCodeWithCanaries, missedSuffix } from '../core/canaries';
import { chartsDirBeside } from '../core/chart-crds';
import { addChartCrds, loadCrdIndex } from '../core/crds';
import { cleanup, installSignalHandlers, runMain, state } from '../core/processes';
import { Fatal, log, repoRoot } from '../core/runtime';
import { clusterInputs, startCluster, storageFor } from './cluster';
import { judgeDrift, PULUMI_CANARY_MINIMUM } from './drift-canary';
import { changedObjects, type Manifest, summaryLine } from './engine-results';
import { pickHalfwayTarget } from './halfway';
import { kubeClient } from './kube';
import { crdGroupsFor, kindsWithoutCrd, selectCrds } from './operator-crds';
import { parseArgs, USAGE } from './options';
import type * as PlanEntry from './plan-entry';
import { driftCanary } from './refresh-steps';
import { asProgramConfig, projectConfig, stackSettings } from './stack-settings';
import { Checks } from './checks';
import { badInput, configUpdate, destroyAndCheck, halfway, previewAndUp } from './steps';
import { bundlePrograms, createStack, NS, writeSettings } from './workspace';

const STACK = 'local';

installSignalHandlers({ tool: 'verify-pulumi', summary: 'pulumi' });

/** The Pulumi CLI root (holds bin/pulumi) and the provider's directory: the pulumi group of tools/go. */
function buildTools(build: boolean): { cliRoot: string; providerDir: string } {
  const paths = goBinaries('pulumi', build, 'the Pulumi CLI and provider');
  const cli = paths.pulumi;
  const provider = paths['pulumi-resource-kubernetes'];
  for (const f of [cli, provider]) {
    if (!f || !fs.existsSync(f)) throw new Fatal(`${f} is not built: run tools/go/build.sh pulumi`);
  }
  return { cliRoot: path.dirname(path.dirname(cli)), providerDir: path.dirname(provider) };
}

type Plan = ReturnType<typeof PlanEntry.planStack>;

/** The CRDs of the operators the plans check against (+ a failed check for kinds none brings). */
function crdsFor(plans: readonly Plan[], crdsDir: string, checks: Checks) {
  const releases = plans.flatMap((p) => p.releases);
  const { groups, unknown } = crdGroupsFor(releases);
  if (unknown.length) throw new Fatal(`no CRD groups known for operator(s) ${unknown.join(', ')}: add them to OPERATOR_CRD_GROUPS in scripts/verify/pulumi/operator-crds.ts (or crdGroups in stacks/operators/versions.ts)`);
  // The shared set, then the CRDs of the pinned charts for the kinds it lacks (Kueue's Topology, ...).
  const newest = addChartCrds(loadCrdIndex(crdsDir), chartsDirBeside(crdsDir));
  if (newest.problem) throw new Fatal(`CRDs: ${newest.problem}`);
  const released = loadCrdIndex(path.join(crdsDir, '_released'));
  const selected = selectCrds(newest.infos, released.infos || [], groups);
  const missing = kindsWithoutCrd(
    plans.flatMap((p) => p.manifests),
    new Set(selected.keys()),
  );
  checks.expect(
    missing.length === 0,
    `every custom kind the charts deploy has its CRD from a selected operator (${groups.join(', ')})`,
    missing.map((m) => `${m.kind} in ${m.charts.join(', ')}: no selected operator brings its CRD; installed anyway to check the rest`),
  );
  // To let the engine check everything else, the missing kinds' CRDs are installed all the same.
  const extra = selectCrds(newest.infos, released.infos || [], [...new Set(missing.map((m) => m.group))]);
  return new Map([...selected, ...extra]);
}

async function main(): Promise<number> {
  const opts = commandLine(parseArgs, USAGE, { tool: 'verify-pulumi', summary: 'pulumi' });
  if (typeof opts === 'number') return opts;
  const t0 = Date.now();
  const checks = new Checks(log);
  const tools = buildTools(opts.build);
  const bundles = await bundlePrograms();
  const { planStack, examplePoolsConfig, updatedPoolsConfig, UPDATED_ACCELERATOR }: typeof PlanEntry = require(bundles.planEntry);

  // Stack configs: the repo's Pulumi.local.yaml with the switch and the cluster's nodes on top.
  const repoSettings = YAML.parse(fs.readFileSync(path.join(repoRoot, `Pulumi.${STACK}.yaml`), 'utf8'));
  const planOf = (overrides: Record<string, unknown>) => planStack(asProgramConfig(projectConfig(stackSettings(repoSettings, NS, overrides), NS)));
  const inputs = clusterInputs();
  const pools = examplePoolsConfig(Object.fromEntries(inputs.pools.map((p) => [p.name, p.nodes.map((n) => n.name)])));
  const base = { operatorInstall: 'external', pools };
  const plan = planOf(base);
  const updated = { ...base, pools: updatedPoolsConfig(pools) };
  const withNodes = (p: Plan): Manifest[] => [{ name: 'nodes', objects: p.nodePatches }, ...p.manifests];
  const expectedUpdate = changedObjects(withNodes(plan), withNodes(planOf(updated)));
  log(`verify-pulumi: stack '${STACK}' (Pulumi.${STACK}.yaml + operatorInstall: external + pools with the cluster's nodes); operators checked against: ${plan.releases.map((r) => `${r.name} ${r.version}`).join(', ')}`);
  const crds = crdsFor([plan], path.resolve(repoRoot, opts.crds), checks);
  const target = pickHalfwayTarget(plan.manifests);
  if (!target) throw new Fatal('no object to reject for the half-way check');

  // The workspace, state and PULUMI_HOME; removed with the cluster (also on SIGINT/SIGTERM) unless --keep.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-pulumi-'));
  state.cleanups.push(() => {
    if (opts.keep) log(`verify-pulumi: kept ${tmp}`);
    else fs.rmSync(tmp, { recursive: true, force: true });
  });
  const objects = plan.manifests.flatMap((m) => m.objects);
  const cluster = await startCluster({ build: opts.build, inputs, crds, objects, log });
  const kube = kubeClient(cluster.client);
  const { classes, volumes, unbound } = storageFor(objects, inputs.storage);
  for (const sc of classes) await kube.create(sc);
  log(`==> storage: the ${inputs.storage.name} profile's classes; ${volumes.length} claim(s) get a volume${unbound.length ? `; none (they stay Pending): ${unbound.join('; ')}` : ''}`);
  // Volumes for the claims before each up from an empty state. A volume still Bound belongs to a
  // claim that destroy retained (retainOnDelete): the next up adopts that claim, so the volume
  // stays; pv-protection would hold its deletion forever anyway (k8s v1.34
  // pkg/controller/volume/pvprotection: the finalizer stays while the phase is Bound). A Released
  // volume (its claim deleted) is replaced by a fresh one, which a new claim can bind.
  const provideVolumes = async () => {
    for (const pv of volumes) {
      const live = await kube.get(pv);
      if (live?.status?.phase === 'Bound') continue;
      if (live) {
        await kube.remove(pv);
        await kube.waitGone(pv);
      }
      await kube.create(pv);
    }
  };
  await provideVolumes();

  const settingsFor = (overrides: Record<string, unknown>) => stackSettings(repoSettings, NS, { ...base, ...overrides });
  const { stack, work } = await createStack({ dir: tmp, ...tools, kubeconfig: cluster.kubeconfig, stackName: STACK, settings: settingsFor({}), stackIndex: bundles.stackIndex });
  const ctx = { stack, work, stackName: STACK, opts, log, kube, settingsFor };

  const result = { created: 0, secondChanged: Number.NaN, updateChanged: Number.NaN, deleted: 0, retained: 0, refreshChanged: Number.NaN };
  const up = await previewAndUp(ctx, checks);
  Object.assign(result, { created: up.created, secondChanged: up.secondChanged ?? Number.NaN, refreshChanged: up.refreshChanged ?? Number.NaN });
  const canaries: CanaryResult[] = [];
  if (up.upOk) canaries.push(await driftCanary(ctx, checks, new Set(expectedUpdate)));
  if (up.ok) {
    await badInput(ctx, checks, [
      { label: 'invalid stack config (unknown accelerator)', overrides: { pools: [{ name: 'gpu-l4', accelerator: 'nvidia-x1', gpusPerNode: 1 }] }, expect: /pools\[0\]\.accelerator' is 'nvidia-x1'/ },
      { label: 'incompatible versions (Kubernetes 1.31)', overrides: { kubernetesVersion: '1.31' }, expect: /kubernetesVersion' is '1\.31'/ },
      { label: 'incompatible selection (KServe without cert-manager)', overrides: { operators: ['kserve-crd', 'kserve', 'kueue'] }, expect: /kserve requires cert-manager/ },
    ]);
    result.updateChanged = await configUpdate(ctx, checks, { label: `the GPU pool's accelerator -> ${UPDATED_ACCELERATOR}`, overrides: { pools: updated.pools }, expected: expectedUpdate });
    writeSettings(work, STACK, settingsFor({}));
  }
  Object.assign(result, await destroyAndCheck(ctx, checks));

  await provideVolumes();
  const hw = await halfway(ctx, checks, target);
  const again = await destroyAndCheck(ctx, checks, 'destroy after the half-way run');
  log(`half-way: ${hw.before} resources kept by the failed up, ${hw.created} created by the fixed up; destroy ${again.deleted} deleted, ${again.retained} retained`);
  if (!canaries.length) canaries.push(judgeDrift(undefined, undefined, 'not run: the first up failed'));
  log('==> canaries (known-bad inputs; each must be caught for its stated reason):');
  for (const l of canaryReportLines(canaries)) log(l);
  log(`verify-pulumi: ${checks.failures.length} check(s) failed in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
  await cleanup();
  console.log(canaryLine(canaries));
  console.log(summaryLine(result) + missedSuffix(canaries, PULUMI_CANARY_MINIMUM));
  return exitCodeWithCanaries(checks.failures.length ? 1 : 0, canaries, PULUMI_CANARY_MINIMUM);
}

runMain(main);
