import { isCoreGroup } from '../core/api-groups';
import { groupKindOf } from './manifest-entry';

/** True when `group/Kind` is a custom resource kind (served by an operator, not by Kubernetes). */
export function isCustomGroupKind(groupKind: string): boolean {
  return !isCoreGroup(groupKind.slice(0, groupKind.lastIndexOf('/')));
}

/**
 * The Kueue integration (`integrations.frameworks` name) that admits a kind carrying the
 * queue-name label (kueue v0.19 apis/config/v1beta2 configuration_types.go).
 */
const KUEUE_FRAMEWORKS: Readonly<Record<string, string>> = {
  'batch/Job': 'batch/job',
  'kubeflow.org/TFJob': 'kubeflow.org/tfjob',
  'kubeflow.org/PyTorchJob': 'kubeflow.org/pytorchjob',
  'kubeflow.org/MPIJob': 'kubeflow.org/mpijob',
  'kubeflow.org/XGBoostJob': 'kubeflow.org/xgboostjob',
  'kubeflow.org/PaddleJob': 'kubeflow.org/paddlejob',
  'kubeflow.org/JAXJob': 'kubeflow.org/jaxjob',
  'trainer.kubeflow.org/TrainJob': 'trainer.kubeflow.org/trainjob',
  'jobset.x-k8s.io/JobSet': 'jobset.x-k8s.io/jobset',
  '/Pod': 'pod',
  'apps/Deployment': 'deployment',
  'apps/StatefulSet': 'statefulset',
  'leaderworkerset.x-k8s.io/LeaderWorkerSet': 'leaderworkerset.x-k8s.io/leaderworkerset',
};

/**
 * Versions a Kueue integration manages, where it is not every version of its kind: Kueue
 * v0.19.2's `kubeflow.org/mpijob` is built on mpi-operator's MPIJob (pkg/controller/jobs/mpijob/
 * mpijob_controller.go: `gvk = kfmpi.SchemeGroupVersionKind`, kfmpi =
 * github.com/kubeflow/mpi-operator/pkg/apis/kubeflow/v2beta1), so the training-operator's
 * `kubeflow.org/v1` MPIJob has no integration at all.
 */
const KUEUE_VERSIONS: Readonly<Record<string, string>> = {
  'kubeflow.org/MPIJob': 'kubeflow.org/v2beta1',
};

/** The Kueue framework name for an object's kind and version, when Kueue has an integration for it. */
export function kueueFrameworkOf(obj: { apiVersion?: string; kind?: string }): string | undefined {
  const groupKind = groupKindOf(obj);
  const version = KUEUE_VERSIONS[groupKind];
  return version === undefined || version === obj.apiVersion ? KUEUE_FRAMEWORKS[groupKind] : undefined;
}

/**
 * Why Kueue cannot admit a kind that has no integration, for the kinds a chart may label for a
 * queue by mistake (the training-operator's v1 MPIJob); undefined for the kinds it admits.
 */
export function kueueCannotAdmit(obj: { apiVersion?: string; kind?: string }): string | undefined {
  if (obj.apiVersion === 'kubeflow.org/v1' && obj.kind === 'MPIJob') {
    return "Kueue (v0.19.2) has no integration for the training-operator's kubeflow.org/v1 MPIJob: its 'kubeflow.org/mpijob' integration manages mpi-operator's kubeflow.org/v2beta1 MPIJob only (pkg/controller/jobs/mpijob), so this job is never admitted";
  }
  return undefined;
}

/**
 * Kinds whose pods keep serving after the workflow step that created them (they read the model,
 * they do not write it, and they hold their resources between runs), as `group/Kind`.
 */
export const SERVING_GROUP_KINDS: ReadonlySet<string> = new Set(['serving.kserve.io/InferenceService', 'apps/Deployment', 'apps/StatefulSet']);

/** SERVING_GROUP_KINDS by kind alone, for the rules that compare `object.kind`. */
export const SERVING_KINDS: ReadonlySet<string> = new Set([...SERVING_GROUP_KINDS].map((gk) => gk.slice(gk.lastIndexOf('/') + 1)));
