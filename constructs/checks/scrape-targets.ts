import type { ObjectIndex } from './object-index';
import type { ManifestEntry } from './manifest-entry';
import { groupKindOf, nameOf } from './manifest-entry';
import { installedOperators, OPERATOR_METRICS, OperatorMetricsComponent } from './operator-metrics';
import type { PlatformTarget } from './platform-target';
import { PodTemplate } from './pod-templates';
import { LabelSelector, selectorMatches } from './selectors';

/** The requirement of a selector that narrows candidates: a label pair, an `In` set or an `Exists` key. */
function anchorOf(selector: LabelSelector): { key: string; values?: readonly string[] } | undefined {
  const pair = Object.entries(selector.matchLabels ?? {})[0];
  if (pair) return { key: pair[0], values: [pair[1]] };
  const e = (selector.matchExpressions ?? []).find((x) => x.operator === 'In' || x.operator === 'Exists');
  return e && { key: e.key, values: e.operator === 'In' ? e.values ?? [] : undefined };
}

/**
 * Items indexed by namespace and by the label keys the selectors to answer anchor on (collected
 * first), so a selector is answered from a short candidate list without indexing every label.
 */
export class LabelIndex<T> {
  private readonly byKey = new Map<string, T[]>();
  private readonly keys: ReadonlySet<string>;

  constructor(selectors: readonly LabelSelector[]) {
    this.keys = new Set(selectors.flatMap((s) => anchorOf(s)?.key ?? []));
  }

  public add(namespace: string, labels: Readonly<Record<string, string>>, item: T): void {
    for (const ns of [namespace, '*']) {
      push(this.byKey, `${ns}|`, item);
      for (const k of this.keys) {
        if (!(k in labels)) continue;
        push(this.byKey, `${ns}|${k}`, item);
        push(this.byKey, `${ns}|${k}=${labels[k]}`, item);
      }
    }
  }

  /** Items in `namespaces` ('any' = all) whose labels satisfy `selector` (one of those given to the constructor). */
  public select(namespaces: 'any' | readonly string[], selector: LabelSelector, labelsOf: (item: T) => Readonly<Record<string, string>>): T[] {
    const out: T[] = [];
    const anchor = anchorOf(selector);
    const indexed = anchor && this.keys.has(anchor.key);
    for (const ns of namespaces === 'any' ? ['*'] : namespaces) {
      const candidates = !indexed ? this.byKey.get(`${ns}|`) ?? []
        : anchor.values ? [...new Set(anchor.values.flatMap((v) => this.byKey.get(`${ns}|${anchor.key}=${v}`) ?? []))]
        : this.byKey.get(`${ns}|${anchor.key}`) ?? [];
      for (const item of candidates) if (selectorMatches(selector, labelsOf(item))) out.push(item);
    }
    return out;
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** A named port and the scheme it serves, when knowable. */
export interface NamedPort {
  readonly name: string;
  readonly scheme?: 'http' | 'https';
  /** Container that declares it (pods), for the images' metrics. */
  readonly container?: Record<string, any>;
  /** Metrics served on it by an injected container (Knative's queue-proxy). */
  readonly metrics?: readonly string[];
}

/** Pods of one template as Prometheus sees them: the labels and ports operators add included. */
export interface ScrapedPod {
  readonly template: PodTemplate;
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly NamedPort[];
}

/** A Service a ServiceMonitor can select: one of the charts', or an installed component's. */
export interface ScrapedService {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly NamedPort[];
  readonly entry?: ManifestEntry;
  readonly component?: OperatorMetricsComponent;
  /** Pods behind a chart Service (its selector). */
  readonly pods: readonly ScrapedPod[];
}

/** A ServiceMonitor or PodMonitor and what it selects. */
export interface MonitorSelection {
  readonly entry: ManifestEntry;
  readonly kind: 'ServiceMonitor' | 'PodMonitor';
  readonly namespaces: 'any' | readonly string[];
  readonly selector: LabelSelector;
  /** `spec.endpoints` or `spec.podMetricsEndpoints`. */
  readonly endpointsField: string;
  readonly endpoints: readonly Record<string, any>[];
  readonly services: readonly ScrapedService[];
  readonly pods: readonly ScrapedPod[];
}

/** Scheme a port name or appProtocol tells (Kubernetes `appProtocol`; `http`/`https` name prefixes). */
export function schemeOf(name: string | undefined, appProtocol?: string): 'http' | 'https' | undefined {
  for (const s of [appProtocol, name]) {
    const m = /^(https|http)(?:$|-)/.exec(s ?? '');
    if (m) return m[1] as 'http' | 'https';
  }
  return undefined;
}

/** KServe deployment mode of an InferenceService: its annotation, else the target's default. */
export function kserveModeOf(isvc: Record<string, any>, target: PlatformTarget | undefined): 'Standard' | 'Knative' {
  const mode = isvc.metadata?.annotations?.['serving.kserve.io/deploymentMode'];
  if (mode === 'Knative' || mode === 'Serverless') return 'Knative';
  if (mode === 'Standard' || mode === 'RawDeployment') return 'Standard';
  return target?.kserve?.defaultDeploymentMode ?? 'Standard';
}

/** Knative queue-proxy's metrics on `http-usermetric` (knative/docs docs/serving/metrics.md). */
const QUEUE_PROXY_USER_METRICS = ['revision_request_count', 'revision_request_latencies_*', 'revision_app_request_count',
  'revision_app_request_latencies_*', 'revision_queue_depth'];

/** The value of a label whose value is known only at run time (a replica index, a hash). */
export const RUN_TIME = '<run time>';

/**
 * Labels and ports the operators add to the pods of a template. Values known only at run time
 * (replica index, revision names) are `<run time>`, so `Exists` selectors match them.
 * - training-operator v1.9 (pkg/controller.v1/common/job_controller.go GenLabels): job-name,
 *   operator-name `<kind>-controller`, replica-type (lower case), replica-index;
 * - KServe v0.20 predictors (controller tests): `serving.kserve.io/inferenceservice`,
 *   `component: predictor`, `app: isvc.<name>-predictor`, plus `spec.predictor.labels`; in Knative
 *   mode the queue-proxy sidecar's ports `http-queueadm`, `http-autometric`, `http-usermetric`
 *   (knative serving pkg/apis/serving/v1/revision_helpers.go) and the `serving.knative.dev/*` labels;
 * - TrainJobs (Trainer v2.3.0 runs each as the JobSet of the same name: TrainJob.PodLabelSelector in
 *   kueue's trainjob integration selects `jobset.sigs.k8s.io/jobset-name=<trainjob>`): JobSet v0.12.0
 *   (api/jobset/v1alpha2 JobSetNameKey, ReplicatedJobNameKey, ...) labels each pod with the JobSet's
 *   and the replicated job's names, the job index and key, and its Job's `batch.kubernetes.io/job-name`;
 * - Argo v4 workflow pods (workflow/common/common.go): `workflows.argoproj.io/workflow`, `completed`;
 * - Jobs (Kubernetes v1.27+): `batch.kubernetes.io/job-name` and `job-name`;
 * - StatefulSets (Kubernetes v1.34 pkg/controller/statefulset/stateful_set_utils.go):
 *   `statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`; Deployments
 *   `pod-template-hash`.
 */
export function operatorAdditions(t: PodTemplate, target: PlatformTarget | undefined): { labels: Record<string, string>; ports: NamedPort[] } {
  const o = t.entry.object;
  const name = nameOf(o);
  const gk = groupKindOf(o);
  const runTime = RUN_TIME;
  if (gk.startsWith('kubeflow.org/') && /ReplicaSpecs$/.test(t.field.split('.')[1] ?? '')) {
    return {
      labels: {
        'training.kubeflow.org/job-name': name, 'training.kubeflow.org/operator-name': `${o.kind.toLowerCase()}-controller`,
        'training.kubeflow.org/replica-type': t.role.toLowerCase(), 'training.kubeflow.org/replica-index': runTime,
      },
      ports: [],
    };
  }
  if (gk === 'serving.kserve.io/InferenceService') {
    const labels: Record<string, string> = {
      ...(o.spec?.predictor?.labels ?? {}), 'serving.kserve.io/inferenceservice': name, component: 'predictor', app: `isvc.${name}-predictor`,
    };
    if (kserveModeOf(o, target) !== 'Knative') return { labels, ports: [] };
    for (const k of ['serving.knative.dev/revision', 'serving.knative.dev/configuration', 'serving.knative.dev/service']) labels[k] = runTime;
    return {
      labels,
      ports: [{ name: 'http-queueadm', scheme: 'http' }, { name: 'http-autometric', scheme: 'http' }, { name: 'http-usermetric', scheme: 'http', metrics: QUEUE_PROXY_USER_METRICS }],
    };
  }
  if (gk === 'trainer.kubeflow.org/TrainJob') {
    return {
      labels: {
        'jobset.sigs.k8s.io/jobset-name': name, 'jobset.sigs.k8s.io/replicatedjob-name': t.role, 'jobset.sigs.k8s.io/replicatedjob-replicas': runTime,
        'jobset.sigs.k8s.io/job-index': runTime, 'jobset.sigs.k8s.io/job-key': runTime, 'jobset.sigs.k8s.io/jobset-uid': runTime,
        'batch.kubernetes.io/job-name': runTime, 'job-name': runTime,
      },
      ports: [],
    };
  }
  if (gk.startsWith('argoproj.io/')) return { labels: { 'workflows.argoproj.io/workflow': name, 'workflows.argoproj.io/completed': 'false' }, ports: [] };
  if (gk === 'batch/Job' || gk === 'batch/CronJob') return { labels: { 'batch.kubernetes.io/job-name': runTime, 'job-name': runTime }, ports: [] };
  if (gk === 'apps/StatefulSet') return { labels: { 'statefulset.kubernetes.io/pod-name': runTime, 'apps.kubernetes.io/pod-index': runTime, 'controller-revision-hash': runTime }, ports: [] };
  if (gk === 'apps/Deployment') return { labels: { 'pod-template-hash': runTime }, ports: [] };
  return { labels: {}, ports: [] };
}

/** The pods of a template with what the operators add. */
function scrapedPod(t: PodTemplate, target: PlatformTarget | undefined): ScrapedPod {
  const added = operatorAdditions(t, target);
  const own: NamedPort[] = (t.spec.containers ?? []).flatMap((c: Record<string, any>) =>
    (c.ports ?? []).filter((p: Record<string, any>) => p.name).map((p: Record<string, any>) => ({ name: p.name, scheme: schemeOf(p.name), container: c })));
  return { template: t, namespace: t.entry.namespace ?? '', labels: { ...t.labels, ...added.labels }, ports: [...own, ...added.ports] };
}

/** The namespaces a monitor's `namespaceSelector` covers (prometheus-operator: none = its own). */
function monitorNamespaces(m: ManifestEntry): 'any' | string[] {
  const sel = m.object.spec?.namespaceSelector ?? {};
  if (sel.any === true) return 'any';
  if (Array.isArray(sel.matchNames) && sel.matchNames.length) return sel.matchNames;
  return m.namespace ? [m.namespace] : [];
}

/**
 * What every ServiceMonitor and PodMonitor selects, computed once per index and target: chart
 * Services (and the pods behind them), installed components' metrics Services, and pods.
 * Semantics (prometheus-operator v0.93 API docs): `namespaceSelector` `any: true` = all namespaces,
 * `matchNames` = those, absent = the monitor's own; `selector` is a label selector (empty = all);
 * a ServiceMonitor endpoint's `port` names a Service port, a PodMonitor's a container port.
 */
export class ScrapeModel {
  public readonly monitors: readonly MonitorSelection[];
  /** Every pod template with operator additions, by namespace and label. */
  public readonly pods: LabelIndex<ScrapedPod>;
  /** Components installed in the target (all of them without a target). */
  public readonly components: readonly OperatorMetricsComponent[];

  constructor(index: ObjectIndex, target: PlatformTarget | undefined) {
    const operators = installedOperators(target);
    this.components = OPERATOR_METRICS.filter((c) => operators.includes(c.operator));
    const serviceMonitors = index.ofKind('monitoring.coreos.com/ServiceMonitor');
    const podMonitors = index.ofKind('monitoring.coreos.com/PodMonitor');
    const selectorOf = (m: ManifestEntry): LabelSelector => m.object.spec?.selector ?? {};
    // Services, indexed on what the ServiceMonitors select by.
    const services = new LabelIndex<ScrapedService>(serviceMonitors.map(selectorOf));
    if (serviceMonitors.length) {
      for (const e of index.ofKind('/Service')) {
        const ports = (e.object.spec?.ports ?? []).filter((p: any) => p.name).map((p: any) => ({ name: p.name, scheme: schemeOf(p.name, p.appProtocol) }));
        services.add(e.namespace ?? '', e.object.metadata?.labels ?? {}, { namespace: e.namespace ?? '', name: nameOf(e.object), labels: e.object.metadata?.labels ?? {}, ports, entry: e, pods: [] });
      }
      for (const c of this.components) {
        services.add(c.namespace, c.service.labels, { namespace: c.namespace, name: c.service.name, labels: c.service.labels, ports: c.service.ports, component: c, pods: [] });
      }
    }
    const selected = serviceMonitors.map((m) => services.select(monitorNamespaces(m), selectorOf(m), (s) => s.labels));
    // Pods, indexed on what the PodMonitors and the selected chart Services select by (only when needed).
    const behind = [...new Set(selected.flat().filter((s) => s.entry?.object.spec?.selector))];
    const podSelectors = [...podMonitors.map(selectorOf), ...behind.map((s) => ({ matchLabels: s.entry!.object.spec.selector }))];
    this.pods = new LabelIndex<ScrapedPod>(podSelectors);
    if (podMonitors.length || behind.length) {
      for (const t of index.podTemplates()) {
        const pod = scrapedPod(t, target);
        this.pods.add(pod.namespace, pod.labels, pod);
      }
    }
    const withPods = new Map(behind.map((s) => [s, { ...s, pods: this.pods.select([s.namespace], { matchLabels: s.entry!.object.spec.selector }, (p) => p.labels) }] as const));
    const monitors: MonitorSelection[] = serviceMonitors.map((m, i) => ({
      entry: m, kind: 'ServiceMonitor' as const, namespaces: monitorNamespaces(m), selector: selectorOf(m),
      endpointsField: 'spec.endpoints', endpoints: m.object.spec?.endpoints ?? [],
      services: selected[i].map((s) => withPods.get(s) ?? s), pods: [],
    }));
    for (const m of podMonitors) {
      const namespaces = monitorNamespaces(m);
      monitors.push({
        entry: m, kind: 'PodMonitor', namespaces, selector: selectorOf(m),
        endpointsField: 'spec.podMetricsEndpoints', endpoints: m.object.spec?.podMetricsEndpoints ?? [],
        services: [], pods: this.pods.select(namespaces, selectorOf(m), (p) => p.labels),
      });
    }
    this.monitors = monitors;
  }
}

const models = new WeakMap<ObjectIndex, Map<PlatformTarget | undefined, ScrapeModel>>();

/** The scrape model of an index and target, built once and shared by the monitoring rules. */
export function scrapeModelOf(index: ObjectIndex, target: PlatformTarget | undefined): ScrapeModel {
  let byTarget = models.get(index);
  if (!byTarget) {
    byTarget = new Map();
    models.set(index, byTarget);
  }
  let model = byTarget.get(target);
  if (!model) {
    model = new ScrapeModel(index, target);
    byTarget.set(target, model);
  }
  return model;
}
