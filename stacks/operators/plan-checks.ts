/**
 * The plan's semantic check: the rules `PlatformApp` runs at synth, run over exactly the charts a
 * stack deploys (its own + the selected ones) against the stack's target, before anything is
 * registered. Each problem is turned into the config key that fixes it.
 */
import { PlatformTarget } from '../../constructs/checks/platform-target';
import { formatProblem, Problem, summaryLine } from '../../constructs/checks/semantic-rule';
import { ChartManifest, checkManifests } from '../../constructs/core/platform-app';
import { StackConfigError } from '../config-values';
import type { StackConfig } from '../config';

/** Config keys a plan problem can point at, in the order they are reported. */
export type PlanProblemKey = 'operators' | 'gangScheduler' | 'charts';

/**
 * Which config key fixes a problem: a kind nobody serves, a queue label Kueue does not read for
 * that kind, or a scheduler that does not run → `operators`; a job gang-scheduled by another
 * scheduler than the training-operator's → `gangScheduler`; anything else is about the charts (a
 * reference to a chart left out, or a chart that would not work anywhere) → `charts`.
 */
export function configKeyOf(problem: Problem): PlanProblemKey {
  const field = problem.field;
  if (field === 'kind' || field.includes('kueue.x-k8s.io/queue-name') || field.endsWith('.schedulerName')) return 'operators';
  if (field.startsWith('spec.runPolicy.schedulingPolicy')) return 'gangScheduler';
  return 'charts';
}

/** Throws one `StackConfigError` listing every problem, keyed by the first key any problem names. */
export function checkDeployedCharts(config: Pick<StackConfig, 'operators' | 'gangScheduler' | 'charts'>, manifests: readonly ChartManifest[], target: PlatformTarget): void {
  const report = checkManifests(manifests, target);
  if (!report.problems.length) return;
  const byKey = new Map<PlanProblemKey, Problem[]>();
  for (const p of report.problems) {
    const key = configKeyOf(p);
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  const key = (['operators', 'gangScheduler', 'charts'] as const).find((k) => byKey.has(k))!;
  const value = key === 'operators' ? config.operators : key === 'gangScheduler' ? config.gangScheduler : config.charts ?? '(every chart)';
  const lines = [...byKey.entries()].flatMap(([k, ps]) => ps.map((p) => `[${k}] [${p.entry.chart}] ${formatProblem(p)}`));
  throw new StackConfigError(key, value, `the charts this stack deploys would not work on its cluster (${target.source}):\n  ${lines.join('\n  ')}\n${summaryLine(report)}`);
}
