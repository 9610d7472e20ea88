// The reachability table the policies must produce: must-reach and must-not-reach pairs between
// the platform's pods (described from the synthesized objects) and the cluster services around
// them. Rules over what a pod is, never over the policies themselves. Pure.

import type { KubeObject } from '../core/objects';
import type { Pod } from './pods';

/** A service outside the platform (pod labels) or an address (external). */
export interface Endpoint {
  id: string;
  namespace?: string;
  labels?: Record<string, string>;
  ip?: string;
  external?: boolean;
  portNames?: Record<string, number>;
}

export interface Pair {
  rule: string;
  from: Endpoint | Pod;
  to: Endpoint | Pod;
  port: number;
  protocol: string;
  expect: 'allow' | 'deny';
}

export const LOOKALIKE_NAMESPACE = 'ml-platform-lookalike';

/** Rules the canaries (canaries.ts) must turn wrong; named once so both sides agree. */
export const RULES = Object.freeze({
  teamsApart: 'teams never reach each other',
  noPrivateAddress: 'pods without API access reach no private address on 443',
  namespacesApart: 'no namespace reaches another namespace (one pair per namespace pair)',
  lookalikeKeptOut: 'a namespace labelled like the platform\'s is kept out',
});

/**
 * Cluster services outside the platform's namespaces, with the labels their installs give them
 * (research notes: CoreDNS `k8s-app: kube-dns` on EKS/GKE/kind; kube-prometheus-stack's
 * Prometheus `app.kubernetes.io/name: prometheus`; Istio's `istio: ingressgateway`; Knative's
 * `app: activator`), in the namespaces `PlatformServices` defaults to. The API server is an
 * address (a private EKS endpoint in the VPC), as are the internet and the cloud metadata service.
 */
export const CLUSTER: Readonly<Record<string, Endpoint>> = Object.freeze({
  dns: { id: 'kube-system/kube-dns', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ip: '10.96.0.10' },
  prometheus: { id: 'monitoring/prometheus', namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus', prometheus: 'kube-prometheus-stack-prometheus' }, ip: '10.244.9.10' },
  gateway: { id: 'istio-system/istio-ingressgateway', namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' }, ip: '10.244.9.20' },
  activator: { id: 'knative-serving/activator', namespace: 'knative-serving', labels: { app: 'activator' }, ip: '10.244.9.30' },
  stranger: { id: 'default/client', namespace: 'default', labels: { app: 'client' }, ip: '10.244.9.40' },
  apiServer: { id: 'api-server', external: true, ip: '10.0.12.34' },
  // A private address that is not the API server (a VPC database or internal load balancer):
  // the policies' API egress is by CIDR, so only a second private address shows how wide it is.
  privateHost: { id: 'private-host-10.1.2.3', external: true, ip: '10.1.2.3' },
  // A namespace outside the platform that carries every label the platform namespaces share
  // (lookalikeNamespaceLabels), with no policies: a policy admitting "every platform namespace"
  // by label, or every namespace, lets it in.
  lookalike: { id: `${LOOKALIKE_NAMESPACE}/client`, namespace: LOOKALIKE_NAMESPACE, labels: { app: 'client' }, ip: '10.244.9.50' },
  internet: { id: 'internet', external: true, ip: '151.101.1.69' },
  metadata: { id: 'cloud-metadata', external: true, ip: '169.254.169.254' },
});

/**
 * Pods the charts mean to download (their steps fetch Fashion-MNIST or a remote model): the
 * intent of the charts, stated here independently of how the constructs turn it into policy.
 * KServe predictors with a remote storageUri are added from the manifests.
 */
export const DOWNLOADERS: { chart: RegExp; kind: string; owner: string; role?: string | RegExp }[] = [
  { chart: /^book-pipeline(-gpu)?$/, kind: 'Workflow', owner: 'fashion-mnist', role: 'data-ingestion' },
  { chart: /^workflow-examples$/, kind: 'Workflow', owner: 'hyperparameter-sweep', role: 'train' },
  { chart: /^workflow-examples$/, kind: 'Workflow', owner: 'async-steps', role: /^train-/ },
  { chart: /^workflow-examples$/, kind: 'WorkflowTemplate', owner: 'train-template', role: 'ingest' },
  { chart: /^workflow-examples$/, kind: 'CronWorkflow', owner: 'weekly-retraining', role: 'fetch' },
  { chart: /^ingestion-examples$/, kind: 'Job', owner: 'fashion-mnist-cache-warm-up' },
  { chart: /^ingestion-examples$/, kind: 'Job', owner: 'fashion-mnist-ram-batches' },
  { chart: /^serving-examples$/, kind: 'Job', owner: 'serving-models-warm-up' },
];

const matches = (v: string | undefined, want: string | RegExp | undefined) => want === undefined || (want instanceof RegExp ? want.test(v ?? '') : v === want);
const isDownloader = (pod: Pod) => DOWNLOADERS.some((d) => matches(pod.chart, d.chart) && matches(pod.kind, d.kind) && matches(pod.owner, d.owner) && matches(pod.role, d.role))
  || (pod.kind === 'InferenceService' && typeof pod.storageUri === 'string' && !/^(pvc|oci):\/\//.test(pod.storageUri));
const TRAINING_KINDS = new Set(['TFJob', 'PyTorchJob', 'MPIJob', 'TrainJob']);
const WORKFLOW_KINDS = new Set(['Workflow', 'CronWorkflow', 'WorkflowTemplate']);
const isTeamPod = (pod: Pod) => pod.namespace.startsWith('team-');
export const callsApiServer = (pod: Pod) => WORKFLOW_KINDS.has(pod.kind) || (pod.kind === 'MPIJob' && pod.role === 'launcher') || isTeamPod(pod);
/** An ephemeral port: collectives (NCCL, Gloo, Open MPI) open such ports between replicas. */
const EPHEMERAL = 41234;

/**
 * Team namespaces get no constructs here, only a generic pod (what a team member submits).
 */
export function teamPods(teamNamespaces: readonly string[]): Pod[] {
  return teamNamespaces.flatMap((ns) => [0, 1].map((i) => ({
    id: `${ns}/user-pod-${i}`, chart: 'ml-platform-operations', namespace: ns, kind: 'Pod', owner: 'user-pod', role: 'user',
    labels: { 'training.kubeflow.org/job-name': 'team-job', 'training.kubeflow.org/replica-index': String(i) }, ports: [2222],
  })));
}

/** True when `labels` satisfy a monitor's label selector (matchLabels and Exists/In expressions). */
function selects(selector: KubeObject | undefined, labels: Record<string, string>): boolean {
  const byLabels = Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpr = (selector?.matchExpressions ?? []).every((e: any) => (e.operator === 'Exists' ? k(e) in labels : e.operator === 'In' ? e.values.includes(labels[k(e)]) : false));
  return byLabels && byExpr;
}
const k = (e: { key: string }) => e.key;

/**
 * The table: every pair `{ from, to, port, protocol, expect, rule }`. Pods need `ip` set;
 * `podMonitors` are the PodMonitor objects of the charts (what Prometheus is told to scrape).
 */
export function expectedPairs(pods: readonly Pod[], podMonitors: readonly KubeObject[] = []): Pair[] {
  const pairs: Pair[] = [];
  const add = (rule: string, from: Endpoint | Pod, to: Endpoint | Pod, port: number, expect: Pair['expect'], protocol = 'TCP') => pairs.push({ rule, from, to, port, protocol, expect });
  const byGroup = new Map<string, Pod[]>();
  for (const pod of pods) {
    const key = `${pod.namespace}|${pod.kind}|${pod.owner}`;
    if (!byGroup.has(key)) byGroup.set(key, []);
    byGroup.get(key)!.push(pod);
  }
  const groups = [...byGroup.values()];

  for (const pod of pods) {
    add('every pod resolves names', pod, CLUSTER.dns, 53, 'allow', 'UDP');
    add('every pod resolves names over TCP (truncated answers)', pod, CLUSTER.dns, 53, 'allow');
    add(callsApiServer(pod) ? 'API callers reach the API server' : 'other pods never reach the API server', pod, CLUSTER.apiServer, 443, callsApiServer(pod) ? 'allow' : 'deny');
    if (callsApiServer(pod)) {
      // Known width, not intent: platform.apiServerCidrs defaults to the RFC 1918 ranges (no stack
      // narrows it), so an API caller reaches EVERY private address on 443/6443. Pinned here so a
      // change either way is seen; README.md says so.
      add('API callers reach any private address on 443/6443 (apiServerCidrs default: RFC 1918)', pod, CLUSTER.privateHost, 443, 'allow');
      add('API callers reach private addresses on 443/6443 only', pod, CLUSTER.privateHost, 5432, 'deny');
    } else {
      add(RULES.noPrivateAddress, pod, CLUSTER.privateHost, 443, 'deny');
    }
    add(RULES.lookalikeKeptOut, CLUSTER.lookalike, pod, pod.ports[0] ?? 8080, 'deny');
    add(isDownloader(pod) ? 'downloaders reach the internet' : 'no internet unless the construct downloads', pod, CLUSTER.internet, 443, isDownloader(pod) ? 'allow' : 'deny');
    add('nobody reaches the cloud metadata service', pod, CLUSTER.metadata, 80, 'deny');
    add('pods outside the platform are kept out', CLUSTER.stranger, pod, pod.ports[0] ?? 8080, 'deny');
  }

  const training = groups.filter((g) => TRAINING_KINDS.has(g[0].kind));
  for (const job of training) {
    if (job.length < 2) continue;
    const [a, b] = [job[0], job[job.length - 1]];
    add('replicas of one job reach each other on the rendezvous port', b, a, a.ports[0], 'allow');
    add('replicas of one job reach each other on collective ports', a, b, EPHEMERAL, 'allow');
  }
  // Every pair of training jobs of one namespace (groups are few); across namespaces, namespacePairs.
  for (let i = 0; i < training.length; i++) {
    for (const b of training.slice(i + 1).filter((g) => g[0].namespace === training[i][0].namespace)) {
      const a = training[i];
      add('a job never reaches another job', a[0], b[0], b[0].ports[0], 'deny');
      add('a job never reaches another job', b[0], a[0], EPHEMERAL, 'deny');
    }
  }

  for (const m of podMonitors) {
    const namespaces = m.spec?.namespaceSelector?.matchNames ?? [m.metadata?.namespace];
    for (const endpoint of m.spec?.podMetricsEndpoints ?? []) {
      for (const pod of pods.filter((p) => namespaces.includes(p.namespace) && selects(m.spec?.selector, p.labels))) {
        const port: number | undefined = typeof endpoint.port === 'string' ? pod.portNames?.[endpoint.port] : endpoint.port;
        if (port === undefined) continue;
        add('Prometheus scrapes what a PodMonitor names', CLUSTER.prometheus, pod, port, 'allow');
        add('Prometheus scrapes nothing but the monitored port', CLUSTER.prometheus, pod, port + 1, 'deny');
      }
    }
  }

  for (const pod of pods.filter((p) => p.kind === 'InferenceService')) {
    const knative = pod.mode !== 'Standard';
    if (knative) {
      add('the Knative activator reaches the queue-proxy', CLUSTER.activator, pod, 8012, 'allow');
      add('Prometheus scrapes the queue-proxy user metrics', CLUSTER.prometheus, pod, 9091, 'allow');
    }
    if (pod.mode !== 'Knative') add('the ingress gateway reaches a Standard predictor', CLUSTER.gateway, pod, 8080, 'allow');
    add('Prometheus scrapes nothing but declared metrics ports', CLUSTER.prometheus, pod, 8081, 'deny');
  }
  for (const pod of pods.filter((p) => ['model-server', 'event-driven-server', 'shard-router'].includes(p.role))) {
    add('the gateway reaches a model service', CLUSTER.gateway, pod, pod.ports[0], 'allow');
  }
  for (const shard of pods.filter((p) => p.role === 'model-shard')) {
    const router = pods.find((p) => p.role === 'shard-router' && p.owner === shard.owner && p.namespace === shard.namespace);
    const other = pods.find((p) => p.role === 'model-server' && p.namespace === shard.namespace);
    if (router) add('the router reaches its shards', router, shard, shard.ports[0], 'allow');
    if (other) add('other model servers never reach the shards', other, shard, shard.ports[0], 'deny');
    add('the gateway reaches the router, never a shard', CLUSTER.gateway, shard, shard.ports[0], 'deny');
  }
  for (const pod of pods.filter((p) => TRAINING_KINDS.has(p.kind))) {
    add('Prometheus never reaches undeclared ports', CLUSTER.prometheus, pod, pod.ports[0], 'deny');
    const predictor = pods.find((p) => p.kind === 'InferenceService' && p.namespace === pod.namespace);
    if (predictor) add('training pods never call the predictor', pod, predictor, 8080, 'deny');
  }
  const wfPods = pods.filter((p) => WORKFLOW_KINDS.has(p.kind));
  for (const wf of wfPods) {
    const job = pods.find((p) => TRAINING_KINDS.has(p.kind) && p.namespace === wf.namespace);
    if (job) add('workflow steps never reach training pods', wf, job, job.ports[0], 'deny');
  }
  const server = pods.find((p) => p.role === 'model-server');
  if (server) for (const wf of wfPods.slice(0, 3)) add('other namespaces never reach a model server', wf, server, server.ports[0], 'deny');
  const jobs = groups.filter((g) => g[0].kind === 'Job' && g.length >= 2);
  for (const job of jobs) add('pods of a plain Job need nothing from each other', job[0], job[1], 8080, 'deny');

  const teams = pods.filter(isTeamPod);
  const namespaces = [...new Set(teams.map((p) => p.namespace))];
  for (const ns of namespaces) {
    const [a, b] = teams.filter((p) => p.namespace === ns);
    add("a team's pods reach each other", a, b, EPHEMERAL, 'allow');
    add('Prometheus scrapes team pods', CLUSTER.prometheus, a, 8080, 'allow');
    add('the gateway reaches team predictors', CLUSTER.gateway, a, 8012, 'allow');
    for (const other of namespaces.filter((n) => n !== ns)) {
      const b = teams.find((p) => p.namespace === other)!;
      add(RULES.teamsApart, a, b, 2222, 'deny');
      // 443: team pods may send there (API egress is by CIDR), so only b's ingress decides.
      add(RULES.teamsApart, a, b, 443, 'deny');
    }
  }
  namespacePairs(pods, add);
  return pairs;
}

/**
 * One pair per ordered pair of namespaces, every one must be denied (no policy of dist names
 * another platform namespace). The sender is the namespace's widest-egress pod (an API caller,
 * sent on 443 where its CIDR egress lets it out, so the receiver's ingress decides); the receiver
 * is a pod with a declared port.
 */
function namespacePairs(pods: readonly Pod[], add: (rule: string, from: Pod, to: Pod, port: number, expect: Pair['expect']) => void): void {
  const namespaces = [...new Set(pods.map((p) => p.namespace))].sort();
  const inNs = (ns: string) => pods.filter((p) => p.namespace === ns);
  const sender = (ns: string) => inNs(ns).find(callsApiServer) ?? inNs(ns).find(isDownloader) ?? inNs(ns)[0];
  const receiver = (ns: string) => inNs(ns).find((p) => p.ports.length) ?? inNs(ns)[0];
  for (const a of namespaces) {
    for (const b of namespaces.filter((n) => n !== a)) {
      const [from, to] = [sender(a), receiver(b)];
      add(RULES.namespacesApart, from, to, callsApiServer(from) ? 443 : (to.ports[0] ?? 8080), 'deny');
    }
  }
}

/**
 * Labels every platform namespace carries (key and value equal in all), for the look-alike
 * namespace; the per-namespace name label is never shared.
 */
export function lookalikeNamespaceLabels(namespaceLabels: readonly Record<string, string>[]): Record<string, string> {
  if (!namespaceLabels.length) return {};
  const [first, ...rest] = namespaceLabels;
  return Object.fromEntries(Object.entries(first).filter(([k, v]) => rest.every((l) => l[k] === v)));
}
