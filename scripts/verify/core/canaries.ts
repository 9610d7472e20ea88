// Canaries: known-bad inputs a rung applies next to dist/ on every run. Each must fail for its
// stated reason; one that does not ("missed") fails the run, because a check never seen failing
// proves nothing (issue 21). Canaries are not counted in a rung's N/R/M. Pure.

/** One canary and what the run saw. */
export interface CanaryResult {
  /** Stable name, e.g. `rbac-escalation-by-workflow-identity`. */
  name: string;
  /** What a catch proves, one sentence. */
  proves: string;
  caught: boolean;
  /** What the run saw: the refusal it expected, or why the canary counts as missed. */
  seen: string;
}

/** The line right before a rung's last line: `canaries: C/T caught`. */
export function canaryLine(results: readonly CanaryResult[]): string {
  return `canaries: ${results.filter((r) => r.caught).length}/${results.length} caught`;
}

/**
 * The verdict over a run's canaries: true only when there are at least `minimum` and every one was
 * caught (a run that silently ran fewer canaries than it promises is not a pass either).
 */
export function canariesHold(results: readonly CanaryResult[], minimum: number): boolean {
  return results.length >= minimum && results.every((r) => r.caught);
}

/**
 * Appended to a rung's last line when the canaries do not hold, so the last line alone shows why
 * the run failed although N/R/M look clean; empty otherwise.
 */
export function missedSuffix(results: readonly CanaryResult[], minimum: number): string {
  if (canariesHold(results, minimum)) return '';
  const missed = results.filter((r) => !r.caught).length;
  const short = Math.max(0, minimum - results.length);
  return [missed ? `, ${missed} canar${missed === 1 ? 'y' : 'ies'} not caught` : '', short ? `, ${short} canar${short === 1 ? 'y' : 'ies'} not run` : ''].join('');
}

/** One line per canary: `caught <name>: <seen>` or `MISSED <name> (proves: ...): <seen>`. */
export function canaryReportLines(results: readonly CanaryResult[]): string[] {
  return results.map((r) => (r.caught ? `  caught ${r.name}: ${r.seen}` : `  MISSED ${r.name} (would prove: ${r.proves}): ${r.seen}`));
}

/** A run's exit code with its canaries: a clean run (0) becomes 1 when they do not hold. */
export function exitCodeWithCanaries(code: number, results: readonly CanaryResult[], minimum: number): number {
  return code === 0 && !canariesHold(results, minimum) ? 1 : code;
}
