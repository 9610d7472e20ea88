// The end-of-run report of verify-apiserver: rejected objects and embedded manifests with their
// reasons, and the per-chart table. The summary lines are printed by the runner after cleanup.

import { describeEmbedded, type UnreadableManifest } from '../core/embedded';
import { describe, type ObjectRecord } from '../core/objects';
import { log } from '../core/runtime';
import type { Verdict } from './apply';
import { type ChartRow, formatChartTable } from './chart-table';

/**
 * charts: [{ chart, count }]; objects + result: from applyAll; embeddedRecords + embeddedResults:
 * extracted.embedded/errors and checkEmbedded's map. Returns the totals.
 */
export function printReport({
  charts,
  objects,
  result,
  embeddedRecords,
  embeddedResults,
}: {
  charts: readonly { chart: string; count: number }[];
  objects: readonly ObjectRecord[];
  result: ReadonlyMap<ObjectRecord, Verdict>;
  embeddedRecords: readonly (ObjectRecord | UnreadableManifest)[];
  embeddedResults: ReadonlyMap<ObjectRecord | UnreadableManifest, Verdict>;
}) {
  const failures = [...result.entries()].filter(([, r]) => r.status === 'rejected');
  if (failures.length) {
    log('==> rejected objects');
    for (const [o, r] of failures) {
      log(`  FAIL ${describe(o)} (${o.chart} doc ${o.index})`);
      for (const reason of r.reasons) log(`       ${reason}`);
    }
  }
  const embeddedFailures = embeddedRecords.filter((e) => embeddedResults.get(e)?.status === 'rejected');
  if (embeddedFailures.length) {
    log('==> rejected manifests embedded in workflow steps');
    for (const e of embeddedFailures) {
      const { reasons } = embeddedResults.get(e)!;
      if (!e.kind) {
        // unreadable manifest: the message names chart, workflow and template
        log(`  FAIL ${reasons[0]}`);
        continue;
      }
      log(`  FAIL ${describeEmbedded(e)} (${e.chart} doc ${e.index}, ${e.embeddedIn!.field})`);
      for (const reason of reasons) log(`       ${reason}`);
    }
  }
  const rows = charts.map(({ chart, count }): Required<ChartRow> => {
    const mine = objects.filter((o) => o.chart === chart).map((o) => result.get(o)?.status ?? 'rejected');
    const emb = embeddedRecords.filter((e) => e.chart === chart).map((e) => embeddedResults.get(e)?.status ?? 'rejected');
    const checked = emb.filter((st) => st !== 'notApplied');
    return {
      chart,
      objects: count,
      accepted: mine.filter((st) => st === 'accepted').length,
      rejected: mine.filter((st) => st === 'rejected').length,
      notApplied: mine.filter((st) => st === 'notApplied').length,
      embedded: checked.length,
      embeddedAccepted: checked.filter((st) => st === 'accepted').length,
      embeddedRejected: checked.filter((st) => st === 'rejected').length,
    };
  });
  const sum = (k: Exclude<keyof ChartRow, 'chart'>) => rows.reduce((s, r) => s + r[k], 0);
  log('');
  log(formatChartTable(rows));
  log('');
  return {
    accepted: sum('accepted'),
    rejected: sum('rejected'),
    notApplied: sum('notApplied'),
    embeddedChecked: sum('embedded'),
    embeddedAccepted: sum('embeddedAccepted'),
    embeddedRejected: sum('embeddedRejected'),
  };
}
