import { containersOf } from '../pod-templates';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Each container mounts one volume per path. The apiserver rejects a pod whose container lists a
 * mountPath twice (Kubernetes v1.34 pkg/apis/core/validation ValidateVolumeMounts: "must be
 * unique"), so a workload's pods are never created, and an operator's custom resource is stored
 * but its pods are refused later. An error.
 */
export const mountPaths: SemanticRule = {
  id: 'mount-paths',
  summary: 'each container mounts one volume per path',
  check(ctx: CheckContext): void {
    for (const t of ctx.index.podTemplates()) {
      for (const c of containersOf(t.spec)) {
        const seen = new Map<string, string>();
        (c.volumeMounts ?? []).forEach((m: Record<string, any>, i: number) => {
          const path = String(m.mountPath ?? '').replace(/\/$/, '') || '/';
          const other = seen.get(path);
          if (other !== undefined) {
            ctx.report({
              entry: t.entry, field: `${t.field} container '${c.name}' volumeMounts[${i}].mountPath`, value: m.mountPath,
              message: `${t.role}: volumes '${other}' and '${m.name}' are both mounted at ${path}, so the apiserver rejects the pod ("must be unique"); mount one of them elsewhere (a subPath of one volume, or another path)`,
            });
          } else {
            seen.set(path, m.name);
          }
        });
      }
    }
  },
};
