// The canaries of verify:apiserver (scripts/verify/apiserver/canaries/inputs.ts): inputs built
// from dist objects and the verdict over the apiserver's answer. Messages are the v1.36.3 texts.
import {
  changedJob, EXPECTED, judgeRefusal, pickSources, podFromTemplate, privilegedPod, rbacEscalationInputs,
} from '../../../scripts/verify/apiserver/canaries/inputs';

const role = {
  apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'wf', namespace: 'ns' },
  rules: [{ apiGroups: ['argoproj.io'], resources: ['workflowtaskresults'], verbs: ['create', 'patch'] }],
};
const job = {
  apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns' },
  spec: { template: { metadata: { labels: { a: 'b' } }, spec: { restartPolicy: 'Never', securityContext: { runAsNonRoot: true }, containers: [{ name: 'c', image: 'img:1', securityContext: { allowPrivilegeEscalation: false } }] } } },
};
const restrictedNs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };

const escalationMessage = 'roles.rbac.authorization.k8s.io "verify-canary-escalated" is forbidden: user "system:serviceaccount:ns:verify-canary-workflow-identity" (groups=["system:serviceaccounts"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get" "list"]}';
const forbidden = (message: string) => ({ status: 403, body: { kind: 'Status', reason: 'Forbidden', message } });
const created = { status: 201, body: {} };

describe('verify-apiserver canaries', () => {
  test('RBAC: the identity holds the workflow Role plus `create roles`; the escalated Role adds secrets', () => {
    const i = rbacEscalationInputs(role);
    expect(i.impersonation['Impersonate-User']).toBe('system:serviceaccount:ns:verify-canary-workflow-identity');
    expect(i.impersonation['Impersonate-Group']).not.toContain('system:masters');
    expect(i.setup.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Role/verify-canary-role-writer', 'RoleBinding/verify-canary-role-writer', 'RoleBinding/verify-canary-wf']);
    expect(i.control.rules).toEqual(role.rules);
    expect(i.escalated.rules).toEqual([...role.rules, { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'list'] }]);
  });

  test('caught only when refused with the escalation message and the held copy is accepted', () => {
    expect(judgeRefusal(EXPECTED.rbacEscalation, forbidden(escalationMessage), created).caught).toBe(true);
    // Accepted: the canary is missed (what happens as system:masters).
    expect(judgeRefusal(EXPECTED.rbacEscalation, created, created)).toEqual({ caught: false, seen: 'accepted (HTTP 201)' });
    // Refused by authorization, not by the escalation check: missed.
    const authz = forbidden('roles.rbac.authorization.k8s.io is forbidden: User "x" cannot create resource "roles"');
    expect(judgeRefusal(EXPECTED.rbacEscalation, authz, created).seen).toMatch(/^refused for another reason: 403 Forbidden/);
    // The control refused as well: the refusal is not shown to come from the defect.
    expect(judgeRefusal(EXPECTED.rbacEscalation, forbidden(escalationMessage), authz).caught).toBe(false);
  });

  test('immutable field: a changed image in the template, refused with `field is immutable` (422)', () => {
    const changed = changedJob(job);
    expect(changed.spec.template.spec.containers[0].image).toBe('img:1-canary');
    expect(job.spec.template.spec.containers[0].image).toBe('img:1');
    const invalid = { status: 422, body: { reason: 'Invalid', message: 'Job.batch "j" is invalid: spec.template: Invalid value: {"labels":{}}: field is immutable' } };
    expect(judgeRefusal(EXPECTED.immutableJobTemplate, invalid)).toEqual({ caught: true, seen: '422 Invalid: spec.template: Invalid value: {"labels":{}}: field is immutable' });
    expect(judgeRefusal(EXPECTED.immutableJobTemplate, { status: 200, body: {} }).caught).toBe(false);
    const otherField = { status: 422, body: { reason: 'Invalid', message: 'Job.batch "j" is invalid: spec.selector: Required value' } };
    expect(judgeRefusal(EXPECTED.immutableJobTemplate, otherField).caught).toBe(false);
  });

  test('Pod Security: the template as a Pod, then privileged and runAsNonRoot=false', () => {
    const pod = podFromTemplate(job, 'p');
    expect(pod).toMatchObject({ kind: 'Pod', metadata: { name: 'p', namespace: 'ns', labels: { a: 'b' } } });
    const bad = privilegedPod(pod);
    expect(bad.spec.securityContext.runAsNonRoot).toBe(false);
    expect(bad.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: true, privileged: true });
    expect(pod.spec.containers[0].securityContext).toEqual({ allowPrivilegeEscalation: false });
    const psa = forbidden('pods "p-privileged" is forbidden: violates PodSecurity "restricted:v1.36": privileged (container "c" must not set securityContext.privileged=true)');
    expect(judgeRefusal(EXPECTED.privilegedPod, psa, created).caught).toBe(true);
    expect(judgeRefusal(EXPECTED.privilegedPod, psa, forbidden('violates PodSecurity "restricted:v1.36": seccompProfile')).caught).toBe(false);
    expect(judgeRefusal(EXPECTED.privilegedPod, created, created).caught).toBe(false);
  });

  test('sources: a workflow Role, a Job that is not suspended, a pod owner in a restricted namespace', () => {
    const suspended = { ...job, metadata: { name: 'a-suspended', namespace: 'ns' }, spec: { ...job.spec, suspend: true } };
    const s = pickSources([restrictedNs, suspended, job, role, { ...role, metadata: { name: 'other', namespace: 'ns' }, rules: [] }]);
    expect(s.workflowRole?.metadata.name).toBe('wf');
    expect(s.job?.metadata.name).toBe('j');
    expect(s.podOwner?.metadata.name).toBe('a-suspended');
    expect(pickSources([job])).toEqual({ workflowRole: undefined, job, podOwner: undefined, stepManifest: undefined });
  });

  test('step identity: the first step manifest a step creates; refused only by RBAC while the step\'s own account is admitted', () => {
    const step = (field: string, action: string) => ({ chart: 'c', index: 1, apiVersion: 'kubeflow.org/v1', group: 'kubeflow.org', version: 'v1', kind: 'TFJob', namespace: 'ns', body: {}, embeddedIn: { kind: 'Workflow', name: 'w', namespace: 'ns', template: 't', field, action } });
    const picked = pickSources([], [step('spec.templates[3].resource.manifest', 'create'), step('spec.templates[1].resource.manifest', 'apply'), step('spec.templates[2].resource.manifest', 'create')]);
    expect(picked.stepManifest?.embeddedIn?.field).toBe('spec.templates[2].resource.manifest');
    const rbacDenied = forbidden('tfjobs.kubeflow.org is forbidden: User "system:serviceaccount:ns:verify-canary-no-role" cannot create resource "tfjobs" in API group "kubeflow.org" in the namespace "ns"');
    expect(judgeRefusal(EXPECTED.stepWithoutRole, rbacDenied, created)).toMatchObject({ caught: true, seen: expect.stringMatching(/^403 Forbidden: User "system:serviceaccount:ns:verify-canary-no-role" cannot create resource "tfjobs"/) });
    // Admitted without a Role: the check would be running as an admin, missed.
    expect(judgeRefusal(EXPECTED.stepWithoutRole, created, created)).toEqual({ caught: false, seen: 'accepted (HTTP 201)' });
    // The step's own account refused too: its Role does not allow the step, so the refusal proves nothing.
    expect(judgeRefusal(EXPECTED.stepWithoutRole, rbacDenied, rbacDenied).caught).toBe(false);
    // Refused, but by Pod Security or validation rather than RBAC: missed.
    expect(judgeRefusal(EXPECTED.stepWithoutRole, forbidden('violates PodSecurity "restricted:v1.36": privileged'), created).caught).toBe(false);
  });
});
