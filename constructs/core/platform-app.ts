import * as fs from 'node:fs';
import * as path from 'node:path';
import { ApiObject, App, AppProps, Chart, YamlOutputType } from 'cdk8s';
import { IConstruct } from 'constructs';
import { nameProblem, NameRule } from './names';
import { arrayOf, instanceOf, oneOf, optional, PropChecks, requireProps, shape } from './required-props';
import { embeddingStepOf } from './workflow-resource';
import { YamlWriter } from './yaml-writer';
import { isCoreGroup } from '../checks/kinds';
import { ManifestEntry, ObjectIndex } from '../checks/object-index';
import { PlatformTarget } from '../checks/platform-target';
import { CheckReport, formatProblem, runSemanticChecks, SemanticRule, summaryLine } from '../checks/semantic-rule';
import { SEMANTIC_RULES } from '../checks/rules';

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

/** Props of `PlatformApp`. */
export interface PlatformAppProps extends AppProps {
  /**
   * The cluster the manifests are for: enables the checks that need to know its operators,
   * schedulers, metrics APIs and storage.
   * @default - only the checks that need no target run
   */
  readonly target?: PlatformTarget;
  /** @default SEMANTIC_RULES */
  readonly rules?: readonly SemanticRule[];
}

const PLATFORM_TARGET = shape<PlatformTarget>({
  source: 'string',
  servedKinds: instanceOf(Map, 'a Map of group/Kind to operator'),
  installableKinds: optional(instanceOf(Map, 'a Map of group/Kind to operator')),
  existingNamespaces: optional(arrayOf('string')),
  operators: arrayOf('string'),
  schedulers: instanceOf(Set, 'a Set of scheduler names'),
  trainingOperator: optional('object'),
  kueue: optional('object'),
  kserve: optional('object'),
  argo: optional('object'),
  metricsApis: 'object',
  storage: 'object',
  nodePools: optional(instanceOf(Map, 'a Map of pool name to shape (poolShapes(pools))')),
  prometheus: optional('object'),
}, "a platform target (the stacks' defaultPlatformTarget(...) or platformTarget(...))");

const PROP_CHECKS: PropChecks<PlatformAppProps> = {
  outdir: optional('string'),
  outputFileExtension: optional('string'),
  yamlOutputType: optional(oneOf(YamlOutputType, 'YamlOutputType')),
  recordConstructMetadata: optional('boolean'),
  resolvers: optional(arrayOf('object')),
  target: optional(PLATFORM_TARGET),
  rules: optional(arrayOf('object')),
};

/**
 * Output directories of the PlatformApps of this process, resolved: scripts/synth.mjs names them
 * when a synth fails (it runs the entry in its own process, so it cannot ask the app itself).
 */
export const PLATFORM_APP_OUTDIRS = Symbol.for('mlpatterns.dev/platform-app-outdirs');

function recordOutdir(outdir: string): void {
  const registry = globalThis as { [PLATFORM_APP_OUTDIRS]?: Set<string> };
  registry[PLATFORM_APP_OUTDIRS] ??= new Set();
  registry[PLATFORM_APP_OUTDIRS].add(path.resolve(outdir));
}

/** Charts that exist only to be embedded elsewhere (e.g. workflow resource steps) say so. */
export interface IEmbeddedScope extends IConstruct {
  readonly embedded: true;
}

const isEmbedded = (c: IConstruct): boolean => (c as Partial<IEmbeddedScope>).embedded === true;

/**
 * Apply order by kind: what others refer to comes first (namespaces, CRDs, identities, policy,
 * configuration, storage, workloads, custom resources last). Unknown core kinds sit with workloads.
 */
const KIND_RANK: Record<string, number> = {
  Namespace: 0, CustomResourceDefinition: 1, PriorityClass: 2, StorageClass: 2,
  ServiceAccount: 3, ClusterRole: 4, Role: 4, ClusterRoleBinding: 5, RoleBinding: 5,
  ResourceQuota: 6, LimitRange: 6, NetworkPolicy: 7, ConfigMap: 8, Secret: 8,
  PersistentVolumeClaim: 9, Service: 10, Deployment: 11, StatefulSet: 11, DaemonSet: 11,
  Job: 11, CronJob: 11, HorizontalPodAutoscaler: 12, PodDisruptionBudget: 12,
};
const WORKLOAD_RANK = 11;
const CUSTOM_RESOURCE_RANK = 20;

/** The API group of an apiVersion (`''` for the core group `v1`). */
export function apiGroupOf(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** True for the apiVersion of a Kubernetes kind (core group), false for a CRD's. */
export function isCoreApiVersion(apiVersion: string): boolean {
  return isCoreGroup(apiGroupOf(apiVersion));
}

/** Where a kind goes in apply order: lower first (namespaces, RBAC, config, storage, workloads, custom resources). */
export function applyRank(obj: { apiVersion: string; kind: string }): number {
  return rankOf(obj);
}

function rankOf(obj: { apiVersion: string; kind: string }): number {
  return isCoreApiVersion(obj.apiVersion) ? KIND_RANK[obj.kind] ?? WORKLOAD_RANK : CUSTOM_RESOURCE_RANK;
}

/** The name rule the apiserver applies to objects of a kind. */
function nameRuleOf(kind: string): NameRule {
  if (kind === 'Service') return NameRule.DNS_1035_LABEL;
  if (kind === 'Namespace') return NameRule.DNS_LABEL;
  return NameRule.DNS_SUBDOMAIN;
}

/**
 * Objects of one chart in apply order: kind rank first, then construct-tree order, with explicit
 * `node.addDependency` between objects of the chart honoured (Kahn's algorithm, linear).
 */
export function chartObjects(chart: Chart): ApiObject[] {
  const objects = chart.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject && Chart.of(c) === chart);
  const index = new Map(objects.map((o, i) => [o, i] as const));
  const indegree = new Map<ApiObject, number>(objects.map((o) => [o, 0]));
  const dependents = new Map<ApiObject, ApiObject[]>();
  for (const obj of objects) {
    for (const dep of obj.node.dependencies) {
      for (const target of dep.node.findAll().filter((t): t is ApiObject => t instanceof ApiObject && index.has(t))) {
        if (target === obj) continue;
        indegree.set(obj, (indegree.get(obj) ?? 0) + 1);
        const list = dependents.get(target);
        if (list) list.push(obj);
        else dependents.set(target, [obj]);
      }
    }
  }
  const key = (o: ApiObject) => rankOf(o) * 1e9 + (index.get(o) ?? 0);
  const ready = objects.filter((o) => indegree.get(o) === 0).sort((a, b) => key(a) - key(b));
  const ordered: ApiObject[] = [];
  // `head` instead of shift(): shifting a large array is linear, which made big charts quadratic.
  for (let head = 0; head < ready.length; head++) {
    const next = ready[head];
    ordered.push(next);
    for (const d of dependents.get(next) ?? []) {
      const left = (indegree.get(d) ?? 0) - 1;
      indegree.set(d, left);
      if (left === 0) {
        // insert keeping `ready` sorted: dependency chains are short, so this stays cheap.
        const k = key(d);
        let at = head + 1;
        while (at < ready.length && key(ready[at]) <= k) at++;
        ready.splice(at, 0, d);
      }
    }
  }
  if (ordered.length !== objects.length) {
    const done = new Set(ordered);
    const stuck = objects.filter((o) => !done.has(o)).map((o) => o.node.path);
    throw new Error(`dependency cycle between objects of chart '${chart.node.path}': ${stuck.join(', ')}`);
  }
  return ordered;
}

/**
 * Cluster-scoped kinds (`group/Kind`, core group empty). cdk8s stamps a chart's namespace on every
 * object; on these it is meaningless and rejected by strict tools, so it is removed.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  '/Namespace', '/PersistentVolume', 'storage.k8s.io/StorageClass', 'scheduling.k8s.io/PriorityClass',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'networking.k8s.io/IngressClass', 'node.k8s.io/RuntimeClass',
  'kueue.x-k8s.io/ClusterQueue', 'kueue.x-k8s.io/ResourceFlavor', 'kueue.x-k8s.io/WorkloadPriorityClass', 'kueue.x-k8s.io/Cohort',
  'scheduling.volcano.sh/Queue', 'trainer.kubeflow.org/ClusterTrainingRuntime', 'serving.kserve.io/ClusterServingRuntime',
  'serving.kserve.io/ClusterStorageContainer', 'argoproj.io/ClusterWorkflowTemplate', 'karpenter.sh/NodePool',
  'karpenter.k8s.aws/EC2NodeClass',
]);

/** `group/Kind` of a manifest (`/Kind` for the core group). */
export function groupKind(obj: { apiVersion: string; kind: string }): string {
  return `${apiGroupOf(obj.apiVersion)}/${obj.kind}`;
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
 * scopes under it (a workflow's resource steps), in the workflow's namespace. One walk of the tree.
 */
function chartEntries(app: App, emitted: readonly Chart[]): Map<Chart, ManifestEntry[]> {
  const byChart = new Map<Chart, ManifestEntry[]>(emitted.map((c) => [c, []]));
  const name = (c: Chart) => c.node.path.replace(/\//g, '-');
  for (const chart of emitted) {
    byChart.get(chart)!.push(...chartObjects(chart).map((o) => {
      const object = objectJson(o);
      return { object, chart: name(chart), path: o.node.path, namespace: object.metadata?.namespace };
    }));
  }
  for (const c of app.node.findAll()) {
    if (!(c instanceof ApiObject)) continue;
    const own = Chart.of(c);
    if (!isEmbedded(own)) continue;
    const chart = emittingChart(own);
    const object = objectJson(c);
    byChart.get(chart)?.push({
      object, chart: name(chart), path: c.node.path, namespace: object.metadata?.namespace ?? chart.namespace, embeddedIn: own.node.scope?.node.path, step: embeddingStepOf(c),
    });
  }
  return byChart;
}

/** Runs the semantic rules over the entries of `manifests` (one index, one pass per rule). */
export function checkManifests(manifests: readonly ChartManifest[], target: PlatformTarget | undefined, rules: readonly SemanticRule[] = SEMANTIC_RULES): CheckReport {
  return runSemanticChecks(new ObjectIndex(manifests.flatMap((m) => m.entries)), rules, target);
}

/** Throws listing every problem of a check report. */
export function assertNoProblems(report: CheckReport, what = 'Semantic checks failed'): void {
  if (report.problems.length) {
    throw new Error(`${what} (${report.problems.length} problems):\n  ${report.problems.map(formatProblem).join('\n  ')}\n${summaryLine(report)}`);
  }
}

/**
 * A cdk8s App whose synth is linear in the number of objects and atomic on disk.
 *
 * Stock `App.synth()` re-prepares the whole app once per chart (quadratic) and writes files as it
 * goes, so a failure leaves a half-written dist/. Here validation runs once for the whole tree,
 * every chart is rendered in memory, every object name and identity is checked, and only then is
 * the output written to a temporary directory that replaces `outdir` in one rename.
 */
export class PlatformApp extends App {
  /** The cluster the manifests are for, when declared. */
  public readonly target: PlatformTarget | undefined;
  /** The report of the last semantic check run. */
  public lastCheckReport: CheckReport | undefined;
  private readonly rules: readonly SemanticRule[];

  constructor(props: PlatformAppProps = {}) {
    // Before super(): App keeps a wrong outdir as it is.
    requireProps({ kind: 'PlatformApp', path: '<app>' }, props, PROP_CHECKS);
    super(props);
    recordOutdir(this.outdir);
    this.target = props.target;
    this.rules = props.rules ?? SEMANTIC_RULES;
  }

  /** Charts that produce a file, in construction order (charts scoped under another chart too). */
  public get emittedCharts(): Chart[] {
    return this.node.findAll().filter((c): c is Chart => c instanceof Chart && !isEmbedded(c));
  }

  /**
   * Validates the whole tree once, renders every chart, checks names and identities and runs the
   * semantic checks (unless `checks: false`: the stacks check exactly the charts they deploy);
   * throws listing every problem.
   */
  public synthManifests(options: { readonly checks?: boolean } = {}): ChartManifest[] {
    const constructs = this.node.findAll();
    const problems: string[] = [];
    for (const c of constructs) {
      for (const message of c.node.validate()) problems.push(`[${c.node.path}] ${message}`);
    }
    if (problems.length) throw new Error(`Validation failed with the following errors:\n  ${problems.join('\n  ')}`);

    const charts = this.emittedCharts;
    const entries = chartEntries(this, charts);
    const manifests: ChartManifest[] = charts.map((chart) => {
      const all = entries.get(chart)!;
      return { name: chart.node.path.replace(/\//g, '-'), objects: all.filter((e) => !e.embeddedIn).map((e) => e.object), entries: all };
    });
    // Object → chart and construct path, so a message names the constructs on both sides.
    const seen = new Map<string, { chart: string; path: string }>();
    for (const m of manifests) {
      const problem = nameProblem(m.name, NameRule.DNS_SUBDOMAIN);
      if (problem) problems.push(`chart '${m.name}': the file name ${problem}`);
      for (const { object: obj, path: where, embeddedIn } of m.entries) {
        if (embeddedIn) continue;
        const name = obj.metadata?.name as string | undefined;
        const id = `${groupKind(obj as { apiVersion: string; kind: string })} ${obj.metadata?.namespace ?? '-'}/${name}`;
        if (!name) continue;
        const nameIssue = nameProblem(name, nameRuleOf(obj.kind));
        if (nameIssue) problems.push(`[${where}] ${m.name}: ${obj.kind} name '${name}' ${nameIssue}`);
        const other = seen.get(id);
        if (other) problems.push(`[${where}] ${m.name}: ${id} is also defined in chart '${other.chart}' (by '${other.path}'); metadata.name '${name}' must be unique per kind and namespace`);
        seen.set(id, { chart: m.name, path: where });
      }
    }
    if (problems.length) throw new Error(`Synthesis failed:\n  ${problems.join('\n  ')}`);
    if (options.checks !== false) {
      this.lastCheckReport = checkManifests(manifests, this.target, this.rules);
      assertNoProblems(this.lastCheckReport);
    }
    return manifests;
  }

  /** Writes one `<chart>.k8s.yaml` per chart into `outdir`, all or nothing. */
  public synth(): void {
    const yaml = new YamlWriter();
    writeAtomically(this.outdir, this.synthManifests().map((m) => ({
      file: `${m.name}${this.outputFileExtension}`,
      content: yaml.stringify(m.objects),
    })));
    if (this.lastCheckReport) console.log(summaryLine(this.lastCheckReport));
  }
}

/**
 * Replaces `outdir` with a directory holding exactly `files`. Files are written into a sibling
 * temp dir first; a crash before the final rename leaves the previous `outdir` untouched.
 */
export function writeAtomically(outdir: string, files: readonly { file: string; content: string }[]): void {
  const target = path.resolve(outdir);
  const tmp = `${target}.tmp-${process.pid}`;
  const old = `${target}.old-${process.pid}`;
  // existsSync first: the first rmSync call alone costs ~30 ms (it loads Node's rimraf).
  const remove = (dir: string) => fs.existsSync(dir) && fs.rmSync(dir, { recursive: true, force: true });
  remove(tmp);
  fs.mkdirSync(tmp, { recursive: true });
  try {
    for (const f of files) fs.writeFileSync(path.join(tmp, f.file), f.content);
    if (fs.existsSync(target)) fs.renameSync(target, old);
    fs.renameSync(tmp, target);
  } finally {
    remove(tmp);
    remove(old);
  }
}
