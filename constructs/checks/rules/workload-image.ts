import { ImageFacts } from '../../core/image';
import { declares, factsOfImage } from '../declared-externals';
import { resourceSteps } from '../argo';
import { launchesMpi, resolvePath, runsTraining, scriptsRunBy } from '../container-commands';
import { SERVING_GROUP_KINDS } from '../kinds';
import type { ObjectIndex } from '../object-index';
import type { ManifestEntry } from '../manifest-entry';
import { containersOf, PodTemplate } from '../pod-templates';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Workloads and their images agree, and serving outlives the pipeline run that deployed it.
 * (a) MPIJob kubeflow.org/v1 workers run no training command: mpirun on the Launcher starts the
 *     ranks in the workers through `kubectl exec` (kubexec.sh); the training-operator sets the
 *     worker's command to `sleep 365d` only when it has none (pkg/controller.v1/mpi/mpijob_controller.go,
 *     release-1.9 line; research A1). A worker that runs the script trains alone, outside MPI, and
 *     when it exits the container mpirun execs into is gone.
 * (b) A container requesting `nvidia.com/gpu` runs an image the image map marks as a CUDA build
 *     (`ImageFacts.cuda`); a CPU build ignores the GPU. KServe predictors: the runtime image with
 *     `runtimeVersion` as its tag, no `-gpu` suffix added when runtimeVersion is set (kserve
 *     pkg/controller/v1beta1/inferenceservice/utils/utils.go UpdateImageTag, stored @ 00bd5d06);
 *     runtime images from kserve config/runtimes (tensorflow → tensorflow/serving).
 * (c) A script a command runs exists: under a mounted volume whose content something provides, or
 *     else in the image (`ImageFacts.files`). A script an MPIJob launcher starts through mpirun
 *     runs in the Worker containers, so it is looked up there. Volumes, kept simple: a ConfigMap/Secret volume must
 *     hold the key; a claim must have a `dataSource` or be mounted writable by another pod template
 *     deployed with it (we cannot tell what that writer writes, or whether it runs first); an
 *     emptyDir must be mounted by an init container of the same pod; other volume types are
 *     trusted. A mount hides the image's files below it.
 * (d) Serving objects (InferenceService, Deployment, StatefulSet, Service) created by an Argo
 *     resource step with `setOwnerReference: true` get the Workflow as controller owner
 *     (argo-workflows v4.1 workflow/controller/operator.go executeResource; research D2): deleting
 *     the finished Workflow (ttlStrategy, `argo delete`) garbage-collects the serving.
 * (e) A parameter-server job (TFJob with PS replicas, TrainJob with a `ps` replicated job) runs no
 *     image whose facts say TensorFlow >= 2.16 without legacy Keras: from 2.16 `tf.keras` is Keras 3,
 *     and "Parameter server training is not supported in Keras 3" (fchollet, keras-team/keras#18624;
 *     Keras 2 stays available as `tf_keras` with `TF_USE_LEGACY_KERAS=1`, keras-team/keras-io#1800).
 * Severity: what the image map or the manifests say fails is an error; an image nobody described
 * (declare it: `ContainerImage.withFacts` or `withExternals(target, { images })`), a claim nothing
 * deployed writes (declare it filled outside: `claims`) and serving owned by the Workflow (it
 * works until the Workflow is deleted) are warnings.
 */
export const workloadImage: SemanticRule = {
  id: 'workload-image',
  summary: 'MPI workers, GPU requests and script commands match their images; serving outlives its pipeline',
  check(ctx: CheckContext): void {
    const writers = claimWriters(ctx.index);
    // One look-up per distinct image, not per container.
    const known = new Map<string, ImageFacts | undefined>();
    const factsOf = (image: string | undefined) => {
      if (!image) return undefined;
      if (!known.has(image)) known.set(image, factsOfImage(ctx.target, image));
      return known.get(image);
    };
    const workers = new Map<ManifestEntry, PodTemplate>();
    for (const t of ctx.index.podTemplates()) if (t.entry.object.kind === 'MPIJob' && t.role === 'Worker') workers.set(t.entry, t);
    for (const t of ctx.index.podTemplates()) {
      checkMpiWorker(ctx, t);
      containersOf(t.spec).forEach((c) => {
        const image = imageOf(c);
        checkGpu(ctx, t, c, image, factsOf(image));
        // mpirun starts the ranks in the workers' first container (kubexec.sh): the script must be there.
        const worker = t.entry.object.kind === 'MPIJob' && t.role === 'Launcher' && launchesMpi(c) ? workers.get(t.entry) : undefined;
        const runsIn = worker?.spec.containers?.[0];
        checkScripts(ctx, t, c, worker && runsIn ? { template: worker, container: runsIn } : { template: t, container: c }, writers, factsOf);
      });
    }
    for (const kind of ARGO_WORKFLOW_KINDS) for (const e of ctx.index.ofKind(kind)) checkOwnedServing(ctx, e);
    checkParameterServerKeras(ctx, factsOf);
  },
};

/** True for TensorFlow `x.y[.z]` at or above 2.16 (where `tf.keras` became Keras 3). */
const kerasThree = (version: string) => {
  const [major, minor] = version.split('.').map(Number);
  return major > 2 || (major === 2 && minor >= 16);
};

function checkParameterServerKeras(ctx: CheckContext, factsOf: (image: string | undefined) => ImageFacts | undefined): void {
  const templates = ctx.index.podTemplates();
  const psJobs = new Set(templates.filter((t) => (t.entry.object.kind === 'TFJob' && t.role === 'PS') || (t.entry.object.kind === 'TrainJob' && t.role === 'ps')).map((t) => t.entry));
  const reported = new Set<string>();
  for (const t of templates) {
    if (!psJobs.has(t.entry)) continue;
    for (const c of containersOf(t.spec)) {
      const image = imageOf(c);
      const facts = factsOf(image);
      const key = `${t.entry.path}|${image}`;
      if (!image || !facts?.tensorflow || facts.legacyKeras || !kerasThree(facts.tensorflow) || reported.has(key)) continue;
      reported.add(key);
      ctx.report({
        entry: t.entry, field: fieldOf(t, c, 'image'), value: image,
        message: `${where(t, c)} of this parameter-server ${t.entry.object.kind} runs '${image}', TensorFlow ${facts.tensorflow} (${facts.source}): from TensorFlow 2.16 tf.keras is Keras 3, which has no parameter-server training (ParameterServerStrategy with model.fit; keras-team/keras#18624), so the chief fails once it trains; use an image with TensorFlow < 2.16 (e.g. 'tensorflow/tensorflow:2.15.0'), or one with tf_keras installed and TF_USE_LEGACY_KERAS=1 (describe it with legacyKeras: true)`,
      });
    }
  }
}

/** The image a container runs; for a KServe model container, the runtime image it resolves to. */
function imageOf(c: Record<string, any>): string | undefined {
  if (typeof c.image === 'string') return /\{\{|\$\(/.test(c.image) ? undefined : c.image;
  const runtime = KSERVE_RUNTIME_IMAGES[c.modelFormat?.name];
  return runtime && typeof c.runtimeVersion === 'string' ? `${runtime}:${c.runtimeVersion}` : undefined;
}

/** Images of KServe's built-in runtimes by model format (kserve config/runtimes/kserve-*.yaml). */
const KSERVE_RUNTIME_IMAGES: Readonly<Record<string, string>> = { tensorflow: 'tensorflow/serving' };

const where = (t: PodTemplate, c: Record<string, any>) => `${t.role} container '${c.name}'`;
const fieldOf = (t: PodTemplate, c: Record<string, any>, prop: string) => `${t.field} container '${c.name}' ${prop}`;
const unknownImage = (image: string) => `the image map knows nothing about '${image}': describe it (ContainerImage.withFacts, or IMAGE_FACTS for a pinned image) from its Dockerfile`;

function checkMpiWorker(ctx: CheckContext, t: PodTemplate): void {
  const o = t.entry.object;
  if (o.apiVersion !== 'kubeflow.org/v1' || o.kind !== 'MPIJob' || t.role !== 'Worker') return;
  const c = t.spec.containers?.[0];
  if (!c || !runsTraining(c)) return;
  ctx.report({
    entry: t.entry, field: `${t.field}.containers[0].command`, value: [...(c.command ?? []), ...(c.args ?? [])].join(' '),
    message: 'MPIJob v1 workers must not run the training: mpirun on the Launcher starts every rank inside the workers through kubectl exec, and the training-operator sets the worker command to `sleep 365d` only when it has none; with this command each worker trains alone outside MPI and, once it exits, mpirun has no container to exec into. Remove command and args from the Worker',
  });
}

function checkGpu(ctx: CheckContext, t: PodTemplate, c: Record<string, any>, image: string | undefined, facts: ImageFacts | undefined): void {
  const gpus = Number(c.resources?.limits?.['nvidia.com/gpu'] ?? c.resources?.requests?.['nvidia.com/gpu'] ?? 0);
  if (!(gpus > 0) || !image || facts?.cuda) return;
  ctx.report({
    entry: t.entry, field: fieldOf(t, c, 'image'), value: image, severity: facts ? 'error' : 'warning',
    message: `${where(t, c)} requests ${gpus} nvidia.com/gpu, but ${facts ? `'${image}' is not a CUDA build (${facts.source})` : unknownImage(image)}: the framework finds no GPU and runs on the CPU while the GPU sits idle; use a CUDA build of the image${image.startsWith('tensorflow/serving:') ? ` (e.g. '${image}-gpu')` : ''}`,
  });
}

/** Claims (by `namespace|name`) mounted writable by a pod template, and claims with a data source. */
function claimWriters(index: ObjectIndex): Map<string, PodTemplate[]> {
  const writers = new Map<string, PodTemplate[]>();
  for (const t of index.podTemplates()) {
    const claims = new Map<string, string>();
    for (const v of t.spec.volumes ?? []) if (v.persistentVolumeClaim?.claimName && !v.persistentVolumeClaim.readOnly) claims.set(v.name, v.persistentVolumeClaim.claimName);
    for (const c of containersOf(t.spec)) {
      for (const m of c.volumeMounts ?? []) {
        const claim = claims.get(m.name);
        if (claim && !m.readOnly) writers.set(`${t.entry.namespace}|${claim}`, [...(writers.get(`${t.entry.namespace}|${claim}`) ?? []), t]);
      }
    }
  }
  return writers;
}

/** Where a command's scripts are looked up: the container itself, or the MPI workers. */
interface RunsIn {
  readonly template: PodTemplate;
  readonly container: Record<string, any>;
}

function checkScripts(ctx: CheckContext, t: PodTemplate, c: Record<string, any>, runsIn: RunsIn, writers: Map<string, PodTemplate[]>, factsOf: (image: string | undefined) => ImageFacts | undefined): void {
  const image = imageOf(runsIn.container);
  const facts = factsOf(image);
  const via = runsIn.container === c ? '' : ` (through mpirun, in the ${where(runsIn.template, runsIn.container)})`;
  for (const script of scriptsRunBy(c)) {
    const path = resolvePath(script, runsIn.container.workingDir ?? facts?.workdir ?? '/');
    const mount = [...(runsIn.container.volumeMounts ?? [])]
      .filter((m: Record<string, any>) => path === m.mountPath || path.startsWith(`${m.mountPath.replace(/\/$/, '')}/`))
      .sort((a: Record<string, any>, b: Record<string, any>) => b.mountPath.length - a.mountPath.length)[0];
    const problem = mount ? volumeProblem(ctx, runsIn.template, mount, path, writers) : imageProblem(path, image, facts);
    if (problem) ctx.report({ entry: t.entry, field: fieldOf(t, c, 'command'), value: [...(c.command ?? []), ...(c.args ?? [])].join(' '), severity: problem.severity, message: `${where(t, c)} runs '${path}'${via}, ${problem.text}` });
  }
}

/** Why a script may not be there, and how sure that is. */
interface ScriptProblem {
  readonly text: string;
  readonly severity: 'error' | 'warning';
}

const sure = (text: string | undefined): ScriptProblem | undefined => (text ? { text, severity: 'error' } : undefined);

function imageProblem(path: string, image: string | undefined, facts: ImageFacts | undefined): ScriptProblem | undefined {
  if (!image) return undefined;
  if (!facts) return { text: `which is on no mounted volume, and ${unknownImage(image)}`, severity: 'warning' };
  const files = facts.files ?? [];
  if (files.some((f) => (f.endsWith('/') ? path.startsWith(f) : f === path))) return undefined;
  return sure(`which is on no mounted volume and not in '${image}' (it holds ${files.length ? files.join(', ') : 'no scripts'}; ${facts.source}): the container exits with "No such file"; run a script the image holds, or mount one`);
}

function volumeProblem(ctx: CheckContext, t: PodTemplate, mount: Record<string, any>, path: string, writers: Map<string, PodTemplate[]>): ScriptProblem | undefined {
  const v = (t.spec.volumes ?? []).find((x: Record<string, any>) => x.name === mount.name);
  if (!v) return undefined; // the references rule reports mounts of undeclared volumes
  const ns = t.entry.namespace;
  const rel = path.slice(mount.mountPath.replace(/\/$/, '').length + 1);
  const source = v.configMap ? { kind: 'ConfigMap', name: v.configMap.name, items: v.configMap.items } : v.secret ? { kind: 'Secret', name: v.secret.secretName, items: v.secret.items } : undefined;
  if (source) {
    const inVolume = mount.subPath ? (rel ? `${mount.subPath}/${rel}` : mount.subPath) : rel;
    const key = source.items ? source.items.find((i: Record<string, any>) => i.path === inVolume)?.key : inVolume;
    const obj = ctx.index.find(`/${source.kind}`, ns, source.name);
    if (!obj) return sure(`from ${source.kind} '${source.name}' mounted at ${mount.mountPath}, which is not deployed in namespace '${ns}'`);
    const data = { ...(obj.object.data ?? {}), ...(obj.object.binaryData ?? {}), ...(obj.object.stringData ?? {}) };
    return key && key in data ? undefined : sure(`but ${source.kind} '${source.name}' mounted at ${mount.mountPath} has no key for it (keys: ${Object.keys(data).join(', ') || 'none'})`);
  }
  if (v.persistentVolumeClaim) {
    const claim: string = v.persistentVolumeClaim.claimName;
    const pvc = ctx.index.find('/PersistentVolumeClaim', ns, claim);
    if (pvc?.object.spec?.dataSource || pvc?.object.spec?.dataSourceRef) return undefined;
    if ((writers.get(`${ns}|${claim}`) ?? []).some((w) => w !== t)) return undefined;
    if (declares(ctx.target?.externals?.claims, ns, claim) || (pvc?.object.spec?.storageClassName === '' && pvc.object.spec?.volumeName)) return undefined;
    return {
      severity: 'warning',
      text: `from claim '${claim}' mounted at ${mount.mountPath}, but nothing deployed with it writes that claim (no other pod template mounts it writable, and it has no dataSource), so unless it is filled outside the charts the script is never there; put it in the image, in a ConfigMap, add a step that writes it before this one runs, or declare the claim filled (withExternals(target, { claims: ['${ns}/${claim}'] }))`,
    };
  }
  if (v.emptyDir) {
    const filled = (t.spec.initContainers ?? []).some((i: Record<string, any>) => (i.volumeMounts ?? []).some((m: Record<string, any>) => m.name === mount.name && !m.readOnly));
    return filled ? undefined : sure(`from emptyDir '${mount.name}' mounted at ${mount.mountPath}, which starts empty and no init container of the pod fills it`);
  }
  return undefined;
}

const ARGO_WORKFLOW_KINDS = ['argoproj.io/Workflow', 'argoproj.io/WorkflowTemplate', 'argoproj.io/ClusterWorkflowTemplate', 'argoproj.io/CronWorkflow'];

/**
 * What a pipeline may deploy to serve, whose lifetime must not end with the Workflow object: the
 * serving kinds (kinds.ts) and the Service in front of them.
 */
const OUTLIVES_THE_RUN: ReadonlySet<string> = new Set([...SERVING_GROUP_KINDS, '/Service']);

function checkOwnedServing(ctx: CheckContext, e: ManifestEntry): void {
  for (const step of resourceSteps(e)) {
    if (step.resource.setOwnerReference !== true || !step.groupKind || !OUTLIVES_THE_RUN.has(step.groupKind)) continue;
    const ttl = e.object.spec?.ttlStrategy ?? e.object.spec?.workflowSpec?.ttlStrategy;
    ctx.report({
      entry: e, field: `${step.field}.setOwnerReference`, value: true, severity: 'warning',
      message: `step '${step.name}' creates the ${step.groupKind.split('/')[1]} with the Workflow as its controller owner, so Kubernetes garbage-collects the serving when the finished Workflow is deleted${ttl ? ` (its ttlStrategy ${JSON.stringify(ttl)} deletes it)` : ' (argo delete, a ttlStrategy, archiving)'}; serving must outlive the run: drop setOwnerReference for serving objects`,
    });
  }
}
