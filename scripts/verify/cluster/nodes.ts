// Simulated nodes for verify-cluster: kwok Node objects from the stack's pools, the kwok Stages
// that drive node and pod status, the kube-scheduler configuration and component kubeconfigs.
// Pure functions (unit-tested by test/verify/cluster/).

import type { KubeObject, ObjectRecord } from '../core/objects';

/** A pool as cluster-inputs.ts describes it. */
export interface PoolInput {
  name: string;
  instanceType: string;
  allocatable: Record<string, string>;
  nodes: { name: string; labels: Record<string, string>; taints: { key: string; value?: string; effect: string }[] }[];
  nodeCountFrom?: string;
  /** A DRA pool: the GPUs each node's driver publishes in its ResourceSlice (the harness stands in for the driver). */
  draDevicesPerNode?: number;
}

/** Annotation kwok selects the nodes it manages by (passed as --manage-nodes-with-annotation-selector). */
export const KWOK_NODE_ANNOTATION = 'kwok.x-k8s.io/node';
export const KWOK_NODE_SELECTOR = `${KWOK_NODE_ANNOTATION}=fake`;

/**
 * Node-local (ephemeral) storage a node offers when the pool model does not say. NodePool has no
 * disk size, yet a kubelet always reports one, and operators request it (the training-operator's
 * MPI launcher init container asks for 5Gi, v1.9.4 pkg/controller.v1/mpi/mpijob.go). 18Gi: the
 * 20 GiB root volume of an EKS managed node group's default `diskSize`, less the kubelet's default
 * 10% nodefs eviction threshold; the smallest disk the stacks create (GKE boot disks default to
 * 100 GB).
 */
export const DEFAULT_EPHEMERAL_STORAGE = '18Gi';

/** Training-operator job kinds (kubeflow.org/v1) whose pods kwok lets complete. */
export const TRAINING_KINDS = ['TFJob', 'PyTorchJob', 'XGBoostJob', 'PaddleJob', 'JAXJob'];
/** Replica types of those kinds that run until the job ends instead of completing (TF parameter servers). */
const NEVER_COMPLETING_REPLICAS = ['ps'];
export const REPLICA_TYPE_LABEL = 'training.kubeflow.org/replica-type';

/**
 * Node objects for the pools (cluster-inputs.ts output): labels and taints as the stack writes
 * them on real nodes, allocatable/capacity from the pool model, plus what a kubelet registers
 * (hostname/os/arch labels, controller-managed attach/detach so the attach-detach controller
 * tracks volumes on them) and the kwok annotation.
 */
export function nodesFromPools(pools: readonly PoolInput[]): KubeObject[] {
  const nodes: KubeObject[] = [];
  const seen = new Set<string>();
  for (const pool of pools) {
    for (const n of pool.nodes) {
      if (seen.has(n.name)) throw new Error(`node ${n.name} appears in two pools (${pool.name} and an earlier one)`);
      seen.add(n.name);
      const resources = { 'ephemeral-storage': DEFAULT_EPHEMERAL_STORAGE, ...pool.allocatable, pods: '110' };
      nodes.push({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name: n.name,
          annotations: {
            [KWOK_NODE_ANNOTATION]: 'fake',
            'node.alpha.kubernetes.io/ttl': '0',
            'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
          },
          labels: {
            'kubernetes.io/hostname': n.name,
            'kubernetes.io/os': 'linux',
            'kubernetes.io/arch': 'amd64',
            'node.kubernetes.io/instance-type': pool.instanceType,
            type: 'kwok',
            ...n.labels,
          },
        },
        spec: { taints: n.taints.map((t) => ({ key: t.key, ...(t.value === undefined ? {} : { value: t.value }), effect: t.effect })) },
        status: { allocatable: resources, capacity: resources },
      });
    }
  }
  return nodes;
}

/** Replace the `values` of the selector expression on `key` (added when missing). */
function setExpression(stage: KubeObject, key: string, operator: string, values?: string[]): void {
  const exprs = stage.spec.selector.matchExpressions;
  const rest = exprs.filter((e: { key: string }) => e.key !== key);
  stage.spec.selector.matchExpressions = [...rest, values ? { key, operator, values } : { key, operator }];
}

/**
 * kwok's default Stages (node-initialize, node-heartbeat-with-lease, pod/general), adapted:
 * - pod-complete also completes pods of the training-operator's kinds, except replica types that
 *   run until the job ends (TF parameter servers), and of an MPIJob only the launcher (its workers
 *   keep running until the operator cleans them up, as with real MPI);
 * - shorter delays (at most `maxJitterMs` of random jitter per step instead of 5 s), so a run
 *   stays within minutes; the order of the lifecycle steps is unchanged;
 * - a deleted pod goes within `maxJitterMs` after its delay, as one whose program exits on SIGTERM
 *   at once. Upstream's pod-delete draws its jitter up to the pod's deletionTimestamp (its whole
 *   grace period, 30 s by default), which made every foreground delete of a Deployment or a job (a
 *   `pulumi destroy`, a namespace deletion) wait a random part of that.
 * `stages` are parsed Stage objects; returns new objects (the input is not modified).
 */
export function adaptStages(stages: readonly KubeObject[], { maxJitterMs = 1000 } = {}): KubeObject[] {
  const byName = new Map(stages.map((s) => [s.metadata.name, s]));
  for (const required of ['node-initialize', 'node-heartbeat-with-lease', 'pod-create', 'pod-ready', 'pod-complete', 'pod-delete']) {
    if (!byName.has(required)) throw new Error(`kwok stage ${required} missing from the upstream stage files`);
  }
  const out: KubeObject[] = [];
  for (const s of stages) {
    const stage = JSON.parse(JSON.stringify(s));
    const delay = stage.spec.delay;
    if (delay && stage.spec.resourceRef.kind === 'Pod' && delay.jitterDurationMilliseconds > maxJitterMs) {
      delay.jitterDurationMilliseconds = maxJitterMs;
    }
    if (delay && stage.metadata.name === 'pod-delete' && delay.jitterDurationFrom) {
      delete delay.jitterDurationFrom;
      delay.jitterDurationMilliseconds = maxJitterMs;
    }
    if (stage.metadata.name !== 'pod-complete') {
      out.push(stage);
      continue;
    }
    // Plain Jobs (the upstream stage, unchanged apart from the delay).
    out.push(stage);
    const training = JSON.parse(JSON.stringify(stage));
    training.metadata.name = 'pod-complete-training';
    setExpression(training, '.metadata.ownerReferences.[].kind', 'In', TRAINING_KINDS);
    setExpression(training, `.metadata.labels["${REPLICA_TYPE_LABEL}"]`, 'NotIn', NEVER_COMPLETING_REPLICAS);
    out.push(training);
    const mpi = JSON.parse(JSON.stringify(stage));
    mpi.metadata.name = 'pod-complete-mpi-launcher';
    setExpression(mpi, '.metadata.ownerReferences.[].kind', 'In', ['MPIJob']);
    setExpression(mpi, `.metadata.labels["${REPLICA_TYPE_LABEL}"]`, 'In', ['launcher']);
    out.push(mpi);
  }
  return out;
}

/**
 * kwok's flags. Given as flags, not as a KwokConfiguration document: a document replaces the
 * defaults of every option it leaves out (v0.8.0 then exits with "node leases parallelism must be
 * greater than 0").
 */
export function kwokArgs({ kubeconfigFile, configFile, serverPort }: { kubeconfigFile: string; configFile: string; serverPort: number }): string[] {
  return [
    `--kubeconfig=${kubeconfigFile}`,
    `--config=${configFile}`,
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_SELECTOR}`,
    '--cidr=10.244.0.0/16',
    '--node-ip=10.96.0.1',
    '--node-lease-duration-seconds=40',
    `--server-address=127.0.0.1:${serverPort}`,
  ];
}

/** schedulerName of every pod template / pod spec inside one object body, sorted. */
export function podSchedulerNames(body: unknown): string[] {
  const names = new Set<string>();
  const walk = (v: any): void => {
    if (!v || typeof v !== 'object') return;
    if (Array.isArray(v)) {
      v.forEach(walk);
      return;
    }
    if (typeof v.schedulerName === 'string' && (v.containers || v.initContainers)) names.add(v.schedulerName);
    Object.values(v).forEach(walk);
  };
  walk(body);
  return [...names].sort();
}

/** Scheduler names pod templates in `objects` ask for (records as documentsToObjects makes them), sorted. */
export function schedulerNames(objects: readonly Pick<ObjectRecord, 'body'>[]): string[] {
  const names = new Set(objects.flatMap((o) => podSchedulerNames(o.body)));
  names.delete('default-scheduler');
  return [...names].sort();
}

/**
 * KubeSchedulerConfiguration: the default profile plus one profile per extra scheduler name. Each
 * extra profile is plain kube-scheduler: it places pods, but with no gang (all-or-nothing) semantics.
 */
export function schedulerConfiguration(kubeconfigPath: string, extraNames: readonly string[]): KubeObject {
  return {
    apiVersion: 'kubescheduler.config.k8s.io/v1',
    kind: 'KubeSchedulerConfiguration',
    clientConnection: { kubeconfig: kubeconfigPath },
    leaderElection: { leaderElect: false },
    profiles: ['default-scheduler', ...extraNames].map((schedulerName) => ({ schedulerName })),
  };
}

/** A kubeconfig with the admin token (every component runs with it; see tools/cluster/README.md). */
export function kubeconfig({ server, caFile, token }: { server: string; caFile: string; token: string }): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'verify-cluster', cluster: { server, 'certificate-authority': caFile } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'verify-cluster', context: { cluster: 'verify-cluster', user: 'admin' } }],
    'current-context': 'verify-cluster',
  };
}
