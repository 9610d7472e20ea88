import type { ManifestEntry, PodTemplate } from './manifest-entry';

// The pods a Kubeflow Trainer v2.3.0 TrainJob really gets: its runtime's JobSet template with the
// TrainJob's overrides applied, as the controller does it (github.com/kubeflow/trainer/v2@v2.3.0):
// - pkg/runtime/core/trainingruntime.go newRuntimeInfo/mergeRuntimePatches: every
//   `spec.runtimePatches[].trainingRuntimeSpec.template.spec` is strategic-merged into the
//   JobSet spec (replicatedJobs by name: jobset v0.12.0 JobSetSpec patchMergeKey; containers,
//   initContainers, volumes, env, imagePullSecrets by name, volumeMounts by mountPath, ports by
//   containerPort: k8s.io/api core/v1 patch tags; maps merged; other lists replaced), in order;
//   the trainer job's pod count is mlPolicy.numNodes, other jobs' their parallelism;
//   `trainer.resourcesPerNode` is merged (util/trainingruntime MergeResourceRequirements: limits
//   and requests key by key) into the `node` container of the trainer job (label
//   trainer.kubeflow.org/trainjob-ancestor-step: trainer, with an mlPolicy), or of the MPI `node`
//   job when runLauncherAsNode;
// - plugins/plainml, torch, jax EnforceMLPolicy: the trainer job's count becomes
//   `trainer.numNodes`; plugins/mpi: the `node` job's count does (minus one, at least one, with
//   runLauncherAsNode), the launcher keeps its own;
// - plugins/jobset/builder.go Trainer: the trainer job runs one replica; `trainer.image`,
//   `command`, `args` replace the `node` container's, `trainer.env` is upserted into it by name;
// - plugins/jobset SyncParallelCount: each job's parallelism = completions = its count.
// Not modelled here: initializer jobs' dataset/model env (plugins/jobset builder Initializer). The
// env the framework plugins inject (PET_*, JAX_*, OMPI_*) is program-contract's (injected-env.ts).

/** What finding a TrainJob's runtime needs of the index. */
export interface RuntimeLookup {
  find(groupKind: string, namespace: string | undefined, name: string): ManifestEntry | undefined;
}

const TRAINER_ANCESTOR = 'trainer.kubeflow.org/trainjob-ancestor-step';
const NODE = 'node';

/** Strategic-merge list keys (k8s.io/api core/v1 and jobset v0.12.0 patchMergeKey tags). */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  replicatedJobs: 'name', containers: 'name', initContainers: 'name', volumes: 'name', env: 'name',
  imagePullSecrets: 'name', volumeMounts: 'mountPath', ports: 'containerPort',
};

/** A strategic merge patch of JSON values (no $patch directives: the constructs write none). */
export function strategicMerge(base: unknown, patch: unknown, key?: string): unknown {
  if (patch === null) return undefined;
  if (Array.isArray(patch)) {
    const k = key ? MERGE_KEYS[key] : undefined;
    if (!k || !Array.isArray(base)) return patch;
    const out = [...base];
    for (const item of patch) {
      const i = out.findIndex((b) => b?.[k] === item?.[k]);
      if (i < 0) out.push(item);
      else out[i] = strategicMerge(out[i], item);
    }
    return out;
  }
  if (typeof patch !== 'object' || patch === undefined || typeof base !== 'object' || base === null || Array.isArray(base)) return patch ?? base;
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [k, v] of Object.entries(patch as Record<string, unknown>)) {
    const merged = strategicMerge(out[k], v, k);
    if (merged === undefined) delete out[k];
    else out[k] = merged;
  }
  return out;
}

/** The runtime a TrainJob refers to (runtimeRef.kind defaults to ClusterTrainingRuntime, trainjob_types.go). */
export function runtimeOf(entry: ManifestEntry, index: RuntimeLookup): ManifestEntry | undefined {
  const ref = entry.object.spec?.runtimeRef ?? {};
  if (typeof ref.name !== 'string' || (ref.apiGroup ?? 'trainer.kubeflow.org') !== 'trainer.kubeflow.org') return undefined;
  return (ref.kind ?? 'ClusterTrainingRuntime') === 'TrainingRuntime'
    ? index.find('trainer.kubeflow.org/TrainingRuntime', entry.namespace, ref.name)
    : index.find('trainer.kubeflow.org/ClusterTrainingRuntime', undefined, ref.name);
}

/** The node container of a pod spec, changed by `change` (a copy). */
function withNode(spec: Record<string, any>, change: (c: Record<string, any>) => Record<string, any>): Record<string, any> {
  return { ...spec, containers: (spec.containers ?? []).map((c: Record<string, any>) => (c.name === NODE ? change(c) : c)) };
}

/** Env upserted by name (apply.UpsertEnvVars). */
function upsertEnv(env: Record<string, any>[] | undefined, add: Record<string, any>[]): Record<string, any>[] {
  const out = [...(env ?? [])];
  for (const e of add) {
    const i = out.findIndex((x) => x.name === e.name);
    if (i < 0) out.push(e);
    else out[i] = e;
  }
  return out;
}

/**
 * Every replicated job of a TrainJob as a pod template (role: the replicated job's name; field:
 * the pod spec inside the runtime), none when its runtime is not in the manifests.
 */
export function trainJobTemplates(entry: ManifestEntry, index: RuntimeLookup): PodTemplate[] {
  const runtime = runtimeOf(entry, index);
  if (!runtime) return [];
  const spec = entry.object.spec ?? {};
  const trainer: Record<string, any> = spec.trainer ?? {};
  const mlPolicy: Record<string, any> | undefined = runtime.object.spec?.mlPolicy;
  let jobSet = runtime.object.spec?.template?.spec ?? {};
  for (const p of spec.runtimePatches ?? []) {
    const patch = p?.trainingRuntimeSpec?.template?.spec;
    if (patch) jobSet = strategicMerge(jobSet, patch) as Record<string, any>;
  }
  const order = (runtime.object.spec?.template?.spec?.replicatedJobs ?? []).map((j: Record<string, any>) => j.name);
  const jobs: Record<string, any>[] = [...(jobSet.replicatedJobs ?? [])].sort((a, b) => order.indexOf(a.name) - order.indexOf(b.name));
  const mpi = mlPolicy?.mpi;
  const launcherAsNode = mpi?.runLauncherAsNode === true;
  return jobs.map((job, i) => {
    const isTrainer = job.template?.metadata?.labels?.[TRAINER_ANCESTOR] === 'trainer';
    let pod: Record<string, any> = job.template?.spec?.template?.spec ?? {};
    let count: number = job.template?.spec?.parallelism ?? 1;
    if (isTrainer && mlPolicy) count = mlPolicy.numNodes ?? 1;
    if (isTrainer && !mpi && trainer.numNodes !== undefined) count = trainer.numNodes;
    if (mpi && job.name === NODE && trainer.numNodes !== undefined) count = launcherAsNode ? Math.max(trainer.numNodes - 1, 1) : trainer.numNodes;
    const nodeOfTrainer = (isTrainer && mlPolicy) || (launcherAsNode && job.name === NODE);
    if (nodeOfTrainer && trainer.resourcesPerNode) {
      pod = withNode(pod, (c) => ({ ...c, resources: strategicMerge(c.resources ?? {}, trainer.resourcesPerNode) }));
    }
    if (isTrainer) {
      pod = withNode(pod, (c) => ({ ...c, image: trainer.image ?? c.image, command: trainer.command ?? c.command, args: trainer.args ?? c.args }));
    }
    if ((isTrainer || (launcherAsNode && job.name === NODE)) && trainer.env) pod = withNode(pod, (c) => ({ ...c, env: upsertEnv(c.env, trainer.env) }));
    const pods = (isTrainer ? 1 : job.replicas ?? 1) * count;
    return {
      entry, runtime, role: job.name, spec: pod, labels: job.template?.spec?.template?.metadata?.labels ?? {},
      annotations: job.template?.spec?.template?.metadata?.annotations, maxPods: pods, minPods: pods,
      field: `${runtime.object.kind} '${runtime.object.metadata?.name}' spec.template.spec.replicatedJobs[${i}].template.spec.template.spec`,
    };
  });
}
