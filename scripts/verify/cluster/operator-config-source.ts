/**
 * Where verify:cluster gets the operators' configuration: the same functions the stack renders
 * into the Kueue chart values and the training-operator kustomization
 * (stacks/operators/operator-config.ts), over the same values context (valuesContextFor with the
 * stack's planned releases), so the simulated controllers run configured exactly as the stack's.
 */
import type { StackConfig } from '../../../stacks/config';
import { kueueConfiguration, pytorchInitContainerTemplate, trainingOperatorArgs } from '../../../stacks/operators/operator-config';
import type { OperatorRelease } from '../../../stacks/operators/versions';
import { valuesContextFor } from '../../../stacks/operators/values-context';

/** What the harness needs from the stack's operator configuration. */
export interface OperatorConfiguration {
  /** Where it came from. */
  readonly source: string;
  /** Kueue `config.kueue.x-k8s.io/v1beta2` Configuration as the stack installs it. */
  readonly kueue: Record<string, unknown>;
  /** training-operator command-line flags (`--name=value`), as the stack passes them. */
  readonly trainingOperatorArgs: readonly string[];
  /** The init container of `--pytorch-init-container-template-file`. */
  readonly pytorchInitContainerTemplate?: Record<string, unknown>;
}

export function operatorConfiguration(config: StackConfig, releases: readonly OperatorRelease[]): OperatorConfiguration {
  const ctx = valuesContextFor(config, releases);
  return {
    source: 'stacks/operators/operator-config.ts (kueueConfiguration, trainingOperatorArgs, pytorchInitContainerTemplate) over valuesContextFor(stack config, planned releases)',
    kueue: kueueConfiguration(ctx),
    trainingOperatorArgs: trainingOperatorArgs(ctx),
    pytorchInitContainerTemplate: pytorchInitContainerTemplate(),
  };
}
