// One synthesized object, what rules say about it, and a pod template found in it: the
// vocabulary ObjectIndex and the pod template readers share, apart from them so none imports another.

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

/** A pod template found in an object, and how many of its pods can run at once. */
export interface PodTemplate {
  readonly entry: ManifestEntry;
  /** Role of the pods (`Worker`, `predictor`, `step train`, `pods`). */
  readonly role: string;
  /** Field path of the pod spec inside the object, for messages. */
  readonly field: string;
  /** The pod spec (containers, volumes, nodeSelector, tolerations, securityContext, ...). */
  readonly spec: Record<string, any>;
  /** Pod labels known at synth time (the template's own; operators add more). */
  readonly labels: Readonly<Record<string, string>>;
  /** Pod-template annotations (the template's own; what Kueue reads for a pod set's topology). @default - none */
  readonly annotations?: Readonly<Record<string, string>>;
  /** Upper bound of pods of this template running at once (Infinity when unbounded). */
  readonly maxPods: number;
  /** Pods of this template that keep running when nothing scales it up (serving at its minimum replicas). */
  readonly minPods: number;
  /** Workflow steps only: the DAG task name, to tell which steps run concurrently. */
  readonly step?: string;
  /** Workflow steps only: the template's declared `outputs` (parameters and artifacts read from files). */
  readonly outputs?: Record<string, any>;
  /** TrainJobs only: the (Cluster)TrainingRuntime the pods come from (its podGroupPolicy gangs them). */
  readonly runtime?: ManifestEntry;
}
