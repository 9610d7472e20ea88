// Argo Workflows in verify:cluster: the chart installed with the stack's values, the real
// workflow-controller under the chart's ServiceAccount, and the step executor (argo-executor.ts)
// standing in for step pods' own processes.

import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import type { ControlPlane } from '../core/control-plane';
import { log } from '../core/runtime';
import { type ArgoController, controllerOf, startArgoController } from './argo-controller';
import { startStepExecutor, type StepExecutor } from './argo-executor';
import type { RenderedChart } from './chart-render';
import { applyOrFail, installChart } from './charted-operators';

export interface ArgoRun {
  readonly controller: ArgoController;
  readonly executor: StepExecutor;
}

export async function startArgo(
  cp: ControlPlane,
  { controllerBin, argoexecBin, chart, byGvk, opts }: {
    controllerBin: string;
    argoexecBin: string;
    chart: RenderedChart;
    byGvk: ReadonlyMap<string, ServedResource>;
    opts: { fieldValidation: FieldValidation; verbose: boolean; componentTimeout: number };
  },
): Promise<ArgoRun> {
  const { configMapName } = controllerOf(chart);
  const ctx = { opts, byGvk };
  await installChart(cp.client, chart, ctx, (o) => o.kind === 'ConfigMap' && o.metadata.name === configMapName);
  const controller = await startArgoController(cp, { bin: controllerBin, chart, timeoutS: opts.componentTimeout }, (cm) =>
    applyOrFail(cp.client, [cm], ctx, "the argo-workflows controller's ConfigMap"));
  const executor = startStepExecutor(cp, { argoexec: argoexecBin, verbose: opts.verbose });
  log(
    `==> workflow-controller ready as ServiceAccount ${chart.release.namespace}/${controller.serviceAccount} (the chart's RBAC), ConfigMap ${controller.configMap}` +
      ` (replaced process fields: ${controller.replaced.join(', ')}); args: ${controller.args.join(' ')}`,
  );
  return { controller, executor };
}
