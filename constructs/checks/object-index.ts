import { groupKindOf, ManifestEntry, nameOf, Scaler } from './manifest-entry';
import { PodTemplate, podTemplatesOf } from './pod-templates';

const key = (groupKind: string, namespace: string | undefined, name: string) => `${groupKind}|${namespace ?? ''}|${name}`;

/**
 * Every object deployed together, indexed once: by kind, by identity and by namespace, with the pod
 * templates extracted once. Rules look things up here instead of scanning pairs, so a check run is
 * linear in the number of objects.
 */
export class ObjectIndex {
  public readonly entries: readonly ManifestEntry[];
  private readonly kinds = new Map<string, ManifestEntry[]>();
  private readonly ids = new Map<string, ManifestEntry>();
  private templates?: PodTemplate[];
  private templatesByEntry?: Map<ManifestEntry, PodTemplate[]>;
  private scalers?: Map<string, Scaler>;
  private readonly embedded = new Map<string, ManifestEntry>();

  constructor(entries: readonly ManifestEntry[]) {
    this.entries = entries;
    for (const e of entries) {
      const gk = groupKindOf(e.object);
      const list = this.kinds.get(gk);
      if (list) list.push(e);
      else this.kinds.set(gk, [e]);
      this.ids.set(key(gk, e.namespace, nameOf(e.object)), e);
      if (e.embeddedIn && e.step) this.embedded.set(`${e.embeddedIn}|${e.step}`, e);
    }
  }

  /**
   * The object a workflow's resource step creates. `workflow` is the workflow object's entry (its
   * construct is the parent of the ApiObject), `step` the template name.
   */
  public createdBy(workflow: ManifestEntry, step: string): ManifestEntry | undefined {
    return this.embedded.get(`${workflow.path.slice(0, workflow.path.lastIndexOf('/'))}|${step}`);
  }

  /** Objects of one `group/Kind` (e.g. `kubeflow.org/TFJob`, `/Service`). */
  public ofKind(groupKind: string): readonly ManifestEntry[] {
    return this.kinds.get(groupKind) ?? [];
  }

  /** The object of a kind with that name (namespace undefined for cluster-scoped kinds). */
  public find(groupKind: string, namespace: string | undefined, name: string): ManifestEntry | undefined {
    return this.ids.get(key(groupKind, namespace, name));
  }

  /** Labels of a namespace created by the charts; undefined when no chart creates it. */
  public namespaceLabels(namespace: string): Record<string, string> | undefined {
    const ns = this.find('/Namespace', undefined, namespace);
    if (!ns) return undefined;
    // The apiserver adds this label to every namespace.
    return { ...(ns.object.metadata?.labels ?? {}), 'kubernetes.io/metadata.name': namespace };
  }

  /**
   * The HPA or KEDA ScaledObject that scales a workload (same namespace, target kind and name):
   * its replica bounds. Indexed on first use.
   */
  public scalerOf(workload: ManifestEntry): Scaler | undefined {
    if (!this.scalers) {
      this.scalers = new Map();
      for (const h of this.ofKind('autoscaling/HorizontalPodAutoscaler')) {
        const ref = h.object.spec?.scaleTargetRef ?? {};
        this.scalers.set(key(ref.kind, h.namespace, ref.name), { entry: h, minReplicas: h.object.spec?.minReplicas ?? 1, maxReplicas: h.object.spec?.maxReplicas ?? 1 });
      }
      // KEDA creates and owns an HPA for each ScaledObject (keda.sh/v1alpha1 ScaledObject spec).
      for (const s of this.ofKind('keda.sh/ScaledObject')) {
        const ref = s.object.spec?.scaleTargetRef ?? {};
        this.scalers.set(key(ref.kind ?? 'Deployment', s.namespace, ref.name), {
          entry: s, minReplicas: s.object.spec?.minReplicaCount ?? 0, maxReplicas: s.object.spec?.maxReplicaCount ?? 100,
        });
      }
    }
    return this.scalers.get(key(workload.object.kind, workload.namespace, nameOf(workload.object)));
  }

  /** Every pod template of every workload, operator job, predictor and workflow step. */
  public podTemplates(): readonly PodTemplate[] {
    this.templates ??= this.entries.flatMap((e) => podTemplatesOf(e, this));
    return this.templates;
  }

  /** The pod templates of one entry (`podTemplates()`, grouped once). */
  public podTemplatesOfEntry(entry: ManifestEntry): readonly PodTemplate[] {
    if (!this.templatesByEntry) {
      this.templatesByEntry = new Map();
      for (const t of this.podTemplates()) {
        const list = this.templatesByEntry.get(t.entry);
        if (list) list.push(t);
        else this.templatesByEntry.set(t.entry, [t]);
      }
    }
    return this.templatesByEntry.get(entry) ?? [];
  }
}
