// verify:cluster's DRA proof (issue 26), built in cluster-inputs.ts's bundle with the project's
// constructs: a GPU pool of the harness's own whose GPUs are allocated through DRA, the
// DeviceClasses a DRA driver's chart installs, a TrainJob on that pool (its pods claim GPUs from the
// pool's ResourceClaimTemplate), and a canary whose pool asks for a DeviceClass none of the
// published devices match. ResourceSlices are published at run time (dra-proof.ts): no DRA driver
// runs, the harness stands in for it.

import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { GpuAllocation } from '../../../constructs/cluster/gpu-features';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { Images } from '../../../constructs/core/image';
import { AllReduceTrainingJob, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import type { WorkloadCanaryInput } from './canary-verdicts';
import { recordIntent } from './construct-intent';
import { appliedObjects, poolInput, workloadRef } from './harness-objects';
import type { PoolInput } from './nodes';
import type { WorkloadIntent } from './placement';
import { HOLD_ANNOTATION } from './quota';

/** Namespace of the proof's TrainJob (made by the harness, Pod Security restricted). */
export const DRA_NAMESPACE = 'verify-dra';
/** The driver the NVIDIA DRA driver registers its devices under. */
export const DRA_DRIVER = 'gpu.nvidia.com';

type Json = Record<string, any>;

/** What verify:cluster needs for the proof; printed as `dra` by cluster-inputs.ts. */
export interface DraInput {
  /** The pool's kwok nodes: no `nvidia.com/gpu` (a DRA node runs no device plugin); `draDevicesPerNode` GPUs each in ResourceSlices. */
  readonly pool: PoolInput;
  /** The TrainJob and the objects of its chart (runtime, claim template, network policies). */
  readonly proof: { readonly objects: Json[]; readonly workload: { apiVersion: string; kind: string; name: string }; readonly gpusPerPod: number; readonly intent: WorkloadIntent | null };
}

/** A DeviceClass selecting the driver's devices of one `type` (as the driver's chart writes it). */
export function deviceClass(name: string, type: 'gpu' | 'mig'): Json {
  return {
    apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name },
    spec: { selectors: [{ cel: { expression: `device.driver == '${DRA_DRIVER}' && device.attributes['${DRA_DRIVER}'].type == '${type}'` } }] },
  };
}

/**
 * The DeviceClasses of kubernetes-sigs/dra-driver-nvidia-gpu's chart (deviceclass-gpu.yaml,
 * deviceclass-mig.yaml), which the harness creates when any pool, the proof's or the stack's,
 * allocates through DRA.
 */
export const STAND_IN_DEVICE_CLASSES: readonly Json[] = [deviceClass('gpu.nvidia.com', 'gpu'), deviceClass('mig.nvidia.com', 'mig')];

/**
 * The proof's pods run for a while (kwok's pod-complete delay) so their claims can be read while
 * allocated: kube-controller-manager deallocates and deletes a pod's generated claims once it is done.
 */
function held(objects: Json[], delay: string): Json[] {
  for (const o of objects.filter((x) => x.kind === 'TrainingRuntime')) {
    for (const rj of o.spec.template.spec.replicatedJobs) {
      const t = rj.template.spec.template;
      t.metadata = { ...t.metadata, annotations: { ...t.metadata?.annotations, [HOLD_ANNOTATION]: delay } };
    }
  }
  return objects;
}

/**
 * The proof and its canary. `canaryNamespace`: where the workload canaries run; `intent`: the
 * canary's recorded pool intent comes from the same recorder as the other canaries' does.
 */
export function draInputs(canaryNamespace: string): { dra: DraInput; canary: WorkloadCanaryInput } {
  const pool = NodePool.gpu({ name: 'verify-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2, maxSize: 2, allocation: GpuAllocation.dra() });
  // Same nodes, a pool object asking for MIG devices: none of the published full GPUs match.
  const migPool = NodePool.gpu({ name: 'verify-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2, maxSize: 2, allocation: GpuAllocation.dra('mig.nvidia.com') });
  const app = new App();
  const job = (chart: Chart, id: string, on: NodePool) => new AllReduceTrainingJob(chart, id, {
    framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2, image: Images.CACHE_HELPER, pool: on, workers: 2, gpusPerWorker: 1,
    command: ['sh', '-c', 'sleep 1'], resources: { cpu: Cpu.millis(500), memory: Size.mebibytes(512) },
  });
  const { result, intentOf } = recordIntent([pool, migPool], () => {
    const proofChart = new Chart(app, 'dra-proof', { namespace: DRA_NAMESPACE, disableResourceNameHashes: true });
    const canaryChart = new Chart(app, 'canary-dra', { namespace: canaryNamespace, disableResourceNameHashes: true });
    return { proof: job(proofChart, 'dra-gpus', pool), canary: job(canaryChart, 'dra-no-device', migPool) };
  });
  return {
    dra: {
      pool: poolInput(pool),
      proof: { objects: held(appliedObjects(Chart.of(result.proof)), '20s'), workload: workloadRef(result.proof.apiObject), gpusPerPod: 1, intent: intentOf(result.proof.apiObject) ?? null },
    },
    canary: {
      name: 'dra-claim-without-device',
      proves: `a TrainJob whose pool claims GPUs from DeviceClass mig.nvidia.com, on nodes whose driver publishes only full GPUs, stays Pending with kube-scheduler's DRA message`,
      namespace: canaryNamespace, workload: workloadRef(result.canary.apiObject), objects: appliedObjects(Chart.of(result.canary)), intent: intentOf(result.canary.apiObject) ?? null,
    },
  };
}
