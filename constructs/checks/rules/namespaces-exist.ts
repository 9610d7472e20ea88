import { CheckContext, SemanticRule } from '../semantic-rule';

/** Namespaces every cluster has (Kubernetes v1.34 creates them). */
const BUILTIN_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

/**
 * Every namespaced object goes into a namespace that exists on the target: one a deployed chart
 * creates, a built-in one, or one the target says exists (`existingNamespaces`). Otherwise the
 * apiserver refuses the object ("namespaces \"x\" not found") and a workflow step that creates it
 * fails. Reported once per namespace. Needs a target: without one, namespaces created outside the
 * charts cannot be told from missing ones.
 */
export const namespacesExist: SemanticRule = {
  id: 'namespaces-exist',
  summary: 'every namespaced object goes into a namespace that exists',
  needsTarget: true,
  check(ctx: CheckContext): void {
    const existing = new Set(ctx.target!.existingNamespaces ?? []);
    const reported = new Set<string>();
    for (const e of ctx.index.entries) {
      const ns = e.namespace;
      if (!ns || BUILTIN_NAMESPACES.has(ns) || existing.has(ns) || reported.has(ns) || ctx.index.namespaceLabels(ns)) continue;
      reported.add(ns);
      ctx.report({ entry: e, field: 'metadata.namespace', value: ns, message: `no chart deployed with it creates namespace '${ns}', so the apiserver refuses the object ("namespaces \"${ns}\" not found"); deploy the chart that creates it (a Team, a RestrictedNamespace) together with this one` });
    }
  },
};
