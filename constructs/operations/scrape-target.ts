import { oneOf, optional, PropChecks, recordOf, requireProps } from '../core/required-props';
/** How Prometheus discovers a target: through its Service (ServiceMonitor) or its pods (PodMonitor). */
export enum Discovery {
  SERVICE = 'Service',
  POD = 'Pod',
}

/** Where a target's pods run. */
export enum TargetNamespaces {
  /** The component's own namespace (`ScrapeTarget.namespace`). */
  OWN = 'own',
  /** The workload namespaces of the teams (derived from `Team` objects by `PlatformMonitoring`). */
  TEAMS = 'teams',
}

/** Everything a ServiceMonitor/PodMonitor needs to know about one scraped component. */
export interface ScrapeTargetOptions {
  /** Monitor name. */
  readonly name: string;
  readonly discovery: Discovery;
  /** Label that selects the Service or pods: `{ key: value }` or `{ key: undefined }` for "exists". */
  readonly selector: Readonly<Record<string, string | undefined>>;
  /** Named port of the Service or container. */
  readonly port: string;
  /** HTTP path of the metrics. @default '/metrics' */
  readonly path?: string;
  readonly namespaces: TargetNamespaces;
  /**
   * Namespace of the component (for `TargetNamespaces.OWN`).
   * @default - none
   */
  readonly namespace?: string;
  /**
   * HTTPS with the component's self-signed certificate (no CA to verify against in-cluster).
   * @default false
   */
  readonly selfSignedTls?: boolean;
}

/**
 * A component of the ML platform that exposes Prometheus metrics, with the Service/pod labels
 * and port names of its upstream install manifests. Enum-like class: presets for the platform's
 * operators, `custom()` for anything else.
 */
export class ScrapeTarget {
  /**
   * Kubeflow training operator: `training_operator_jobs_{created,successful,failed,restarted}_total`.
   * Its Service `kubeflow/training-operator` is labelled `app: training-operator` (port
   * `monitoring-port` 8080); `control-plane: kubeflow-training-operator` is the pods' label, which a
   * ServiceMonitor does not select by (training-operator v1.9 manifests/base/service.yaml).
   */
  public static readonly TRAINING_OPERATOR = new ScrapeTarget({
    name: 'training-operator', discovery: Discovery.SERVICE, namespaces: TargetNamespaces.OWN, namespace: 'kubeflow',
    selector: { app: 'training-operator' }, port: 'monitoring-port',
  });
  /**
   * Argo Workflows controller metrics (self-signed TLS by default): the Service the argo-workflows
   * chart renders when `controller.metricsConfig.enabled` (the stack enables it), labelled with the
   * chart's standard labels (argo-helm charts/argo-workflows templates/controller/workflow-controller-service.yaml).
   */
  public static readonly ARGO_CONTROLLER = new ScrapeTarget({
    name: 'argo-workflow-controller', discovery: Discovery.SERVICE, namespaces: TargetNamespaces.OWN, namespace: 'argo',
    selector: { 'app.kubernetes.io/name': 'argo-workflows-workflow-controller', 'app.kubernetes.io/component': 'workflow-controller' }, port: 'metrics', selfSignedTls: true,
  });
  /** NVIDIA DCGM exporter of the GPU Operator: `DCGM_FI_DEV_*` per GPU, with the pod using it, on :9400. */
  public static readonly DCGM_EXPORTER = new ScrapeTarget({
    name: 'dcgm-exporter', discovery: Discovery.SERVICE, namespaces: TargetNamespaces.OWN, namespace: 'gpu-operator',
    selector: { app: 'nvidia-dcgm-exporter' }, port: 'gpu-metrics',
  });
  /** KServe predictors' queue-proxy: `revision_request_count`, `revision_request_latencies_bucket` on :9091. */
  public static readonly KSERVE_INFERENCE = new ScrapeTarget({
    name: 'kserve-inference', discovery: Discovery.POD, namespaces: TargetNamespaces.TEAMS,
    selector: { 'serving.kserve.io/inferenceservice': undefined }, port: 'http-usermetric',
  });
  /** Training pods of the operator's jobs that expose a container port named `metrics`. */
  public static readonly TRAINING_PODS = new ScrapeTarget({
    name: 'training-pods', discovery: Discovery.POD, namespaces: TargetNamespaces.TEAMS,
    selector: { 'training.kubeflow.org/job-name': undefined }, port: 'metrics',
  });

  /**
   * What the platform's charts scrape themselves: the training-operator (its kustomize install
   * brings no monitor) and, with Knative, KServe's queue-proxy (Standard mode has none). Not the
   * DCGM exporter nor the Argo controller: the stack's gpu-operator and argo-workflows installs
   * create their own ServiceMonitors (a second one would ingest every series twice). Not
   * TRAINING_PODS by default: it needs pods that declare a `metrics` port.
   */
  public static presets(options: { readonly knative?: boolean } = {}): readonly ScrapeTarget[] {
    return [ScrapeTarget.TRAINING_OPERATOR, ...(options.knative ? [ScrapeTarget.KSERVE_INFERENCE] : [])];
  }

  /** Any other component. */
  public static custom(options: ScrapeTargetOptions): ScrapeTarget {
    requireProps({ kind: 'ScrapeTarget', path: typeof options?.name === 'string' ? options.name : 'custom' }, options, CUSTOM_CHECKS);
    return new ScrapeTarget(options);
  }

  private constructor(public readonly options: ScrapeTargetOptions) {}

  public get name(): string {
    return this.options.name;
  }

  public toString(): string {
    return this.options.name;
  }
}

const CUSTOM_CHECKS: PropChecks<ScrapeTargetOptions> = {
  name: 'string',
  discovery: oneOf(Discovery, 'Discovery'),
  // A key mapped to undefined selects pods that have the label, whatever its value.
  selector: recordOf(optional('string')),
  port: 'string',
  path: optional('string'),
  namespaces: oneOf(TargetNamespaces, 'TargetNamespaces'),
  namespace: optional('string'),
  selfSignedTls: optional('boolean'),
};
