import { Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';

/** One RBAC rule the workflow's pods need. */
export interface PolicyRule {
  readonly apiGroup: string;
  readonly resource: string;
  readonly verbs: readonly string[];
  /** @default - any object of the resource (only possible for verbs other than create) */
  readonly resourceNames?: readonly string[];
}

/** Verbs a resource template's action needs: the executor runs `kubectl <action>` then polls with GET. */
export function verbsForAction(action: 'create' | 'apply' | 'patch' | 'delete' | 'replace'): string[] {
  switch (action) {
    case 'create': return ['create', 'get'];
    case 'apply': return ['create', 'get', 'patch'];
    case 'patch': return ['get', 'patch'];
    case 'replace': return ['create', 'get', 'update'];
    case 'delete': return ['delete', 'get'];
  }
}

/** What every Argo (v3.4+, emissary executor) pod needs: report its outputs as WorkflowTaskResults. */
export const EXECUTOR_RULE: PolicyRule = { apiGroup: 'argoproj.io', resource: 'workflowtaskresults', verbs: ['create', 'patch'] };

/**
 * What the artifact GC pod needs (it runs as the workflow's ServiceAccount here): read its
 * WorkflowArtifactGCTasks and report their status. Artifact credentials are mounted by the
 * controller, so artifacts themselves need no Secret access.
 */
export const ARTIFACT_GC_RULES: readonly PolicyRule[] = [
  { apiGroup: 'argoproj.io', resource: 'workflowartifactgctasks', verbs: ['list', 'watch'] },
  { apiGroup: 'argoproj.io', resource: 'workflowartifactgctasks/status', verbs: ['patch'] },
];

/**
 * Merges rules by (group, resource, resourceNames), unions and sorts verbs and sorts rules,
 * so the Role is minimal and its YAML deterministic. Wildcards are refused.
 */
export function mergeRules(rules: readonly PolicyRule[]): k8s.PolicyRule[] {
  const merged = new Map<string, { apiGroup: string; resource: string; resourceNames?: string[]; verbs: Set<string> }>();
  for (const r of rules) {
    if (r.resource === '*' || r.apiGroup === '*' || r.verbs.includes('*')) {
      throw new Error(`workflow RBAC: wildcard rule ${JSON.stringify(r)} refused; name the group, resource and verbs`);
    }
    const names = r.resourceNames ? [...r.resourceNames].sort() : undefined;
    const key = `${r.apiGroup}|${r.resource}|${names?.join(',') ?? ''}`;
    const entry = merged.get(key) ?? { apiGroup: r.apiGroup, resource: r.resource, resourceNames: names, verbs: new Set<string>() };
    for (const v of r.verbs) entry.verbs.add(v);
    merged.set(key, entry);
  }
  return [...merged.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([, e]) => ({ apiGroups: [e.apiGroup], resources: [e.resource], resourceNames: e.resourceNames, verbs: [...e.verbs].sort() }));
}

/** ServiceAccount + Role + RoleBinding for a workflow's pods, from rules computed at synth time. */
export class WorkflowServiceAccount extends Construct {
  public readonly name: string;

  constructor(scope: Construct, id: string, props: { name: string; rules: () => readonly PolicyRule[] }) {
    super(scope, id);
    this.name = props.name;
    new k8s.KubeServiceAccount(this, 'Resource', {
      metadata: { name: this.name },
      // Only the Argo executor talks to the API server; pods mount the token because of it.
      automountServiceAccountToken: true,
    });
    new k8s.KubeRole(this, 'Role', {
      metadata: { name: this.name },
      // Lazy: steps added after this construct still count.
      rules: Lazy.any({ produce: () => mergeRules(props.rules()) }),
    });
    new k8s.KubeRoleBinding(this, 'Binding', {
      metadata: { name: this.name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: this.name },
      subjects: [{ kind: 'ServiceAccount', name: this.name }],
    });
  }
}
