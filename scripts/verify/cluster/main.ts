// verify:cluster — a simulated cluster with the real controllers, offline. Starts etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler, kwok nodes made from the local stack's
// pools, and the stack's operators that have a Go module here (training-operator, Kueue; Argo's
// workflow-controller and KServe's manager installed from their charts with the stack's values,
// under the charts' ServiceAccounts; all built by tools/go), applies dist/ in apply order, asserts per workload what the
// controllers do and runs every Workflow to its end. The last line is always
//   cluster: W workloads ready, F failed, P pending-as-expected[; workflows S/T succeeded]
// or, when the check could not run at all, `cluster: error: <reason>`.
// Exit codes: 0 nothing failed, 1 a workload failed, 2 could not run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandLine } from '../core/args';
import { type CanaryResult, canaryLine, canaryReportLines, exitCodeWithCanaries, missedSuffix } from '../core/canaries';
import { resolveBinaries, startControlPlane, WITH_CONTROLLERS } from '../core/control-plane';
import { startServiceProxy } from '../core/service-proxy';
import { addProjectCrds, loadCrdIndex } from '../core/crds';
import { loadDist } from '../core/dist';
import { extractAllEmbedded } from '../core/embedded';
import { apiGroupOf, groupKind } from '../../../constructs/core/api-groups';
import { BUILTIN_GROUPS } from '../core/kinds';
import { displayGroupKind, type ObjectRecord, recordsOf } from '../core/objects';
import { cleanup, exitDescription, installSignalHandlers, logTail, runMain, state } from '../core/processes';
import { Fatal, log } from '../core/runtime';
import { clusterCanaryMinimum, startWorkflowRerunCanary, startWorkflowRoleCanary, workflowRerunVerdict, workflowRoleVerdict } from './canaries';
import { decideWorkloadCanaries, startWorkloadCanaries } from './canary-run';
import { managedQueueOf, unmanagedQueueReason } from './canary-verdicts';
import { isCertManagerObject } from './chart-render';
import { CHARTED_OPERATORS, KUBE_GROUP_BINARIES, renderCharts } from './charted-operators';
import { resolveArgoBinaries, resolveClusterComponents, resolveHelm, resolveKServeBinary, startAttacher, startControllerManager, startKwok, startScheduler, writeKubeconfig } from './components';
import { groupOperators, NOT_SIMULATED, SIMULATED_OPERATORS, stackCoverage } from './coverage';
import { nodesFromPools, schedulerNames } from './nodes';
import { observe } from './observe';
import { gangSchedulerName, kueueFrameworks } from './operators';
import { intentIndex, intentKey } from './placement';
import { startKServe } from './kserve-manager';
import { startTrainerControllers } from './trainer-controllers';
import { parseArgs, USAGE } from './options';
import { counts, failureLines, objectsLine, pendingLines, summaryLine, VERDICTS, type WorkloadRow, workloadTable } from './report';
import { workloadVerdict } from './workload-verdict';
import { stepCreatedWorkloads } from './step-objects';
import { DRA_NAMESPACE } from './dra-inputs';
import { allocationProblems, publishDevices, watchAllocations } from './dra-proof';
import { type ProofInput, startProof } from './proof-run';
import { TAS_NAMESPACE, tasProblems } from './tas-inputs';
import { type ArgoRun, startArgo } from './run-argo';
import { startKueueFromChart } from './kueue-chart';
import { startTrainingOperatorFromOverlay } from './training-operator-overlay';
import { namespaceDeletionScenario, overQuotaScenario } from './scenarios';
import { applyDist, type ClusterInputs, createEmbedded, createStorage, crdsToInstall, installAll, loadInputs, runCronJobs } from './setup';
import { CSI_DRIVER } from './storage';
import { stepLines, workflowRows } from './workflow-report';
import { observeRuns, plannedRuns, runCounts } from './workflow-runs';
import { assertionOf, partialStart, type Workload, workloadId } from './workloads';

installSignalHandlers({ tool: 'verify-cluster', summary: 'cluster' });

/** Kinds the running operators watch, whether dist uses them or not. */
function operatorKinds(running: ReadonlySet<string>, gangScheduler: string | undefined): string[] {
  const kinds: string[] = [];
  if (running.has('training-operator')) {
    kinds.push(...['TFJob', 'PyTorchJob', 'MPIJob', 'XGBoostJob', 'PaddleJob', 'JAXJob'].map((k) => `kubeflow.org/${k}`));
    if (gangScheduler === 'volcano') kinds.push('scheduling.volcano.sh/PodGroup');
    else if (gangScheduler) kinds.push('scheduling.x-k8s.io/PodGroup');
  }
  return kinds;
}

function printNotCovered(inputs: ClusterInputs, running: ReadonlySet<string>, notCoveredKinds: ReadonlyMap<string, number>, extraSchedulers: readonly string[]): void {
  log('==> not covered here (said plainly, not faked):');
  for (const op of inputs.operators.map((o) => o.name)) {
    if (NOT_SIMULATED[op]) log(`    - ${op} ${inputs.operators.find((o) => o.name === op)!.version}: ${NOT_SIMULATED[op]}`);
  }
  log('    - pods never run: kwok moves them through Pending/Running/Ready and completes Job-like pods; images are not pulled');
  if (extraSchedulers.length) log(`    - scheduler names ${extraSchedulers.join(', ')} are kube-scheduler profiles: gang (all-or-nothing) scheduling is NOT exercised for them; Kueue's gang admission is`);
  if (notCoveredKinds.size) log(`    - applied and admitted only: ${[...notCoveredKinds].map(([k, n]) => `${n} ${k}`).join(', ')}`);
  if (!running.has('kueue')) log('    - the stack installs no Kueue: queue labels are not acted on');
}

async function main(): Promise<number> {
  const opts = commandLine(parseArgs, USAGE, { tool: 'verify-cluster', summary: 'cluster' });
  if (typeof opts === 'number') return opts;
  const t0 = Date.now();
  const secs = () => `${((Date.now() - t0) / 1000).toFixed(0)}s`;

  // 1. inputs, before anything starts
  const inputs = loadInputs(opts.inputs, { dir: opts.charts, operators: CHARTED_OPERATORS });
  const { charts, objects } = loadDist(opts.dist);
  const extracted = extractAllEmbedded(objects);
  const embeddedRuns = extracted.embedded.filter((e) => assertionOf(e.group, e.kind) === 'run');
  const stackOps = inputs.operators.map((o) => o.name);
  const running = new Set(stackOps.filter((o) => SIMULATED_OPERATORS.has(o)));
  const opCfg = inputs.operatorConfig;
  const gangScheduler = gangSchedulerName(opCfg.trainingOperatorArgs);
  log(
    `verify-cluster: ${objects.length} objects in ${charts.length} chart file(s) from ${opts.dist}, ${embeddedRuns.length} workload(s) embedded in workflow steps;` +
      ` stack ${inputs.stackFile} (${inputs.cluster}, Kubernetes ${inputs.kubernetesVersion}), pools ${inputs.pools.map((p) => `${p.name}×${p.nodes.length}`).join(', ')}`,
  );
  log(`    operator configuration: ${opCfg.source}`);
  // One look-up of the kube group: kwok, every operator binary this run starts, and kubectl when a
  // release is a kustomization (the training-operator's); Helm when one is a chart.
  const renderers = new Set(inputs.charted.releases.map((r) => r.kind ?? 'helm'));
  const comps = resolveClusterComponents(opts, ['kwok', ...[...running].flatMap((o) => KUBE_GROUP_BINARIES[o] ?? []), ...(renderers.has('kustomize') ? ['kubectl'] : [])]);
  const helm = renderers.has('helm') ? resolveHelm(opts) : undefined;
  const argoBins = running.has('argo-workflows') ? resolveArgoBinaries(opts) : undefined;
  const kserveBin = running.has('kserve') ? resolveKServeBinary(opts) : undefined;
  const operatorCharts = renderers.size ? renderCharts({ helm, kubectl: comps.kubectl }, inputs.charted, { kubeVersion: `${inputs.kubernetesVersion}.0`, workDir: path.join(os.tmpdir(), `verify-cluster-charts-${process.pid}`) }) : [];
  const chartOf = (operator: string) => {
    const chart = operatorCharts.find((c) => c.release.operator === operator);
    if (!chart) throw new Fatal(`the stack installs ${operator}, but cluster-inputs.ts gave no chart release for it`);
    return chart;
  };
  const argoChart = argoBins ? chartOf('argo-workflows') : undefined;
  const shared = addProjectCrds(loadCrdIndex(opts.crds), opts.projectCrds);
  const kinds = new Set([...objects, ...embeddedRuns].filter((o) => !BUILTIN_GROUPS.has(o.group)).map((o) => `${o.group}/${o.kind}`));
  for (const k of operatorKinds(running, gangScheduler)) kinds.add(k);
  const chartCrds = operatorCharts.flatMap((c) => c.crds);
  for (const i of chartCrds) kinds.add(`${i.group}/${i.kind}`);
  // what the charts install beside their own kinds (e.g. Kueue's ServiceMonitor)
  for (const o of operatorCharts.flatMap((c) => c.objects)) if (!BUILTIN_GROUPS.has(apiGroupOf(o.apiVersion)) && !isCertManagerObject(o)) kinds.add(groupKind(o as { apiVersion: string; kind: string }));
  const { needed, missing } = crdsToInstall(shared.index, [], kinds, chartCrds);
  if (missing.length) throw new Fatal(`no CRD for ${missing.join(', ')} in ${opts.crds} or the operators' releases`);

  // 2. control plane, nodes, storage
  const bins = resolveBinaries(opts, { withControllers: true });
  // Webhooks keep the charts' Service references: kube-apiserver reaches them through the harness's egress proxy.
  const cp = await startControlPlane({ ...opts, clusterEgressProxy: true }, bins, WITH_CONTROLLERS);
  cp.serviceProxy = await startServiceProxy(cp.client, log, { socketPath: cp.clusterEgressSocket! });
  const kubeconfigFile = writeKubeconfig(cp);
  await startControllerManager(cp, bins, kubeconfigFile, opts.componentTimeout);
  const extraSchedulers = schedulerNames([...objects, ...embeddedRuns]);
  await startScheduler(cp, bins, kubeconfigFile, extraSchedulers, opts.componentTimeout);
  const nodes = nodesFromPools([...inputs.pools, ...(inputs.dra ? [inputs.dra.pool] : []), ...(inputs.tas ? [inputs.tas.pool] : [])]);
  await startKwok(cp, comps.kwok, comps['kwok-assets'], kubeconfigFile, nodes, opts.componentTimeout);
  log(`==> ${secs()}: control plane ready (kube-apiserver, kube-controller-manager, kube-scheduler with profiles ${['default-scheduler', ...extraSchedulers].join(', ')}), ${nodes.length} kwok node(s) Ready`);
  log(`==> installing ${needed.size} CRD(s) (${[...needed.values()].filter((c) => c.operatorRelease).length} from the operators' own releases: not in ${opts.crds})`);
  const byGvk = await installAll(cp.client, needed, opts);
  await createStorage(cp.client, [...objects, ...embeddedRuns], inputs.storage);
  const stopAttacher = startAttacher(cp.client, CSI_DRIVER);
  const draPools = [...inputs.pools, ...(inputs.dra ? [inputs.dra.pool] : [])].filter((p) => p.draDevicesPerNode);
  if (draPools.length) log(`==> dra: the harness stands in for the NVIDIA DRA driver: its chart's DeviceClasses and ${await publishDevices(cp.client, draPools)} GPU device(s) in ResourceSlices of pool(s) ${draPools.map((p) => p.name).join(', ')}`);

  // 3. operators
  let kueueConfiguration: Record<string, any> | undefined;
  if (running.has('training-operator')) {
    await startTrainingOperatorFromOverlay(cp, { bin: comps['training-operator'], chart: chartOf('training-operator'), byGvk, opts });
  }
  if (running.has('kueue')) ({ configuration: kueueConfiguration } = await startKueueFromChart(cp, { bin: comps.kueue, chart: chartOf('kueue'), byGvk, opts }));
  if (running.has('kubeflow-trainer')) await startTrainerControllers(cp, { bins: { jobset: comps.jobset, trainer: comps.trainer }, chart: chartOf('kubeflow-trainer'), byGvk, opts });
  if (kserveBin) {
    const runtimes = running.has('kserve-runtime-configs') ? chartOf('kserve-runtime-configs') : undefined;
    await startKServe(cp, { bin: kserveBin, resources: chartOf('kserve'), runtimes, byGvk, opts });
  }
  let argo: ArgoRun | undefined;
  if (argoChart && argoBins) {
    argo = await startArgo(cp, { controllerBin: argoBins.controller, argoexecBin: argoBins.argoexec, chart: argoChart, byGvk, opts });
  }
  log(`==> ${secs()}: operators ready (${[...running].join(', ') || 'none'})`);

  // 4. apply dist, then what workflow steps and CronJobs would create
  const applied = await applyDist(cp.client, objects, { opts, byGvk });
  // With Argo running, argoexec creates them as the step's ServiceAccount (run-argo.ts).
  const embeddedCreated = argo ? [] : await createEmbedded(cp.client, embeddedRuns, byGvk);
  const cronRuns = await runCronJobs(cp.client, objects.filter((o) => o.group === 'batch' && o.kind === 'CronJob'), applied);
  log(`==> ${secs()}: applied ${[...applied.values()].filter((r) => r.ok).length}/${objects.length} object(s), created ${embeddedCreated.filter((e) => e.ok).length} workload(s) embedded in workflow steps and ${cronRuns.filter((c) => c.ok).length} manual CronJob run(s)`);

  // 5. workloads and their expectations
  const coverageProblems = stackCoverage([...objects, ...embeddedRuns], stackOps, BUILTIN_GROUPS, groupOperators(inputs.operators));
  const frameworks = new Set(kueueFrameworks(kueueConfiguration));
  const workloads: Workload[] = [];
  const extraReasons = new Map<string, string[]>();
  const addReason = (key: string, r: string) => extraReasons.set(key, [...(extraReasons.get(key) || []), r]);
  const notCovered = new Map<string, number>();
  const intents = intentIndex(inputs.intents);
  const push = (o: ObjectRecord, origin: string, liveName: string, kind = o.kind) => {
    // intent: the pool(s) and GPUs of the construct that built it (a CronJob's run: the CronJob's)
    const intent = intents.get(intentKey({ ...o, kind: o.body.kind }));
    const w: Workload = { key: `${origin}|${o.group}/${kind}|${o.namespace || ''}/${liveName}`, group: o.group, version: o.version, kind, namespace: o.namespace, name: liveName, liveName, origin, record: o, res: byGvk.get(`${o.group}/${o.version}/${kind}`), intent };
    workloads.push(w);
    return w;
  };
  for (const o of objects) {
    const a = assertionOf(o.group, o.kind);
    const res = applied.get(o);
    if (a === 'none' && res?.ok && !coverageProblems.has(o)) {
      notCovered.set(displayGroupKind(o.group, o.kind), (notCovered.get(displayGroupKind(o.group, o.kind)) || 0) + 1);
      continue;
    }
    if (o.group === 'batch' && o.kind === 'CronJob') {
      const run = cronRuns.find((c) => c.record === o);
      const w = push({ ...o, kind: 'Job' }, `CronJob ${o.name} (manual run)`, run?.name || `${o.name}-manual`, 'Job');
      if (run && !run.ok) addReason(w.key, run.message!);
      for (const p of coverageProblems.get(o) || []) addReason(w.key, `stack: ${p}`);
      continue;
    }
    const w = push(o, path.basename(o.chart), o.name!);
    if (a === 'none') w.res = undefined;
    if (res && !res.ok) addReason(w.key, res.message!);
    if (res?.warning) addReason(w.key, res.warning);
    for (const p of coverageProblems.get(o) || []) addReason(w.key, `stack: ${p}`);
    const unmanaged = running.has('kueue') ? unmanagedQueueReason(o, frameworks) : undefined;
    if (unmanaged) addReason(w.key, unmanaged);
  }
  // The proofs: a TrainJob on the harness's DRA pool (its claims' allocations are recorded while it
  // runs) and a TAS gang on its topology pool; observed and judged with dist's workloads.
  const proof = async (p: ProofInput | null | undefined) => {
    if (!p) return undefined;
    const started = await startProof(cp.client, p, { opts, byGvk });
    if (!started.record) throw new Fatal(`${p.origin} not applied: ${started.reasons.join('; ')}`);
    const w = push(started.record, p.origin, p.workload.name);
    w.intent = p.intent ?? undefined;
    for (const r of started.reasons) addReason(w.key, r);
    return w;
  };
  const draWorkload = await proof(inputs.dra && { origin: 'verify: DRA proof (stand-in driver)', namespace: DRA_NAMESPACE, ...inputs.dra.proof });
  const tasWorkload = await proof(inputs.tas && { origin: 'verify: TAS proof', namespace: TAS_NAMESPACE, ...inputs.tas.proof });
  const draWatch = inputs.dra ? watchAllocations(cp.client, DRA_NAMESPACE) : undefined;
  // The operators' own Deployments as their charts install them: kwok pods, admitted and placed like any workload.
  for (const chart of operatorCharts) {
    for (const o of recordsOf(chart.objects.filter((x) => x.kind === 'Deployment'), chart.release.chartDir)) push(o, `${chart.release.operator} chart`, o.name!);
  }
  for (const e of embeddedCreated) {
    const o = e.record;
    const w = push(o, `embedded in ${o.embeddedIn!.kind} ${o.embeddedIn!.name} step ${o.embeddedIn!.template}`, e.name || o.name || `${o.generateName}*`);
    if (!e.ok) addReason(w.key, e.message!);
    for (const p of coverageProblems.get(o) || []) addReason(w.key, `stack: ${p}`);
  }
  const judged = workloads.filter((w) => w.res && assertionOf(w.group, w.kind) === 'run');
  const noIntent = judged.filter((w) => !w.intent).map(workloadId);
  log(`==> placement: ${judged.length - noIntent.length}/${judged.length} workload(s) judged against the pool(s) and GPUs their construct was given${noIntent.length ? ` (no construct intent, so only the GPU invariants: ${noIntent.join(', ')})` : ''}${inputs.uncreditedRenders.length ? `; pool renders credited to no construct: ${inputs.uncreditedRenders.join('; ')}` : ''}`);
  log(`==> ${secs()}: waiting for ${workloads.length} workload(s) (up to ${opts.timeout}s; stop when nothing changed for ${opts.settle}s)`);
  const gangs = new Map<string, string>();
  const result = await observe(cp.client, workloads.filter((w) => w.res), {
    timeout: opts.timeout,
    settle: opts.settle,
    kueue: running.has('kueue'),
    verbose: opts.verbose,
    onPoll: (w, d) => {
      if (!d.kueueWorkloads.length) return; // gang semantics exercised only under Kueue
      const msg = partialStart(d.pods);
      if (msg && !gangs.has(w.key)) gangs.set(w.key, msg);
    },
  });

  // The DRA proof holds when each of its pods was seen holding its construct's GPUs from its own node's devices.
  if (inputs.dra && draWatch) {
    const seen = await draWatch.stop();
    const pods = draWorkload ? (result.get(draWorkload.key)?.pods ?? []).map((p) => p.metadata.name) : [];
    const problems = allocationProblems(seen, inputs.dra, pods);
    if (draWorkload) for (const p of problems) addReason(draWorkload.key, p);
    log(`==> dra: ${pods.length} pod(s) of the proof, ${problems.length ? `${problems.length} problem(s)` : 'each allocated its GPUs from its own node\'s ResourceSlice'}`);
  }
  if (inputs.tas && tasWorkload) {
    const pods = result.get(tasWorkload.key)?.pods ?? [];
    const problems = tasProblems(pods, inputs.tas);
    for (const p of problems) addReason(tasWorkload.key, p);
    log(`==> tas: ${pods.length} pod(s) of the gang, ${problems.length ? `${problems.length} problem(s)` : `all on node ${pods[0]?.spec?.nodeName}, one kubernetes.io/hostname domain`}`);
  }

  // 6. verdicts
  // The LocalQueue a workload is labelled for, where Kueue runs and manages its kind: it must have been admitted.
  const kueueQueueOf = (w: Workload) => (running.has('kueue') ? managedQueueOf(w.record, frameworks) : undefined);
  const rows: WorkloadRow[] = workloads.map((w) => workloadVerdict({
    id: workloadId(w), origin: w.origin, group: w.group, kind: w.kind, view: result.get(w.key), served: Boolean(w.res),
    extraReasons: extraReasons.get(w.key) || [], gang: gangs.get(w.key),
    kueueQueue: kueueQueueOf(w),
  }));

  const kept = workloads.flatMap((w) => (result.get(w.key)?.kept ?? []).map((k) => `${workloadId(w)}: ${k}`));
  if (kept.length) log(`==> kueue promises kept:\n${kept.map((l) => `    - ${l}`).join('\n')}`);
  const gpuNodeByIntent = [...result.values()].flatMap((d) => d.gpuNodeByIntent);
  if (gpuNodeByIntent.length) log(`==> placement: ${gpuNodeByIntent.length} pod(s) without GPU requests ran on GPU nodes where their construct put them:\n${gpuNodeByIntent.map((l) => `    - ${l}`).join('\n')}`);

  // 6b. canaries (known-bad workloads next to dist), and every Workflow run to its end
  const runs = argo ? plannedRuns(objects) : [];
  const canaries: CanaryResult[] = [];
  const canaryCtx = { opts, byGvk };
  const workloadCanaries = await startWorkloadCanaries(cp.client, inputs.canaries.workloads, inputs.storage, frameworks, canaryCtx);
  log(`==> ${secs()}: applied ${workloadCanaries.workloads.size} workload canar${workloadCanaries.workloads.size === 1 ? 'y' : 'ies'} in ${[...new Set(inputs.canaries.workloads.map((c) => c.namespace))].join(', ')}`);
  if (argo) {
    const canaryRun = await startWorkflowRoleCanary(cp.client, inputs.canaries.workflowRole, { opts, byGvk });
    const rerunCanary = await startWorkflowRerunCanary(cp.client, inputs.canaries.workflowRerun, { opts, byGvk });
    log(`==> ${secs()}: waiting for ${runs.length} Workflow run(s) (up to ${opts.workflowTimeout}s; stop when none changed for ${Math.max(opts.settle, 60)}s)`);
    await observeRuns(cp.client, [...runs, canaryRun, ...rerunCanary], { timeoutS: opts.workflowTimeout, settleS: Math.max(opts.settle, 60), byGvk });
    await argo.executor.stop();
    canaries.push(workflowRoleVerdict(inputs.canaries.workflowRole, canaryRun, argo.executor.runs), workflowRerunVerdict(...rerunCanary));
    // What the steps created (jobs, TrainJobs, InferenceServices), judged like dist's own workloads.
    const stepWorkloads = await stepCreatedWorkloads(cp.client, embeddedRuns, byGvk, inputs.intents);
    // The runs have ended, so their objects have too: a short settle, not the dist wait's.
    const stepViews = await observe(cp.client, stepWorkloads.filter((w) => w.res), { timeout: 120, settle: Math.min(opts.settle, 5), kueue: running.has('kueue'), verbose: opts.verbose });
    rows.push(...stepWorkloads.map((w) => workloadVerdict({
      id: workloadId(w), origin: w.origin, group: w.group, kind: w.kind, view: stepViews.get(w.key), served: Boolean(w.res), extraReasons: [],
      kueueQueue: kueueQueueOf(w),
    })));
    log(`==> ${secs()}: ${stepWorkloads.length} workload(s) the workflow steps created judged (Ready, placed on their construct's pool, admitted), ${stepWorkloads.filter((w) => w.intent).length} with their construct's intent`);
    const byGroup = groupOperators(inputs.operators);
    rows.push(...workflowRows(runs, argo.executor, (group) => (byGroup[group] && !running.has(byGroup[group]) ? byGroup[group] : undefined)));
  }
  canaries.push(...await decideWorkloadCanaries(cp.client, workloadCanaries, { ...canaryCtx, kueue: running.has('kueue'), attacherErrors: () => stopAttacher.errors }));
  log(`==> ${secs()}: canaries decided`);
  // The attacher stands in for a controller: a request of it that failed fails the run (no volume
  // it left unattached could show a Multi-Attach error).
  if (stopAttacher.errors.length) rows.push({ id: 'component stand-in CSI attacher', origin: 'verify-cluster', verdict: VERDICTS.FAILED, pools: [], detail: `${stopAttacher.errors.length} request(s) failed`, reasons: stopAttacher.errors });

  // 7. scenarios
  if (opts.scenarios) {
    if (running.has('kueue') && inputs.overQuota) rows.push(...await overQuotaScenario(cp.client, inputs.overQuota));
    else log(`==> scenario over quota: not run (${running.has('kueue') ? 'the platform deploys no Team, so no team quota to fill' : 'Kueue is not running'})`);
    const distNamespaces = objects.filter((o) => o.group === '' && o.kind === 'Namespace').flatMap((o) => (o.name ? [o.name] : []));
    log(`==> ${secs()}: scenario: deleting ${distNamespaces.length} namespace(s); every one must finalize`);
    rows.push(...await namespaceDeletionScenario(cp.client, distNamespaces));
  }
  for (const p of state.procs) {
    if (p.exitInfo) rows.push({
        id: `component ${p.procName}`,
        origin: 'verify-cluster',
        verdict: VERDICTS.FAILED,
        pools: [],
        detail: `${exitDescription(p.exitInfo)} during the run`,
        reasons: [logTail(p, 10)],
      });
  }

  // 8. report
  printNotCovered(inputs, running, notCovered, extraSchedulers);
  if (argo) for (const l of stepLines(argo.executor)) log(l);
  log('');
  for (const l of workloadTable(rows)) log(l);
  const pendingReasons = pendingLines(rows);
  if (pendingReasons.length) log(['\npending as expected (why):', ...pendingReasons].join('\n'));
  const failures = failureLines(rows);
  if (failures.length) {
    log('\nfailures (object, controller, the controller\'s own message):');
    for (const l of failures) log(l);
  }
  if (opts.keepLogs) {
    fs.mkdirSync(opts.keepLogs, { recursive: true });
    for (const p of state.procs) if (p.logFile) fs.copyFileSync(p.logFile, path.join(opts.keepLogs, path.basename(p.logFile)));
    // argoexec's own logs, one per resource step (argo-executor.ts)
    const steps = path.join(cp.tmp, 'workflow-steps');
    if (fs.existsSync(steps)) fs.cpSync(steps, path.join(opts.keepLogs, 'workflow-steps'), { recursive: true, filter: (f) => !f.endsWith('.yaml') && !f.endsWith('.crt') });
    log(`component logs copied to ${opts.keepLogs}`);
  }
  await stopAttacher();
  log(`finished in ${secs()}; stopping ${state.procs.length} process(es)`);
  cp.client.close();
  await cleanup();
  const c = counts(rows);
  log(objectsLine(c));
  log('canaries (known-bad inputs that must fail):');
  for (const l of canaryReportLines(canaries)) log(l);
  log(canaryLine(canaries));
  const minimum = clusterCanaryMinimum({ argo: Boolean(argo), kueue: running.has('kueue'), trainer: running.has('kubeflow-trainer') });
  log(`${summaryLine(c, argo ? runCounts(runs) : undefined)}${missedSuffix(canaries, minimum)}`);
  return exitCodeWithCanaries(c.failed > 0 ? 1 : 0, canaries, minimum);
}

runMain(main);
