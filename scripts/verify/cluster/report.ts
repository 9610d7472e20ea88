// Output of verify-cluster: the per-workload table, the failure list and the summary line.
// Pure (unit-tested by test/verify/cluster/).

import { formatTable } from '../core/report-table';

export interface WorkloadRow {
  id: string;
  origin: string;
  verdict: string;
  pools: string[];
  detail: string;
  reasons?: string[];
  /**
   * 'object' for what runs no pod (an autoscaler or budget on its target, a queue, a namespace
   * finalized): its failures count, but it is not one of the W workloads ready.
   * @default 'workload'
   */
  counted?: 'workload' | 'object';
}

export const VERDICTS = Object.freeze({ READY: 'ready', FAILED: 'FAILED', PENDING: 'pending-as-expected', SUCCEEDED: 'succeeded' });

/**
 * rows: [{ id, origin, verdict, pools, detail }] -> table lines. Columns: workload, from,
 * verdict, pool(s), detail (the detail is truncated; failures are listed in full below it).
 */
export function workloadTable(rows: readonly WorkloadRow[]): string[] {
  const table = [['workload', 'from', 'verdict', 'pool(s)', 'detail'], ...rows.map((r) => [r.id, r.origin, r.verdict, (r.pools || []).join(',') || '-', r.detail])];
  return formatTable(table, { maxWidths: [60, 44, 19, 12, 110] });
}

/** Every failed row with each reason on its own line. */
export function failureLines(rows: readonly WorkloadRow[]): string[] {
  const out: string[] = [];
  for (const r of rows.filter((x) => x.verdict === VERDICTS.FAILED)) {
    out.push(`  FAIL ${r.id} (${r.origin}): ${r.detail}`);
    for (const reason of r.reasons || []) out.push(`       - ${reason}`);
  }
  return out;
}

/** Every pending-as-expected row that says why. */
export function pendingLines(rows: readonly WorkloadRow[]): string[] {
  return rows.filter((r) => r.verdict === VERDICTS.PENDING && r.reasons?.length).flatMap((r) => [`  PENDING ${r.id} (${r.origin}): ${r.detail}`, ...r.reasons!.map((x) => `       - ${x}`)]);
}

export function counts(rows: readonly WorkloadRow[]): { ready: number; failed: number; pending: number; objects: number } {
  return {
    ready: rows.filter((r) => r.verdict === VERDICTS.READY && r.counted !== 'object').length,
    failed: rows.filter((r) => r.verdict === VERDICTS.FAILED).length,
    pending: rows.filter((r) => r.verdict === VERDICTS.PENDING).length,
    objects: rows.filter((r) => r.verdict === VERDICTS.READY && r.counted === 'object').length,
  };
}

/** The line before the summary: what resolved without running pods (not among the workloads). */
export function objectsLine({ objects }: { objects: number }): string {
  return `objects: ${objects} resolved without pods of their own (autoscalers and budgets on their targets, queues active, namespaces finalized)`;
}

/**
 * The last line of every run that could run at all; with Workflow runs (failed ones are in
 * `failed` too), `; workflows S/T succeeded`.
 */
export function summaryLine({ ready, failed, pending }: { ready: number; failed: number; pending: number }, workflows?: { succeeded: number; total: number }): string {
  return `cluster: ${ready} workloads ready, ${failed} failed, ${pending} pending-as-expected${workflows ? `; workflows ${workflows.succeeded}/${workflows.total} succeeded` : ''}`;
}
