// Which CRDs verify:pulumi installs: those the selected operators' installs bring, limited to what
// ../shared/crds has, and the custom kinds no selected operator brings a CRD for. Pure.

import type { CrdInfo } from '../core/crd-index';
import type { KubeObject } from '../core/objects';

/**
 * API groups whose CRDs each operator's install brings (its chart's or kustomization's crds/),
 * limited to what the offline check can install from ../shared/crds and, for kinds it lacks, the
 * pinned charts' own CRDs (scripts/verify/core/chart-crds.ts). Read from the pinned
 * releases: argo-helm argo-workflows (crds.install, default true), kserve-crd chart, Kueue chart
 * (config/components/crd), training-operator v1.9.4 standalone overlay (manifests/base/crds),
 * kube-prometheus-stack (charts/crds: prometheus-operator CRDs), Volcano chart, Karpenter chart.
 * cert-manager (cert-manager.io, acme.cert-manager.io) and the GPU operator (nvidia.com) bring
 * CRDs that are not stored in ../shared/crds; nothing the charts deploy uses them.
 * A `crdGroups` field on a release (stacks/operators/versions.ts) takes precedence.
 */
export const OPERATOR_CRD_GROUPS: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'cert-manager': [],
  'gpu-operator': [],
  'kube-prometheus-stack': ['monitoring.coreos.com'],
  'training-operator': ['kubeflow.org'],
  'argo-workflows': ['argoproj.io'],
  'kserve-crd': ['serving.kserve.io'],
  kserve: [],
  kueue: ['kueue.x-k8s.io'],
  volcano: ['scheduling.volcano.sh', 'batch.volcano.sh'],
  'cluster-autoscaler': [],
  karpenter: ['karpenter.sh', 'karpenter.k8s.aws'],
});

/** CRD groups of the selected releases ({name, crdGroups?}); unknown names are returned apart. */
export function crdGroupsFor(releases: readonly { name: string; crdGroups?: readonly string[] }[]): { groups: string[]; unknown: string[] } {
  const groups = new Set<string>();
  const unknown: string[] = [];
  for (const r of releases) {
    const g = Array.isArray(r.crdGroups) ? r.crdGroups : OPERATOR_CRD_GROUPS[r.name];
    if (!g) unknown.push(r.name);
    else for (const x of g) groups.add(x);
  }
  return { groups: [...groups].sort(), unknown };
}

/**
 * The CRDs to install for `groups`: every stored CRD of those groups, the `_released/` copy (a
 * release tag, as the operator pins are) preferred over the newest one. Returns key -> info.
 */
export function selectCrds<T extends Pick<CrdInfo, 'group' | 'kind'>>(newestInfos: readonly T[], releasedInfos: readonly T[], groups: readonly string[]): Map<string, T> {
  const out = new Map<string, T>();
  for (const info of [...newestInfos, ...releasedInfos]) {
    if (groups.includes(info.group)) out.set(`${info.group}/${info.kind}`, info);
  }
  return out;
}

/** API group of an apiVersion ('' for the core group). */
export const groupOf = (apiVersion: string): string => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/** Built into kube-apiserver (no CRD): the core group, dotless groups and *.k8s.io but not *.x-k8s.io. */
export function isBuiltinGroup(group: string): boolean {
  return group === '' || !group.includes('.') || (group.endsWith('.k8s.io') && !group.endsWith('.x-k8s.io'));
}

/** Custom kinds the manifests deploy whose CRD is not among `installed` (group/kind keys), with the charts using them. */
export function kindsWithoutCrd(manifests: readonly { name: string; objects: readonly KubeObject[] }[], installed: ReadonlySet<string>) {
  const missing = new Map<string, { kind: string; group: string; charts: Set<string> }>();
  for (const m of manifests) {
    for (const o of m.objects) {
      const group = groupOf(o.apiVersion);
      if (isBuiltinGroup(group) || installed.has(`${group}/${o.kind}`)) continue;
      const key = `${o.kind} (${o.apiVersion})`;
      if (!missing.has(key)) missing.set(key, { kind: key, group, charts: new Set() });
      missing.get(key)!.charts.add(m.name);
    }
  }
  return [...missing.values()].map((m) => ({ ...m, charts: [...m.charts].sort() })).sort((a, b) => a.kind.localeCompare(b.kind));
}
