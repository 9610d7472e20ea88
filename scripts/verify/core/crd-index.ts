// CRD index of the harness: which file defines which group/kind. Pure.

import path from 'node:path';

export interface CrdInfo {
  file: string;
  name: string;
  group: string;
  kind: string;
  plural: string;
  scope: string;
  conversion: string;
  /** Written by this project for a kind with no upstream CRD in the shared set. */
  projectAuthored?: boolean;
  /** Taken from this operator's own release (not in the shared set). */
  operatorRelease?: string;
  /** The CRD's text when it is not the file's (a chart template's document without its templating: chart-crds.ts). */
  text?: string;
}

export interface CrdDuplicate {
  key: string;
  used: string;
  ignored: string;
}

/**
 * Cheap CRD header extraction: controller-gen writes spec.group, spec.names and spec.scope before
 * the (huge) spec.versions, so parsing the text up to the top-level "  versions:" line is enough
 * and avoids parsing multi-megabyte schemas. Returns the prefix text or null.
 */
export function crdHeaderText(text: string): string | null {
  const m = /^ {2}versions:\s*$/m.exec(text);
  if (!m) return null;
  return text.slice(0, m.index);
}

/** Summarise a parsed CRD object (header only is fine). Returns null if it is not a CRD. */
export function crdInfo(doc: any, file: string): CrdInfo | null {
  if (doc?.kind !== 'CustomResourceDefinition' || !doc.spec) return null;
  const { spec } = doc;
  if (!spec.group || !spec.names?.kind) return null;
  return {
    file,
    name: (doc.metadata?.name) || `${spec.names.plural}.${spec.group}`,
    group: spec.group,
    kind: spec.names.kind,
    plural: spec.names.plural,
    scope: spec.scope,
    conversion: spec.conversion?.strategy ? spec.conversion.strategy : 'None',
  };
}

/**
 * Build group/kind -> CRD info from a list of CRD infos. When several files define the same
 * group/kind (e.g. book/ copies), the file under a directory named after the group wins.
 */
export function buildCrdIndex(infos: readonly (CrdInfo | null)[]): { index: Map<string, CrdInfo>; duplicates: CrdDuplicate[] } {
  const index = new Map<string, CrdInfo>();
  const duplicates: CrdDuplicate[] = [];
  for (const info of infos) {
    if (!info) continue;
    const key = `${info.group}/${info.kind}`;
    const prev = index.get(key);
    if (!prev) {
      index.set(key, info);
      continue;
    }
    const preferNew = path.basename(path.dirname(info.file)) === info.group
      && path.basename(path.dirname(prev.file)) !== prev.group;
    if (preferNew) {
      index.set(key, info);
      duplicates.push({ key, used: info.file, ignored: prev.file });
    } else {
      duplicates.push({ key, used: prev.file, ignored: info.file });
    }
  }
  return { index, duplicates };
}
