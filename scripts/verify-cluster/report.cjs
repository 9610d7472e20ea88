'use strict';
// Output of verify-cluster: the per-workload table, the failure list and the summary line.
// Pure (unit-tested by test/verify-cluster/).

const VERDICTS = Object.freeze({ READY: 'ready', FAILED: 'FAILED', PENDING: 'pending-as-expected' });

function pad(s, n) {
  const t = String(s);
  return t.length >= n ? t : t + ' '.repeat(n - t.length);
}

function truncate(s, n) {
  const t = String(s);
  return t.length <= n ? t : `${t.slice(0, n - 1)}…`;
}

/**
 * rows: [{ id, origin, verdict, pools, detail }] -> table lines. Columns: workload, from,
 * verdict, pool(s), detail (the detail is truncated; failures are listed in full below it).
 */
function workloadTable(rows) {
  const head = { id: 'workload', origin: 'from', verdict: 'verdict', pools: 'pool(s)', detail: 'detail' };
  const all = [head, ...rows.map((r) => ({ ...r, pools: (r.pools || []).join(',') || '-' }))];
  const w = (k, max) => Math.min(max, Math.max(...all.map((r) => String(r[k]).length)));
  const widths = { id: w('id', 60), origin: w('origin', 44), verdict: w('verdict', 19), pools: w('pools', 12) };
  return all.map((r) => [
    pad(truncate(r.id, widths.id), widths.id),
    pad(truncate(r.origin, widths.origin), widths.origin),
    pad(r.verdict, widths.verdict),
    pad(truncate(r.pools, widths.pools), widths.pools),
    truncate(r.detail, 110),
  ].join('  ').trimEnd());
}

/** Every failed row with each reason on its own line. */
function failureLines(rows) {
  const out = [];
  for (const r of rows.filter((x) => x.verdict === VERDICTS.FAILED)) {
    out.push(`  FAIL ${r.id} (${r.origin}): ${r.detail}`);
    for (const reason of r.reasons || []) out.push(`       - ${reason}`);
  }
  return out;
}

function counts(rows) {
  return {
    ready: rows.filter((r) => r.verdict === VERDICTS.READY).length,
    failed: rows.filter((r) => r.verdict === VERDICTS.FAILED).length,
    pending: rows.filter((r) => r.verdict === VERDICTS.PENDING).length,
  };
}

/** The last line of every run that could run at all. */
function summaryLine({ ready, failed, pending }) {
  return `cluster: ${ready} workloads ready, ${failed} failed, ${pending} pending-as-expected`;
}

module.exports = { VERDICTS, workloadTable, failureLines, counts, summaryLine };
