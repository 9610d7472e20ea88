import { Labels } from '../../core/labels';
import { storageClassOf } from '../../core/storage-profile';
import { concurrentTotal, stepOf, WorkflowOrder } from '../concurrency';
import type { ObjectIndex } from '../object-index';
import { nameOf } from '../manifest-entry';
import { declares } from '../declared-externals';
import type { PoolShape } from '../platform-target';
import type { PodTemplate } from '../pod-templates';
import { selectorMatches } from '../selectors';
import { CheckContext, SemanticRule } from '../semantic-rule';

/** One pod template mounting a claim. */
interface Mount {
  readonly template: PodTemplate;
  readonly readOnly: boolean;
  /** Workflow the pods belong to (its construct path), and the step that runs them. */
  readonly workflow?: string;
  readonly step?: string;
}

/**
 * Storage agrees with placement: a ReadWriteOnce volume attaches to one node at a time, so pods on
 * a second node fail with "Multi-Attach error ... Volume is already used by pod(s)" and wait
 * forever (Kubernetes v1.34 attach/detach controller; ReadWriteOncePod admits one pod at all).
 * A claim mounted by pods that may run at the same time and land on different nodes — replicas,
 * training workers, parallel workflow steps, other workloads — needs ReadWriteMany from a class
 * that provides it. With a target, every claim's class must be one the cluster has and provide
 * the access modes the claim asks for. Pods known to share one node (a one-node pool, or a required
 * podAffinity on `kubernetes.io/hostname` to pods of one of them, which the scheduler honours for
 * the first pod too when it matches its own term: kube-scheduler InterPodAffinity, v1.34) are fine.
 * A class the target neither has nor declares (`withExternals`: the admin's classes) is a warning:
 * the project cannot know it is missing. A claim bound to a static volume (`volumeName`, with
 * `storageClassName: ""`) or declared as one has no class to check.
 */
export const storagePlacement: SemanticRule = {
  id: 'storage-placement',
  summary: 'ReadWriteOnce claims are never shared by pods on different nodes; classes provide the access modes claims ask for',
  check(ctx: CheckContext): void {
    const { index, target } = ctx;
    const mounts = mountsByClaim(index);
    const order = new WorkflowOrder(index);
    for (const pvc of index.ofKind('/PersistentVolumeClaim')) {
      const modes: string[] = pvc.object.spec?.accessModes ?? [];
      const claimMounts = mounts.get(`${pvc.namespace}|${nameOf(pvc.object)}`) ?? [];
      const name: string | undefined = pvc.object.spec?.storageClassName;
      const staticVolume = (name === '' && pvc.object.spec?.volumeName) || declares(target?.externals?.claims, pvc.namespace, nameOf(pvc.object));
      if (target && !staticVolume) {
        const cls = storageClassOf(target.storage, name) ?? target.externals?.storageClasses?.find((c) => c.name === name);
        if (!cls) {
          ctx.report({
            entry: pvc, field: 'spec.storageClassName', value: name ?? '<default>', severity: 'warning',
            message: `${target.source} has no such StorageClass (${target.storage.name}: default '${target.storage.default.name}', shared '${target.storage.shared.name}'), so unless the admin made it the claim never binds; use one of those, or declare the class (withExternals(target, { storageClasses: [{ name: '${name}', accessModes: [...] }] }))`,
          });
        } else {
          const unsupported = modes.filter((m) => !(cls.accessModes as readonly string[]).includes(m));
          if (unsupported.length) {
            ctx.report({ entry: pvc, field: 'spec.accessModes', value: modes, message: `class '${cls.name}' of ${target.source} does not provide ${unsupported.join(', ')} (it provides ${cls.accessModes.join(', ')}), so the claim never binds; use the shared class '${target.storage.shared.name}' for data several nodes mount` });
          }
        }
      }
      const writers = claimMounts.filter((m) => !m.readOnly || modes.includes('ReadWriteOnce') || modes.includes('ReadWriteOncePod'));
      const concurrent = concurrentTotal(writers, order, (m) => m.template.maxPods);
      if (modes.includes('ReadWriteOncePod') && concurrent > 1) {
        ctx.report({ entry: pvc, field: 'spec.accessModes', value: modes, message: `ReadWriteOncePod admits one pod, but up to ${describe(concurrent)} pods mount it at once (${where(writers)}); use ReadWriteMany` });
        continue;
      }
      if (modes.some((m) => m === 'ReadWriteMany' || m === 'ReadOnlyMany') || !modes.includes('ReadWriteOnce') || concurrent < 2) continue;
      if (onOneNode(writers, target?.nodePools) || heldTogether(writers)) continue;
      ctx.report({
        entry: pvc, field: 'spec.accessModes', value: modes,
        message: `ReadWriteOnce attaches to one node, but up to ${describe(concurrent)} pods mount it at once and can land on different nodes (${where(writers)}): the second node's pods fail with Multi-Attach and wait forever; use AccessMode.READ_WRITE_MANY with the cluster's shared class${target ? ` ('${target.storage.shared.name}')` : ''}`,
      });
    }
  },
};

const describe = (n: number) => (n === Infinity ? 'unboundedly many' : String(n));
const where = (mounts: readonly Mount[]) => [...new Set(mounts.map((m) => `${m.template.entry.path} ${m.template.role}`))].join(', ');

/** Claims (`ns|name`) → the pod templates mounting them, from one pass over the templates. */
function mountsByClaim(index: ObjectIndex): Map<string, Mount[]> {
  const result = new Map<string, Mount[]>();
  for (const t of index.podTemplates()) {
    const mountedReadOnly = new Map<string, boolean>();
    for (const c of [...(t.spec.initContainers ?? []), ...(t.spec.containers ?? [])]) {
      for (const vm of c.volumeMounts ?? []) mountedReadOnly.set(vm.name, (mountedReadOnly.get(vm.name) ?? true) && vm.readOnly === true);
    }
    for (const v of t.spec.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim || !mountedReadOnly.has(v.name)) continue;
      const key = `${t.entry.namespace}|${claim}`;
      // Serving objects a step creates outlive the step: they overlap with every later run.
      const mount: Mount = { template: t, readOnly: v.persistentVolumeClaim.readOnly === true || mountedReadOnly.get(v.name) === true, ...stepOf(t) };
      const list = result.get(key);
      if (list) list.push(mount);
      else result.set(key, [mount]);
    }
  }
  return result;
}

/** True when every pod selects the same pool and that pool has a single node. */
function onOneNode(mounts: readonly Mount[], pools: ReadonlyMap<string, PoolShape> | undefined): boolean {
  if (!pools) return false;
  const selected = new Set(mounts.map((m) => m.template.spec.nodeSelector?.[Labels.NODE_POOL] as string | undefined));
  if (selected.size !== 1) return false;
  const [pool] = selected;
  return pool !== undefined && pools.get(pool)?.maxNodes === 1;
}

const HOSTNAME = 'kubernetes.io/hostname';

/**
 * True when every pod mounting the claim must run on the node of one anchor's pods: each template
 * has a required podAffinity term on the hostname whose selector the anchor's labels satisfy (in
 * its namespace), the anchor's own included.
 */
function heldTogether(mounts: readonly Mount[]): boolean {
  const termsOf = (t: PodTemplate): Record<string, any>[] =>
    (t.spec.affinity?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).filter((term: Record<string, any>) => term.topologyKey === HOSTNAME && term.labelSelector);
  const templates = [...new Set(mounts.map((m) => m.template))];
  return templates.some((anchor) => templates.every((t) => t.entry.namespace === anchor.entry.namespace && termsOf(t).some((term) => selectorMatches(term.labelSelector, anchor.labels))));
}
