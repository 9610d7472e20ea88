/**
 * The plan's semantic check: the rules `PlatformApp` runs at synth, run over exactly the charts a
 * stack deploys (its own + the selected ones) against the stack's target, before anything is
 * registered. Each problem is turned into the config key that fixes it.
 */
import { PlatformTarget } from '../../constructs/checks/platform-target';
import { formatProblem, Problem, summaryLine } from '../../constructs/checks/semantic-rule';
import { checkManifests } from '../../constructs/app/check-manifests';
import { ChartManifest } from '../../constructs/app/chart-manifests';
import { StackConfigError } from '../config-values';
import type { StackConfig } from '../config';

/** Config keys a plan problem can point at, in the order they are reported. */
export type PlanProblemKey = 'operators' | 'gangScheduler' | 'charts';

/**
 * Which config key fixes a problem, by the rule that found it: operator coverage is about what
 * the stack installs (`operators`), except a job gang-scheduled by another scheduler than the
 * training-operator's (`gangScheduler`); a model format no runtime serves is about `operators` when
 * the stack installs no ClusterServingRuntimes at all (the kserve-runtime-configs release is left
 * out), else about the charts; every other rule is about the charts (a reference to a chart left
 * out, or a chart that would not work anywhere) → `charts`.
 */
export function configKeyOf(problem: Problem, target?: Pick<PlatformTarget, 'kserve'>): PlanProblemKey {
  if (problem.rule === 'serving-runtimes') return target?.kserve && !target.kserve.clusterServingRuntimes.length ? 'operators' : 'charts';
  if (problem.rule !== 'operator-coverage') return 'charts';
  return problem.field.startsWith('spec.runPolicy.schedulingPolicy') ? 'gangScheduler' : 'operators';
}

/** Throws one `StackConfigError` listing every problem, keyed by the first key any problem names. */
export function checkDeployedCharts(config: Pick<StackConfig, 'operators' | 'gangScheduler' | 'charts'>, manifests: readonly ChartManifest[], target: PlatformTarget): void {
  const report = checkManifests(manifests, target);
  if (!report.problems.length) return;
  const byKey = new Map<PlanProblemKey, Problem[]>();
  for (const p of report.problems) {
    const key = configKeyOf(p, target);
    byKey.set(key, [...(byKey.get(key) ?? []), p]);
  }
  const key = (['operators', 'gangScheduler', 'charts'] as const).find((k) => byKey.has(k))!;
  const value = key === 'operators' ? config.operators : key === 'gangScheduler' ? config.gangScheduler : config.charts ?? '(every chart)';
  const lines = [...byKey.entries()].flatMap(([k, ps]) => ps.map((p) => `[${k}] [${p.entry.chart}] ${formatProblem(p)}`));
  throw new StackConfigError(key, value, `the charts this stack deploys would not work on its cluster (${target.source}):\n  ${lines.join('\n  ')}\n${summaryLine(report)}`);
}
