import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { propError } from './errors';

/** CPU and memory of one container. Requests and limits are always both set. */
export interface ContainerResources {
  /**
   * CPU request.
   * @default Cpu.millis(500)
   */
  readonly cpu?: Cpu;
  /**
   * CPU limit.
   * @default - equal to `cpu`
   */
  readonly cpuLimit?: Cpu;
  /**
   * Memory request and limit (equal, so the pod is never OOM-killed for using what it asked for).
   * @default Size.gibibytes(1)
   */
  readonly memory?: Size;
}

export const DEFAULT_RESOURCES = Object.freeze({ cpu: Cpu.millis(500), memory: Size.gibibytes(1) });

/** Parses a CPU amount ("500m", "2") into millicores. */
export function cpuMillis(cpu: Cpu): number {
  const amount = String(cpu.amount);
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(amount);
  if (!m) throw new Error(`unsupported CPU amount '${amount}'`);
  return m[2] === 'm' ? Number(m[1]) : Math.round(Number(m[1]) * 1000);
}

/** Renders `resources` for a container; `extra` adds requests = limits (GPUs). */
export function renderResources(
  scope: string,
  resources: ContainerResources = {},
  extra?: { requests: Record<string, k8s.Quantity>; limits: Record<string, k8s.Quantity> },
): k8s.ResourceRequirements {
  const cpu = resources.cpu ?? DEFAULT_RESOURCES.cpu;
  const cpuLimit = resources.cpuLimit ?? cpu;
  const memory = resources.memory ?? DEFAULT_RESOURCES.memory;
  if (cpuMillis(cpu) <= 0) throw propError(scope, 'resources.cpu', cpu.amount, 'use a positive CPU amount');
  if (cpuMillis(cpuLimit) < cpuMillis(cpu)) {
    throw propError(scope, 'resources.cpuLimit', cpuLimit.amount, `it is below the CPU request '${cpu.amount}'; use a limit >= request`);
  }
  const mem = memory.toMebibytes();
  if (!(mem > 0) || !Number.isInteger(mem)) throw propError(scope, 'resources.memory', `${mem}Mi`, 'use a positive whole number of mebibytes');
  const memQ = sizeQuantity(memory);
  return {
    requests: { cpu: k8s.Quantity.fromString(String(cpu.amount)), memory: memQ, ...extra?.requests },
    limits: { cpu: k8s.Quantity.fromString(String(cpuLimit.amount)), memory: memQ, ...extra?.limits },
  };
}

/** A Size as a Kubernetes quantity, in Gi when whole, else Mi ("1Gi", "512Mi"). */
export function sizeQuantity(size: Size): k8s.Quantity {
  const mi = size.toMebibytes();
  return k8s.Quantity.fromString(mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`);
}
