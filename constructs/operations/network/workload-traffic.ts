import { IngressNeed, NetworkPeer, PodGroupNeeds } from './pod-groups-and-peers';

/**
 * What the platform's operators make their pods do on the network, as pod-group needs. Each
 * constant cites where the behaviour was read; the workload constructs pass these to
 * `NamespaceNetwork.group()` so no construct states ports or peers by hand.
 */

/** `app.kubernetes.io/component` of each kind of pod group. */
export const PodComponent = {
  TRAINING_JOB: 'training-job',
  WORKFLOW: 'workflow',
  PREDICTOR: 'predictor',
  BATCH_JOB: 'batch-job',
  SHARDED_INGESTION: 'sharded-ingestion',
  CACHE_WARM_UP: 'cache-warm-up',
  TEAM: 'team-workloads',
  METRICS_SCRAPE: 'metrics-scrape',
} as const;

/** HTTPS: object stores (s3://, gs://), Hugging Face, dataset mirrors. */
export const HTTPS_PORT = 443;
/** Plain HTTP downloads (http:// model URIs). */
export const HTTP_PORT = 80;

/**
 * Training-operator v1 pod label holding the lower-case replica type (`launcher`, `worker`, ...).
 * kubeflow/trainer release-1.9 `pkg/apis/kubeflow.org/v1/common_types.go` (ReplicaTypeLabel) and
 * `pkg/controller.v1/common/job_controller.go` GenLabels (value lower-cased); read 2026-11.
 */
export const REPLICA_TYPE_LABEL = 'training.kubeflow.org/replica-type';

/**
 * Pods of one distributed training job talk to each other on every port. Rendezvous ports are
 * fixed (TF_CONFIG port 2222 `tfjob-port`, PyTorch MASTER_PORT 23456 `pytorchjob-port`:
 * kubeflow/trainer release-1.9 `pkg/apis/kubeflow.org/v1/{tensorflow,pytorch}_types.go`), but the
 * collectives then open ports chosen at run time between every pair of replicas: NCCL and Gloo
 * sockets (PyTorch DDP, TF MultiWorkerMirrored on GPUs) and Open MPI's out-of-band and TCP
 * transports between `mpirun` on the launcher and the workers (UNCONFIRMED from stored sources:
 * framework behaviour, not the operator's). So the group, selected by the job's own pod labels,
 * allows every port among its own pods and nothing to other jobs.
 */
export function trainingJobNeeds(name: string): PodGroupNeeds {
  return { name, component: PodComponent.TRAINING_JOB, withinGroup: true };
}

/**
 * The MPIJob v1 launcher reaches the workers with `kubectl exec` (`OMPI_MCA_plm_rsh_agent=
 * /etc/mpi/kubexec.sh`), through the API server, using the per-job Role the operator creates
 * (`pods/exec` on `<job>-worker-<i>`): kubeflow/trainer release-1.9
 * `pkg/controller.v1/mpi/mpijob_controller.go`. Only the launcher pod gets API server egress.
 */
export function mpiLauncherNeeds(name: string): PodGroupNeeds {
  return { name, component: PodComponent.TRAINING_JOB, role: 'launcher', match: { [REPLICA_TYPE_LABEL]: 'launcher' }, apiServer: true };
}

/**
 * Every Argo step pod calls the API server: the `wait` container of container steps reports
 * outputs as WorkflowTaskResults, and a resource step's main container runs `argoexec resource`
 * (kubectl in-process). argoproj/argo-workflows v4 `workflow/controller/workflowpod.go`
 * (needsAuxCtr) and `docs/workflow-rbac.md`.
 */
export function argoWorkflowNeeds(name: string): PodGroupNeeds {
  return { name, component: PodComponent.WORKFLOW, apiServer: true };
}

/** Label a workflow puts (template `metadata.labels`) on the pods of one step, for per-step needs. */
export const WORKFLOW_STEP_LABEL = 'mlpatterns.dev/workflow-step';

/** A workflow step that downloads: its pods (workflow labels + step label) get internet egress. */
export function argoStepNeeds(workflow: string, step: string, internetPorts: readonly number[]): PodGroupNeeds {
  return { name: workflow, component: PodComponent.WORKFLOW, role: `step-${step}`, match: { [WORKFLOW_STEP_LABEL]: step }, internetPorts };
}

/** KServe deployment mode, as far as the network is concerned (undefined: the installation's default). */
export type ServingMode = 'Knative' | 'Standard' | undefined;

/**
 * Knative queue-proxy ports in every Knative-mode predictor pod: 8012 (HTTP from the activator
 * and the ingress gateway), 8013 (HTTP/2), 9090 (autoscaler metrics, scraped by the Knative
 * autoscaler), 9091 (user metrics, what Prometheus scrapes as `http-usermetric`). knative/serving
 * `pkg/networking/constants.go` (stored copy; the Knative release paired with KServe v0.20 is not pinned).
 */
export const KNATIVE_QUEUE_PORTS = { HTTP: 8012, HTTP2: 8013, AUTOSCALER_METRICS: 9090, USER_METRICS: 9091 } as const;
/**
 * Standard mode: the predictor Service forwards 80 → 8080 on `kserve-container`
 * (`InferenceServiceDefaultHttpPort`; kserve/kserve v0.20 controller tests, TF runtime
 * `--rest_api_port=8080` in `config/runtimes/kserve-tensorflow-serving.yaml`).
 */
export const KSERVE_HTTP_PORT = 8080;

/**
 * A KServe predictor: requests only from the gateways of its mode (activator/ingress gateway to the
 * queue-proxy and Knative's autoscaler scraping it in Knative mode; the gateway to 8080 in Standard
 * mode; both when the mode is left to the installation), Prometheus on the user metrics port in
 * Knative mode, and internet egress only for the storage-initializer of a remote model (pvc://
 * models are mounted directly since KServe v0.16 and download nothing: kserve/kserve
 * `pkg/webhook/admission/pod/storage_initializer_injector.go`).
 */
export function kservePredictorNeeds(name: string, mode: ServingMode, internetPorts: readonly number[]): PodGroupNeeds {
  const knative = mode !== 'Standard';
  const standard = mode !== 'Knative';
  const gatewayPorts = [
    ...(knative ? [KNATIVE_QUEUE_PORTS.HTTP, KNATIVE_QUEUE_PORTS.HTTP2, KNATIVE_QUEUE_PORTS.AUTOSCALER_METRICS] : []),
    ...(standard ? [KSERVE_HTTP_PORT] : []),
  ];
  return {
    name,
    component: PodComponent.PREDICTOR,
    clients: [{ from: NetworkPeer.gateways(), ports: gatewayPorts }],
    metricsPorts: knative ? [KNATIVE_QUEUE_PORTS.USER_METRICS] : undefined,
    internetPorts: internetPorts.length ? internetPorts : undefined,
  };
}

/**
 * A batch, sharded or cache warm-up Job: its pods work alone (no peer, no ingress); internet
 * egress only when the construct says it downloads (a dataset from a public mirror).
 */
export function ingestionJobNeeds(name: string, component: string, downloads: boolean | undefined): PodGroupNeeds {
  return { name, component, internetPorts: downloads ? [HTTPS_PORT] : undefined };
}

/**
 * Pods a PodMonitor scrapes, selected by the monitor's own selector: Prometheus (the monitoring
 * namespace) reaches them on the monitor's port, a container port name (prometheus-operator
 * `podMetricsEndpoints[].port`).
 */
export function scrapedPodsNeeds(name: string, select: Readonly<Record<string, string | undefined>>, port: string, namespace?: string): PodGroupNeeds {
  return { name, component: PodComponent.METRICS_SCRAPE, role: namespace, select, metricsPorts: [port] };
}

/** A model server (Deployment/StatefulSet): its Service's clients on the serving port, gateways first. */
export function modelServerNeeds(name: string, component: string, port: number, clients: readonly NetworkPeer[] = []): PodGroupNeeds {
  const from: IngressNeed[] = [NetworkPeer.gateways(), ...clients].map((peer) => ({ from: peer, ports: [port] }));
  return { name, component, clients: from };
}

/**
 * Ports the pod itself needs to fetch a model from `uri`: none for pvc:// (mounted) and oci://
 * (a modelcar image the kubelet pulls), HTTP for http://, HTTPS for the rest (s3, gs, https, hf;
 * hdfs endpoints on 443 only — a private HDFS is not on the internet and needs its own peer).
 */
export function downloadPortsFor(uri: string): number[] {
  if (uri.startsWith('pvc://') || uri.startsWith('oci://')) return [];
  return uri.startsWith('http://') ? [HTTP_PORT] : [HTTPS_PORT];
}

/** Internet ports of a construct's `internetEgress` prop: HTTPS only. */
export function internetPorts(enabled: boolean | undefined): number[] {
  return enabled ? [HTTPS_PORT] : [];
}
