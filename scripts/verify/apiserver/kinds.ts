// Which kinds of dist need a CRD, and why an object cannot be written (missing or failed CRD, kind
// not served). Pure: nothing in here starts processes or talks to the network.

import type { ServedResource } from '../core/api-paths';
import type { CrdInfo } from '../core/crd-index';
import type { CrdInstallResult } from '../core/crds';
import { describeOwner } from '../core/embedded';
import { BUILTIN_GROUPS, notAppliedReason } from '../core/kinds';
import { groupKind, type ObjectRecord } from '../core/objects';

export interface MissingCrd {
  group: string;
  kind: string;
  versions: Set<string>;
  charts: Set<string>;
  count: number;
  embeddedIn: string[];
}

/**
 * Decide for every group/kind in dist whether it is built in, needs a CRD (found) or is missing.
 * `objects` may include embedded manifests (records with `embeddedIn`, see extractEmbedded):
 * a missing CRD is then reported with the workflow steps that would create such objects.
 */
export function resolveKinds(objects: readonly ObjectRecord[], crdIndex: ReadonlyMap<string, CrdInfo>, builtinGroups: ReadonlySet<string> = BUILTIN_GROUPS) {
  const needed = new Map<string, CrdInfo>();
  const missing = new Map<string, MissingCrd>();
  for (const o of objects) {
    if (notAppliedReason(o)) continue;
    const key = groupKind(o.group, o.kind);
    if (builtinGroups.has(o.group)) continue;
    const crd = crdIndex.get(key);
    if (crd) {
      needed.set(key, crd);
      continue;
    }
    let m = missing.get(key);
    if (!m) {
      m = { group: o.group, kind: o.kind, versions: new Set(), charts: new Set(), count: 0, embeddedIn: [] };
      missing.set(key, m);
    }
    m.versions.add(o.version);
    if (o.embeddedIn) {
      m.embeddedIn.push(`${describeOwner(o.embeddedIn)} in ${o.chart}`);
    } else {
      m.charts.add(o.chart);
      m.count++;
    }
  }
  return { needed, missing };
}

export function missingCrdMessage(m: MissingCrd, crdsDir: string): string {
  const where = [];
  if (m.count) where.push(`${m.count} object(s) in ${[...m.charts].sort().join(', ')}`);
  const embedded = m.embeddedIn || [];
  if (embedded.length) where.push(`${embedded.length} embedded in workflow steps: ${embedded.join(', ')}`);
  return `no CRD for kind ${m.kind} (apiVersion ${[...m.versions].map((v) => (m.group ? `${m.group}/${v}` : v)).join(', ')}) ` + `in ${crdsDir}: ${where.join('; ')}`;
}

/** Why an object cannot be written because of its CRD (missing or not installed), or undefined. */
export function crdProblem(o: ObjectRecord, missingMsgs: ReadonlyMap<string, string>, crdResults: ReadonlyMap<string, CrdInstallResult>): string | undefined {
  const key = groupKind(o.group, o.kind);
  if (missingMsgs.has(key)) return missingMsgs.get(key);
  const crdRes = crdResults.get(key);
  if (crdRes && !crdRes.ok) return crdRes.message;
  return undefined;
}

/** The served resource for an object's group/version/kind, or why there is none. */
export function servedResource(
  o: ObjectRecord,
  byGvk: ReadonlyMap<string, ServedResource>,
  crdResults: ReadonlyMap<string, CrdInstallResult>,
): { res: ServedResource; reason?: undefined } | { res?: undefined; reason: string } {
  const res = byGvk.get(`${o.group}/${o.version}/${o.kind}`);
  if (res) return { res };
  const crdRes = crdResults.get(groupKind(o.group, o.kind));
  const served = [...byGvk.keys()].filter((k) => k.startsWith(`${o.group}/`) && k.endsWith(`/${o.kind}`)).map((k) => k.split('/').slice(-2, -1)[0]);
  const by = crdRes?.ok ? ` by ${crdRes.crd.file}` : '';
  return {
    reason: `apiVersion ${o.apiVersion} kind ${o.kind} is not served${served.length ? ` (served versions: ${served.join(', ')})` : ''}${by}`,
  };
}

/** Namespace objects in dist whose Pod Security enforce level is not restricted. */
export function namespacesNotRestricted(objects: readonly ObjectRecord[]): (string | undefined)[] {
  return objects
    .filter((o) => o.group === '' && o.kind === 'Namespace')
    .filter((o) => {
      const labels = o.body.metadata?.labels || {};
      return labels['pod-security.kubernetes.io/enforce'] !== 'restricted';
    })
    .map((o) => o.name);
}
