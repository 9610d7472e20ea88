// One synthesized object and what rules say about it: the vocabulary ObjectIndex and the pod
// template reader share, apart from both so neither imports the other.

/** One synthesized object, with where it comes from. */
export interface ManifestEntry {
  /** The object as synthesized (JSON). */
  readonly object: Record<string, any>;
  /** Name of the chart (file) it belongs to; for embedded objects, the chart of the workflow. */
  readonly chart: string;
  /** Construct path of the ApiObject, for messages. */
  readonly path: string;
  /** Effective namespace: the object's own, or for an embedded object the workflow's. */
  readonly namespace: string | undefined;
  /** Construct path of the workflow whose resource step creates it (not applied on its own). */
  readonly embeddedIn?: string;
  /** The step (template) of that workflow that creates it. */
  readonly step?: string;
  /** `Checks.suppress` calls on its construct scope or above (annotations are read from the object). */
  readonly suppressions?: readonly Suppression[];
}

/** `group/Kind` of an object (`/Kind` for the core group). */
export function groupKindOf(obj: { apiVersion?: string; kind?: string }): string {
  const apiVersion = obj.apiVersion ?? '';
  const slash = apiVersion.lastIndexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${obj.kind}`;
}

/** The object's name, or its `generateName` prefix (objects a `create` step makes anew each run). */
export function nameOf(obj: Record<string, any>): string {
  return obj.metadata?.name ?? obj.metadata?.generateName ?? '<unnamed>';
}

/** `Kind ns/name`, plus the workflow that creates it when embedded. */
export function describeEntry(e: ManifestEntry): string {
  const where = e.namespace ? `${e.namespace}/` : '';
  return `${e.object.kind} ${where}${nameOf(e.object)}${e.embeddedIn ? ` (created by a step of workflow '${e.embeddedIn}')` : ''}`;
}

/** An autoscaler of a workload and the replica range it gives it. */
export interface Scaler {
  readonly entry: ManifestEntry;
  readonly minReplicas: number;
  readonly maxReplicas: number;
}

/** A rule silenced, with a reason, for the objects of a construct scope or for one object. */
export interface Suppression {
  readonly rule: string;
  readonly reason: string;
  /** Construct path of the scope (`Checks.suppress`) or of the annotated object. */
  readonly scope: string;
  /** How it was declared, for messages: `Checks.suppress` or the annotation key. */
  readonly via: string;
}
