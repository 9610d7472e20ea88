// Sends the canaries of verify:apiserver (inputs.ts) to the run's kube-apiserver after dist/ is
// applied. Every canary request is a dry-run except the RBAC setup (a writer Role and two
// RoleBindings with the `verify-canary` prefix), so dist's objects stay as applied.

import type { ApiClient } from '../../core/api-client';
import { dryRunCreateUrl, type ServedResource, statusMessage } from '../../core/api-paths';
import type { CanaryResult } from '../../core/canaries';
import type { KubeObject, ObjectRecord } from '../../core/objects';
import { actingAs, ownerOf, stepServiceAccount } from '../step-identity';
import { ACCOUNT_WITHOUT_ROLE, CANARIES, CANARY_PREFIX, changedJob, EXPECTED, judgeRefusal, pickSources, podFromTemplate, privilegedPod, rbacEscalationInputs } from './inputs';

const RBAC = '/apis/rbac.authorization.k8s.io/v1';
const DRY_RUN = 'dryRun=All&fieldManager=verify-apiserver-canary';
const missed = (canary: { name: string; proves: string }, seen: string): CanaryResult => ({ ...canary, caught: false, seen });

async function rbacEscalation(client: ApiClient, role: KubeObject | undefined): Promise<CanaryResult> {
  const canary = CANARIES.rbacEscalation;
  if (!role) return missed(canary, 'no input: dist has no accepted workflow Role (one granting workflowtaskresults)');
  const inputs = rbacEscalationInputs(role);
  const ns = encodeURIComponent(inputs.namespace);
  for (const o of inputs.setup) {
    const r = await client.request('POST', `${RBAC}/namespaces/${ns}/${o.kind === 'Role' ? 'roles' : 'rolebindings'}`, { body: o });
    if (r.status !== 201) return missed(canary, `setup: could not create ${o.kind} ${o.metadata.name}: ${statusMessage(r.status, r.body)}`);
  }
  const asIdentity = { headers: inputs.impersonation };
  const control = await client.request('POST', `${RBAC}/namespaces/${ns}/roles?${DRY_RUN}`, { ...asIdentity, body: inputs.control });
  const answer = await client.request('POST', `${RBAC}/namespaces/${ns}/roles?${DRY_RUN}`, { ...asIdentity, body: inputs.escalated });
  const verdict = judgeRefusal(EXPECTED.rbacEscalation, answer, control);
  return { ...canary, ...verdict, seen: `as ${inputs.impersonation['Impersonate-User']} (copy of Role ${inputs.namespace}/${role.metadata.name} + get/list secrets): ${verdict.seen}` };
}

async function immutableJobTemplate(client: ApiClient, job: KubeObject | undefined, jobs: ServedResource | undefined): Promise<CanaryResult> {
  const canary = CANARIES.immutableJobTemplate;
  if (!job || !jobs) return missed(canary, 'no input: dist has no accepted Job that is not suspended');
  const path = `/apis/batch/v1/namespaces/${encodeURIComponent(job.metadata.namespace)}/${jobs.plural}/${encodeURIComponent(job.metadata.name)}`;
  // The same field manager as the dist apply, so the change is an update of the owned field.
  const answer = await client.request('PATCH', `${path}?dryRun=All&fieldManager=verify-apiserver&force=true`, {
    body: changedJob(job),
    contentType: 'application/apply-patch+yaml',
  });
  const verdict = judgeRefusal(EXPECTED.immutableJobTemplate, answer);
  return { ...canary, ...verdict, seen: `Job ${job.metadata.namespace}/${job.metadata.name} re-applied with another image: ${verdict.seen}` };
}

async function privilegedPodCanary(client: ApiClient, owner: KubeObject | undefined): Promise<CanaryResult> {
  const canary = CANARIES.privilegedPod;
  if (!owner) return missed(canary, 'no input: dist has no accepted Job, Deployment or StatefulSet in a namespace enforcing restricted');
  const pod = podFromTemplate(owner, `${CANARY_PREFIX}-${owner.metadata.name}`.slice(0, 52));
  const url = `/api/v1/namespaces/${encodeURIComponent(owner.metadata.namespace)}/pods?${DRY_RUN}`;
  const control = await client.request('POST', url, { body: pod });
  const answer = await client.request('POST', url, { body: privilegedPod(pod) });
  const verdict = judgeRefusal(EXPECTED.privilegedPod, answer, control);
  return { ...canary, ...verdict, seen: `Pod from ${owner.kind} ${owner.metadata.namespace}/${owner.metadata.name}: ${verdict.seen}` };
}

/** A step's manifest as the step's own ServiceAccount (control) and as one no Role binds. */
async function stepWithoutRole(client: ApiClient, e: ObjectRecord | undefined, records: readonly ObjectRecord[], byGvk: ReadonlyMap<string, ServedResource>): Promise<CanaryResult> {
  const canary = CANARIES.stepWithoutRole;
  const res = e && byGvk.get(`${e.group}/${e.version}/${e.kind}`);
  if (!e || !res) return missed(canary, e ? `the apiserver serves no ${e.kind} (${e.apiVersion})` : 'no input: dist has no workflow step that creates a manifest');
  const step = stepServiceAccount(e, ownerOf(e, records));
  const url = dryRunCreateUrl(e, res, 'Strict');
  const control = await actingAs(client, step).request('POST', url, { body: e.body });
  const answer = await actingAs(client, { namespace: step.namespace, name: ACCOUNT_WITHOUT_ROLE }).request('POST', url, { body: e.body });
  const verdict = judgeRefusal(EXPECTED.stepWithoutRole, answer, control);
  return { ...canary, ...verdict, seen: `${e.kind} of ${e.embeddedIn?.kind} ${step.namespace}/${e.embeddedIn?.name} step "${e.embeddedIn?.template}" (as ${step.name}: admitted) as ${ACCOUNT_WITHOUT_ROLE}: ${verdict.seen}` };
}

/**
 * Runs every canary against the dist objects the apiserver accepted and the manifests of workflow
 * steps (`records`: dist's, to find a step's workflow); one result per canary.
 */
export async function runApiserverCanaries(client: ApiClient, accepted: readonly KubeObject[], byGvk: ReadonlyMap<string, ServedResource>, embedded: readonly ObjectRecord[], records: readonly ObjectRecord[]): Promise<CanaryResult[]> {
  const sources = pickSources(accepted, embedded);
  return [
    await rbacEscalation(client, sources.workflowRole),
    await stepWithoutRole(client, sources.stepManifest, records, byGvk),
    await immutableJobTemplate(client, sources.job, byGvk.get('batch/v1/Job')),
    await privilegedPodCanary(client, sources.podOwner),
  ];
}
