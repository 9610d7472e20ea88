// The per-chart table and summary lines of verify:apiserver, and the comparison of the first and
// second apply. Pure.

import { formatTable } from '../core/report-table';

export interface ChartRow {
  chart: string;
  objects: number;
  accepted: number;
  rejected: number;
  notApplied: number;
  embedded?: number;
  embeddedAccepted?: number;
  embeddedRejected?: number;
}

type Column = Exclude<keyof ChartRow, 'chart'>;

/**
 * charts: [{ chart, objects, accepted, rejected, notApplied, embedded?, embeddedAccepted?,
 * embeddedRejected? }]. The three embedded columns (manifests in Argo workflow steps, checked by
 * dry-run create) are shown when the rows carry `embedded`.
 */
export function formatChartTable(charts: readonly ChartRow[]): string {
  const withEmbedded = charts.some((c) => c.embedded !== undefined);
  const keys: Column[] = ['objects', 'accepted', 'rejected', 'notApplied'];
  const header = ['chart file', 'objects', 'accepted', 'rejected', 'not applied'];
  if (withEmbedded) {
    keys.push('embedded', 'embeddedAccepted', 'embeddedRejected');
    header.push('embedded', 'emb. accepted', 'emb. rejected');
  }
  const rows: (string | number)[][] = [header];
  const total = Object.fromEntries(keys.map((k) => [k, 0])) as Record<Column, number>;
  for (const c of charts) {
    rows.push([c.chart, ...keys.map((k) => c[k] ?? 0)]);
    for (const k of keys) total[k] += c[k] ?? 0;
  }
  rows.push(['total', ...keys.map((k) => total[k])]);
  const lines = formatTable(rows, { rightAligned: (c) => c > 0 });
  const rule = '-'.repeat(Math.max(...lines.map((l) => l.length)));
  return [lines[0], rule, ...lines.slice(1, -1), rule, lines[lines.length - 1]].join('\n');
}

/** The last line of every completed run; N and R include the embedded manifests. */
export function summaryLine(accepted: number, rejected: number): string {
  return `apiserver: ${accepted} objects accepted, ${rejected} rejected`;
}

/** The line before the last: embedded manifests checked (incl. unparsable ones) and rejected. */
export function embeddedSummaryLine(checked: number, rejected: number): string {
  return `embedded in workflow steps: ${checked} checked (dry-run), ${rejected} rejected`;
}

export function normalizeForCompare(obj: unknown): unknown {
  if (!obj || typeof obj !== 'object') return obj;
  const copy = JSON.parse(JSON.stringify(obj));
  if (copy.metadata) {
    delete copy.metadata.resourceVersion;
    if (Array.isArray(copy.metadata.managedFields)) {
      copy.metadata.managedFields = copy.metadata.managedFields.map(({ time: _time, ...rest }: Record<string, unknown>) => rest);
    }
  }
  return copy;
}

/**
 * Paths (a.b[0].c) where two API objects differ after normalizeForCompare. At most `limit` paths.
 */
export function diffPaths(a: unknown, b: unknown, limit = 8): string[] {
  const out: string[] = [];
  walk(normalizeForCompare(a), normalizeForCompare(b), '');
  return out;
  function walk(x: any, y: any, p: string): void {
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
