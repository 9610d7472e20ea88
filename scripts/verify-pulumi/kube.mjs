// Small Kubernetes client of verify-pulumi over verify-apiserver's HTTPS client: discovery-backed
// paths, existence checks, create/delete of the runner's own objects (volumes, the half-way policy).

import { discover } from '../verify-apiserver/api.mjs';
import { sleep } from '../verify-apiserver/common.mjs';
import lib from './lib.cjs';

export function kubeClient(client) {
  let byGvk = new Map();
  async function resource(o) {
    const { group } = { group: lib.groupOf(o.apiVersion) };
    const key = `${group}/${o.apiVersion.slice(o.apiVersion.lastIndexOf('/') + 1)}/${o.kind}`;
    if (!byGvk.has(key)) byGvk = await discover(client);
    const res = byGvk.get(key);
    if (!res) throw new Error(`the apiserver serves no ${o.kind} (${o.apiVersion})`);
    return res;
  }
  const message = (r) => (r.body?.message) || `HTTP ${r.status}`;
  /** The live object, or undefined when it does not exist. */
  async function get(o) {
    const r = await client.request('GET', lib.objectPath(o, await resource(o)));
    if (r.status === 404) return undefined;
    if (r.status !== 200) throw new Error(`GET ${lib.identity(o)}: ${message(r)}`);
    return r.body;
  }
  return {
    resource,
    async exists(o) {
      return (await get(o)) !== undefined;
    },
    get,
    async create(o) {
      const path = lib.objectPath(o, await resource(o));
      const r = await client.request('POST', path.slice(0, path.lastIndexOf('/')), { body: o });
      if (r.status !== 201) throw new Error(`creating ${lib.identity(o)}: ${message(r)}`);
    },
    async remove(o) {
      const r = await client.request('DELETE', lib.objectPath(o, await resource(o)));
      if (r.status !== 200 && r.status !== 202 && r.status !== 404) throw new Error(`deleting ${lib.identity(o)}: ${message(r)}`);
    },
    /** Waits until `o` is gone (deleted and finalized); an error naming its phase and finalizers if not. */
    async waitGone(o, timeoutS = 60) {
      const deadline = Date.now() + timeoutS * 1000;
      for (let live = await get(o); live; live = await get(o)) {
        if (Date.now() > deadline) throw new Error(`${lib.identity(o)} is still there ${timeoutS}s after its deletion (phase ${live.status?.phase}, finalizers ${JSON.stringify(live.metadata.finalizers || [])})`);
        await sleep(300);
      }
    },
    /** Waits until a dry-run create of `probe` is denied with the runner's message (policy in force). */
    async waitRejected(probe, timeoutS = 30) {
      const path = lib.objectPath(probe, await resource(probe));
      const deadline = Date.now() + timeoutS * 1000;
      let last = '';
      while (Date.now() < deadline) {
        const r = await client.request('POST', `${path.slice(0, path.lastIndexOf('/'))}?dryRun=All`, { body: probe });
        last = message(r);
        if (r.status >= 400 && last.includes(lib.REJECT_MESSAGE)) return;
        await sleep(300);
      }
      throw new Error(`the rejecting admission policy is not in force after ${timeoutS}s (last answer: ${last})`);
    },
  };
}
