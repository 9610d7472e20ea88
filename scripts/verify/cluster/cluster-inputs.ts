/**
 * Inputs of `npm run verify:cluster`, computed from the project's own TypeScript and printed as
 * one JSON document (run with `node scripts/synth.mjs scripts/verify/cluster/cluster-inputs.ts`):
 * - the node pools of the local stack (Pulumi.local.yaml through `parseStackConfig`, whose default
 *   pools are the charts' `localExamplePools()`), with the labels and taints the stack writes on nodes
 *   (`nodePatchSpec`) and each pool's allocatable CPU, memory and GPUs per node;
 * - the operators that stack installs and their pinned versions;
 * - the Kueue Configuration and training-operator flags the stack configures;
 * - the over-quota scenario: a Kueue-queued batch Job built with the project's constructs;
 * - per dist workload object, the pool(s) and GPUs its construct was given (construct-intent.ts);
 * - the stack's storage profile; the canaries (workflow role here, workloads in canary-inputs.ts);
 * - the DRA proof (dra-inputs.ts): a DRA pool of the harness's own, its DeviceClasses, a TrainJob;
 * - the TAS proof (tas-inputs.ts): a topology pool of the harness's own, its Kueue objects, a TrainJob gang;
 * - with MLP_CLUSTER_CHARTS_DIR, the releases of the operators the harness installs from their
 *   charts (MLP_CLUSTER_CHART_OPERATORS, comma-separated): chart folder, release name, namespace and
 *   the stack's values, from the stack's own `localOperatorInstalls` (what its Pulumi program passes).
 */
import fs from 'node:fs';
import path from 'node:path';
import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import YAML from 'yaml';
import { buildPlatform, localExamplePools, stackDefaultPools } from '../../../charts/index';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { Images } from '../../../constructs/core/image';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { Team } from '../../../constructs/operations/team';
import { TensorFlowTrainingJob } from '../../../constructs/training/tensorflow-job';
import { TrainingApi } from '../../../constructs/training/trainer-v2';
import { ArgoWorkflow } from '../../../constructs/workflow/argo-workflow';
import { CONFIG_NAMESPACE, parseStackConfig, StackConfig } from '../../../stacks/config';
import { assembleLocalChart } from '../../../stacks/operators/local-charts';
import { localOperatorInstalls } from '../../../stacks/operators/local-installs';
import { poolInput } from './harness-objects';
import { writeKustomization } from '../../../stacks/operators/training-operator-kustomize';
import type { OperatorName } from '../../../stacks/operators/versions';
import { planReleases, stackTarget } from '../../../stacks/program';
import { storageProfileFor } from '../../../stacks/operators/platform-target';
import { WORKLOAD_CANARY_NAMESPACE, workloadCanaries } from './canary-inputs';
import { draInputs } from './dra-inputs';
import { tasInputs } from './tas-inputs';
import { recordIntent, workloadIntents } from './construct-intent';
import { operatorConfiguration } from './operator-config-source';

// Run from the repository root (verify-cluster does); the stack file is relative to it.
const root = process.cwd();
const STACK_FILE = process.env.MLP_CLUSTER_STACK_FILE ?? 'Pulumi.local.yaml';

/** Project keys of a Pulumi stack file (`ml-platform-patterns:pools` -> `pools`). */
function readStackFile(file: string): Record<string, unknown> {
  const doc = YAML.parse(fs.readFileSync(path.resolve(root, file), 'utf8')) ?? {};
  const prefix = `${CONFIG_NAMESPACE}:`;
  const raw: Record<string, unknown> = {};
  for (const [key, value] of Object.entries((doc.config ?? {}) as Record<string, unknown>)) {
    if (key.startsWith(prefix)) raw[key.slice(prefix.length)] = value;
  }
  return raw;
}

/** One pool as the harness simulates it: the stack's node labels/taints and per-node capacity. */
function describePool(pool: NodePool, config: StackConfig) {
  const listed = config.poolNodes[pool.name];
  return listed?.length ? poolInput(pool, listed, `${STACK_FILE} pools[].nodes`) : poolInput(pool);
}

/**
 * The over-quota scenario: a batch Job of the first Team, queued in its LocalQueue, on the pool its
 * first quota covers. One pod requests 1 CPU; the harness sets parallelism/completions so the Job
 * asks for exactly what the team's ClusterQueue can admit, then submits a second copy.
 */
function overQuotaScenario(app: App) {
  const team = app.node.findAll().find((c): c is Team => c instanceof Team);
  if (!team) return undefined;
  const pool = team.clusterQueue.quotas[0].pool;
  const chart = new Chart(new App(), 'verify-cluster-quota', { namespace: team.namespace, disableResourceNameHashes: true });
  const job = (name: string) => new BatchProcessingJob(chart, name, {
    pool,
    queue: team.queue,
    container: {
      image: Images.CACHE_HELPER,
      command: ['sh', '-c', 'sleep 3600'],
      resources: { cpu: Cpu.units(1), memory: Size.mebibytes(256) },
    },
    retries: 0,
  });
  job('quota-probe-first');
  job('quota-probe-second');
  return {
    team: team.name,
    namespace: team.namespace,
    localQueue: team.queue.name,
    clusterQueue: team.clusterQueue.name,
    pool: pool.name,
    perPod: { cpu: '1', memory: '256Mi' },
    jobs: chart.toJson(),
  };
}

type Json = Record<string, any>;

/**
 * A workflow canary built with the project's constructs (its namespace made by the harness, Pod
 * Security restricted): one step that creates a one-worker training-operator v1 TFJob. `edit`
 * changes its rendered objects (the checks bypassed); returns the Workflow's name and the objects.
 */
function tfJobStepCanary(namespace: string, workflow: string, pool: NodePool, edit: (o: Json) => Json): { workflow: string; objects: Json[] } {
  const chart = new Chart(new App(), `verify-${workflow}`, { namespace, disableResourceNameHashes: true });
  const wf = new ArgoWorkflow(chart, workflow, { pool });
  const job = new TensorFlowTrainingJob(wf.manifests, 'train', { pool, workers: 1, output: TrainingApi.TRAINING_OPERATOR_V1, container: { image: Images.CACHE_HELPER, command: ['sh', '-c', 'true'] } });
  wf.addResourceTask('train', { resource: job });
  return { workflow: wf.name, objects: chart.toJson().map(edit) };
}

/** The tfjobs rule of a derived Role with its verbs changed by `verbs`. */
const withTfJobVerbs = (role: Json, verbs: (v: string[]) => string[]) => ({ ...role, rules: role.rules.map((r: { resources: string[]; verbs: string[] }) => (r.resources.includes('tfjobs') ? { ...r, verbs: verbs(r.verbs) } : r)) });

/**
 * The workflow-role canary: its step creates a TFJob, with `create` taken out of the Role the
 * construct derives for its ServiceAccount. argoexec, acting as that ServiceAccount, must be refused.
 */
function workflowRoleCanary(config: StackConfig) {
  const namespace = 'verify-canary-workflow-role';
  const canary = tfJobStepCanary(namespace, 'role-canary', config.pools[0], (o) => (o.kind === 'Role' ? withTfJobVerbs(o, (v) => v.filter((x) => x !== 'create')) : o));
  return { namespace, ...canary, removed: 'create tfjobs.kubeflow.org' };
}

/**
 * The workflow-rerun canary: its step's TFJob rendered back to a fixed name under `apply` (the
 * per-run name taken out, and the Role given the `patch` that apply needs). Its second run finds
 * the first run's Complete TFJob and succeeds without training: the harness must see that the run
 * ran no TFJob of its own.
 */
function workflowRerunCanary(config: StackConfig) {
  const namespace = 'verify-canary-workflow-rerun';
  const fixedName = (manifest: string) => manifest.replace(/^(\s*)generateName: (\S+)-$/m, '$1name: $2');
  const canary = tfJobStepCanary(namespace, 'rerun-canary', config.pools[0], (o) => {
    if (o.kind === 'Role') return withTfJobVerbs(o, (v) => [...v, 'patch']);
    if (o.kind !== 'Workflow') return o;
    const templates = o.spec.templates.map((t: { name: string; resource?: { manifest: string } }) => (t.name === 'train' && t.resource ? { ...t, resource: { ...t.resource, action: 'apply', manifest: fixedName(t.resource.manifest) } } : t));
    return { ...o, spec: { ...o.spec, templates } };
  });
  return { namespace, ...canary };
}

/**
 * The chart releases the harness renders with Helm. ../shared/charts has argo-workflows 1.0.18
 * for the pinned 2.0.4 (its SOURCES.md): that folder stands in, with a warning.
 */
function chartReleases(config: StackConfig) {
  const chartsDir = process.env.MLP_CLUSTER_CHARTS_DIR;
  if (!chartsDir) return { releases: [], warnings: [] };
  const planned = new Set(planReleases(config).map((r) => r.name as string));
  const operators = (process.env.MLP_CLUSTER_CHART_OPERATORS ?? '').split(',').filter((o) => o && planned.has(o)) as OperatorName[];
  if (!operators.length) return { releases: [], warnings: [] };
  const installs = localOperatorInstalls(config, { operators, chartsDir: path.resolve(root, chartsDir), standIns: { 'argo-workflows': 'argo-workflows-1.0.18' } });
  const work = process.env.MLP_CLUSTER_CHARTS_WORK;
  return {
    releases: installs.map((i) => ({
      operator: i.operator,
      // a kustomize install renders the stack's own kustomization over the local overlay, as the Pulumi program writes it
      kind: i.kustomization ? 'kustomize' : 'helm',
      chartDir: i.kustomization ? writeKustomization(i.operator, i.kustomization, work, i.kustomizationLinks) : assembleLocalChart(i.chart, work),
      release: i.releaseName,
      namespace: i.namespace,
      values: i.values ?? {},
    })),
    warnings: installs.flatMap((i) => i.chart.warnings),
  };
}

function main(): void {
  const config = parseStackConfig(readStackFile(STACK_FILE), stackDefaultPools);
  // The stack's releases (its own cluster operators included), as stacks/program.ts plans them.
  const releases = planReleases(config);
  const pools = [...new Set([...config.pools, ...localExamplePools()])];
  const { result: app, intentOf, uncredited } = recordIntent(pools, () => buildPlatform({ target: stackTarget(config, releases), pools: config.pools }));
  const storage = storageProfileFor(config);
  const team = app.node.findAll().find((c): c is Team => c instanceof Team);
  // The DRA proof's workload is a TrainJob: built only where the stack installs Trainer v2.
  const trainer = releases.some((r) => r.name === 'kubeflow-trainer');
  const dra = trainer ? draInputs(WORKLOAD_CANARY_NAMESPACE) : undefined;
  // The TAS proof's gang is a Kueue-queued TrainJob.
  const tas = trainer && releases.some((r) => r.name === 'kueue') ? tasInputs(WORKLOAD_CANARY_NAMESPACE) : undefined;
  const output = {
    stackFile: STACK_FILE,
    cluster: config.cluster,
    kubernetesVersion: config.kubernetesVersion,
    charts: config.charts ?? null,
    operators: releases.map((r) => ({ name: r.name, version: r.appVersion, namespace: r.namespace, crdGroups: r.crdGroups ?? null })),
    pools: config.pools.map((p) => describePool(p, config)),
    operatorConfig: operatorConfiguration(config, releases),
    overQuota: overQuotaScenario(app) ?? null,
    charted: chartReleases(config),
    storage,
    intents: workloadIntents(app, intentOf),
    uncreditedRenders: uncredited,
    canaries: {
      workflowRole: workflowRoleCanary(config), workflowRerun: workflowRerunCanary(config),
      workloads: [...workloadCanaries(config.pools, storage, team?.clusterQueue.quotas[0].pool, { trainer }), ...(dra ? [dra.canary] : []), ...(tas ? [tas.canary] : [])],
    },
    dra: dra?.dra ?? null,
    tas: tas?.tas ?? null,
  };
  process.stdout.write(`${JSON.stringify(output)}\n`);
}

main();
