import { PlatformTarget } from '../constructs/checks/platform-target';
import { StorageProfile, StorageProfiles } from '../constructs/core/storage-profile';
import { GangScheduler } from '../constructs/training/gang-scheduling';

/**
 * What the example charts may use on a target cluster: each example is built for the platform it
 * will run on, so an optional operator (Volcano, Knative, Trainer v2) adds its examples instead of
 * leaving objects nothing acts on. Without a target: the local stack's defaults (no optional
 * operators, Kueue for gangs, the local storage profile).
 */
export interface ExampleFeatures {
  readonly storage: StorageProfile;
  /** How distributed training jobs are gang-scheduled: the training-operator's one gang scheduler, else Kueue. */
  readonly gang: GangScheduler;
  /** Knative Serving is installed (KServe Knative mode: scale to zero, canary traffic). */
  readonly knative: boolean;
  /** Kubeflow Trainer v2 (TrainJob) is installed. */
  readonly trainerV2: boolean;
  /** KEDA is installed (event-driven scaling). */
  readonly keda: boolean;
  /** An adapter serves custom.metrics.k8s.io (HPAs on pod metrics). */
  readonly customMetrics: boolean;
  /** Volcano / scheduler-plugins kinds are served (their queue and PodGroup examples). */
  readonly volcano: boolean;
  readonly coscheduling: boolean;
}

export function exampleFeatures(target: PlatformTarget | undefined): ExampleFeatures {
  const serves = (groupKind: string) => target?.servedKinds.has(groupKind) ?? false;
  const gangName = target?.trainingOperator?.gangScheduler;
  return {
    storage: target?.storage ?? StorageProfiles.LOCAL,
    gang: gangName === 'volcano' ? GangScheduler.VOLCANO : gangName ? GangScheduler.COSCHEDULING : GangScheduler.KUEUE,
    knative: target?.kserve?.knative ?? false,
    trainerV2: serves('trainer.kubeflow.org/TrainJob'),
    keda: target ? serves('keda.sh/ScaledObject') : true,
    customMetrics: target?.metricsApis.custom ?? false,
    volcano: serves('scheduling.volcano.sh/PodGroup'),
    coscheduling: serves('scheduling.x-k8s.io/PodGroup'),
  };
}
