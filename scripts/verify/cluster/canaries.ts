// verify:cluster's canaries (issue 21): known-bad inputs built with the project's constructs
// (cluster-inputs.ts, canary-inputs.ts), run next to dist/; each must fail for its stated reason.
// Here: a workflow step whose Role lacks a verb must be refused when argoexec acts as the step's
// ServiceAccount, proving the harness runs steps with the step's identity, not its own. The six
// workload canaries (placement, GPU request, RWO Multi-Attach, oversize pod, unmanaged queue label,
// gang over its queue) are run by canary-run.ts and judged by canary-verdicts.ts.

import type { ApiClient } from '../core/api-client';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import type { CanaryResult } from '../core/canaries';
import type { StepRun } from './argo-executor';
import { applyOrFail } from './charted-operators';
import { createOrFail } from './run-operators';
import type { WorkflowRoleCanaryInput } from './setup';
import type { WorkflowRun } from './workflow-runs';

/** Canaries a full run (Argo and Kueue in the stack) must run: 1 workflow + 6 workload canaries. */
export const CLUSTER_CANARY_MINIMUM = 7;

/**
 * Canaries a run must have run: the workflow-role canary needs Argo; the unmanaged-queue and gang
 * canaries need Kueue; the four others always run.
 */
export function clusterCanaryMinimum({ argo, kueue }: { argo: boolean; kueue: boolean }): number {
  return CLUSTER_CANARY_MINIMUM - (argo ? 0 : 1) - (kueue ? 0 : 2);
}

/** Creates the canary's namespace (Pod Security restricted, like every workload namespace) and objects; returns its run. */
export async function startWorkflowRoleCanary(
  client: ApiClient,
  input: WorkflowRoleCanaryInput,
  ctx: { opts: { fieldValidation: FieldValidation; verbose: boolean }; byGvk: ReadonlyMap<string, ServedResource> },
): Promise<WorkflowRun> {
  const labels = { 'pod-security.kubernetes.io/enforce': 'restricted' };
  await createOrFail(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace, labels } }, `canary namespace ${input.namespace}`);
  await applyOrFail(client, input.objects, ctx, 'the workflow-role canary\'s objects');
  return { id: `canary Workflow ${input.namespace}/${input.workflow}`, namespace: input.namespace, name: input.workflow };
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
