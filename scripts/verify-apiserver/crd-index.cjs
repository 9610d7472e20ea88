'use strict';
// CRD index of verify-apiserver (re-exported by lib.cjs): which file defines which group/kind.

const path = require('node:path');

/**
 * Cheap CRD header extraction: controller-gen writes spec.group, spec.names and spec.scope before
 * the (huge) spec.versions, so parsing the text up to the top-level "  versions:" line is enough
 * and avoids parsing multi-megabyte schemas. Returns the prefix text or null.
 */
function crdHeaderText(text) {
  const m = /^ {2}versions:\s*$/m.exec(text);
  if (!m) return null;
  return text.slice(0, m.index);
}

/** Summarise a parsed CRD object (header only is fine). Returns null if it is not a CRD. */
function crdInfo(doc, file) {
  if (!doc || doc.kind !== 'CustomResourceDefinition' || !doc.spec) return null;
  const { spec } = doc;
  if (!spec.group || !spec.names || !spec.names.kind) return null;
  return {
    file,
    name: (doc.metadata && doc.metadata.name) || `${spec.names.plural}.${spec.group}`,
    group: spec.group,
    kind: spec.names.kind,
    plural: spec.names.plural,
    scope: spec.scope,
    conversion: spec.conversion && spec.conversion.strategy ? spec.conversion.strategy : 'None',
  };
}

/**
 * Build group/kind -> CRD info from a list of CRD infos. When several files define the same
 * group/kind (e.g. book/ copies), the file under a directory named after the group wins.
 */
function buildCrdIndex(infos) {
  const index = new Map();
  const duplicates = [];
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

module.exports = { crdHeaderText, crdInfo, buildCrdIndex };
