import { resourceSteps } from '../argo';
import { ConditionRequirement, ConditionSyntaxError, parseCondition } from '../argo-conditions';
import { CheckContext, SemanticRule } from '../semantic-rule';
import { ManifestEntry } from '../manifest-entry';
import { findStatusFields, resolveStatusPath, StatusSchemaNode, statusSchemaSource } from '../status-schemas';

/**
 * Every field an Argo resource step's success/failure condition reads exists in the created kind's
 * status schema, with a value its enum allows and a numeric type for `>`/`<`. Encodes:
 * argo-workflows workflow/executor/resource.go (v3.4+, v4.1): conditions are label-selector
 * requirements whose keys are gjson paths; a path the object never has never matches, so the step
 * waits until its deadline; a failure condition fails on any one of its requirements. Schemas: the pinned CRDs in ../shared/crds (constructs/imports/status-schemas.json).
 */
export const statusPaths: SemanticRule = {
  id: 'status-paths',
  summary: 'resource steps wait on status fields the created kind really has',
  check(ctx: CheckContext): void {
    for (const e of ctx.index.entries) {
      for (const step of resourceSteps(e)) {
        for (const which of ['successCondition', 'failureCondition'] as const) {
          const condition = step.resource[which];
          if (typeof condition !== 'string' || !condition.trim()) continue;
          const field = `${step.field}.${which}`;
          let requirements: ConditionRequirement[];
          try {
            requirements = parseCondition(condition);
          } catch (err) {
            if (!(err instanceof ConditionSyntaxError)) throw err;
            ctx.report({ entry: e, field, value: condition, message: `Argo cannot parse it: ${err.message}` });
            continue;
          }
          // argo-workflows v4.0.5 workflow/executor/resource.go matchConditions: each failure
          // requirement is evaluated alone and any one that matches fails the step (success
          // requirements must all match). `type = Failed, status = True` fails on any True condition.
          if (which === 'failureCondition' && requirements.length > 1) {
            ctx.report({
              entry: e, field, value: condition, severity: 'warning',
              message: `Argo fails the step when ANY one of its ${requirements.length} failure requirements matches (they are not ANDed like a success condition): '${requirements.map((r) => r.path).join("', '")}' each alone; use one requirement, or split the intent`,
            });
          }
          if (!step.groupKind || !statusSchemaSource(step.groupKind)) continue;
          const created = ctx.index.createdBy(e, step.name);
          for (const r of requirements) {
            const problem = requirementProblem(step.groupKind, r) ?? (created && replicaProblem(created, r));
            if (problem) ctx.report({ entry: e, field, value: condition, message: `step '${step.name}' creates a ${step.groupKind}: ${problem} (schema: ${statusSchemaSource(step.groupKind)})` });
          }
        }
      }
    }
  },
};

function requirementProblem(groupKind: string, r: ConditionRequirement): string | undefined {
  if (!r.path.startsWith('status.')) return undefined;
  const resolved = resolveStatusPath(groupKind, r.path)!;
  if (!resolved.ok) {
    // Closest first: the path sharing the longest prefix with what was written.
    const shared = (p: string) => { let i = 0; while (i < p.length && p[i] === r.path[i]) i++; return i; };
    const elsewhere = findStatusFields(groupKind, resolved.segment).sort((a, b) => shared(b) - shared(a)).slice(0, 2);
    return `'${r.path}' does not exist: '${resolved.segment}' is not a field of '${resolved.at}' (fields: ${resolved.fields.join(', ') || 'none'}), so the condition never matches${elsewhere.length ? `; did you mean ${elsewhere.map((p) => `'${p}'`).join(' or ')}?` : ''}`;
  }
  return valueProblem(r, resolved.node);
}

/**
 * `status.replicaStatuses.<Role>` is a map keyed by the job's replica types (training-operator
 * pkg/apis/kubeflow.org/v1 common_types.go JobStatus.ReplicaStatuses, v1.9): a role the job does not
 * have is never filled in.
 */
function replicaProblem(created: ManifestEntry, r: ConditionRequirement): string | undefined {
  const m = /^status\.replicaStatuses\.([^.]+)/.exec(r.path);
  if (!m) return undefined;
  const specs = Object.entries<any>(created.object.spec ?? {}).find(([k]) => k.endsWith('ReplicaSpecs'))?.[1];
  if (!specs || m[1] in specs) return undefined;
  return `'${r.path}' reads the '${m[1]}' replicas, but ${created.object.kind} '${created.path}' has only ${Object.keys(specs).join(', ')}`;
}

function valueProblem(r: ConditionRequirement, node: StatusSchemaNode): string | undefined {
  if (r.operator === '>' || r.operator === '<') {
    return node.type === 'integer' || node.type === 'number' ? undefined : `'${r.path}' is a ${node.type ?? 'non-number'}, '${r.operator}' compares integers`;
  }
  if (node.type === 'object' || node.type === 'array') {
    return r.operator === 'exists' || r.operator === '!' ? undefined : `'${r.path}' is an ${node.type}, not a value to compare; read one of its fields`;
  }
  if (!node.enum || r.operator === 'exists' || r.operator === '!') return undefined;
  const allowed = node.enum.map(String);
  const bad = r.values.filter((v) => !allowed.includes(v));
  return bad.length ? `'${r.path}' is never ${bad.map((v) => `'${v}'`).join(' or ')}; its values are ${allowed.filter((v) => v).join(', ')}` : undefined;
}
