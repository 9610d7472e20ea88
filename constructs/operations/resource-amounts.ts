import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { NVIDIA_GPU_RESOURCE } from '../cluster/accelerator';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { cpuMillis } from '../core/compute';
import { propError, Where } from '../core/errors';
import { CPU, SIZE } from '../core/prop-checks';
import { optional, shape } from '../core/required-props';

/** An amount of CPU, memory and GPUs: a quota, a limit or a capacity. */
export interface ResourceAmounts {
  readonly cpu: Cpu;
  readonly memory: Size;
  /**
   * `nvidia.com/gpu` devices.
   * @default 0
   */
  readonly gpus?: number;
}

/** Run-time check of resource amounts. */
export const RESOURCE_AMOUNTS = shape<ResourceAmounts>({ cpu: CPU, memory: SIZE, gpus: optional('number') }, 'amounts ({ cpu: Cpu.units(n), memory: Size.gibibytes(n), gpus })');
/** Run-time check of a pool quota (`PoolQuota`, declared in fair-share-cohort.ts). */
export const POOL_QUOTA = shape<{ pool: NodePool; nominal: ResourceAmounts; borrowingLimit?: ResourceAmounts; lendingLimit?: ResourceAmounts }>({
  pool: NODE_POOL, nominal: RESOURCE_AMOUNTS, borrowingLimit: optional(RESOURCE_AMOUNTS), lendingLimit: optional(RESOURCE_AMOUNTS),
}, 'a pool quota ({ pool, nominal, borrowingLimit, lendingLimit })');

/** `ResourceAmounts` in integer wire units (millicores, mebibytes, devices), for arithmetic. */
export interface Amounts {
  readonly cpuMillis: number;
  readonly memoryMebibytes: number;
  readonly gpus: number;
}

export const ZERO: Amounts = Object.freeze({ cpuMillis: 0, memoryMebibytes: 0, gpus: 0 });

/** Parses and checks amounts: non-negative, whole millicores, mebibytes and devices. */
export function toAmounts(where: Where, prop: string, amounts: ResourceAmounts): Amounts {
  const cpu = cpuMillis(amounts.cpu);
  const memory = amounts.memory.toMebibytes();
  const gpus = amounts.gpus ?? 0;
  if (!(cpu >= 0) || !Number.isInteger(cpu)) throw propError(where, `${prop}.cpu`, amounts.cpu.amount, 'use a whole number of millicores >= 0');
  if (!(memory >= 0) || !Number.isInteger(memory)) throw propError(where, `${prop}.memory`, `${memory}Mi`, 'use a whole number of mebibytes >= 0');
  if (!(gpus >= 0) || !Number.isInteger(gpus)) throw propError(where, `${prop}.gpus`, gpus, 'use a whole number of GPUs >= 0');
  return { cpuMillis: cpu, memoryMebibytes: memory, gpus };
}

export function addAmounts(a: Amounts, b: Amounts): Amounts {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryMebibytes: a.memoryMebibytes + b.memoryMebibytes, gpus: a.gpus + b.gpus };
}

/** The resources of `a` that are larger than in `b`, described for an error message ('' when none). */
export function excess(a: Amounts, b: Amounts): string {
  const over: string[] = [];
  if (a.cpuMillis > b.cpuMillis) over.push(`cpu ${cpuText(a.cpuMillis)} > ${cpuText(b.cpuMillis)}`);
  if (a.memoryMebibytes > b.memoryMebibytes) over.push(`memory ${memoryText(a.memoryMebibytes)} > ${memoryText(b.memoryMebibytes)}`);
  if (a.gpus > b.gpus) over.push(`gpus ${a.gpus} > ${b.gpus}`);
  return over.join(', ');
}

/** Total allocatable capacity of a pool at `maxSize`, in wire units. */
export function poolCapacity(pool: NodePool): Amounts {
  const c = pool.capacity();
  return { cpuMillis: Math.round(c.cpu * 1000), memoryMebibytes: c.memory.toMebibytes(), gpus: c.gpus };
}

/** Kubernetes quantity of millicores: whole cores as "8", else "2500m". */
export function cpuText(millis: number): string {
  return millis % 1000 === 0 ? String(millis / 1000) : `${millis}m`;
}

/** Kubernetes quantity of mebibytes: "64Gi" when whole, else "512Mi". */
export function memoryText(mebibytes: number): string {
  return mebibytes % 1024 === 0 ? `${mebibytes / 1024}Gi` : `${mebibytes}Mi`;
}

/** The three resource names a quota covers, in the order Kueue and ResourceQuota list them. */
export const RESOURCE_NAMES = { cpu: 'cpu', memory: 'memory', gpu: NVIDIA_GPU_RESOURCE } as const;

/**
 * Amounts as a `{ cpu, memory, nvidia.com/gpu }` map of quantity strings (GPUs only when `withGpus`,
 * under `gpuResource`: a DRA pool's Kueue resource, `gpuQuotaResource(pool)`).
 */
export function quantities(a: Amounts, withGpus: boolean, gpuResource: string = RESOURCE_NAMES.gpu): Record<string, string> {
  const out: Record<string, string> = { [RESOURCE_NAMES.cpu]: cpuText(a.cpuMillis), [RESOURCE_NAMES.memory]: memoryText(a.memoryMebibytes) };
  if (withGpus) out[gpuResource] = String(a.gpus);
  return out;
}
