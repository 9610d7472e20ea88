// The canaries of verify:apiserver: known-bad inputs built from objects of dist/ (which the
// project's constructs wrote) by one deliberate defect each, the refusal kube-apiserver must
// answer with, and the verdict over what it answered. Pure; run.ts sends them.
//
// Messages matched, all from the pinned release (k8s.io/kubernetes v1.36.3 and its staging modules):
// - RBAC escalation: pkg/registry/rbac/validation/rule.go ConfirmNoEscalationInternal
//   `user %q (groups=%q) is attempting to grant RBAC permissions not currently held`, returned as
//   403 Forbidden by pkg/registry/rbac/role/policybased/storage.go unless the user is in
//   system:masters (EscalationAllowed) or holds `escalate` on roles (RoleEscalationAuthorized);
// - immutable field: pkg/apis/batch/validation/validation.go ValidateJobSpecUpdate →
//   ValidateImmutableField(template, oldTemplate, "spec.template") for a Job that is not suspended;
//   the text is k8s.io/apimachinery v0.36.3 pkg/api/validation/objectmeta.go FieldImmutableErrorMsg
//   `field is immutable`, 422 Invalid;
// - Pod Security: k8s.io/pod-security-admission v0.36.3 admission/admission.go
//   `violates PodSecurity %q: %s`, 403 Forbidden;
// - RBAC denial: k8s.io/apiserver v0.36.3 pkg/endpoints/handlers/responsewriters/errors.go
//   forbiddenMessage `User %q cannot %s resource %q in API group %q in the namespace %q`, 403.

import { statusMessage } from '../../core/api-paths';
import type { KubeObject, ObjectRecord } from '../../core/objects';
import { impersonating } from '../step-identity';

/** Every object a canary creates carries this name prefix. */
export const CANARY_PREFIX = 'verify-canary';
/** How many canaries every run must catch. */
export const APISERVER_CANARY_MINIMUM = 4;
/** The ServiceAccount the step-identity canary acts as: no Role binds it. */
export const ACCOUNT_WITHOUT_ROLE = `${CANARY_PREFIX}-no-role`;

export const CANARIES = Object.freeze({
  rbacEscalation: {
    name: 'rbac-escalation-by-workflow-identity',
    proves: "a Role granting verbs its author does not hold is refused when the author is not system:masters (the author holds one namespace's workflow Role plus `create roles`)",
  },
  immutableJobTemplate: {
    name: 'immutable-job-template',
    proves: "a second apply that changes an immutable field (a dist Job's spec.template image) is refused, not silently accepted",
  },
  stepWithoutRole: {
    name: 'step-manifest-by-identity-without-role',
    proves: "the objects of workflow steps are checked as the step's ServiceAccount, not as an admin: the same manifest sent as a ServiceAccount of that namespace holding no Role is refused by RBAC (as the step's own account it is admitted)",
  },
  privilegedPod: {
    name: 'privileged-pod-in-restricted-namespace',
    proves: 'a Pod built from a dist pod template, made privileged and runAsNonRoot=false, is refused by Pod Security in its restricted namespace (the unchanged template is admitted)',
  },
});

/** An expected refusal: HTTP status and a pattern of the apiserver's message. */
export interface Refusal {
  status: number;
  message: RegExp;
}

export const EXPECTED: Readonly<Record<keyof typeof CANARIES, Refusal>> = Object.freeze({
  rbacEscalation: { status: 403, message: /is attempting to grant RBAC permissions not currently held/ },
  immutableJobTemplate: { status: 422, message: /spec\.template: Invalid value: [\s\S]*field is immutable/ },
  stepWithoutRole: { status: 403, message: /User "system:serviceaccount:[^"]+" cannot create resource "[^"]+" in API group "[^"]*" in the namespace "[^"]+"/ },
  privilegedPod: { status: 403, message: /violates PodSecurity "restricted:[^"]+": [\s\S]*privileged/ },
});

/** What the apiserver answered (the shape of ApiResponse). */
export interface Answer {
  status: number | undefined;
  body: any;
}

const ok = (a: Answer) => a.status === 200 || a.status === 201;
const firstLine = (a: Answer) => statusMessage(a.status, a.body).split('\n')[0].slice(0, 300);

/**
 * Caught only when the defective input is refused with the expected status and message, and the
 * control (the same input without the defect, when there is one) is accepted — otherwise the
 * refusal might have another cause than the defect.
 */
export function judgeRefusal(expected: Refusal, answer: Answer, control?: Answer): { caught: boolean; seen: string } {
  if (control && !ok(control)) return { caught: false, seen: `the control (same input without the defect) was refused too: ${firstLine(control)}` };
  if (ok(answer)) return { caught: false, seen: `accepted (HTTP ${answer.status})` };
  const message = statusMessage(answer.status, answer.body);
  if (answer.status !== expected.status || !expected.message.test(message)) return { caught: false, seen: `refused for another reason: ${firstLine(answer)}` };
  return { caught: true, seen: `${answer.status} ${answer.body?.reason ?? ''}: ${excerpt(expected.message.exec(message)![0])}` };
}

/** A matched message, shortened in the middle (the immutable-field error embeds the whole template). */
function excerpt(text: string, keep = 90): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length <= 2 * keep ? flat : `${flat.slice(0, keep)} … ${flat.slice(-keep)}`;
}

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));

/** Inputs of the RBAC canary, built from one dist Role (a workflow's). */
export interface RbacEscalationInputs {
  namespace: string;
  /** Created as admin: the writer Role and the two bindings that give the identity its rights. */
  setup: KubeObject[];
  /** Headers that make the admin token act as the identity (kube-apiserver impersonation). */
  impersonation: Record<string, string | string[]>;
  /** The dist Role's rules under a new name: held by the identity, must be accepted. */
  control: KubeObject;
  /** The dist Role's rules plus reading Secrets: not held, must be refused for escalation. */
  escalated: KubeObject;
}

export function rbacEscalationInputs(role: KubeObject): RbacEscalationInputs {
  const namespace: string = role.metadata.namespace;
  const account = `${CANARY_PREFIX}-workflow-identity`;
  const writer = `${CANARY_PREFIX}-role-writer`;
  const subjects = [{ kind: 'ServiceAccount', name: account, namespace }];
  const rbac = 'rbac.authorization.k8s.io';
  const roleObject = (name: string, rules: unknown[]) => ({ apiVersion: `${rbac}/v1`, kind: 'Role', metadata: { name, namespace }, rules });
  const binding = (name: string, roleName: string) => ({
    apiVersion: `${rbac}/v1`,
    kind: 'RoleBinding',
    metadata: { name, namespace },
    roleRef: { apiGroup: rbac, kind: 'Role', name: roleName },
    subjects,
  });
  return {
    namespace,
    setup: [
      // Without `create roles` the request is refused by authorization before the escalation check runs.
      roleObject(writer, [{ apiGroups: [rbac], resources: ['roles'], verbs: ['create'] }]),
      binding(writer, writer),
      binding(`${CANARY_PREFIX}-${role.metadata.name}`, role.metadata.name),
    ],
    impersonation: impersonating({ namespace, name: account }),
    control: roleObject(`${CANARY_PREFIX}-held`, clone(role.rules ?? [])),
    escalated: roleObject(`${CANARY_PREFIX}-escalated`, [...clone(role.rules ?? []), { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]),
  };
}

/** The dist Job with its first container's image changed: spec.template is immutable. */
export function changedJob(job: KubeObject): KubeObject {
  const changed = clone(job);
  const container = changed.spec.template.spec.containers[0];
  container.image = `${container.image}-canary`;
  return changed;
}

/** A Pod as the controller would make it from `owner`'s pod template (Deployment, StatefulSet, Job). */
export function podFromTemplate(owner: KubeObject, name: string): KubeObject {
  const template = clone(owner.spec.template);
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, name, namespace: owner.metadata.namespace }, spec: template.spec };
}

/**
 * The same Pod made privileged and allowed to run as root. allowPrivilegeEscalation is set to true
 * too: privileged with allowPrivilegeEscalation=false is invalid (pkg/apis/core/validation), which
 * would be refused by validation before Pod Security runs.
 */
export function privilegedPod(pod: KubeObject): KubeObject {
  const bad = clone(pod);
  bad.metadata.name = `${pod.metadata.name}-privileged`;
  bad.spec.securityContext = { ...bad.spec.securityContext, runAsNonRoot: false };
  const c = bad.spec.containers[0];
  c.securityContext = { ...c.securityContext, privileged: true, allowPrivilegeEscalation: true };
  return bad;
}

/** The dist objects the canaries start from, or why there is none (which misses that canary). */
export interface CanarySources {
  workflowRole?: KubeObject;
  job?: KubeObject;
  podOwner?: KubeObject;
  /** A manifest of a workflow step (dry-run created, never stored). */
  stepManifest?: ObjectRecord;
}

const WORKFLOW_RESOURCE = 'workflowtaskresults'; // what every Argo step's Role grants (argo v3.4+ executor)

/**
 * Picks the inputs among accepted dist objects: a workflow Role (it grants workflowtaskresults), a
 * Job that is not suspended, a Job or Deployment in a namespace enforcing `restricted`, and among
 * the manifests of workflow steps the first with action `create`.
 */
export function pickSources(accepted: readonly KubeObject[], embedded: readonly ObjectRecord[] = []): CanarySources {
  const restricted = new Set(
    accepted.filter((o) => o.kind === 'Namespace' && o.metadata?.labels?.['pod-security.kubernetes.io/enforce'] === 'restricted').map((o) => o.metadata.name),
  );
  const byName = (a: KubeObject, b: KubeObject) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`);
  const sorted = [...accepted].sort(byName);
  return {
    workflowRole: sorted.find((o) => o.kind === 'Role' && (o.rules ?? []).some((r: any) => (r.resources ?? []).includes(WORKFLOW_RESOURCE))),
    job: sorted.find((o) => o.kind === 'Job' && o.spec?.suspend !== true && o.spec?.template?.spec?.containers?.length),
    podOwner: sorted.find((o) => ['Job', 'Deployment', 'StatefulSet'].includes(o.kind) && restricted.has(o.metadata.namespace) && o.spec?.template?.spec?.containers?.length),
    stepManifest: [...embedded].sort((a, b) => `${a.chart}#${a.index}/${a.embeddedIn?.field}`.localeCompare(`${b.chart}#${b.index}/${b.embeddedIn?.field}`)).find((e) => e.embeddedIn?.action === 'create'),
  };
}
