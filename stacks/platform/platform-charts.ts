import * as k8s from '@pulumi/kubernetes';
import * as pulumi from '@pulumi/pulumi';
import { groupKind } from '../../constructs/core/api-groups';
import { KUEUE_QUEUE_LABEL } from '../../constructs/core/scheduling';
import { ChartManifest } from '../../constructs/app/chart-manifests';
import { upstreamOf } from '../cluster/target';
import { StackConfigError } from '../config';

/** Arguments of `PlatformCharts`. */
export interface PlatformChartsArgs {
  /** cdk8s charts as synthesized (`PlatformApp.synthManifests()`), in apply order. */
  readonly manifests: readonly ChartManifest[];
  readonly provider: k8s.Provider;
}

/** A chart's objects split for deployment: what volumes need, the volumes, then the rest. */
export interface ChartDeployment {
  /** Namespaces that hold retained volumes: separate resources, kept on delete with them. */
  readonly namespaces: Record<string, any>[];
  /** Objects ranked before the first PVC (namespaces, RBAC, config). */
  readonly prelude: Record<string, any>[];
  /** PersistentVolumeClaims: separate resources, kept on delete. */
  readonly volumes: Record<string, any>[];
  /**
   * Objects other objects' admission looks up, with the chart's namespaces they live in: applied as
   * a group of their own before `rest`. A yaml.v2.ConfigGroup creates its objects in parallel
   * (ordering only Namespaces and CRDs first), and Trainer v2.3.0's TrainJob webhook refuses a
   * TrainJob whose TrainingRuntime does not exist yet (pkg/webhooks/trainjob_webhook.go
   * ValidateCreate → pkg/runtime/core/trainingruntime.go "TrainingRuntime specified in TrainJob is
   * not found"; seen by verify:pulumi).
   */
  readonly referenced: Record<string, any>[];
  /** Everything else, in apply order. */
  readonly rest: Record<string, any>[];
}

/** Kinds another object's admission requires to exist first (see `ChartDeployment.referenced`). */
const LOOKED_UP_AT_ADMISSION = new Set(['trainer.kubeflow.org/TrainingRuntime', 'trainer.kubeflow.org/ClusterTrainingRuntime']);

const isPvc = (o: Record<string, any>) => o.apiVersion === 'v1' && o.kind === 'PersistentVolumeClaim';
const isNamespace = (o: Record<string, any>) => o.apiVersion === 'v1' && o.kind === 'Namespace';

/**
 * The object as Pulumi applies it: a job carrying Kueue's queue label without its `suspend` field
 * (`spec.suspend`, `spec.runPolicy.suspend`). Kueue owns that field: its webhook creates a queued
 * job suspended (kueue v0.19.2 pkg/controller/jobframework/base_webhook.go Default →
 * defaults.go ApplyDefaultForSuspend) and its controller unsuspends it on admission. Applied by
 * Pulumi, `suspend: true` stays Pulumi's input, so `pulumi refresh` shows every admitted job as
 * drifted and any later `up` of it fails with a server-side-apply conflict with "kueue" on that
 * field (seen by verify:pulumi). Other objects are returned unchanged.
 */
export function suspendLeftToKueue(o: Record<string, any>): Record<string, any> {
  const queued = o.metadata?.labels?.[KUEUE_QUEUE_LABEL] !== undefined;
  if (!queued || (o.spec?.suspend === undefined && o.spec?.runPolicy?.suspend === undefined)) return o;
  const { suspend: _job, ...spec } = o.spec;
  if (spec.runPolicy) {
    const { suspend: _run, ...runPolicy } = spec.runPolicy;
    spec.runPolicy = runPolicy;
  }
  return { ...o, spec };
}

/**
 * Whole-number resource quantities (`resources.limits`/`requests`) as the strings the cluster
 * stores: Kueue's mutating webhook decodes a job into Go types and answers with a patch from the
 * re-encoded object (controller-runtime v0.24.1 pkg/webhook/admission/defaulter_custom.go,
 * `json.Marshal(obj)` then `PatchResponseFromRaw`), where a quantity is a string, so a live
 * `nvidia.com/gpu` of `1` reads back as "1". Applied by Pulumi as the number,
 * every `pulumi refresh` shows those jobs changed and the next `up` changes them back (seen by
 * verify:pulumi on the GPU TFJobs and PyTorchJobs). Other values are left as they are.
 */
export function quantitiesAsStored(v: any, key?: string, parent?: string): any {
  if (Array.isArray(v)) return v.map((x) => quantitiesAsStored(x));
  if (v === null || typeof v !== 'object') return v;
  const quantities = key !== undefined && parent === 'resources' && (key === 'limits' || key === 'requests');
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, quantities && Number.isInteger(x) ? String(x) : quantitiesAsStored(x, k, key)]));
}

/** An object of a chart as the stack applies it (suspendLeftToKueue, quantitiesAsStored). */
export function asDeployed(o: Record<string, any>): Record<string, any> {
  return quantitiesAsStored(suspendLeftToKueue(o));
}

/** Namespaces any of the charts puts a PersistentVolumeClaim in. */
export function volumeNamespaces(manifests: readonly ChartManifest[]): Set<string> {
  return new Set(manifests.flatMap((m) => m.objects.filter(isPvc).map((o) => o.metadata?.namespace as string)));
}

/**
 * Splits a chart's objects (in apply order) around its PVCs, and the objects others' admission
 * looks up out of the rest; together the parts are the synthesized objects unchanged. Deleting a namespace
 * deletes its claims, so a namespace holding retained volumes (`retained`) is retained too.
 * Charts without PVCs or retained namespaces have everything in `rest`.
 */
export function splitForVolumes(objects: readonly Record<string, any>[], retained: ReadonlySet<string> = new Set()): ChartDeployment {
  const kept = (o: Record<string, any>) => isNamespace(o) && retained.has(o.metadata?.name);
  const namespaces = objects.filter(kept);
  const others = objects.filter((o) => !kept(o));
  const first = others.findIndex(isPvc);
  const prelude = first < 0 ? [] : others.slice(0, first);
  const after = first < 0 ? others : others.slice(first);
  const rest = after.filter((o) => !isPvc(o));
  // Looked-up kinds go first with the namespaces of `rest` (a namespace holds them); none: no group.
  const lookedUp = rest.filter((o) => LOOKED_UP_AT_ADMISSION.has(groupKind(o as { apiVersion: string; kind: string })));
  const referenced = lookedUp.length ? rest.filter((o) => isNamespace(o) || lookedUp.includes(o)) : [];
  return { namespaces, prelude, volumes: after.filter(isPvc), referenced, rest: rest.filter((o) => !referenced.includes(o)) };
}

/**
 * The cdk8s charts, deployed from the same TypeScript `npm run synth` runs: per chart, the
 * namespaces holding volumes as their own resources, a `yaml.v2.ConfigGroup` for the objects
 * volumes need, one PersistentVolumeClaim resource per volume (`retainOnDelete`: models and
 * datasets outlive the stack, and so do the namespaces they live in — deleting a namespace would
 * delete its claims), and a ConfigGroup for the rest. No YAML is read. Objects are applied as
 * `asDeployed` writes them. Pass the operators as `dependsOn` so their CRDs exist first.
 */
export class PlatformCharts extends pulumi.ComponentResource {
  /** Per chart: its ConfigGroups and volumes, in creation order. */
  public readonly resources: Record<string, pulumi.Resource[]>;

  constructor(name: string, args: PlatformChartsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('mlp:platform:PlatformCharts', name, {}, opts);
    this.resources = {};
    const child = { parent: this, provider: args.provider };
    const retained = volumeNamespaces(args.manifests);
    for (const m of args.manifests) {
      const parts = splitForVolumes(m.objects.map(asDeployed), retained);
      const created: pulumi.Resource[] = [];
      const after = () => [...upstreamOf(opts), ...created];
      created.push(...parts.namespaces.map((ns) => new k8s.core.v1.Namespace(`${name}-${m.name}-namespace-${ns.metadata.name}`, ns, {
        ...child, dependsOn: after(), retainOnDelete: true,
      })));
      if (parts.prelude.length) created.push(new k8s.yaml.v2.ConfigGroup(`${name}-${m.name}-prelude`, { objs: parts.prelude }, { ...child, dependsOn: after() }));
      const volumes = parts.volumes.map((pvc) => new k8s.core.v1.PersistentVolumeClaim(`${name}-${m.name}-${pvc.metadata.name}`, pvc, {
        ...child, dependsOn: after(), retainOnDelete: true,
      }));
      created.push(...volumes);
      if (parts.referenced.length) created.push(new k8s.yaml.v2.ConfigGroup(`${name}-${m.name}-referenced`, { objs: parts.referenced }, { ...child, dependsOn: after() }));
      created.push(new k8s.yaml.v2.ConfigGroup(`${name}-${m.name}`, { objs: parts.rest }, { ...child, dependsOn: after() }));
      this.resources[m.name] = created;
    }
    this.registerOutputs({ charts: Object.keys(this.resources) });
  }
}

/** The manifests named in `selection` (all when undefined); throws naming an unknown chart. */
export function selectCharts(manifests: readonly ChartManifest[], selection: readonly string[] | undefined): ChartManifest[] {
  if (selection === undefined) return [...manifests];
  const names = manifests.map((m) => m.name);
  selection.forEach((s, i) => {
    if (!names.includes(s)) throw new StackConfigError(`charts[${i}]`, s, `no such chart; use one of ${names.join(', ')}`);
  });
  return manifests.filter((m) => selection.includes(m.name));
}

/** Identity of an object across charts: group/kind, namespace and name. */
function identityOf(o: Record<string, any>): string {
  return `${groupKind(o as { apiVersion: string; kind: string })} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;
}

/**
 * The stack's own charts (teams, Karpenter capacity: built from config) against the selected
 * example charts: a chart name or an object identity both define is an error, because one object
 * would have two owners (deleting either chart deletes it) and two Kueue cohorts over one pool
 * would each book its whole capacity. Throws naming the `charts` key.
 */
export function checkNoSharedObjects(platform: readonly ChartManifest[], selected: readonly ChartManifest[], selection: readonly string[] | undefined): void {
  const owners = new Map<string, string>();
  for (const m of platform) for (const o of m.objects) owners.set(identityOf(o), m.name);
  for (const m of selected) {
    const clash = platform.find((p) => p.name === m.name);
    const shared = m.objects.map(identityOf).filter((id) => owners.has(id));
    if (!clash && shared.length === 0) continue;
    const what = clash ? `chart '${m.name}' has the name of the stack's own chart` : `chart '${m.name}' also defines ${shared.slice(0, 4).join(', ')}${shared.length > 4 ? ` and ${shared.length - 4} more` : ''} (made by chart '${owners.get(shared[0])}' from the stack config)`;
    const others = selected.map((s) => s.name).filter((n) => n !== m.name);
    throw new StackConfigError('charts', selection, `${what}; one object cannot have two owners, and two Kueue cohorts over one pool would each book its whole capacity. Leave '${m.name}' out of 'charts' (e.g. [${others.join(', ')}]) or rename the team or pool`);
  }
}
