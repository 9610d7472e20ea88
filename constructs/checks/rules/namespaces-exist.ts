import { installedOperators, OPERATOR_METRICS } from '../operator-metrics';
import { CheckContext, SemanticRule } from '../semantic-rule';

/** Namespaces every cluster has (Kubernetes v1.34 creates them). */
const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Every namespaced object goes into a namespace that exists on the target: one a deployed chart
 * creates, a built-in one, one the target says exists (`existingNamespaces`, declared externals),
 * or the namespace of an installed component (Prometheus's, the operators' of `operator-metrics.ts`:
 * `monitoring`, `kubeflow`, ...). Otherwise the apiserver refuses the object ("namespaces \"x\"
 * not found") and a workflow step that creates it fails. A warning, once per namespace: the
 * project cannot know namespaces made by hand or by another tool unless they are declared.
 * Needs a target: without one, namespaces created outside the charts cannot be told from missing ones.
 */
export const namespacesExist: SemanticRule = {
  id: 'namespaces-exist',
  summary: 'every namespaced object goes into a namespace that exists',
  needsTarget: true,
  check(ctx: CheckContext): void {
    const target = ctx.target!;
    const operators = installedOperators(target);
    const existing = new Set([
      ...(target.existingNamespaces ?? []), ...(target.externals?.namespaces ?? []),
      ...OPERATOR_METRICS.filter((c) => operators.includes(c.operator)).map((c) => c.namespace),
      ...(target.prometheus ? [target.prometheus.namespace] : []),
    ]);
    const reported = new Set<string>();
    for (const e of ctx.index.entries) {
      const ns = e.namespace;
      if (!ns || BUILTIN_NAMESPACES.has(ns) || existing.has(ns) || reported.has(ns) || ctx.index.namespaceLabels(ns)) continue;
      reported.add(ns);
      ctx.report({
        entry: e, field: 'metadata.namespace', value: ns, severity: 'warning',
        message: `no chart deployed with it creates namespace '${ns}' and ${target.source} does not declare it, so unless it is made outside the charts the apiserver refuses the object ("namespaces "${ns}" not found"); deploy the chart that creates it (a Team, a RestrictedNamespace) together with this one, or declare it (withExternals(target, { namespaces: ['${ns}'] }))`,
      });
    }
  },
};
