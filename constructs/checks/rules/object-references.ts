import type { ObjectIndex } from '../object-index';
import type { ManifestEntry } from '../manifest-entry';
import { containersOf, PodTemplate } from '../pod-templates';
import { declares } from '../declared-externals';
import { runtimeOf } from '../trainjob-templates';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * PriorityClasses every cluster has (kube-apiserver creates them: pkg/apis/scheduling
 * SystemPriorityClasses, Kubernetes v1.34).
 */
const BUILTIN_PRIORITY_CLASSES = new Set(['system-cluster-critical', 'system-node-critical']);

/**
 * What pods name by reference exists among the objects deployed together: ServiceAccounts,
 * PersistentVolumeClaims, ConfigMaps (in the pod's namespace) and PriorityClasses. Encodes
 * Kubernetes v1.34 behaviour: a pod naming a missing ServiceAccount is rejected by the
 * ServiceAccount admission plugin ("error looking up service account"); a missing claim or
 * ConfigMap volume keeps the pod Pending/ContainerCreating ("persistentvolumeclaim not found",
 * FailedMount); a missing PriorityClass is rejected by the Priority admission plugin ("no
 * PriorityClass with name ... was found"). For custom resources the operator creates the pods, so
 * the same failures appear later, on the operator's pods.
 *
 * References are checked in namespaces some deployed chart creates (namespace-existence: the
 * rule namespaces-exist). `default` ServiceAccounts always exist.
 *
 * Severity: a missing ConfigMap is an error (the charts make the programs and settings pods
 * mount), and so is a PriorityClass neither deployed nor declared (the platform's own come from
 * PlatformPriorities; a cluster admin's is declared on the target, and a stack's plan relies on
 * the error to name the chart left out). ServiceAccounts (IRSA, Workload Identity) and claims
 * (static volumes) are often made outside the charts, which the project cannot know: a warning,
 * silenced by declaring them on the target (`withExternals`).
 */
export const objectReferences: SemanticRule = {
  id: 'object-references',
  summary: 'ServiceAccounts, claims, ConfigMaps and PriorityClasses that pods name, and DeviceClasses that claims name, exist',
  check(ctx: CheckContext): void {
    const { index } = ctx;
    for (const t of index.podTemplates()) {
      const ns = t.entry.namespace;
      const known = ns !== undefined && index.namespaceLabels(ns) !== undefined;
      if (known) {
        checkServiceAccount(ctx, t);
        checkVolumes(ctx, t);
      }
      checkPriorityClass(ctx, t.entry, `${t.field}.priorityClassName`, t.spec.priorityClassName);
    }
    // Priority classes custom resources name outside their pod templates.
    for (const e of index.entries) {
      const sp = Object.entries<any>(e.object.spec ?? {}).find(([k]) => k === 'runPolicy')?.[1]?.schedulingPolicy;
      checkPriorityClass(ctx, e, 'spec.runPolicy.schedulingPolicy.priorityClass', sp?.priorityClass);
      if (e.object.apiVersion?.startsWith('scheduling.volcano.sh/') && e.object.kind === 'PodGroup') {
        checkPriorityClass(ctx, e, 'spec.priorityClassName', e.object.spec?.priorityClassName);
      }
      checkDeviceClasses(ctx, e);
      if (e.object.apiVersion === 'trainer.kubeflow.org/v1alpha1' && e.object.kind === 'TrainJob' && !runtimeOf(e, index)) {
        const ref = e.object.spec?.runtimeRef ?? {};
        ctx.report({
          entry: e, field: 'spec.runtimeRef', value: `${ref.kind ?? 'ClusterTrainingRuntime'}/${ref.name}`, severity: 'warning',
          message: `no ${ref.kind ?? 'ClusterTrainingRuntime'} '${ref.name}' is deployed with it, so its pods cannot be checked, and unless the cluster has it Trainer fails the TrainJob ("TrainingRuntime specified in TrainJob is not found", trainer v2.3.0 pkg/runtime/core/trainingruntime.go); deploy the runtime with it (the training constructs emit one per job)`,
        });
      }
    }
  },
};

function missing(index: ObjectIndex, kind: string, ns: string | undefined, name: string): boolean {
  return index.find(kind, ns, name) === undefined;
}

function checkServiceAccount(ctx: CheckContext, t: PodTemplate): void {
  const sa = t.spec.serviceAccountName;
  if (!sa || sa === 'default' || !missing(ctx.index, '/ServiceAccount', t.entry.namespace, sa)) return;
  if (declares(ctx.target?.externals?.serviceAccounts, t.entry.namespace, sa)) return;
  ctx.report({
    entry: t.entry, field: `${t.field}.serviceAccountName`, value: sa, severity: 'warning',
    message: `${t.role}: no ServiceAccount '${sa}' is deployed in namespace '${t.entry.namespace}', so unless it is made outside the charts the pods are rejected at admission; create it in the same chart (or one deployed with it), or declare it (withExternals(target, { serviceAccounts: ['${t.entry.namespace}/${sa}'] }))`,
  });
}

function checkVolumes(ctx: CheckContext, t: PodTemplate): void {
  const ns = t.entry.namespace;
  (t.spec.volumes ?? []).forEach((v: Record<string, any>, i: number) => {
    const claim = v.persistentVolumeClaim?.claimName;
    if (claim && missing(ctx.index, '/PersistentVolumeClaim', ns, claim) && !declares(ctx.target?.externals?.claims, ns, claim)) {
      ctx.report({
        entry: t.entry, field: `${t.field}.volumes[${i}].persistentVolumeClaim.claimName`, value: claim, severity: 'warning',
        message: `${t.role}: no PersistentVolumeClaim '${claim}' is deployed in namespace '${ns}', so unless it is made outside the charts the pods stay Pending; create the claim (SharedVolume) in a chart deployed with it, or declare it (withExternals(target, { claims: ['${ns}/${claim}'] }))`,
      });
    }
    const cm = v.configMap;
    if (cm?.name && !cm.optional && missing(ctx.index, '/ConfigMap', ns, cm.name)) {
      ctx.report({
        entry: t.entry, field: `${t.field}.volumes[${i}].configMap.name`, value: cm.name,
        message: `${t.role}: no ConfigMap '${cm.name}' is deployed in namespace '${ns}', so the volume never mounts (FailedMount); create it or mark the volume optional`,
      });
    }
  });
  for (const c of containersOf(t.spec)) {
    (c.envFrom ?? []).forEach((from: Record<string, any>, i: number) => {
      const ref = from.configMapRef;
      if (ref?.name && !ref.optional && missing(ctx.index, '/ConfigMap', ns, ref.name)) {
        ctx.report({
          entry: t.entry, field: `${t.field} container '${c.name}' envFrom[${i}].configMapRef.name`, value: ref.name,
          message: `no ConfigMap '${ref.name}' is deployed in namespace '${ns}', so the container never starts (CreateContainerConfigError); create it or mark it optional`,
        });
      }
    });
  }
}

function checkPriorityClass(ctx: CheckContext, entry: ManifestEntry, field: string, name: unknown): void {
  if (typeof name !== 'string' || !name || BUILTIN_PRIORITY_CLASSES.has(name)) return;
  if (!missing(ctx.index, 'scheduling.k8s.io/PriorityClass', undefined, name) || ctx.target?.externals?.priorityClasses?.includes(name)) return;
  ctx.report({
    entry, field, value: name, severity: ctx.target?.wholeDeployment ? 'error' : 'warning',
    message: `no PriorityClass '${name}' is deployed with it or declared, so unless the cluster has one the pods are rejected at admission ("no PriorityClass with name ${name} was found"); deploy the chart that defines it (PlatformPriorities) together with this one, or declare one the cluster admin made (withExternals(target, { priorityClasses: ['${name}'] }))`,
  });
}

/** The DeviceClass names a ResourceClaim or ResourceClaimTemplate requests (resource.k8s.io/v1: `exactly` or each `firstAvailable` subrequest), with their fields. */
function requestedDeviceClasses(e: ManifestEntry): { field: string; name: string }[] {
  const o = e.object;
  if (!o.apiVersion?.startsWith('resource.k8s.io/')) return [];
  // A template holds the claim's spec one level down (spec.spec).
  const template = o.kind === 'ResourceClaimTemplate';
  if (!template && o.kind !== 'ResourceClaim') return [];
  const at = template ? 'spec.spec.devices.requests' : 'spec.devices.requests';
  const requests: Record<string, any>[] = (template ? o.spec?.spec : o.spec)?.devices?.requests ?? [];
  return requests.flatMap((r, i) => [
    ...(r.exactly?.deviceClassName ? [{ field: `${at}[${i}].exactly.deviceClassName`, name: r.exactly.deviceClassName }] : []),
    ...(r.firstAvailable ?? []).flatMap((s: Record<string, any>, j: number) => (s.deviceClassName ? [{ field: `${at}[${i}].firstAvailable[${j}].deviceClassName`, name: s.deviceClassName }] : [])),
  ]);
}

/**
 * Claims name a DeviceClass that exists: deployed with them, created by the DRA driver the target
 * installs, or declared. Without one the claim is never allocated and its pods stay Pending
 * (kube-scheduler v1.36 dynamicresources: the class is looked up before allocation). A class of the
 * installed driver's own domain that the driver does not create is an error (a misspelt class);
 * any other unknown class a warning: a driver installed out of band may create it.
 */
function checkDeviceClasses(ctx: CheckContext, e: ManifestEntry): void {
  const driver = ctx.target?.draDriver;
  for (const { field, name } of requestedDeviceClasses(e)) {
    if (!missing(ctx.index, 'resource.k8s.io/DeviceClass', undefined, name) || driver?.deviceClasses.includes(name) || ctx.target?.externals?.deviceClasses?.includes(name)) continue;
    const ofDriver = driver && name.endsWith(`.${driver.domain}`);
    ctx.report({
      entry: e, field, value: name, severity: ofDriver ? 'error' : 'warning',
      message: ofDriver
        ? `${driver.name} creates the DeviceClasses ${driver.deviceClasses.join(', ')}, not '${name}', so the claim is never allocated and its pods stay Pending; use one of those`
        : `no DeviceClass '${name}' is deployed with it or created by a DRA driver the target installs${driver ? ` (${driver.name}: ${driver.deviceClasses.join(', ')})` : ''}, so unless a driver installed out of band creates it the claim is never allocated and its pods stay Pending; install its driver, or declare it (withExternals(target, { deviceClasses: ['${name}'] }))`,
    });
  }
}
