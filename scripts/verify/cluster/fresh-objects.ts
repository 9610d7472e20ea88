// A finished run's steps ran their own jobs: every object that runs to completion (TrainJob, Job,
// TFJob, ...) a succeeded resource step of the run created with an owner reference must be owned by
// this run's Workflow and created no earlier than it. A step that applied a fixed name instead
// would, on a re-run, find the last run's Complete object, change nothing and succeed at once (Argo
// `apply` also moves the owner reference to the new Workflow, so ownership alone cannot tell).
// The verdict is pure (unit-tested); `reusedObjects` lists the kinds through the run's client.

import YAML from 'yaml';
import { RUNS_TO_COMPLETION_KINDS } from '../../../constructs/core/api-groups';
import type { ApiClient } from '../core/api-client';
import { collectionPath, type ServedResource } from '../core/api-paths';
import { type KubeObject, splitApiVersion } from '../core/objects';
import { list } from './observe';

/** What a resource template creates: `apiVersion` and `kind` of its manifest, when it runs to completion and is owned by its run. */
export function ownedRunObjects(template: KubeObject): { apiVersion: string; kind: string } | undefined {
  if (!template.resource?.setOwnerReference) return undefined;
  let o: KubeObject | undefined;
  try {
    o = YAML.parse(String(template.resource.manifest ?? ''));
  } catch {
    return undefined;
  }
  if (!o?.apiVersion || !o.kind) return undefined;
  return RUNS_TO_COMPLETION_KINDS.has(`${splitApiVersion(o.apiVersion).group}/${o.kind}`) ? { apiVersion: o.apiVersion, kind: o.kind } : undefined;
}

/**
 * `apiVersion kind` → how many Succeeded steps of the run created one. The templates are the
 * Workflow's own or, for a run of a WorkflowTemplate, the ones the controller stored in its status;
 * a step counts once: its Pod node (argo-workflows v4.0.5 operator.go executeResource makes resource
 * steps NodeTypePod; a retried step's Retry parent carries the same template name); the stored
 * templates are status.storedWorkflowTemplateSpec (workflow_types.go StoredWorkflowSpec).
 */
export function expectedFreshObjects(wf: KubeObject): Map<string, number> {
  const byTemplate = new Map<string, string>();
  for (const t of [...(wf.spec?.templates || []), ...(wf.status?.storedWorkflowTemplateSpec?.templates || [])]) {
    const made = ownedRunObjects(t);
    if (made) byTemplate.set(t.name, `${made.apiVersion} ${made.kind}`);
  }
  const counts = new Map<string, number>();
  for (const n of Object.values(wf.status?.nodes || {}) as KubeObject[]) {
    const key = n.phase === 'Succeeded' && n.type === 'Pod' ? byTemplate.get(n.templateName) : undefined;
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** Of `objects`, those owned by the Workflow `wf` and created no earlier than it. */
export function freshOf(wf: KubeObject, objects: readonly KubeObject[]): KubeObject[] {
  const since = Date.parse(wf.metadata?.creationTimestamp ?? '');
  return objects.filter((o) => (o.metadata?.ownerReferences || []).some((r: KubeObject) => r.uid === wf.metadata?.uid) && Date.parse(o.metadata?.creationTimestamp ?? '') >= since);
}

/** What a run that took an earlier run's finished object is told (the rerun canary looks for it). */
export const REUSED_MESSAGE = "a step took an earlier run's finished object for its own";

/** Why the run's steps did not each run an object of their own ('' when they did). */
export function reuseVerdict(wf: KubeObject, expected: ReadonlyMap<string, number>, liveByKind: ReadonlyMap<string, readonly KubeObject[]>): string {
  const problems: string[] = [];
  for (const [key, n] of expected) {
    const fresh = freshOf(wf, liveByKind.get(key) || []).length;
    if (fresh < n) problems.push(`${n} succeeded step(s) ran a ${key.split(' ')[1]}, but only ${fresh} of this run's own exist (owned by it, created since it started): ${REUSED_MESSAGE}`);
  }
  return problems.join('; ');
}

/** reuseVerdict with the objects listed live; `byGvk` is the harness's discovery (`group/version/Kind`). */
export async function reusedObjects(client: ApiClient, wf: KubeObject, byGvk: ReadonlyMap<string, ServedResource>): Promise<string> {
  const expected = expectedFreshObjects(wf);
  const liveByKind = new Map<string, KubeObject[]>();
  for (const key of expected.keys()) {
    const [apiVersion, kind] = key.split(' ');
    const gv = splitApiVersion(apiVersion);
    const res = byGvk.get(`${gv.group}/${gv.version}/${kind}`);
    if (!res) return `the apiserver serves no ${kind} (${apiVersion}), though a step of the run created one`;
    liveByKind.set(key, await list(client, collectionPath(gv, res, wf.metadata.namespace)));
  }
  return reuseVerdict(wf, expected, liveByKind);
}
