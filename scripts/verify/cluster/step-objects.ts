// The workloads Workflow steps created (argoexec, as each step's ServiceAccount): found live after
// the runs by the construct path their embedded manifest carries, then observed and judged like
// dist's own, against the pools and GPUs their construct was given (issue 21: step-created jobs and
// InferenceServices were neither placed nor required Ready).

import type { ApiClient } from '../core/api-client';
import { collectionPath, type ServedResource } from '../core/api-paths';
import type { KubeObject, ObjectRecord } from '../core/objects';
import { list } from './observe';
import type { WorkloadIntent } from './placement';
import type { Workload } from './workloads';

export const CONSTRUCT_PATH_ANNOTATION = 'mlpatterns.dev/construct-path';

const pathOf = (o: { metadata?: KubeObject }): string | undefined => o.metadata?.annotations?.[CONSTRUCT_PATH_ANNOTATION];

/**
 * The live objects whose construct path is an embedded manifest's, one Workload each (a run
 * repeated, or memoized, creates several per manifest). Pure over `listed`: per `group/version/Kind|ns`,
 * what the apiserver listed.
 */
export function matchStepObjects(
  embedded: readonly ObjectRecord[],
  listed: ReadonlyMap<string, readonly KubeObject[]>,
  byGvk: ReadonlyMap<string, ServedResource>,
  intentsByPath: ReadonlyMap<string, WorkloadIntent>,
): Workload[] {
  const out: Workload[] = [];
  for (const record of embedded) {
    const path = pathOf(record.body);
    if (!path) continue;
    const res = byGvk.get(`${record.group}/${record.version}/${record.kind}`);
    for (const live of listed.get(listKey(record)) ?? []) {
      if (pathOf(live) !== path) continue;
      const name: string = live.metadata.name;
      const step = record.embeddedIn;
      out.push({
        key: `step|${record.group}/${record.kind}|${record.namespace ?? ''}/${name}`,
        group: record.group, version: record.version, kind: record.kind, namespace: record.namespace, name, liveName: name,
        origin: step ? `created by ${step.kind} ${step.name} step ${step.template}` : 'created by a workflow step',
        record: { ...record, name, body: live }, res, intent: intentsByPath.get(path),
      });
    }
  }
  return out;
}

const listKey = (o: Pick<ObjectRecord, 'group' | 'version' | 'kind' | 'namespace'>): string => `${o.group}/${o.version}/${o.kind}|${o.namespace ?? ''}`;

/** Lists each kind and namespace the embedded manifests use once, then matches (matchStepObjects). */
export async function stepCreatedWorkloads(
  client: ApiClient,
  embedded: readonly ObjectRecord[],
  byGvk: ReadonlyMap<string, ServedResource>,
  intents: readonly WorkloadIntent[],
): Promise<Workload[]> {
  const listed = new Map<string, KubeObject[]>();
  for (const record of embedded) {
    const key = listKey(record);
    const res = byGvk.get(`${record.group}/${record.version}/${record.kind}`);
    if (listed.has(key) || !res) continue;
    listed.set(key, await list(client, collectionPath(record, res, record.namespace)));
  }
  const intentsByPath = new Map(intents.flatMap((i) => (i.path ? [[i.path, i] as const] : [])));
  return matchStepObjects(embedded, listed, byGvk, intentsByPath);
}
