// Small Kubernetes client of verify:pulumi over the core's HTTPS client: discovery-backed paths,
// existence checks, create/delete of the runner's own objects (volumes, the half-way policy), and
// the drift canary's out-of-band merge patch.

import { type ApiClient, type ApiResponse, discover } from '../core/api-client';
import type { ServedResource } from '../core/api-paths';
import type { KubeObject } from '../core/objects';
import { sleep } from '../core/runtime';
import { identity } from './engine-results';
import { objectPath, REJECT_MESSAGE } from './halfway';
import { groupOf } from './operator-crds';

export type KubeClient = ReturnType<typeof kubeClient>;

export function kubeClient(client: ApiClient) {
  let byGvk = new Map<string, ServedResource>();
  async function resource(o: KubeObject): Promise<ServedResource> {
    const group = groupOf(o.apiVersion);
    const key = `${group}/${o.apiVersion.slice(o.apiVersion.lastIndexOf('/') + 1)}/${o.kind}`;
    if (!byGvk.has(key)) byGvk = await discover(client);
    const res = byGvk.get(key);
    if (!res) throw new Error(`the apiserver serves no ${o.kind} (${o.apiVersion})`);
    return res;
  }
  const message = (r: ApiResponse): string => (r.body?.message) || `HTTP ${r.status}`;
  /** The live object, or undefined when it does not exist. */
  async function get(o: KubeObject): Promise<KubeObject | undefined> {
    const r = await client.request('GET', objectPath(o, await resource(o)));
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`GET ${identity(o)}: ${message(r)}`);
    return r.body;
  }
  return {
    resource,
    async exists(o: KubeObject): Promise<boolean> {
      return (await get(o)) !== undefined;
    },
    get,
    async create(o: KubeObject): Promise<void> {
      const path = objectPath(o, await resource(o));
      const r = await client.request('POST', path.slice(0, path.lastIndexOf('/')), { body: o });
      if (r.status !== 201) throw new Error(`creating ${identity(o)}: ${message(r)}`);
    },
    /** A JSON merge patch of `o` by `fieldManager` (an out-of-band change, as a person's edit). */
    async mergePatch(o: KubeObject, patch: KubeObject, fieldManager: string): Promise<void> {
      const r = await client.request('PATCH', `${objectPath(o, await resource(o))}?fieldManager=${encodeURIComponent(fieldManager)}`, { body: patch, contentType: 'application/merge-patch+json' });
      if (r.status !== 200) throw new Error(`patching ${identity(o)}: ${message(r)}`);
    },
    async remove(o: KubeObject): Promise<void> {
      const r = await client.request('DELETE', objectPath(o, await resource(o)));
      if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new Error(`deleting ${identity(o)}: ${message(r)}`);
    },
    /** Waits until `o` is gone (deleted and finalized); an error naming its phase and finalizers if not. */
    async waitGone(o: KubeObject, timeoutS = 60): Promise<void> {
      const deadline = Date.now() + timeoutS * 1000;
      for (let live = await get(o); live; live = await get(o)) {
        if (Date.now() > deadline) throw new Error(`${identity(o)} is still there ${timeoutS}s after its deletion (phase ${live.status?.phase}, finalizers ${JSON.stringify(live.metadata.finalizers || [])})`);
        await sleep(300);
      }
    },
    /** Waits until a dry-run create of `probe` is denied with the runner's message (policy in force). */
    async waitRejected(probe: KubeObject, timeoutS = 30): Promise<void> {
      const path = objectPath(probe, await resource(probe));
      const deadline = Date.now() + timeoutS * 1000;
      let last = '';
      while (Date.now() < deadline) {
        const r = await client.request('POST', `${path.slice(0, path.lastIndexOf('/'))}?dryRun=All`, { body: probe });
        last = message(r);
        if ((r.status ?? 0) >= 400 && last.includes(REJECT_MESSAGE)) return;
        await sleep(300);
      }
      throw new Error(`the rejecting admission policy is not in force after ${timeoutS}s (last answer: ${last})`);
    },
  };
}
