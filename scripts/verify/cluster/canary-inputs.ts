// verify:cluster's workload canaries (issue 21), built with the project's constructs inside
// cluster-inputs.ts's bundle and printed as `canaries.workloads`. Each is a known-bad workload the
// semantic checks would refuse (they run at synth, which this never calls) or one whose rendered
// objects are then edited, so the controllers must show the failure. The intent of each (the pool
// and GPUs its construct was given) is recorded before any edit (construct-intent.ts).

import { ApiObject, App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import type { NodePool } from '../../../constructs/cluster/node-pool';
import { Images } from '../../../constructs/core/image';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import type { StorageProfile } from '../../../constructs/core/storage-profile';
import { BatchProcessingJob } from '../../../constructs/ingestion/batch-job';
import { KueueClusterQueue } from '../../../constructs/operations/cluster-queue';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { KueueLocalQueue } from '../../../constructs/operations/local-queue';
import { ReplicatedModelService } from '../../../constructs/serving/replicated-service';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { GangScheduling } from '../../../constructs/training/gang-scheduling';
import { recordIntent } from './construct-intent';
import { appliedObjects } from './harness-objects';
import type { WorkloadCanaryInput } from './canary-verdicts';
import { HOLD_ANNOTATION } from './quota';

/** Namespace of the workload canaries (made by the harness, Pod Security restricted). */
export const WORKLOAD_CANARY_NAMESPACE = 'verify-canaries';
const QUEUE_LABEL = 'kueue.x-k8s.io/queue-name';
const CANARY_LABEL = 'verify-cluster/canary';

type Json = Record<string, any>;
const sleep = (s: number) => ['sh', '-c', `sleep ${s}`];

/** The pod spec of a Job/Deployment body (edited in place). */
const podSpec = (o: Json): Json => o.spec.template.spec;

/**
 * The canaries. `pools`: the stack's pools; `gangPool`: a pool a dist ResourceFlavor covers (the
 * first Team's), or undefined when the platform has no Team (the gang canaries are then not built);
 * `trainer`: the stack installs Kubeflow Trainer v2 (the TrainJob gang canary is built only then).
 */
export function workloadCanaries(pools: readonly NodePool[], profile: StorageProfile, gangPool: NodePool | undefined, { trainer }: { trainer: boolean }): WorkloadCanaryInput[] {
  const cpuPools = pools.filter((p) => p.gpusPerNode === 0);
  const gpuPool = pools.find((p) => p.gpusPerNode > 0);
  const [given, other] = cpuPools;
  if (!given || !other || !gpuPool) throw new Error(`the workload canaries need two CPU pools and a GPU pool; the stack has ${pools.map((p) => p.name).join(', ')}`);
  const ns = WORKLOAD_CANARY_NAMESPACE;
  const app = new App();
  const chart = (id: string) => new Chart(app, id, { namespace: ns, disableResourceNameHashes: true });
  const job = (scope: Chart, id: string, pool: NodePool, extra: Partial<ConstructorParameters<typeof BatchProcessingJob>[2]> = {}, container: Json = {}) =>
    new BatchProcessingJob(scope, id, { pool, retries: 0, container: { image: Images.CACHE_HELPER, command: sleep(1), ...container }, ...extra });
  const largest = Math.max(...pools.map((p) => p.cpuPerNode));

  const { result: built, intentOf } = recordIntent(pools, () => {
    const offPool = job(chart('canary-off-pool'), 'off-pool', given);
    const gpu = job(chart('canary-gpu'), 'gpu-without-request', gpuPool, {}, { gpus: 1 });
    const rwoChart = chart('canary-rwo');
    const volume = new SharedVolume(rwoChart, 'rwo-data', { storageClass: profile.default });
    const rwo = job(rwoChart, 'rwo-two-nodes', given, { parallelism: 2, completions: 2, volumes: [volume.mount('/data')] }, { command: sleep(3600) });
    const oversize = job(chart('canary-oversize'), 'larger-than-any-node', given, {}, { resources: { cpu: Cpu.units(Math.ceil(largest) + 1), memory: Size.gibibytes(1) } });
    const escalating = job(chart('canary-pod-security'), 'privilege-escalation', given);
    // A gang of 3 one-CPU workers queued into its own ClusterQueue of 2 CPUs, once per training API.
    const gangOverQueue = (id: string, framework: CollectiveFramework, output: TrainingApi) => {
      const g = chart(`canary-${id}`);
      const cohort = new FairShareCohort(g, 'cohort', { name: `verify-canary-${id}`, pools: [gangPool!] });
      const cq = new KueueClusterQueue(g, 'queue', { name: `verify-canary-${id}`, cohort, namespaces: [ns], quotas: [{ pool: gangPool!, nominal: { cpu: Cpu.units(2), memory: Size.gibibytes(4) } }] });
      const localQueue = new KueueLocalQueue(g, 'local-queue', { name: `canary-${id}`, namespace: ns, clusterQueue: cq });
      const job = new AllReduceTrainingJob(g, `${id}-over-queue`, {
        framework, output, image: Images.CACHE_HELPER, pool: gangPool!, workers: 3,
        command: sleep(1), resources: { cpu: Cpu.units(1), memory: Size.mebibytes(512) }, scheduling: GangScheduling.kueue({ queue: localQueue }),
      });
      return { job, queue: localQueue };
    };
    const gang = gangPool ? gangOverQueue('gang', CollectiveFramework.TENSORFLOW, TrainingApi.TRAINING_OPERATOR_V1) : undefined;
    const trainJobGang = gangPool && trainer ? gangOverQueue('trainjob-gang', CollectiveFramework.PYTORCH, TrainingApi.TRAINER_V2) : undefined;
    const queue = gang?.queue;
    const unmanaged = new ReplicatedModelService(chart('canary-unmanaged'), 'unmanaged-queue-label', { pool: given, container: { image: Images.CACHE_HELPER, command: sleep(3600) } });
    return { offPool, gpu, rwo, oversize, escalating, gang: gang?.job, trainJobGang: trainJobGang?.job, queue, unmanaged };
  });

  const canary = (name: string, proves: string, target: ApiObject, edit: (o: Json) => void = () => {}, keep: (o: Json) => boolean = () => true): WorkloadCanaryInput => {
    const objects = appliedObjects(target.chart).filter(keep);
    const body = objects.find((o) => o.kind === target.kind && o.metadata.name === target.name)!;
    edit(body);
    return { name, proves, namespace: ns, workload: { apiVersion: target.apiVersion, kind: target.kind, name: target.name }, objects, intent: intentOf(target) ?? null };
  };
  const out: WorkloadCanaryInput[] = [
    canary('workload-off-its-pool', `a Job whose construct was given pool ${given.name}, its pod template then pointed at pool ${other.name}, is reported misplaced`, built.offPool.apiObject, (o) => {
      podSpec(o).nodeSelector = other.nodeSelector();
      podSpec(o).tolerations = other.tolerations().length ? other.tolerations() : undefined;
    }),
    canary('gpu-pod-without-gpu-request', `a Job whose construct asked for 1 GPU on ${gpuPool.name}, its GPU request then removed, is reported as a pod without GPU request on a GPU node`, built.gpu.apiObject, (o) => {
      for (const c of podSpec(o).containers) for (const k of ['requests', 'limits']) delete c.resources?.[k]?.['nvidia.com/gpu'];
    }),
    canary('rwo-claim-on-two-nodes', `two pods on two nodes sharing one ${profile.default.name} (ReadWriteOnce) claim: the attach/detach controller reports Multi-Attach`, built.rwo.apiObject, (o) => {
      const t = o.spec.template;
      t.metadata = { ...t.metadata, labels: { ...t.metadata?.labels, [CANARY_LABEL]: 'rwo' }, annotations: { ...t.metadata?.annotations, [HOLD_ANNOTATION]: '1h' } };
      podSpec(o).affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { [CANARY_LABEL]: 'rwo' } } }] } };
    }),
    canary('pod-larger-than-any-node', `a pod requesting ${Math.ceil(largest) + 1} CPUs (the largest node has ${largest}) stays Unschedulable with kube-scheduler's message`, built.oversize.apiObject),
    canary('pod-violates-pod-security', 'a Job whose container allows privilege escalation gets no pod: Pod Security admission (restricted) refuses the pods its controller creates, as it would an operator\'s', built.escalating.apiObject, (o) => {
      for (const c of podSpec(o).containers) c.securityContext = { ...c.securityContext, allowPrivilegeEscalation: true };
    }),
    canary('queue-label-kueue-does-not-manage', `a Deployment labelled for a LocalQueue is flagged, and runs without a Kueue Workload (Kueue's configuration does not manage Deployments)`, built.unmanaged.apiObject, (o) => {
      o.metadata.labels = { ...o.metadata.labels, [QUEUE_LABEL]: built.queue?.name ?? 'canary-gang' };
    }),
  ];
  if (built.gang) {
    // The flavor is dist's (same pool, same object); the canary brings only its cohort and queues.
    out.push(canary('gang-larger-than-its-queue', `a Kueue-gang TFJob of 3 one-CPU workers in a ClusterQueue of 2 CPUs is never admitted and never starts a pod`, built.gang.apiObject, undefined, (o) => o.kind !== 'ResourceFlavor'));
  }
  if (built.trainJobGang) {
    out.push(canary('trainjob-larger-than-its-queue', `a Kueue-gang TrainJob (Trainer v2, torch runtime) of 3 one-CPU nodes in a ClusterQueue of 2 CPUs is never admitted and never starts a pod`, built.trainJobGang.apiObject, undefined, (o) => o.kind !== 'ResourceFlavor'));
  }
  return out;
}
