// The operators verify:cluster installs from their charts (see chart-render.ts): rendered once
// before the control plane starts (a chart that does not render stops the run), installed after the
// CRDs: their namespace, then every object but the webhook configurations (those are registered
// with the local process's port and CA when the process starts), through the same apply as dist/.

import path from 'node:path';
import type { ApiClient } from '../core/api-client';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { type KubeObject, recordsOf } from '../core/objects';
import { Fatal, log } from '../core/runtime';
import { type ChartedInputs, helmTemplate, kustomizeBuild, type RenderedChart, sortRendered } from './chart-render';
import { createOrFail } from './run-operators';
import { applyDist } from './setup';

/** Operators whose charts (or, for the training-operator, kustomization) the harness renders, when the stack installs them and they run here. */
export const CHARTED_OPERATORS = ['argo-workflows', 'kserve-crd', 'kserve', 'kserve-runtime-configs', 'kubeflow-trainer', 'kueue', 'training-operator'] as const;

/** The kube-group binaries (tools/go/kube) each of those operators runs as. */
export const KUBE_GROUP_BINARIES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'training-operator': ['training-operator'],
  kueue: ['kueue'],
  'kubeflow-trainer': ['jobset', 'trainer'],
});

/** Of those, the ones that also run from their Go module's own manifests (verify:pulumi starts them so). */
export const ALSO_RUN_FROM_MODULE_ASSETS: readonly string[] = ['kueue', 'training-operator'];

export function renderCharts({ helm, kubectl }: { helm?: string; kubectl?: string }, charted: ChartedInputs, { kubeVersion, workDir }: { kubeVersion: string; workDir: string }): RenderedChart[] {
  for (const w of charted.warnings) log(`    warning: ${w}`);
  return charted.releases.map((r) => {
    try {
      const tool = r.kind === 'kustomize' ? kubectl : helm;
      if (!tool) throw new Error(`no ${r.kind === 'kustomize' ? 'kubectl' : 'helm'} to render ${r.operator} with`);
      const docs = r.kind === 'kustomize' ? kustomizeBuild(tool, r) : helmTemplate(tool, r, { kubeVersion, workDir: path.join(workDir, 'helm') });
      const chart = sortRendered(r, docs, path.join(workDir, 'crds', r.operator));
      if (chart.hooks.length) {
        throw new Error(
          `the ${r.operator} chart renders Helm hooks with the stack's values (${chart.hooks.map((h) => `${h.kind} ${h.metadata.name}: ${h.metadata.annotations['helm.sh/hook']}`).join(', ')}):` +
            ' the stack installs it without running hooks as hooks, so what they would do never happens; change the values so the chart needs none',
        );
      }
      log(`==> ${r.operator}: chart ${path.basename(r.chartDir)} rendered with the stack's values: ${chart.crds.length} CRD(s), ${chart.webhooks.length} webhook configuration(s), ${chart.objects.length} other object(s)`);
      return chart;
    } catch (e) {
      throw new Fatal(e instanceof Error ? e.message : String(e));
    }
  });
}

/**
 * Installs a rendered chart's objects (all but webhooks, and but `replace`d ones, which the caller
 * applies changed): its namespace first. Every object must apply; a failure stops the run naming it.
 */
export async function installChart(
  client: ApiClient,
  chart: RenderedChart,
  ctx: { opts: { fieldValidation: FieldValidation; verbose: boolean }; byGvk: ReadonlyMap<string, ServedResource> },
  replace: (o: KubeObject) => boolean = () => false,
): Promise<void> {
  const ns = chart.release.namespace;
  await createOrFail(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, `namespace ${ns} for ${chart.release.operator}`);
  await applyOrFail(client, chart.objects.filter((o) => !replace(o)), ctx, `the ${chart.release.operator} chart's objects`);
}

/** Applies `objects` as dist is applied; any that does not apply stops the run naming it. */
export async function applyOrFail(
  client: ApiClient,
  objects: readonly KubeObject[],
  ctx: { opts: { fieldValidation: FieldValidation; verbose: boolean }; byGvk: ReadonlyMap<string, ServedResource> },
  what: string,
): Promise<void> {
  const applied = await applyDist(client, recordsOf(objects, what), ctx);
  const failed = [...applied.entries()].filter(([, a]) => !a.ok);
  if (failed.length) throw new Fatal(`${what} do not apply: ${failed.map(([o, a]) => `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}: ${a.message}`).join('; ')}`);
}
