import { groupKindOf, ManifestEntry, PodTemplate, Scaler } from './manifest-entry';
import { RuntimeLookup, trainJobTemplates } from './trainjob-templates';

/**
 * What reading pod templates needs of the index (ObjectIndex): the autoscaler of a workload, and
 * objects by name (a TrainJob's runtime).
 */
export interface ScalerLookup extends RuntimeLookup {
  scalerOf(entry: ManifestEntry): Scaler | undefined;
}

export type { PodTemplate } from './manifest-entry';

/** Every container of a pod spec, init containers first. */
export function containersOf(spec: Record<string, any>): Record<string, any>[] {
  return [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
}

/** Training-operator v1 replica-spec fields per kind (kubeflow.org/v1 *_types.go, release-1.9). */
const REPLICA_SPECS: Record<string, string> = {
  'kubeflow.org/TFJob': 'tfReplicaSpecs',
  'kubeflow.org/PyTorchJob': 'pytorchReplicaSpecs',
  'kubeflow.org/MPIJob': 'mpiReplicaSpecs',
  'kubeflow.org/XGBoostJob': 'xgbReplicaSpecs',
  'kubeflow.org/PaddleJob': 'paddleReplicaSpecs',
  'kubeflow.org/JAXJob': 'jaxReplicaSpecs',
};

function template(entry: ManifestEntry, role: string, field: string, tpl: Record<string, any> | undefined, maxPods: number, minPods = maxPods): PodTemplate[] {
  if (!tpl?.spec) return [];
  return [{ entry, role, field: `${field}.spec`, spec: tpl.spec, labels: tpl.metadata?.labels ?? {}, annotations: tpl.metadata?.annotations, maxPods, minPods }];
}

/** Replicas of a Deployment or StatefulSet: its autoscaler's range, else `spec.replicas` both ways. */
function scaledTemplate(entry: ManifestEntry, index: ScalerLookup): PodTemplate[] {
  const spec = entry.object.spec ?? {};
  const replicas = spec.replicas ?? 1;
  const scaler = index.scalerOf(entry);
  return template(entry, 'pods', 'spec.template', spec.template, Math.max(replicas, scaler?.maxReplicas ?? replicas), scaler?.minReplicas ?? replicas);
}

/** Pod templates of one object (none for kinds that run no pods). */
export function podTemplatesOf(entry: ManifestEntry, index: ScalerLookup): PodTemplate[] {
  const o = entry.object;
  const gk = groupKindOf(o);
  const spec = o.spec ?? {};
  switch (gk) {
    case '/Pod':
      return [{ entry, role: 'pod', field: 'spec', spec, labels: o.metadata?.labels ?? {}, annotations: o.metadata?.annotations, maxPods: 1, minPods: 1 }];
    case 'apps/Deployment':
    case 'apps/ReplicaSet':
    case 'apps/StatefulSet':
      return scaledTemplate(entry, index);
    case 'apps/DaemonSet':
      return template(entry, 'pods', 'spec.template', spec.template, Infinity);
    case 'batch/Job':
      return template(entry, 'pods', 'spec.template', spec.template, spec.parallelism ?? 1);
    case 'batch/CronJob':
      return template(entry, 'pods', 'spec.jobTemplate.spec.template', spec.jobTemplate?.spec?.template,
        (spec.jobTemplate?.spec?.parallelism ?? 1) * (spec.concurrencyPolicy === 'Allow' || spec.concurrencyPolicy === undefined ? 2 : 1));
    case 'serving.kserve.io/InferenceService':
      return predictorTemplates(entry);
    case 'argoproj.io/Workflow':
    case 'argoproj.io/WorkflowTemplate':
      return workflowTemplates(entry, spec, 'spec');
    case 'argoproj.io/CronWorkflow':
      return workflowTemplates(entry, spec.workflowSpec ?? {}, 'spec.workflowSpec');
    case 'trainer.kubeflow.org/TrainJob':
      // The runtime's JobSet template with the TrainJob's overrides (trainjob-templates.ts); a
      // runtime not in the manifests is object-references' to report.
      return trainJobTemplates(entry, index);
    default: {
      const field = REPLICA_SPECS[gk];
      if (!field) return [];
      return Object.entries<Record<string, any>>(spec[field] ?? {}).flatMap(([role, r]) =>
        template(entry, role, `spec.${field}.${role}.template`, r.template, r.replicas ?? 1));
    }
  }
}

/**
 * The predictor of an InferenceService as a pod spec: KServe builds the pod from the predictor's
 * PodSpec fields plus the `model` container (kserve pkg/apis/serving/v1beta1/predictor.go, v0.20).
 */
function predictorTemplates(entry: ManifestEntry): PodTemplate[] {
  const p = entry.object.spec?.predictor;
  if (!p) return [];
  const { model, minReplicas, maxReplicas, scaleMetric: _m, scaleTarget: _t, canaryTrafficPercent: _c, ...podSpec } = p;
  // A pvc:// model is mounted straight into the model container at /mnt/models (KServe >= v0.16,
  // pkg/webhook/admission/pod/storage_initializer_injector.go): the predictor pods mount the claim.
  const pvc = /^pvc:\/\/([^/]+)/.exec(model?.storageUri ?? '')?.[1];
  const modelContainer = model ? { name: 'kserve-container', ...model, ...(pvc ? { volumeMounts: [...(model.volumeMounts ?? []), { name: 'kserve-pvc-source', mountPath: '/mnt/models', readOnly: true }] } : {}) } : undefined;
  const containers = [...(modelContainer ? [modelContainer] : []), ...(p.containers ?? [])];
  const volumes = [...(podSpec.volumes ?? []), ...(pvc ? [{ name: 'kserve-pvc-source', persistentVolumeClaim: { claimName: pvc, readOnly: true } }] : [])];
  return [{
    entry, role: 'predictor', field: 'spec.predictor', spec: { ...podSpec, containers, volumes },
    labels: entry.object.metadata?.labels ?? {}, maxPods: Math.max(minReplicas ?? 1, maxReplicas ?? minReplicas ?? 1),
    // KServe's default minReplicas is 1 (v1beta1 component defaults); 0 only when set (Knative scale to zero).
    minPods: minReplicas ?? 1,
  }];
}

/**
 * Container steps of an Argo workflow as pod specs: the template's container plus the pod fields
 * Argo takes from the workflow spec (volumes, securityContext, podPriorityClassName, podMetadata,
 * serviceAccountName) — argo-workflows workflow/controller/workflowpod.go (v3.4+, v4).
 */
function workflowTemplates(entry: ManifestEntry, wf: Record<string, any>, field: string): PodTemplate[] {
  const dag: Record<string, any>[] = (wf.templates ?? []).find((t: any) => t.name === wf.entrypoint)?.dag?.tasks ?? [];
  const taskOf = new Map(dag.map((t) => [t.template, t] as const));
  return (wf.templates ?? []).flatMap((t: Record<string, any>, i: number) => {
    if (!t.container && !t.script) return [];
    const task = taskOf.get(t.name);
    const fanOut = task?.withItems ? task.withItems.length : task?.withParam ? Infinity : 1;
    const maxPods = Math.min(fanOut, wf.parallelism ?? Infinity, t.parallelism ?? Infinity);
    const spec = {
      containers: [t.container ?? t.script],
      initContainers: t.initContainers,
      volumes: [...(wf.volumes ?? []), ...(t.volumes ?? [])],
      nodeSelector: t.nodeSelector ?? wf.nodeSelector,
      tolerations: t.tolerations ?? wf.tolerations,
      securityContext: t.securityContext ?? wf.securityContext,
      serviceAccountName: t.serviceAccountName ?? wf.serviceAccountName,
      priorityClassName: t.priorityClassName ?? wf.podPriorityClassName,
      automountServiceAccountToken: t.automountServiceAccountToken ?? wf.automountServiceAccountToken,
    };
    const labels = { ...(wf.podMetadata?.labels ?? {}), ...(t.metadata?.labels ?? {}) };
    return [{ entry, role: `step ${t.name}`, field: `${field}.templates[${i}]`, spec, labels, maxPods, minPods: maxPods, step: task ? t.name : undefined, outputs: t.outputs }];
  });
}
