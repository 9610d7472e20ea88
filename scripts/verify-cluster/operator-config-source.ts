/**
 * Where verify:cluster gets the operators' configuration: the Kueue Configuration object and the
 * training-operator flags the stack installs.
 *
 * TEMPORARY FALLBACK — until `stacks/operators/operator-config.ts` (kueueConfiguration,
 * trainingOperatorArgs, pytorchInitContainerTemplate) exists, this returns what the stack installs
 * today: the stack sets no Kueue manager config, so the Kueue chart's default Configuration applies
 * (kueue v0.19.2 `charts/kueue/values.yaml`, `managerConfig.controllerManagerConfigYaml`:
 * integrations batch/job, kubeflow.org/mpijob, ray, jobset, appwrapper, trainer.kubeflow.org/trainjob,
 * pod, deployment, statefulset, leaderworkerset; no fairSharing), and the training-operator
 * standalone overlay passes no flags (v1.9.4 `manifests/base/deployment.yaml`: `command: [/manager]`).
 * The output marks this source as a fallback so nobody mistakes it for the stack's own config.
 */
import type { StackConfig } from '../../stacks/config';

/** What the harness needs from the stack's operator configuration. */
export interface OperatorConfiguration {
  /** Where it came from (a file of the stack, or the fallback). */
  readonly source: string;
  readonly fallback: boolean;
  /** Kueue `config.kueue.x-k8s.io/v1beta2` Configuration as the stack installs it. */
  readonly kueue: Record<string, unknown>;
  /** training-operator command-line flags (`--name=value`). */
  readonly trainingOperatorArgs: readonly string[];
  /** Init container for `--pytorch-init-container-template-file`; undefined = the operator's default. */
  readonly pytorchInitContainerTemplate?: Record<string, unknown>;
}

/** The Kueue chart v0.19.2 default frameworks (commented-out entries left out). */
const KUEUE_CHART_DEFAULT_FRAMEWORKS = [
  'batch/job',
  'kubeflow.org/mpijob',
  'ray.io/rayjob',
  'ray.io/rayservice',
  'ray.io/raycluster',
  'jobset.x-k8s.io/jobset',
  'workload.codeflare.dev/appwrapper',
  'trainer.kubeflow.org/trainjob',
  'pod',
  'deployment',
  'statefulset',
  'leaderworkerset.x-k8s.io/leaderworkerset',
];

export function operatorConfiguration(_config: StackConfig): OperatorConfiguration {
  return {
    source: 'FALLBACK in scripts/verify-cluster/operator-config-source.ts (Kueue chart v0.19.2 defaults, training-operator without flags): stacks/operators/operator-config.ts does not exist yet',
    fallback: true,
    kueue: {
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      integrations: { frameworks: KUEUE_CHART_DEFAULT_FRAMEWORKS },
    },
    trainingOperatorArgs: [],
    pytorchInitContainerTemplate: undefined,
  };
}
