// The pool and GPU count each construct was given, recorded while the constructs build (run inside
// cluster-inputs.ts's bundle). Every pod template of the project is rendered from a NodePool
// (constructs/core/pod-template.ts: `pool.nodeSelector()`, then `pool.gpuResources(n)` for n > 0),
// so while `build` runs the given pools' nodeSelector/gpuResources are wrapped and each call is
// credited to the construct under construction: the innermost `new X` frame of the call stack,
// found among the ancestors of the construct added last (bundles keep class names). An ApiObject's
// intent is what the nearest construct at or above it rendered. Changing the template afterwards
// (a JSON patch, an edited pod spec) does not change its intent, which is the point.

import { ApiObject } from 'cdk8s';
import { type IConstruct, Node } from 'constructs';
import type { NodePool } from '../../../constructs/cluster/node-pool';
import type { PodIntent, WorkloadIntent } from './placement';

type Renders = Map<string, PodIntent[]>;

function constructUnderConstruction(last: IConstruct | undefined): IConstruct | undefined {
  const frames = (new Error().stack || '').split('\n').flatMap((l) => /^\s*at new (\w+)/.exec(l)?.[1] ?? []);
  for (const cls of frames) {
    for (let c = last; c; c = c.node.scope) if (c.constructor.name === cls) return c;
  }
  return undefined;
}

/**
 * Runs `build` with `pools` instrumented; returns its result, `intentOf(apiObject)` and the calls
 * that could be credited to no construct (`uncredited`, e.g. a pool read outside a constructor).
 */
export function recordIntent<T>(pools: readonly NodePool[], build: () => T): { result: T; intentOf: (o: ApiObject) => WorkloadIntent | undefined; uncredited: string[] } {
  const renders: Renders = new Map();
  const uncredited: string[] = [];
  const proto = Node.prototype as unknown as { addChild: (child: IConstruct, name: string) => void };
  const addChild = proto.addChild;
  let last: IConstruct | undefined;
  proto.addChild = function (this: Node, child: IConstruct, name: string) {
    last = child;
    return addChild.call(this, child, name);
  };
  const credit = (pool: NodePool, gpus: number, update: boolean) => {
    const c = constructUnderConstruction(last);
    if (!c) {
      uncredited.push(`${pool.name} (${gpus} GPU(s)) after ${last?.node.path ?? 'no construct'}`);
      return;
    }
    const list = renders.get(c.node.path) ?? [];
    const open = update ? [...list].reverse().find((r) => r.pool === pool.name && r.gpus === 0) : undefined;
    if (open) (open as { gpus: number }).gpus = gpus;
    else list.push({ pool: pool.name, gpus });
    renders.set(c.node.path, list);
  };
  // The constructor frame may be deep below the render (training replicas, workflow manifests).
  const traceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 200;
  const restore: (() => void)[] = [() => { proto.addChild = addChild; }, () => { Error.stackTraceLimit = traceLimit; }];
  for (const pool of new Set(pools)) {
    const { nodeSelector, gpuResources } = pool;
    const p = pool as unknown as Record<string, unknown>;
    p.nodeSelector = () => {
      credit(pool, 0, false);
      return nodeSelector.call(pool);
    };
    p.gpuResources = (count: number, owner: Parameters<NodePool['gpuResources']>[1]) => {
      credit(pool, count, true);
      return gpuResources.call(pool, count, owner);
    };
    restore.push(() => {
      delete p.nodeSelector;
      delete p.gpuResources;
    });
  }
  let result: T;
  try {
    result = build();
  } finally {
    for (const r of restore) r();
  }
  const intentOf = (o: ApiObject): WorkloadIntent | undefined => {
    for (let c: IConstruct | undefined = o; c; c = c.node.scope) {
      const list = renders.get(c.node.path);
      if (!list) continue;
      const pods = [...new Map(list.map((r) => [`${r.pool}/${r.gpus}`, r])).values()];
      const [group] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : [''];
      return { group, kind: o.kind, namespace: o.metadata.namespace, name: o.name, construct: c.node.path, path: o.node.path, pods };
    }
    return undefined;
  };
  return { result, intentOf, uncredited };
}

/**
 * Intent of every ApiObject under `root` whose construct (or one above it) rendered a pod: also
 * objects without a template of their own, e.g. a TrainJob whose pods come from its runtime.
 */
export function workloadIntents(root: IConstruct, intentOf: (o: ApiObject) => WorkloadIntent | undefined): WorkloadIntent[] {
  return root.node.findAll().flatMap((c) => (c instanceof ApiObject ? (intentOf(c) ?? []) : []));
}
