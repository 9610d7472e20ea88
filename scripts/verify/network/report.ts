// The report of verify:network: pairs per rule, the wrong ones, and the summary line. Pure.

import { formatTable } from '../core/report-table';
import type { Endpoint, Pair } from './expectations';
import type { Pod } from './pods';

export interface Row extends Pair {
  got: 'allow' | 'deny';
}

const name = (e: Endpoint | Pod) => e.id ?? `${e.namespace}/${(e as Pod).owner}`;

/** The report's lines: the rule table, then the wrong pairs (or every pair with `all`), then namespaces without default deny. */
export function reportLines(rows: readonly Row[], { unprotected, all }: { unprotected: readonly string[]; all: boolean }): string[] {
  const byRule = new Map<string, { rule: string; expect: string; ok: number; wrong: number }>();
  for (const r of rows) {
    const key = `${r.rule}|${r.expect}`;
    const s = byRule.get(key) ?? { rule: r.rule, expect: r.expect, ok: 0, wrong: 0 };
    if (r.got === r.expect) s.ok++;
    else s.wrong++;
    byRule.set(key, s);
  }
  const table = [['expect', 'pairs', 'wrong', 'rule'], ...[...byRule.values()].sort((a, b) => a.rule.localeCompare(b.rule)).map((s) => [s.expect, s.ok + s.wrong, s.wrong, s.rule])];
  const lines = formatTable(table, { rightAligned: (c) => c === 1 || c === 2 });
  const shown = all ? rows : rows.filter((r) => r.got !== r.expect);
  if (shown.length) {
    lines.push('', `${all ? 'every pair' : 'wrong pairs'}:`);
    for (const r of shown) {
      const mark = r.got === r.expect ? 'ok   ' : 'WRONG';
      lines.push(`  ${mark} ${r.expect.padEnd(5)} got ${r.got.padEnd(5)} ${name(r.from)} -> ${name(r.to)} ${r.port}/${r.protocol}  (${r.rule})`);
    }
  }
  for (const ns of unprotected) lines.push(`WRONG: namespace ${ns} runs pods but has no default-deny-all policy`);
  return lines;
}

/** The last line. */
export function summaryLine(asExpected: number, wrong: number, seconds: number): string {
  return `network: ${asExpected} pairs as expected, ${wrong} wrong (${seconds.toFixed(1)} s)`;
}
