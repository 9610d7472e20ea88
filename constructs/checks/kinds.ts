import { isCoreGroup } from '../core/api-groups';

/** True when `group/Kind` is a custom resource kind (served by an operator, not by Kubernetes). */
export function isCustomGroupKind(groupKind: string): boolean {
  return !isCoreGroup(groupKind.slice(0, groupKind.lastIndexOf('/')));
}

/**
 * The Kueue integration (`integrations.frameworks` name) that admits a kind carrying the
 * queue-name label (kueue v0.19 apis/config/v1beta2 configuration_types.go). kubeflow.org MPIJob
 * maps to mpi-operator's v2beta1 integration, which never manages the v1 kind (queue-references).
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

/** The Kueue framework name for a `group/Kind`, when Kueue has an integration for it. */
export function kueueFrameworkOf(groupKind: string): string | undefined {
  return KUEUE_FRAMEWORKS[groupKind];
}
