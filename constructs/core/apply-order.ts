import { ApiObject, Chart } from 'cdk8s';
import { isCoreApiVersion } from './api-groups';

/**
 * Apply order by kind: what others refer to comes first (namespaces, CRDs, identities, policy,
 * configuration, storage, workloads, custom resources last). Unknown core kinds sit with workloads.
 */
const KIND_RANK: Record<string, number> = {
  Namespace: 0, CustomResourceDefinition: 1, PriorityClass: 2, StorageClass: 2,
  ServiceAccount: 3, ClusterRole: 4, Role: 4, ClusterRoleBinding: 5, RoleBinding: 5,
  ResourceQuota: 6, LimitRange: 6, NetworkPolicy: 7, ConfigMap: 8, Secret: 8,
  PersistentVolumeClaim: 9, Service: 10, Deployment: 11, StatefulSet: 11, DaemonSet: 11,
  Job: 11, CronJob: 11, HorizontalPodAutoscaler: 12, PodDisruptionBudget: 12,
};
const WORKLOAD_RANK = 11;
const CUSTOM_RESOURCE_RANK = 20;

/** Where a kind goes in apply order: lower first (namespaces, RBAC, config, storage, workloads, custom resources). */
export function applyRank(obj: { apiVersion: string; kind: string }): number {
  return rankOf(obj);
}

function rankOf(obj: { apiVersion: string; kind: string }): number {
  return isCoreApiVersion(obj.apiVersion) ? KIND_RANK[obj.kind] ?? WORKLOAD_RANK : CUSTOM_RESOURCE_RANK;
}

/**
 * Objects of one chart in apply order: kind rank first, then construct-tree order, with explicit
 * `node.addDependency` between objects of the chart honoured (Kahn's algorithm, linear).
 */
export function chartObjects(chart: Chart): ApiObject[] {
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  const index = new Map(objects.map((o, i) => [o, i] as const));
  const indegree = new Map<ApiObject, number>(objects.map((o) => [o, 0]));
  const dependents = new Map<ApiObject, ApiObject[]>();
  for (const obj of objects) {
    for (const dep of obj.node.dependencies) {
      for (const target of dep.node.findAll().filter((t): t is ApiObject => t instanceof ApiObject && index.has(t))) {
        if (target === obj) continue;
        indegree.set(obj, (indegree.get(obj) ?? 0) + 1);
        const list = dependents.get(target);
        if (list) list.push(obj);
        else dependents.set(target, [obj]);
      }
    }
  }
  const key = (o: ApiObject) => rankOf(o) * 1e9 + (index.get(o) ?? 0);
  const ready = objects.filter((o) => indegree.get(o) === 0).sort((a, b) => key(a) - key(b));
  const ordered: ApiObject[] = [];
  // `head` instead of shift(): shifting a large array is linear, which made big charts quadratic.
  for (let head = 0; head < ready.length; head++) {
    const next = ready[head];
    ordered.push(next);
    for (const d of dependents.get(next) ?? []) {
      const left = (indegree.get(d) ?? 0) - 1;
      indegree.set(d, left);
      if (left === 0) {
        // insert keeping `ready` sorted: dependency chains are short, so this stays cheap.
        const k = key(d);
        let at = head + 1;
        while (at < ready.length && key(ready[at]) <= k) at++;
        ready.splice(at, 0, d);
      }
    }
  }
  if (ordered.length !== objects.length) {
    const done = new Set(ordered);
    const stuck = objects.filter((o) => !done.has(o)).map((o) => o.node.path);
    throw new Error(`dependency cycle between objects of chart '${chart.node.path}': ${stuck.join(', ')}`);
  }
  return ordered;
}

