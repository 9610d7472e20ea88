// verify:cluster's canaries (issue 21): known-bad inputs built with the project's constructs
// (cluster-inputs.ts, canary-inputs.ts), run next to dist/; each must fail for its stated reason.
// Here: a workflow step whose Role lacks a verb must be refused when argoexec acts as the step's
// ServiceAccount, proving the harness runs steps with the step's identity, not its own; and a
// re-run whose step applies a fixed-named TFJob must be failed for taking the first run's. The seven
// workload canaries (placement, GPU request, RWO Multi-Attach, oversize pod, Pod Security, unmanaged
// queue label, gang over its queue) are run by canary-run.ts and judged by canary-verdicts.ts.

import type { ApiClient } from '../core/api-client';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import type { CanaryResult } from '../core/canaries';
import type { KubeObject } from '../core/objects';
import type { StepRun } from './argo-executor';
import { applyOrFail } from './charted-operators';
import { createOrFail } from './run-operators';
import type { WorkflowRerunCanaryInput, WorkflowRoleCanaryInput } from './setup';
import { REUSED_MESSAGE } from './fresh-objects';
import type { WorkflowRun } from './workflow-runs';

/** Canaries a full run (Argo and Kueue in the stack) must run: 2 workflow + 7 workload canaries. */
export const CLUSTER_CANARY_MINIMUM = 12;

/**
 * Canaries a run must have run: the two workflow canaries need Argo; the unmanaged-queue and gang
 * canaries need Kueue, the TrainJob and TAS gangs Kueue and Trainer v2, the DRA claim (a TrainJob)
 * Trainer v2; the five others always run.
 */
export function clusterCanaryMinimum({ argo, kueue, trainer }: { argo: boolean; kueue: boolean; trainer: boolean }): number {
  return CLUSTER_CANARY_MINIMUM - (argo ? 0 : 2) - (kueue ? 0 : 2) - (kueue && trainer ? 0 : 2) - (trainer ? 0 : 1);
}

type CanaryContext = { opts: { fieldValidation: FieldValidation; verbose: boolean }; byGvk: ReadonlyMap<string, ServedResource> };

/** Creates a workflow canary's namespace (Pod Security restricted, like every workload namespace) and applies its objects. */
async function applyWorkflowCanary(client: ApiClient, input: { namespace: string; objects: KubeObject[] }, ctx: CanaryContext, what: string): Promise<void> {
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  await createOrFail(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace, labels } }, `canary namespace ${input.namespace}`);
  await applyOrFail(client, input.objects, ctx, `the ${what} canary's objects`);
}

/** Applies the workflow-role canary; returns its run. */
export async function startWorkflowRoleCanary(client: ApiClient, input: WorkflowRoleCanaryInput, ctx: CanaryContext): Promise<WorkflowRun> {
  await applyWorkflowCanary(client, input, ctx, 'workflow-role');
  return { id: `canary Workflow ${input.namespace}/${input.workflow}`, namespace: input.namespace, name: input.workflow };
}

/** Applies the workflow-rerun canary; returns its first run and the re-run submitted once that one succeeded. */
export async function startWorkflowRerunCanary(client: ApiClient, input: WorkflowRerunCanaryInput, ctx: CanaryContext): Promise<[WorkflowRun, WorkflowRun]> {
  await applyWorkflowCanary(client, input, ctx, 'workflow-rerun');
  const wf = input.objects.find((o) => o.kind === 'Workflow')!;
  const first: WorkflowRun = { id: `canary Workflow ${input.namespace}/${input.workflow}`, namespace: input.namespace, name: input.workflow };
  const again: WorkflowRun = {
    id: `canary re-run of Workflow ${input.namespace}/${input.workflow}`,
    namespace: input.namespace,
    after: first,
    submit: { apiVersion: wf.apiVersion, kind: 'Workflow', metadata: { generateName: `${input.workflow}-again-`, namespace: input.namespace, labels: wf.metadata?.labels }, spec: wf.spec },
  };
  return [first, again];
}

/** Caught when the first run succeeded and the re-run was failed for running no TFJob of its own. */
export function workflowRerunVerdict(first: WorkflowRun, again: WorkflowRun): CanaryResult {
  const firstOk = first.phase === 'Succeeded' && !first.message;
  const caught = firstOk && (again.message || '').includes(REUSED_MESSAGE);
  return {
    name: 'workflow-rerun-reuses-finished-job',
    proves: "a re-run's step that applies a fixed-named TFJob takes the first run's Complete one for its own, and the harness fails the run for it",
    caught,
    seen: `first run ${first.phase ?? 'not started'}${first.message ? ` (${first.message})` : ''}; re-run ${again.name ?? '(not created)'} ${again.phase ?? 'not started'}${again.message ? `: ${again.message.slice(0, 240)}` : ''}`,
  };
}

/** Caught when the run failed because a step's argoexec was forbidden the removed verb. */
export function workflowRoleVerdict(input: WorkflowRoleCanaryInput, run: WorkflowRun, steps: ReadonlyMap<string, StepRun>): CanaryResult {
  const [verb, resource] = input.removed.split(' ');
  const plural = resource.split('.')[0];
  const refused = [...steps.values()].filter((s) => s.namespace === input.namespace && s.workflow === input.workflow && s.exitCode !== 0 && /forbidden/i.test(s.message || '') && (s.message || '').includes(plural));
  const caught = (run.phase === 'Failed' || run.phase === 'Error') && refused.length > 0;
  return {
    name: 'workflow-step-role-lacks-verb',
    proves: `a resource step runs as its own ServiceAccount: without '${verb}' on ${resource} in the Role, argoexec is refused`,
    caught,
    seen: caught ? `run ${run.phase}; step ${refused[0].template}: ${(refused[0].message || '').slice(0, 240)}` : `run ${run.phase ?? 'not started'}${run.message ? `: ${run.message}` : ''}; no step was refused '${verb}' on ${plural}`,
  };
}
