// The platform's pods, described from the synthesized objects (dist/ files and the objects embedded
// in workflow steps) with the labels the controllers really put on them: the pod template's own
// labels plus what each operator adds. Pure: objects in, pod records out.

import YAML from 'yaml';
import type { KubeObject } from '../core/objects';

/** One pod: where it runs, what made it and every label it carries. */
export interface Pod {
  id: string;
  chart: string;
  namespace: string;
  kind: string;
  owner: string;
  role: string;
  labels: Record<string, string>;
  ports: number[];
  portNames?: Record<string, number>;
  source?: KubeObject;
  embeddedIn?: string;
  step?: string;
  mode?: string;
  storageUri?: string;
  external?: undefined;
  /** Assigned by the runner. */
  ip?: string;
}

/** What every pod of one object shares. */
type PodBase = Pick<Pod, 'chart' | 'namespace' | 'kind' | 'source' | 'embeddedIn'>;
type Spec = Record<string, any> | undefined;

const lower = (s: unknown) => String(s).toLowerCase();
/** Pods described per role: enough for pairs inside a role and across roles, few enough to stay fast. */
export const MAX_PER_ROLE = 2;
const count = (n: unknown, fallback: number) => Math.max(1, Math.min(MAX_PER_ROLE, Number.isInteger(n) ? (n as number) : fallback));
/** Name a generateName object gets from the apiserver (a fixed suffix here). */
const nameOf = (meta: Record<string, any>): string => meta.name ?? `${meta.generateName ?? 'unnamed-'}x7k2p`;
const containerPorts = (podSpec: Spec): number[] => (podSpec?.containers ?? []).flatMap((c: any) => (c.ports ?? []).map((p: any) => p.containerPort));
/** Container port name → number (named NetworkPolicy ports and monitors refer to names). */
const portNames = (podSpec: Spec): Record<string, number> =>
  Object.fromEntries((podSpec?.containers ?? []).flatMap((c: any) => (c.ports ?? []).filter((p: any) => p.name).map((p: any) => [p.name, p.containerPort])));

/**
 * training-operator v1 pod labels: kubeflow/trainer release-1.9
 * `pkg/controller.v1/common/job_controller.go` GenLabels and `pkg/controller.v1/common/pod.go`
 * createNewPod (template labels kept, operator labels win; replica-type lower-cased; job-role
 * `master` on the master pod: PyTorch Master, TF Chief, MPI Launcher).
 */
const OPERATOR_NAME: Record<string, string> = { TFJob: 'tfjob-controller', PyTorchJob: 'pytorchjob-controller', MPIJob: 'mpijob-controller' };
const REPLICA_SPECS: Record<string, string> = { TFJob: 'tfReplicaSpecs', PyTorchJob: 'pytorchReplicaSpecs', MPIJob: 'mpiReplicaSpecs' };
const MASTER_ROLE: Record<string, string> = { TFJob: 'chief', PyTorchJob: 'master', MPIJob: 'launcher' };
/**
 * Port a replica is reached on: TF 2222 and PyTorch 23456 (kubeflow/trainer release-1.9
 * `*_types.go` defaults), MPI an ephemeral Open MPI port, TrainJob torchrun's c10d default 29400
 * (UNCONFIRMED for Trainer v2's torch plugin). The policies allow every port inside a job anyway.
 */
export const JOB_PORT: Record<string, number> = { TFJob: 2222, PyTorchJob: 23456, MPIJob: 35000, TrainJob: 29400 };

function trainingOperatorPods(obj: KubeObject, base: PodBase): Pod[] {
  const name = nameOf(obj.metadata);
  const pods: Pod[] = [];
  for (const [type, spec] of Object.entries<any>(obj.spec?.[REPLICA_SPECS[obj.kind]] ?? {})) {
    const rtype = lower(type);
    for (let i = 0; i < count(spec.replicas, 1); i++) {
      pods.push({
        ...base,
        id: `${base.chart}/${obj.kind}/${name}/${rtype}-${i}`,
        owner: name,
        role: rtype,
        labels: {
          ...spec.template?.metadata?.labels,
          'training.kubeflow.org/operator-name': OPERATOR_NAME[obj.kind],
          'training.kubeflow.org/job-name': name,
          'training.kubeflow.org/replica-type': rtype,
          'training.kubeflow.org/replica-index': String(i),
          ...(rtype === MASTER_ROLE[obj.kind] ? { 'training.kubeflow.org/job-role': 'master' } : {}),
        },
        ports: [JOB_PORT[obj.kind]],
      });
    }
  }
  return pods;
}

/**
 * Trainer v2: TrainJob → JobSet → one Job per replicated job → pods with the runtime's pod
 * template labels plus JobSet's (`jobset.sigs.k8s.io/jobset-name` = TrainJob name,
 * `jobset.sigs.k8s.io/replicatedjob-name`): kubernetes-sigs/jobset `pkg/controllers/jobset_controller.go`
 * (UNCONFIRMED at the version Trainer v2 pins).
 */
function trainJobPods(obj: KubeObject, base: PodBase, runtimes: Map<string, KubeObject>): Pod[] {
  const name = nameOf(obj.metadata);
  const runtime = runtimes.get(`${base.namespace}/${obj.spec?.runtimeRef?.name}`);
  if (!runtime) return [];
  const pods: Pod[] = [];
  for (const rj of runtime.spec?.template?.spec?.replicatedJobs ?? []) {
    const template = rj.template?.spec?.template ?? {};
    for (let i = 0; i < count(obj.spec?.trainer?.numNodes, 1); i++) {
      pods.push({
        ...base,
        id: `${base.chart}/TrainJob/${name}/${rj.name}-${i}`,
        owner: name,
        role: rj.name,
        labels: {
          ...template.metadata?.labels,
          'jobset.sigs.k8s.io/jobset-name': name,
          'jobset.sigs.k8s.io/replicatedjob-name': rj.name,
          'batch.kubernetes.io/job-completion-index': String(i),
        },
        ports: [JOB_PORT.TrainJob],
      });
    }
  }
  return pods;
}

/** Job controller pod labels (Kubernetes 1.27+): `batch.kubernetes.io/job-name`, legacy `job-name`, controller-uid. */
function jobPods(jobName: string, jobSpec: Spec, base: PodBase, kind: string): Pod[] {
  const template = jobSpec?.template ?? {};
  const indexed = jobSpec?.completionMode === 'Indexed';
  return Array.from({ length: count(jobSpec?.parallelism, 1) }, (_, i) => ({
    ...base,
    id: `${base.chart}/${kind}/${jobName}/pod-${i}`,
    owner: jobName,
    role: 'job',
    labels: {
      ...template.metadata?.labels,
      'batch.kubernetes.io/job-name': jobName,
      'job-name': jobName,
      'batch.kubernetes.io/controller-uid': `uid-${jobName}`,
      'controller-uid': `uid-${jobName}`,
      ...(indexed ? { 'batch.kubernetes.io/job-completion-index': String(i) } : {}),
    },
    ports: containerPorts(template.spec),
    portNames: portNames(template.spec),
  }));
}

/** Deployment / StatefulSet pods: template labels (+ the StatefulSet's pod-index label). */
function controllerPods(obj: KubeObject, base: PodBase): Pod[] {
  const name = nameOf(obj.metadata);
  const template = obj.spec?.template ?? {};
  const stateful = obj.kind === 'StatefulSet';
  return Array.from({ length: count(obj.spec?.replicas, 2) }, (_, i) => ({
    ...base,
    id: `${base.chart}/${obj.kind}/${name}/${stateful ? i : `pod-${i}`}`,
    owner: name,
    role: template.metadata?.labels?.['app.kubernetes.io/component'] ?? lower(obj.kind),
    labels: {
      ...template.metadata?.labels,
      ...(stateful ? { 'apps.kubernetes.io/pod-index': String(i), 'statefulset.kubernetes.io/pod-name': `${name}-${i}` } : { 'pod-template-hash': '5d8f7c9b4' }),
    },
    ports: containerPorts(template.spec),
    portNames: portNames(template.spec),
  }));
}

/**
 * KServe predictor pods: the component's `labels` (ComponentExtensionSpec: "Labels that will be
 * added to the component pod", kserve/kserve `python/kserve/docs/V1beta1ComponentExtensionSpec.md`)
 * plus `serving.kserve.io/inferenceservice`, `component: predictor` and, in Standard mode,
 * `app: isvc.<name>-predictor` (kserve/kserve v0.20 controller tests).
 */
function predictorPods(obj: KubeObject, base: PodBase): Pod[] {
  const name = nameOf(obj.metadata);
  const mode = obj.metadata?.annotations?.['serving.kserve.io/deploymentMode'];
  const predictor = obj.spec?.predictor ?? {};
  return Array.from({ length: count(predictor.minReplicas || 1, 1) }, (_, i) => ({
    ...base,
    id: `${base.chart}/InferenceService/${name}/predictor-${i}`,
    owner: name,
    role: 'predictor',
    mode: mode ?? 'default',
    storageUri: predictor.model?.storageUri,
    labels: {
      ...predictor.labels,
      'serving.kserve.io/inferenceservice': name,
      component: 'predictor',
      ...(mode === 'Knative'
        ? { 'serving.knative.dev/service': `${name}-predictor`, 'serving.knative.dev/configuration': `${name}-predictor` }
        : { app: `isvc.${name}-predictor` }),
    },
    ports: mode === 'Standard' ? [8080] : [8012, 9091],
  }));
}

/**
 * One pod per step template of an Argo Workflow / CronWorkflow / WorkflowTemplate run:
 * `spec.podMetadata` and the template's `metadata` labels plus the controller's
 * `workflows.argoproj.io/workflow` and `completed` (argoproj/argo-workflows v4 `workflow/common/common.go`).
 */
function workflowPods(obj: KubeObject, base: PodBase): Pod[] {
  const name = nameOf(obj.metadata);
  const spec = obj.kind === 'CronWorkflow' ? obj.spec?.workflowSpec : obj.spec;
  const run = obj.kind === 'Workflow' ? name : `${name}-1767225600`;
  return (spec?.templates ?? []).filter((t: any) => t.container || t.resource || t.script).map((t: any) => ({
    ...base,
    id: `${base.chart}/${obj.kind}/${name}/${t.name}`,
    owner: name,
    role: t.name,
    step: t.name,
    labels: {
      ...spec.podMetadata?.labels,
      ...t.metadata?.labels,
      'workflows.argoproj.io/workflow': run,
      'workflows.argoproj.io/completed': 'false',
      ...(t.name === spec.onExit ? { 'workflows.argoproj.io/on-exit': 'true' } : {}),
    },
    ports: [],
  }));
}

/** The objects a workflow's resource steps create at run time, in the workflow's namespace. */
export function embeddedObjects(obj: KubeObject): KubeObject[] {
  const spec = obj.kind === 'CronWorkflow' ? obj.spec?.workflowSpec : obj.spec;
  return (spec?.templates ?? []).filter((t: any) => typeof t.resource?.manifest === 'string').map((t: any) => YAML.parse(t.resource.manifest));
}

/**
 * Every pod the objects of one chart make, embedded objects included. `objects` are the chart's
 * JSON objects; `namespaces` maps namespace name → labels (for traffic descriptions).
 */
export function describePods(chart: string, objects: readonly KubeObject[]): Pod[] {
  const pods: Pod[] = [];
  const runtimes = new Map<string, KubeObject>();
  const all: { obj: KubeObject; namespace: string; embeddedIn?: string }[] = [];
  for (const o of objects) {
    all.push({ obj: o, namespace: o.metadata?.namespace });
    if (o.apiVersion?.startsWith('argoproj.io/')) {
      for (const e of embeddedObjects(o)) all.push({ obj: e, namespace: e.metadata?.namespace ?? o.metadata?.namespace, embeddedIn: o.metadata?.name });
    }
  }
  for (const { obj, namespace } of all) {
    if (obj.kind === 'TrainingRuntime') runtimes.set(`${namespace}/${obj.metadata.name}`, obj);
  }
  for (const { obj, namespace, embeddedIn } of all) {
    const base: PodBase = { chart, namespace, kind: obj.kind, source: obj, embeddedIn };
    switch (obj.kind) {
      case 'Deployment':
      case 'StatefulSet':
        pods.push(...controllerPods(obj, base));
        break;
      case 'Job':
        pods.push(...jobPods(nameOf(obj.metadata), obj.spec, base, 'Job'));
        break;
      case 'CronJob':
        pods.push(...jobPods(`${nameOf(obj.metadata)}-29000000`, obj.spec?.jobTemplate?.spec, base, 'CronJob'));
        break;
      case 'TFJob':
      case 'PyTorchJob':
      case 'MPIJob':
        pods.push(...trainingOperatorPods(obj, base));
        break;
      case 'TrainJob':
        pods.push(...trainJobPods(obj, base, runtimes));
        break;
      case 'InferenceService':
        pods.push(...predictorPods(obj, base));
        break;
      case 'Workflow':
      case 'CronWorkflow':
      case 'WorkflowTemplate':
        pods.push(...workflowPods(obj, base));
        break;
      default:
        break;
    }
  }
  return pods;
}
