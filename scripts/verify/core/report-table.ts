// The text tables of the rungs' reports: columns padded to their widest cell.

export interface TableOptions {
  /** Columns to right-align (numbers); the others are left-aligned. */
  rightAligned?: (column: number) => boolean;
  /** Cut cells of a column to this many characters (with …). */
  maxWidths?: readonly (number | undefined)[];
}

export function truncate(s: unknown, n: number): string {
  const t = String(s);
  return t.length <= n ? t : `${t.slice(0, n - 1)}…`;
}

/** rows (the first is the header) -> lines, cells joined by two spaces, trailing blanks cut. */
export function formatTable(rows: readonly (readonly unknown[])[], { rightAligned = () => false, maxWidths = [] }: TableOptions = {}): string[] {
  const cells = rows.map((r) => r.map((cell, c) => (maxWidths[c] === undefined ? String(cell) : truncate(cell, maxWidths[c]!))));
  const widths = cells[0].map((_, c) => Math.max(...cells.map((r) => r[c].length)));
  return cells.map((r) =>
    r
      .map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
      .join('  ')
      .trimEnd(),
  );
}
