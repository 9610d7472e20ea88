// What the harness does in place of a workflow step pod's own processes, as pure functions
// (unit-tested by test/verify/cluster/). Argo Workflows v4.0.5 (the module the harness builds;
// tools/go/versions.env) shapes step pods in workflow/controller/workflowpod.go:
// - every pod gets an `init` container (`argoexec init`) whose env carries ARGO_TEMPLATE, the
//   template as JSON (createWorkflowPod: init containers get ARGO_TEMPLATE, the others only
//   ARGO_CONTAINER_NAME, ARGO_NODE_ID, ARGO_INCLUDE_SCRIPT_OUTPUT, ARGO_DEADLINE);
// - a resource template's `main` container runs `argoexec resource <action>` (operator.go
//   executeResource); the harness runs the real argoexec for it;
// - container and script templates run the user's program under `wait`; no program runs here, so
//   the harness writes what the `wait` container would: a WorkflowTaskResult named by the node ID,
//   owned by the Workflow, created with `workflows.argoproj.io/report-outputs-completed: "false"`
//   and patched to "true" (workflow/executor/taskresult.go createTaskResult, FinalizeOutput).

import type { KubeObject } from '../core/objects';

export const WORKFLOW_LABEL = 'workflows.argoproj.io/workflow';
export const OUTPUTS_COMPLETED_LABEL = 'workflows.argoproj.io/report-outputs-completed';
export const NODE_ID_ANNOTATION = 'workflows.argoproj.io/node-id';

export type StepKind = { kind: 'resource'; action: string; args: string[] } | { kind: 'program' };

/** The template a step pod runs (ARGO_TEMPLATE of its init container). */
export function podTemplate(pod: KubeObject): KubeObject {
  for (const c of [...(pod.spec?.initContainers || []), ...(pod.spec?.containers || [])]) {
    const e = (c.env || []).find((v: KubeObject) => v.name === 'ARGO_TEMPLATE');
    if (e?.value) return JSON.parse(e.value);
  }
  throw new Error(`pod ${pod.metadata?.namespace}/${pod.metadata?.name} carries no ARGO_TEMPLATE: not an Argo Workflows v4 step pod`);
}

/**
 * What kind of step a pod runs, from its template (ARGO_TEMPLATE): a resource template runs
 * `argoexec resource <action> [log flags]` in `main` (behind the emissary wrapper:
 * `/var/run/argo/argoexec emissary -- argoexec resource create ...`); a container or script
 * template runs a program. Anything else (data, http, plugin steps) is refused by name.
 */
export function stepKind(pod: KubeObject, template: KubeObject = podTemplate(pod)): StepKind {
  if (template.resource) {
    const main = (pod.spec?.containers || []).find((c: KubeObject) => c.name === 'main');
    const cmd: string[] = [...(main?.command || []), ...(main?.args || [])].map(String);
    const at = cmd.findIndex((a, i) => (a === 'argoexec' || a.endsWith('/argoexec')) && cmd[i + 1] === 'resource');
    if (at < 0) throw new Error(`resource step pod ${pod.metadata?.namespace}/${pod.metadata?.name}: main runs no 'argoexec resource' (${cmd.join(' ')})`);
    return { kind: 'resource', action: cmd[at + 2], args: cmd.slice(at + 3) };
  }
  if (template.container || template.script || template.containerSet) return { kind: 'program' };
  throw new Error(`step pod ${pod.metadata?.namespace}/${pod.metadata?.name}: template ${template.name} is of a kind the harness does not run (${Object.keys(template).join(', ')})`);
}

/**
 * The environment of a container as the kubelet would give it: plain values, and `fieldRef`s of the
 * pod's metadata. Anything else (secrets, config maps, resource fields) is an error naming it: the
 * harness only runs argoexec, whose env the controller writes.
 */
export function containerEnv(pod: KubeObject, container: KubeObject): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env || []) {
    if (e.value !== undefined) env[e.name] = String(e.value);
    else if (e.valueFrom?.fieldRef) env[e.name] = fieldValue(pod, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom) throw new Error(`env ${e.name} of container ${container.name}: only values and fieldRefs are resolved here, not ${Object.keys(e.valueFrom).join(', ')}`);
    else env[e.name] = '';
  }
  return env;
}

function fieldValue(pod: KubeObject, fieldPath: string): string {
  const m = /^metadata\.(labels|annotations)\['([^']+)'\]$/.exec(fieldPath);
  if (m) return String(pod.metadata?.[m[1]]?.[m[2]] ?? '');
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata.name;
    case 'metadata.namespace': return pod.metadata.namespace;
    case 'metadata.uid': return pod.metadata.uid;
    case 'spec.serviceAccountName': return pod.spec.serviceAccountName || 'default';
    case 'spec.nodeName': return pod.spec.nodeName || '';
    case 'status.podIP': return pod.status?.podIP || '';
    case 'status.hostIP': return pod.status?.hostIP || '';
    default: throw new Error(`fieldRef ${fieldPath} is not resolved here`);
  }
}

/** An output parameter a program step would have written, and where its value came from. */
export interface SuppliedOutput {
  readonly name: string;
  readonly value: string;
  readonly source: 'default' | 'harness';
}

/**
 * Names of output parameters a workflow loops over (`withParam: "{{tasks.x.outputs.parameters.p}}"`
 * or `{{steps.x.outputs.parameters.p}}`): their values must be JSON lists.
 */
export function loopedParameters(workflowSpec: KubeObject): Set<string> {
  const names = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'withParam' && typeof x === 'string') for (const m of x.matchAll(/outputs\.parameters\.([\w-]+)/g)) names.add(m[1]);
        else walk(x);
      }
    }
  };
  walk(workflowSpec);
  return names;
}

/**
 * Output parameters of a program step (no program runs here): the template's
 * `valueFrom.default` when it has one, else a value the harness makes up and reports
 * (`verify-cluster:<template>.<parameter>`, or a JSON list of two such values for a parameter the
 * workflow loops over). Parameters taken from a resource (`jsonPath`, `jqFilter`) belong to
 * resource steps, which the real argoexec runs.
 */
export function suppliedOutputs(template: KubeObject, looped: ReadonlySet<string> = new Set()): SuppliedOutput[] {
  return (template.outputs?.parameters || []).map((p: KubeObject) => {
    if (p.valueFrom?.default !== undefined) return { name: p.name, value: String(p.valueFrom.default), source: 'default' as const };
    const made = `verify-cluster:${template.name}.${p.name}`;
    return { name: p.name, value: p.value ?? (looped.has(p.name) ? JSON.stringify([`${made}.1`, `${made}.2`]) : made), source: 'harness' as const };
  });
}

/** The WorkflowTaskResult the `wait` container creates first (outputs not yet complete). */
export function taskResult(pod: KubeObject, outputs: readonly SuppliedOutput[]): KubeObject {
  const env = containerEnv(pod, (pod.spec.containers || []).find((c: KubeObject) => c.name === 'main') || { env: [] });
  const nodeId = pod.metadata.annotations?.[NODE_ID_ANNOTATION] || env.ARGO_NODE_ID;
  const workflow = pod.metadata.labels?.[WORKFLOW_LABEL];
  const owner = (pod.metadata.ownerReferences || []).find((o: KubeObject) => o.kind === 'Workflow');
  if (!nodeId || !workflow || !owner) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} has no node id, workflow label or Workflow owner`);
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'WorkflowTaskResult',
    metadata: {
      name: nodeId,
      namespace: pod.metadata.namespace,
      labels: { [WORKFLOW_LABEL]: workflow, [OUTPUTS_COMPLETED_LABEL]: 'false' },
      ownerReferences: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', name: owner.name, uid: owner.uid }],
    },
    outputs: { ...(outputs.length ? { parameters: outputs.map(({ name, value }) => ({ name, value })) } : {}), exitCode: '0' },
  };
}

/**
 * The pod status a kubelet reports when every container ended: `exitCode` for `main`, 0 for the
 * others (the `wait` container ends cleanly either way), phase Succeeded or Failed.
 */
export function finishedPodStatus(pod: KubeObject, exitCode: number, message = ''): KubeObject {
  const now = new Date().toISOString();
  const terminated = (name: string, code: number) => ({
    name,
    image: (pod.spec.containers || []).find((c: KubeObject) => c.name === name)?.image || '',
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { terminated: { exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: pod.status?.startTime || now, finishedAt: now, ...(message && name === 'main' ? { message } : {}) } },
  });
  return {
    status: {
      phase: exitCode === 0 ? 'Succeeded' : 'Failed',
      conditions: [
        { type: 'Ready', status: 'False', reason: 'PodCompleted', lastTransitionTime: now },
        { type: 'ContainersReady', status: 'False', reason: 'PodCompleted', lastTransitionTime: now },
      ],
      containerStatuses: (pod.spec.containers || []).map((c: KubeObject) => terminated(c.name, c.name === 'main' ? exitCode : 0)),
    },
  };
}
