import { containersOf } from './pod-templates';

/** Requests of a pod or a group of pods, in the units the checks compare. */
export interface Demand {
  cpuMillis: number;
  memoryMebibytes: number;
  gpus: number;
}

export const NO_DEMAND: Readonly<Demand> = { cpuMillis: 0, memoryMebibytes: 0, gpus: 0 };

const BINARY: Record<string, number> = { Ki: 1 / 1024, Mi: 1, Gi: 1024, Ti: 1024 * 1024 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12 };

/** A CPU quantity (`500m`, `2`, `1.5`) in millicores. */
export function cpuMillisOf(q: unknown): number {
  const s = String(q ?? '0');
  return s.endsWith('m') ? Number(s.slice(0, -1)) : Number(s) * 1000;
}

/** A memory quantity (`512Mi`, `2Gi`, `1G`, bytes) in MiB. */
export function memoryMebibytesOf(q: unknown): number {
  const m = /^([0-9.]+)([A-Za-z]*)$/.exec(String(q ?? '0'));
  if (!m) return NaN;
  const n = Number(m[1]);
  if (m[2] in BINARY) return n * BINARY[m[2]];
  if (m[2] in DECIMAL) return (n * DECIMAL[m[2]]) / (1024 * 1024);
  return m[2] === '' ? n / (1024 * 1024) : NaN;
}

/** A container's requests (Kubernetes defaults requests to limits when only limits are set). */
function containerDemand(c: Record<string, any>): Demand {
  const r = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  return { cpuMillis: cpuMillisOf(r.cpu), memoryMebibytes: memoryMebibytesOf(r.memory), gpus: Number(r['nvidia.com/gpu'] ?? 0) };
}

/**
 * What the scheduler reserves for one pod: per resource, the larger of the sum of its containers
 * and its largest init container (Kubernetes "Resource sharing within containers").
 */
export function podDemand(spec: Record<string, any>): Demand {
  const sum = (spec.containers ?? []).map(containerDemand).reduce(add, { ...NO_DEMAND });
  const init = (spec.initContainers ?? []).map(containerDemand);
  return {
    cpuMillis: Math.max(sum.cpuMillis, ...init.map((d: Demand) => d.cpuMillis)),
    memoryMebibytes: Math.max(sum.memoryMebibytes, ...init.map((d: Demand) => d.memoryMebibytes)),
    gpus: Math.max(sum.gpus, ...init.map((d: Demand) => d.gpus)),
  };
}

export function add(a: Demand, b: Demand): Demand {
  return { cpuMillis: a.cpuMillis + b.cpuMillis, memoryMebibytes: a.memoryMebibytes + b.memoryMebibytes, gpus: a.gpus + b.gpus };
}

export function times(d: Demand, n: number): Demand {
  return { cpuMillis: d.cpuMillis * n, memoryMebibytes: d.memoryMebibytes * n, gpus: d.gpus * n };
}

/** The resources of `need` that exceed `have`, as `cpu 4000m > 3910m` phrases. */
export function excess(need: Demand, have: Partial<Demand>): string[] {
  const out: string[] = [];
  if (have.cpuMillis !== undefined && need.cpuMillis > have.cpuMillis) out.push(`cpu ${Math.round(need.cpuMillis)}m > ${Math.round(have.cpuMillis)}m`);
  if (have.memoryMebibytes !== undefined && need.memoryMebibytes > have.memoryMebibytes) out.push(`memory ${Math.round(need.memoryMebibytes)}Mi > ${Math.round(have.memoryMebibytes)}Mi`);
  if (have.gpus !== undefined && need.gpus > have.gpus) out.push(`nvidia.com/gpu ${need.gpus} > ${have.gpus}`);
  return out;
}

/** Every container of a pod spec with its (defaulted) requests, for per-container checks. */
export function containerDemands(spec: Record<string, any>): { container: Record<string, any>; limits: Demand }[] {
  return containersOf(spec).map((c) => {
    const l = c.resources?.limits ?? {};
    return { container: c, limits: { cpuMillis: cpuMillisOf(l.cpu), memoryMebibytes: memoryMebibytesOf(l.memory), gpus: Number(l['nvidia.com/gpu'] ?? 0) } };
  });
}
