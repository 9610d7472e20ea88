import { ObjectIndex } from '../../../constructs/checks/object-index';
import { ManifestEntry } from '../../../constructs/checks/manifest-entry';
import { PlatformTarget } from '../../../constructs/checks/platform-target';
import { formatProblem, runSemanticChecks, SemanticRule } from '../../../constructs/checks/semantic-rule';
import { StorageProfiles } from '../../../constructs/core/storage-profile';

/** An object, optionally embedded in a workflow step (`embeddedIn` = the workflow's construct path). */
export type TestObject = Record<string, any> & { readonly embeddedIn?: string; readonly step?: string };

/** Entries as PlatformApp makes them: construct path `t/<kind><i>/Resource`, namespace from metadata. */
export function entriesOf(objects: readonly TestObject[]): ManifestEntry[] {
  return objects.map(({ embeddedIn, step, ...object }, i) => ({
    object, chart: 't', path: `t/${object.kind}${i}/Resource`, namespace: object.metadata?.namespace ?? (embeddedIn ? 'ns' : undefined), embeddedIn, step,
  }));
}

/** The formatted findings (errors, then warnings) one rule reports for `objects`. */
export function problemsOf(rule: SemanticRule, objects: readonly TestObject[], target?: PlatformTarget): string[] {
  const report = runSemanticChecks(new ObjectIndex(entriesOf(objects)), [rule], target);
  return [...report.problems, ...report.warnings].map(formatProblem);
}

/** The findings one rule reports, split by severity. */
export function findingsOf(rule: SemanticRule, objects: readonly TestObject[], target?: PlatformTarget): { errors: string[]; warnings: string[] } {
  const report = runSemanticChecks(new ObjectIndex(entriesOf(objects)), [rule], target);
  return { errors: report.problems.map(formatProblem), warnings: report.warnings.map(formatProblem) };
}

/** A target with the given parts and nothing else installed. */
export function testTarget(parts: Partial<PlatformTarget> = {}): PlatformTarget {
  return {
    source: 'test target',
    servedKinds: new Map(),
    operators: [],
    schedulers: new Set(['default-scheduler']),
    metricsApis: { resource: true, custom: false, external: false },
    storage: StorageProfiles.LOCAL,
    ...parts,
  };
}

/** An Argo Workflow in namespace `ns` with the given templates (a DAG of all of them as entrypoint). */
export function workflow(name: string, templates: Record<string, any>[], spec: Record<string, any> = {}): TestObject {
  return {
    apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name, namespace: 'ns' },
    spec: { entrypoint: 'main', ...spec, templates: [{ name: 'main', dag: { tasks: templates.map((t) => ({ name: t.name, template: t.name, ...(t.task ?? {}) })) } }, ...templates.map(({ task: _t, ...t }) => t)] },
  };
}
