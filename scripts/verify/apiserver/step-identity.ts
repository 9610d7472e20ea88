// Who creates a manifest embedded in an Argo workflow step: not the deployer, but argoexec in the
// step's pod, with that pod's ServiceAccount token (or the executor's, when one is set). So the
// dry-run create of embedded manifests is sent as that ServiceAccount (kube-apiserver
// impersonation), never as system:masters: the workflow's own Role must allow it, and anything it
// creates passes through RBAC as a non-admin identity. Pure but for `actingAs`, a client wrapper.
//
// The account, as Argo Workflows v4.0.5 picks it (workflow/controller/workflowpod.go):
// setupServiceAccount — template.serviceAccountName, else the workflow spec's, else the
// namespace's `default`; newExecContainer — an `executor.serviceAccountName` (template, else
// spec) mounts that account's token for argoexec instead.

import type { ApiClient } from '../core/api-client';
import type { KubeObject, ObjectRecord } from '../core/objects';
import { type ServiceAccountRef, serviceAccountUser } from '../core/service-account-identity';

/** The spec holding a workflow object's templates and accounts (CronWorkflow: spec.workflowSpec). */
function workflowSpec(owner: KubeObject): KubeObject {
  return owner.kind === 'CronWorkflow' ? owner.spec?.workflowSpec || {} : owner.spec || {};
}

/** The template index of an embedded record's field (`spec.templates[3].resource.manifest` → 3). */
export function templateIndex(field: string): number | undefined {
  const m = /templates\[(\d+)\]\.resource\.manifest$/.exec(field);
  return m ? Number(m[1]) : undefined;
}

/**
 * The ServiceAccount whose token argoexec uses for the step that embeds `e`, in the namespace the
 * workflow runs in (a ClusterWorkflowTemplate has none: the manifest's namespace is used).
 */
export function stepServiceAccount(e: ObjectRecord, owner: KubeObject | undefined): ServiceAccountRef {
  const spec = owner ? workflowSpec(owner) : {};
  const index = e.embeddedIn ? templateIndex(e.embeddedIn.field) : undefined;
  const tmpl: KubeObject = index !== undefined ? (spec.templates || [])[index] || {} : {};
  const name = tmpl.executor?.serviceAccountName || spec.executor?.serviceAccountName || tmpl.serviceAccountName || spec.serviceAccountName || 'default';
  return { namespace: e.embeddedIn?.namespace || e.namespace || 'default', name };
}

/** Headers that make the admin client act as `sa` (its user and the groups a token of it carries). */
export function impersonating(sa: ServiceAccountRef): Record<string, string | string[]> {
  return {
    'Impersonate-User': serviceAccountUser(sa),
    'Impersonate-Group': ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
  };
}

/** The owner (embedding workflow object) of an embedded record among dist's records. */
export function ownerOf(e: ObjectRecord, records: readonly ObjectRecord[]): KubeObject | undefined {
  const o = e.embeddedIn;
  if (!o) return undefined;
  return records.find((r) => r.kind === o.kind && r.chart === e.chart && r.index === e.index && r.body?.metadata?.name === o.name)?.body;
}

/** `client` with every request sent as `sa`. */
export function actingAs(client: ApiClient, sa: ServiceAccountRef): ApiClient {
  const headers = impersonating(sa);
  return {
    request: (method, urlPath, options = {}) => client.request(method, urlPath, { ...options, headers: { ...options.headers, ...headers } }),
    close: () => undefined,
  };
}
