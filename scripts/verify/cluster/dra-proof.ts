// Runs verify:cluster's DRA proof (dra-inputs.ts builds it): the harness stands in for the NVIDIA
// DRA driver (its chart's DeviceClasses, one ResourceSlice per node of the DRA pool with the pool's
// GPUs as devices), kube-controller-manager makes each pod's ResourceClaim from the pool's
// template, kube-scheduler v1.36 allocates devices from the slices and binds. While the pods run
// the harness records every claim's allocation; the proof holds when each pod got exactly the GPUs
// its construct asked for, from the driver, on the node it runs on. Pure parts unit-tested
// (test/verify/cluster/dra.test.ts).

import type { ApiClient } from '../core/api-client';
import { statusMessage } from '../core/api-paths';
import type { KubeObject } from '../core/objects';
import { sleep } from '../core/runtime';
import { DRA_DRIVER, type DraInput, STAND_IN_DEVICE_CLASSES } from './dra-inputs';
import type { PoolInput } from './nodes';
import { list } from './observe';

/** The ResourceSlices a DRA driver's kubelet plugin would publish for a DRA pool: one per node, its GPUs as devices. */
export function resourceSlices(pool: PoolInput): KubeObject[] {
  const devicesPerNode = pool.draDevicesPerNode ?? 0;
  return pool.nodes.map((n) => ({
    apiVersion: 'resource.k8s.io/v1', kind: 'ResourceSlice',
    metadata: { name: `${n.name}-${DRA_DRIVER.replace(/\./g, '-')}` },
    spec: {
      driver: DRA_DRIVER, nodeName: n.name, pool: { name: n.name, generation: 1, resourceSliceCount: 1 },
      devices: Array.from({ length: devicesPerNode }, (_, i) => ({ name: `gpu-${i}`, attributes: { type: { string: 'gpu' }, index: { int: i } } })),
    },
  }));
}

/**
 * Creates the stand-in driver's DeviceClasses and the ResourceSlices of every DRA pool (pools
 * without `draDevicesPerNode` are skipped); the devices published. Throws with the apiserver's message.
 */
export async function publishDevices(client: ApiClient, pools: readonly PoolInput[]): Promise<number> {
  const slices = pools.filter((p) => p.draDevicesPerNode).flatMap(resourceSlices);
  if (!slices.length) return 0;
  for (const o of [...STAND_IN_DEVICE_CLASSES, ...slices]) {
    const plural = o.kind === 'DeviceClass' ? 'deviceclasses' : 'resourceslices';
    const r = await client.request('POST', `/apis/resource.k8s.io/v1/${plural}`, { body: o });
    if (r.status !== 201) throw new Error(`creating ${o.kind} ${o.metadata.name} failed: ${statusMessage(r.status, r.body)}`);
  }
  return slices.reduce((n, s) => n + s.spec.devices.length, 0);
}

/** What a pod was seen holding: its node and each claim's allocated devices. */
export interface SeenAllocation {
  node: string;
  claims: { name: string; results: { driver: string; pool: string; device: string }[] | undefined }[];
}

/** One look at the namespace: every placed pod with the allocation of each of its claims. */
export function allocationsOf(pods: readonly KubeObject[], claims: readonly KubeObject[]): Map<string, SeenAllocation> {
  const byName = new Map(claims.map((c) => [c.metadata.name, c]));
  const out = new Map<string, SeenAllocation>();
  for (const p of pods) {
    if (!p.spec?.nodeName) continue;
    const statuses: KubeObject[] = p.status?.resourceClaimStatuses ?? [];
    out.set(p.metadata.name, {
      node: p.spec.nodeName,
      claims: statuses.map((s) => ({ name: s.resourceClaimName ?? s.name, results: byName.get(s.resourceClaimName)?.status?.allocation?.devices?.results })),
    });
  }
  return out;
}

/** Why the proof fails, from what was seen (empty when it holds). */
export function allocationProblems(seen: ReadonlyMap<string, SeenAllocation>, input: Pick<DraInput, 'pool' | 'proof'>, podNames: readonly string[]): string[] {
  const nodes = new Set(input.pool.nodes.map((n) => n.name));
  if (!podNames.length) return ['dra: no pod of the proof was created'];
  const problems: string[] = [];
  for (const name of podNames) {
    const s = seen.get(name);
    if (!s) { problems.push(`dra: pod ${name} was never seen placed`); continue; }
    if (!nodes.has(s.node)) problems.push(`dra: pod ${name} ran on node ${s.node}, not on a node of pool ${input.pool.name}`);
    const results = s.claims.flatMap((c) => c.results ?? []);
    if (!s.claims.length) problems.push(`dra: pod ${name} has no ResourceClaim (no resourceClaimStatuses)`);
    else if (s.claims.some((c) => !c.results)) problems.push(`dra: pod ${name} ran with claim(s) ${s.claims.filter((c) => !c.results).map((c) => c.name).join(', ')} never seen allocated`);
    if (results.length !== input.proof.gpusPerPod) problems.push(`dra: pod ${name} was allocated ${results.length} device(s), its construct asked for ${input.proof.gpusPerPod}`);
    for (const r of results) {
      if (r.driver !== DRA_DRIVER || r.pool !== s.node) problems.push(`dra: pod ${name} on node ${s.node} got device ${r.driver}/${r.pool}/${r.device}, not one of its node's ${DRA_DRIVER} devices`);
    }
  }
  return problems;
}

/** Records allocations in `namespace` every 2 s until stopped; `stop()` returns what was seen (the first sighting with allocations wins). */
export function watchAllocations(client: ApiClient, namespace: string): { stop: () => Promise<Map<string, SeenAllocation>> } {
  const seen = new Map<string, SeenAllocation>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const [pods, claims] = await Promise.all([list(client, `/api/v1/namespaces/${namespace}/pods`), list(client, `/apis/resource.k8s.io/v1/namespaces/${namespace}/resourceclaims`)]);
      for (const [name, a] of allocationsOf(pods, claims)) {
        const before = seen.get(name);
        if (!before || (before.claims.some((c) => !c.results) && a.claims.every((c) => c.results))) seen.set(name, a);
      }
      await sleep(2000);
    }
  })();
  return { stop: async () => { running = false; await loop; return seen; } };
}
