// The provider's awaits, checked instead of assumed: right after the first `up` returns, every
// Deployment, StatefulSet, Job, PersistentVolumeClaim, Service and ResourceQuota of the state is
// read from the apiserver and must be in the state the provider's await promises. Each condition
// follows the provider's own awaiter (pulumi-kubernetes provider/pkg/await at f47bc2d6f199):
// - Deployment (deployment.go): `Available` True and `Progressing` True with reason
//   NewReplicaSetAvailable; here also every replica available;
// - StatefulSet (statefulset.go): ready replicas = replicas, currentRevision = updateRevision;
// - Job (job.go → cloud-ready-checks v1.3.0 pkg/kubernetes/job): condition `Complete` True;
// - PersistentVolumeClaim (awaiters.go untilCoreV1PersistentVolumeClaimReady): Bound, or Pending
//   when its class binds WaitForFirstConsumer;
// - ResourceQuota (awaiters.go untilCoreV1ResourceQuotaInitialized): status.hard equals spec.hard;
// - Service (service.go): a selector, not headless, not ExternalName → its v1 Endpoints have no
//   not-ready address. The awaiter's success is `serviceReady && endpointsSettled &&
//   !endpointsPending` and does not itself require a ready address; this check does (≥ 1), so it
//   is stricter than the await it checks.
// An autoscaler may act between the await and this read: an HPA whose minReplicas is above the
// replicas the program gave (or omitted, as the Kubernetes docs advise under an HPA) scales the
// Deployment up the moment it exists, and its new pods are not ready yet. For a Deployment an HPA
// of the state targets, the promise checked is the one the provider made: the program's replicas
// (default 1) available and no failed rollout; a Service selecting its pods may list the new pods
// as not ready but needs a ready address.
// Pure but for checkAwaits, which reads the live objects through the run's client.

import type { KubeObject } from '../core/objects';
import { identity, type StateObject } from './engine-results';
import type { KubeClient } from './kube';

export const AWAITED_KINDS = ['Deployment', 'StatefulSet', 'Job', 'PersistentVolumeClaim', 'Service', 'ResourceQuota'] as const;

/** What a Service or claim's verdict needs besides the object: its Endpoints, its class's binding mode. */
export interface AwaitContext {
  endpoints?: KubeObject;
  bindingMode?: string;
  /** The HPA scaling this Deployment, or the Deployment whose autoscaled pods this Service selects. */
  autoscaledBy?: string;
  /** The replicas the program asked for (what the provider awaited), where it set them. */
  programReplicas?: number;
}

const condition = (o: KubeObject, type: string) => (o.status?.conditions || []).find((c: KubeObject) => c.type === type);
const isTrue = (o: KubeObject, type: string) => condition(o, type)?.status === 'True';
/** Canonical JSON (sorted keys) of a flat map, to compare quota maps. */
const flat = (m: Record<string, unknown> | undefined) => JSON.stringify(Object.entries(m || {}).sort(([a], [b]) => a.localeCompare(b)));

/** Whether a Service is one the provider waits for endpoints of. */
export function waitsForEndpoints(svc: KubeObject): boolean {
  return Object.keys(svc.spec?.selector || {}).length > 0 && svc.spec?.clusterIP !== 'None' && svc.spec?.type !== 'ExternalName';
}

/** Why a live object is not in the state its await promises, or undefined when it is. */
export function awaitProblem(live: KubeObject, ctx: AwaitContext = {}): string | undefined {
  const s = live.status || {};
  switch (live.kind) {
    case 'Deployment': {
      const replicas = live.spec?.replicas ?? 1;
      const progressing = condition(live, 'Progressing');
      if (ctx.autoscaledBy) {
        const awaited = ctx.programReplicas ?? 1;
        if (progressing?.status === 'False') return `rollout failed (${progressing.reason}; scaled by ${ctx.autoscaledBy})`;
        return (s.availableReplicas ?? 0) >= awaited ? undefined : `${s.availableReplicas ?? 0}/${awaited} replicas the program asked for available (scaled by ${ctx.autoscaledBy} to ${replicas})`;
      }
      if (!isTrue(live, 'Available')) return `not Available (${condition(live, 'Available')?.message ?? 'no condition'})`;
      if (progressing?.status !== 'True' || progressing.reason !== 'NewReplicaSetAvailable') return `Progressing is ${progressing?.status ?? 'absent'}/${progressing?.reason ?? '-'}, not True/NewReplicaSetAvailable`;
      return (s.availableReplicas ?? 0) === replicas ? undefined : `${s.availableReplicas ?? 0}/${replicas} replicas available`;
    }
    case 'StatefulSet': {
      const replicas = live.spec?.replicas ?? 1;
      if ((s.readyReplicas ?? 0) !== replicas) return `${s.readyReplicas ?? 0}/${replicas} replicas ready`;
      return s.currentRevision === s.updateRevision ? undefined : `currentRevision ${s.currentRevision} is not updateRevision ${s.updateRevision}`;
    }
    case 'Job':
      return isTrue(live, 'Complete') ? undefined : `not Complete (active ${s.active ?? 0}, succeeded ${s.succeeded ?? 0}, failed ${s.failed ?? 0})`;
    case 'PersistentVolumeClaim':
      if (s.phase === 'Bound') return undefined;
      return ctx.bindingMode === 'WaitForFirstConsumer' && s.phase === 'Pending' ? undefined : `phase ${s.phase ?? 'unset'}, not Bound`;
    case 'ResourceQuota':
      if (!s.hard) return 'status.hard not set (quota not computed)';
      return flat(s.hard) === flat(live.spec?.hard) ? undefined : `status.hard ${flat(s.hard)} is not spec.hard ${flat(live.spec?.hard)}`;
    case 'Service': {
      if (!waitsForEndpoints(live)) return undefined;
      if (!ctx.endpoints) return 'no Endpoints object';
      const subsets: KubeObject[] = ctx.endpoints.subsets || [];
      const ready = subsets.reduce((n, x) => n + (x.addresses?.length ?? 0), 0);
      const notReady = subsets.reduce((n, x) => n + (x.notReadyAddresses?.length ?? 0), 0);
      if (notReady && !ctx.autoscaledBy) return `${notReady} not-ready endpoint address(es)`;
      return ready ? undefined : 'no ready endpoint address';
    }
    default:
      return undefined;
  }
}

/** `3 Deployment, 1 Job` for the objects checked. */
export function kindCounts(objects: readonly { object: KubeObject }[]): string {
  const n = new Map<string, number>();
  for (const o of objects) n.set(o.object.kind, (n.get(o.object.kind) ?? 0) + 1);
  return [...n.entries()].map(([k, c]) => `${c} ${k}`).join(', ') || 'none';
}

/** Labels a Service's selector must match: every key/value of the selector is in the labels. */
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The Deployments the state's HPAs target, live: `ns/name` → the HPA's identity and the pods' labels. */
async function autoscaledDeployments(kube: KubeClient, objects: readonly StateObject[]): Promise<Map<string, { by: string; labels: Record<string, string> }>> {
  const scaled = new Map<string, { by: string; labels: Record<string, string> }>();
  for (const o of objects.filter((x) => x.object.kind === 'HorizontalPodAutoscaler')) {
    const hpa = await kube.get(o.object);
    const ref = hpa?.spec?.scaleTargetRef;
    if (!hpa || ref?.kind !== 'Deployment') continue;
    const target = await kube.get({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: ref.name, namespace: hpa.metadata.namespace } });
    scaled.set(`${hpa.metadata.namespace}/${ref.name}`, { by: `HPA ${hpa.metadata.name}`, labels: target?.spec?.template?.metadata?.labels || {} });
  }
  return scaled;
}

/** Reads every awaited object of the state; returns the objects checked and one line per problem. */
export async function checkAwaits(kube: KubeClient, objects: readonly StateObject[]): Promise<{ checked: StateObject[]; problems: string[] }> {
  const checked = objects.filter((o) => !o.patch && (AWAITED_KINDS as readonly string[]).includes(o.object.kind));
  const scaled = await autoscaledDeployments(kube, objects);
  const problems: string[] = [];
  for (const o of checked) {
    const live = await kube.get(o.object);
    if (!live) {
      problems.push(`${o.id}: not found`);
      continue;
    }
    const ns = live.metadata?.namespace;
    const ctx: AwaitContext = {};
    if (live.kind === 'Deployment' && scaled.has(`${ns}/${live.metadata.name}`)) Object.assign(ctx, { autoscaledBy: scaled.get(`${ns}/${live.metadata.name}`)?.by, programReplicas: o.replicas });
    if (live.kind === 'Service' && waitsForEndpoints(live)) {
      ctx.endpoints = await kube.get({ apiVersion: 'v1', kind: 'Endpoints', metadata: live.metadata });
      const fronted = [...scaled.entries()].find(([key, d]) => key.startsWith(`${ns}/`) && selects(live.spec.selector, d.labels));
      if (fronted) ctx.autoscaledBy = `Deployment ${fronted[0]} (${fronted[1].by})`;
    }
    if (live.kind === 'PersistentVolumeClaim' && live.spec?.storageClassName) {
      ctx.bindingMode = (await kube.get({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: live.spec.storageClassName } }))?.volumeBindingMode;
    }
    const problem = awaitProblem(live, ctx);
    if (problem) problems.push(`${identity(live)}: ${problem}`);
  }
  return { checked, problems };
}
