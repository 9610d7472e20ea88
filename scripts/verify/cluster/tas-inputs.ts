// verify:cluster's Topology Aware Scheduling proof (issue 26), built in cluster-inputs.ts's bundle
// with the project's constructs: a GPU pool of the harness's own whose `topologyLevels` make a Kueue
// Topology and a TAS ResourceFlavor, a ClusterQueue and LocalQueue on it, and a Kueue-queued TrainJob
// whose gang requires one `kubernetes.io/hostname` domain (2 pods of 1 GPU on nodes of 2 GPUs): the
// proof holds when Kueue admits it and both pods run on one node. Its canary asks one node for 3 GPUs.

import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { Images } from '../../../constructs/core/image';
import { KueueClusterQueue } from '../../../constructs/operations/cluster-queue';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { KueueLocalQueue } from '../../../constructs/operations/local-queue';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { GangScheduling } from '../../../constructs/training/gang-scheduling';
import type { WorkloadCanaryInput } from './canary-verdicts';
import { recordIntent } from './construct-intent';
import { appliedObjects, poolInput, workloadRef } from './harness-objects';
import type { PoolInput } from './nodes';
import type { WorkloadIntent } from './placement';

/** Namespace of the proof (made by the harness, Pod Security restricted). */
export const TAS_NAMESPACE = 'verify-tas';
const HOSTNAME = 'kubernetes.io/hostname';

type Json = Record<string, any>;

/** What verify:cluster needs for the proof; printed as `tas` by cluster-inputs.ts. */
export interface TasInput {
  readonly pool: PoolInput;
  readonly proof: { readonly objects: Json[]; readonly workload: { apiVersion: string; kind: string; name: string }; readonly intent: WorkloadIntent | null };
}

/** The proof and its canary (in `canaryNamespace`, with a ClusterQueue and LocalQueue of its own). */
export function tasInputs(canaryNamespace: string): { tas: TasInput; canary: WorkloadCanaryInput } {
  const pool = NodePool.gpu({ name: 'verify-tas', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2, maxSize: 2, topologyLevels: [HOSTNAME] });
  const app = new App();
  const { result, intentOf } = recordIntent([pool], () => {
    const gang = (ns: string, id: string, workers: number) => {
      const chart = new Chart(app, id, { namespace: ns, disableResourceNameHashes: true });
      const cohort = new FairShareCohort(chart, 'cohort', { name: `verify-${id}`, pools: [pool] });
      const cq = new KueueClusterQueue(chart, 'queue', { name: `verify-${id}`, cohort, namespaces: [ns], quotas: [{ pool, nominal: { cpu: Cpu.units(8), memory: Size.gibibytes(16), gpus: 4 } }] });
      const queue = new KueueLocalQueue(chart, 'local-queue', { name: id, namespace: ns, clusterQueue: cq });
      const job = new AllReduceTrainingJob(chart, `${id}-gang`, {
        framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2, image: Images.CACHE_HELPER, pool, workers, gpusPerWorker: 1,
        command: ['sh', '-c', 'sleep 1'], resources: { cpu: Cpu.millis(500), memory: Size.mebibytes(512) },
        scheduling: GangScheduling.kueue({ queue, topology: { level: HOSTNAME } }),
      });
      return { chart, job };
    };
    return { proof: gang(TAS_NAMESPACE, 'tas', 2), canary: gang(canaryNamespace, 'tas-canary', 3) };
  });
  return {
    tas: {
      pool: poolInput(pool),
      proof: { objects: appliedObjects(result.proof.chart), workload: workloadRef(result.proof.job.apiObject), intent: intentOf(result.proof.job.apiObject) ?? null },
    },
    canary: {
      name: 'tas-gang-larger-than-its-domain',
      proves: `a Kueue TrainJob of 3 one-GPU pods required in one ${HOSTNAME} domain, on nodes of 2 GPUs, is never admitted (Kueue's TAS message) and never starts a pod`,
      namespace: canaryNamespace, workload: workloadRef(result.canary.job.apiObject), objects: appliedObjects(result.canary.chart), intent: intentOf(result.canary.job.apiObject) ?? null,
    },
  };
}

/**
 * Why the proof fails, from its pods (empty when it holds): every pod ran on one node of the pool,
 * put there by Kueue, not by kube-scheduler's own choice: Kueue's topology ungater removes the
 * `kueue.x-k8s.io/topology` scheduling gate after writing the assigned domain into the pod's
 * nodeSelector (kueue v0.19.2 TAS, KEP-2724; its e2e tests expect `kubernetes.io/hostname: <node>`).
 */
export function tasProblems(pods: readonly Json[], input: Pick<TasInput, 'pool'>): string[] {
  const placed = pods.filter((p) => p.spec?.nodeName);
  if (placed.length < 2) return [`tas: ${placed.length} pod(s) of the gang placed, expected 2`];
  const nodes = [...new Set(placed.map((p) => p.spec.nodeName as string))];
  const ofPool = new Set(input.pool.nodes.map((n) => n.name));
  const problems = nodes.length > 1 ? [`tas: the gang required one ${HOSTNAME} domain but ran on ${nodes.join(', ')}`] : [];
  for (const n of nodes) if (!ofPool.has(n)) problems.push(`tas: a pod ran on node ${n}, not on pool ${input.pool.name}`);
  for (const p of placed) {
    const assigned = p.spec.nodeSelector?.[HOSTNAME];
    if (assigned !== p.spec.nodeName) problems.push(`tas: pod ${p.metadata?.name} on ${p.spec.nodeName} has nodeSelector ${HOSTNAME}=${assigned ?? '(none)'}: Kueue did not assign its domain`);
  }
  return problems;
}
