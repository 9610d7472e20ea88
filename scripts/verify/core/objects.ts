// The harness's model of the synthesized objects: one record per object of a chart file (or per
// manifest embedded in a workflow step), with its group, version, kind, name and namespace.

/** A Kubernetes object as JSON. */
export type KubeObject = Record<string, any>;

/** The workflow step a manifest is embedded in. */
export interface EmbeddedOwner {
  kind: string;
  name?: string;
  namespace?: string;
  template: string;
  field: string;
  action?: string;
}

export interface ObjectRecord {
  chart: string;
  /** 1-based document position in the chart file (of the embedding object for embedded ones). */
  index: number;
  apiVersion: string;
  group: string;
  version: string;
  kind: string;
  name?: string;
  generateName?: string;
  namespace?: string;
  body: KubeObject;
  /** Set on manifests embedded in workflow steps. */
  embeddedIn?: EmbeddedOwner;
  /** The embedded manifest contains Argo {{...}} expressions. */
  expressions?: boolean;
}

export function splitApiVersion(apiVersion: unknown): { group: string; version: string } {
  const s = String(apiVersion || '');
  const i = s.lastIndexOf('/');
  return i < 0 ? { group: '', version: s } : { group: s.slice(0, i), version: s.slice(i + 1) };
}

export function groupKind(group: string, kind: string): string {
  return `${group}/${kind}`;
}

export function displayGroupKind(group: string, kind: string): string {
  return group ? `${kind}.${group}` : kind;
}

/**
 * Turn the parsed documents of one chart file into object records.
 * docs: array of plain JS values (null for empty documents).
 */
export function documentsToObjects(chartFile: string, docs: unknown[]): { objects: ObjectRecord[]; errors: string[] } {
  const out: ObjectRecord[] = [];
  const errors: string[] = [];
  docs.forEach((doc: any, index) => {
    if (doc === null || doc === undefined) return;
    const where = `${chartFile} document ${index + 1}`;
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push(`${where}: not a mapping`);
      return;
    }
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      errors.push(`${where}: kind List is not supported; emit the items as separate documents`);
      return;
    }
    const { group, version } = splitApiVersion(doc.apiVersion);
    const meta = doc.metadata || {};
    out.push({
      chart: chartFile,
      index: index + 1,
      apiVersion: doc.apiVersion,
      group,
      version,
      kind: doc.kind,
      name: meta.name,
      namespace: meta.namespace,
      body: doc,
    });
  });
  return { objects: out, errors };
}

/** Records of plain objects (no chart file), e.g. a plan's manifests. */
export function recordsOf(objects: readonly KubeObject[], chart = ''): ObjectRecord[] {
  return documentsToObjects(chart, [...objects]).objects;
}

/** `Kind.group ns/name` */
export function describe(o: Pick<ObjectRecord, 'group' | 'kind' | 'name' | 'namespace' | 'generateName'>): string {
  const ns = o.namespace ? `${o.namespace}/` : '';
  const name = o.name ?? (o.generateName ? `${o.generateName}*` : '<no name>');
  return `${displayGroupKind(o.group, o.kind)} ${ns}${name}`;
}
