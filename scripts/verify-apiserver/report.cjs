'use strict';
// Report formatting and second-apply comparison of verify-apiserver (re-exported by lib.cjs).

function padTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ').trimEnd());
}

/**
 * charts: [{ chart, objects, accepted, rejected, notApplied, embedded?, embeddedAccepted?,
 * embeddedRejected? }]. The three embedded columns (manifests in Argo workflow steps, checked by
 * dry-run create) are shown when the rows carry `embedded`.
 */
function formatChartTable(charts) {
  const withEmbedded = charts.some((c) => c.embedded !== undefined);
  const keys = ['objects', 'accepted', 'rejected', 'notApplied'];
  const header = ['chart file', 'objects', 'accepted', 'rejected', 'not applied'];
  if (withEmbedded) {
    keys.push('embedded', 'embeddedAccepted', 'embeddedRejected');
    header.push('embedded', 'emb. accepted', 'emb. rejected');
  }
  const rows = [header];
  const total = Object.fromEntries(keys.map((k) => [k, 0]));
  for (const c of charts) {
    rows.push([c.chart, ...keys.map((k) => c[k] ?? 0)]);
    for (const k of keys) total[k] += c[k] ?? 0;
  }
  rows.push(['total', ...keys.map((k) => total[k])]);
  const lines = padTable(rows);
  const rule = '-'.repeat(Math.max(...lines.map((l) => l.length)));
  return [lines[0], rule, ...lines.slice(1, -1), rule, lines[lines.length - 1]].join('\n');
}

/** The last line of every completed run; N and R include the embedded manifests. */
function summaryLine(accepted, rejected) {
  return `apiserver: ${accepted} objects accepted, ${rejected} rejected`;
}

/** The line before the last: embedded manifests checked (incl. unparsable ones) and rejected. */
function embeddedSummaryLine(checked, rejected) {
  return `embedded in workflow steps: ${checked} checked (dry-run), ${rejected} rejected`;
}

function normalizeForCompare(obj) {
  if (!obj || typeof obj !== 'object') return obj;
  const copy = JSON.parse(JSON.stringify(obj));
  if (copy.metadata) {
    delete copy.metadata.resourceVersion;
    if (Array.isArray(copy.metadata.managedFields)) {
      copy.metadata.managedFields = copy.metadata.managedFields.map(({ time, ...rest }) => rest);
    }
  }
  return copy;
}

/**
 * Paths (a.b[0].c) where two API objects differ after normalizeForCompare. At most `limit` paths.
 */
function diffPaths(a, b, limit = 8) {
  const out = [];
  walk(normalizeForCompare(a), normalizeForCompare(b), '');
  return out;
  function walk(x, y, p) {
    if (out.length >= limit) return;
    if (x === y) return;
    const bothObjects = x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y);
    if (!bothObjects) {
      out.push(p || '<root>');
      return;
    }
    if (Array.isArray(x)) {
      if (x.length !== y.length) {
        out.push(p || '<root>');
        return;
      }
      for (let i = 0; i < x.length; i++) walk(x[i], y[i], `${p}[${i}]`);
      return;
    }
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of [...keys].sort()) walk(x[k], y[k], p ? `${p}.${k}` : k);
  }
}


module.exports = { formatChartTable, summaryLine, embeddedSummaryLine, normalizeForCompare, diffPaths };
