import { ApiObject, App, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CLUSTER_SCOPED_KINDS, groupKind } from '../core/api-groups';
import { chartObjects } from '../core/apply-order';
import { isEmbedded } from '../core/embedded-scope';
import { embeddingStepOf } from '../core/workflow-resource';
import { ManifestEntry } from '../checks/manifest-entry';
import { codeSuppressions, suppressionsCovering } from '../checks/suppressions';

/** A chart's synthesized objects, in apply order. */
export interface ChartManifest {
  /** File name stem (`<chart id>`); the file is `<stem>.k8s.yaml`. */
  readonly name: string;
  readonly objects: Record<string, any>[];
  /**
   * The objects with their construct paths, plus the objects embedded in the chart's workflow
   * steps (created at run time, not applied with the chart): what the semantic checks read.
   */
  readonly entries: readonly ManifestEntry[];
}

/** JSON of an object; cluster-scoped kinds lose the namespace cdk8s stamps on them. */
function objectJson(o: ApiObject): Record<string, any> {
  const json = o.toJson();
  if (CLUSTER_SCOPED_KINDS.has(groupKind(json)) && json.metadata?.namespace !== undefined) {
    const { namespace: _dropped, ...metadata } = json.metadata;
    return { ...json, metadata };
  }
  return json;
}

/** Synthesizes one chart to JSON objects in apply order (what tests and the Pulumi stacks use). */
export function synthChart(chart: Chart): Record<string, any>[] {
  return chartObjects(chart).map(objectJson);
}

/** The chart that emits `c`'s objects: the nearest chart up the tree that is not embedded. */
function emittingChart(c: IConstruct): Chart {
  let chart = Chart.of(c);
  while (isEmbedded(chart)) chart = Chart.of(chart.node.scope!);
  return chart;
}

/**
 * Every chart's entries: its objects with their construct paths, then the objects of the embedded
 * scopes under it (a workflow's resource steps), in the workflow's namespace, each with the
 * `Checks.suppress` calls covering it. One walk of the tree.
 */
export function chartEntries(app: App, emitted: readonly Chart[]): Map<Chart, ManifestEntry[]> {
  const byChart = new Map<Chart, ManifestEntry[]>(emitted.map((c) => [c, []]));
  const name = (c: Chart) => c.node.path.replace(/\//g, '-');
  const all = app.node.findAll();
  const suppressions = codeSuppressions(all);
  const suppressed = (path: string) => {
    const list = suppressionsCovering(path, suppressions);
    return list ? { suppressions: list } : {};
  };
  for (const chart of emitted) {
    byChart.get(chart)!.push(...chartObjects(chart).map((o) => {
      const object = objectJson(o);
      return { object, chart: name(chart), path: o.node.path, namespace: object.metadata?.namespace, ...suppressed(o.node.path) };
    }));
  }
  for (const c of all) {
    if (!(c instanceof ApiObject)) continue;
    const own = Chart.of(c);
    if (!isEmbedded(own)) continue;
    const chart = emittingChart(own);
    const object = objectJson(c);
    byChart.get(chart)?.push({
      object, chart: name(chart), path: c.node.path, namespace: object.metadata?.namespace ?? chart.namespace, embeddedIn: own.node.scope?.node.path, step: embeddingStepOf(c), ...suppressed(c.node.path),
    });
  }
  return byChart;
}

