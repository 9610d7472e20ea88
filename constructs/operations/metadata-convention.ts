import { ApiObject, App } from 'cdk8s';
import { IConstruct } from 'constructs';
import { propError } from '../core/errors';
import { LABEL_DOMAIN, Labels, MANAGED_BY_VALUE } from '../core/labels';
import { labelProblem } from '../core/names';
import { optional, PropChecks, requireProps } from '../core/required-props';

/** What an object is about: the ML facts the convention turns into labels. */
export interface MetadataTags {
  /** @default - inherited from an enclosing scope, else none */
  readonly team?: string;
  /** @default - inherited from an enclosing scope, else none */
  readonly pipeline?: string;
  /** @default - inherited from an enclosing scope, else none */
  readonly model?: string;
  /** @default - inherited from an enclosing scope, else none */
  readonly modelVersion?: string;
  /** @default - inherited from an enclosing scope, else none */
  readonly experiment?: string;
}

/** Label keys of the convention beyond `app.kubernetes.io/*`. */
export const MetadataLabels = {
  TEAM: `${LABEL_DOMAIN}/team`,
  PIPELINE: `${LABEL_DOMAIN}/pipeline`,
  MODEL: `${LABEL_DOMAIN}/model`,
  MODEL_VERSION: `${LABEL_DOMAIN}/model-version`,
  EXPERIMENT: `${LABEL_DOMAIN}/experiment`,
} as const;

/** Annotation carrying the construct path that produced an object (from YAML back to code). */
export const SOURCE_ANNOTATION = `${LABEL_DOMAIN}/construct-path`;

/** Default `app.kubernetes.io/part-of` of every object. */
export const PART_OF_VALUE = 'ml-platform';

const TAG_KEYS: Record<keyof MetadataTags, string> = {
  team: MetadataLabels.TEAM,
  pipeline: MetadataLabels.PIPELINE,
  model: MetadataLabels.MODEL,
  modelVersion: MetadataLabels.MODEL_VERSION,
  experiment: MetadataLabels.EXPERIMENT,
};

/** Labels every object must carry (values checked by `metadataConventionProblems`). */
export const REQUIRED_LABELS = [Labels.MANAGED_BY, Labels.PART_OF, Labels.INSTANCE] as const;

const tagsByScope = new WeakMap<IConstruct, Record<string, string>>();
const applied = new WeakSet<App>();

/**
 * Tags `scope` and everything under it (a team, a pipeline chart, a model's constructs). Inner
 * scopes override outer ones. Values must be valid label values; the error names the scope.
 */
export function tagMetadata(scope: IConstruct, tags: MetadataTags): void {
  requireProps(scope, tags, TAG_CHECKS);
  const labels: Record<string, string> = { ...tagsByScope.get(scope) };
  for (const [prop, key] of Object.entries(TAG_KEYS) as [keyof MetadataTags, string][]) {
    const value = tags[prop];
    if (value === undefined) continue;
    const problem = labelProblem(key, value);
    if (problem) throw propError(scope, prop, value, problem);
    labels[key] = value;
  }
  tagsByScope.set(scope, labels);
}

/** The tag labels that apply to `c`: those of all its scopes, inner scopes winning. */
export function metadataTagsOf(c: IConstruct): Record<string, string> {
  return Object.assign({}, ...c.node.scopes.map((s) => tagsByScope.get(s) ?? {}));
}

/** Options of `applyMetadataConvention`. */
export interface MetadataConventionOptions {
  /** @default PART_OF_VALUE ('ml-platform') */
  readonly partOf?: string;
}

/**
 * Applies the project's metadata convention to every object of `app`, including objects embedded
 * in workflow steps: `app.kubernetes.io/managed-by` (the pruning inventory), `part-of`,
 * `instance` (the top-level chart id), the `mlpatterns.dev/{team,pipeline,model,model-version,
 * experiment}` tags from `tagMetadata`, and the construct-path annotation.
 *
 * cdk8s 2 has no Aspects and `PlatformApp.synthManifests()` renders without a pre-synth hook, so
 * this walks the tree once: call it after the last chart is built. It also registers an app
 * validation, so an object added afterwards fails synth instead of shipping unlabeled.
 * Labels an object already sets (other than managed-by) are kept.
 */
export function applyMetadataConvention(app: App, options: MetadataConventionOptions = {}): void {
  requireProps(app, options, { partOf: optional('string') });
  const partOf = options.partOf ?? PART_OF_VALUE;
  const problem = labelProblem(Labels.PART_OF, partOf);
  if (problem) throw propError(app, 'partOf', partOf, problem);
  for (const obj of apiObjects(app)) {
    const wanted: Record<string, string> = {
      [Labels.PART_OF]: partOf,
      [Labels.INSTANCE]: instanceOf(obj),
      ...metadataTagsOf(obj),
    };
    for (const [key, value] of Object.entries(wanted)) {
      if (obj.metadata.getLabel(key) === undefined) obj.metadata.addLabel(key, value);
    }
    obj.metadata.addLabel(Labels.MANAGED_BY, MANAGED_BY_VALUE);
    obj.metadata.addAnnotation(SOURCE_ANNOTATION, obj.node.path);
  }
  if (applied.has(app)) return;
  applied.add(app);
  app.node.addValidation({
    validate: () => apiObjects(app)
      .filter((o) => o.metadata.getLabel(Labels.MANAGED_BY) !== MANAGED_BY_VALUE)
      .map((o) => `${o.kind} '${o.node.path}' was created after applyMetadataConvention(app) and carries no metadata convention; build every chart before applying it`),
  });
}

/**
 * Why synthesized objects break the convention: a required label missing or wrong, or an
 * invalid label. Empty when every object conforms. Works on plain JSON (tests, dist/ files).
 */
export function metadataConventionProblems(objects: readonly Record<string, any>[]): string[] {
  const problems: string[] = [];
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata?.namespace ?? '-'}/${o.metadata?.name}`;
    const labels: Record<string, string> = o.metadata?.labels ?? {};
    for (const key of REQUIRED_LABELS) {
      if (!labels[key]) problems.push(`${id}: label '${key}' is missing`);
    }
    if (labels[Labels.MANAGED_BY] && labels[Labels.MANAGED_BY] !== MANAGED_BY_VALUE) {
      problems.push(`${id}: label '${Labels.MANAGED_BY}' is '${labels[Labels.MANAGED_BY]}', expected '${MANAGED_BY_VALUE}'`);
    }
    for (const [key, value] of Object.entries(labels)) {
      const issue = labelProblem(key, String(value));
      if (issue) problems.push(`${id}: ${issue}`);
    }
    if (!o.metadata?.annotations?.[SOURCE_ANNOTATION]) problems.push(`${id}: annotation '${SOURCE_ANNOTATION}' is missing`);
  }
  return problems;
}

function apiObjects(app: App): ApiObject[] {
  return app.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
}

/** The id of the top-level chart holding `obj` (the first scope below the app). */
function instanceOf(obj: ApiObject): string {
  return obj.node.scopes[1]?.node.id ?? obj.node.id;
}

/** Label values are strings: a version given as a number (JavaScript) would not be one. */
const TAG_CHECKS: PropChecks<MetadataTags> = {
  team: optional('string'), pipeline: optional('string'), model: optional('string'), modelVersion: optional('string'), experiment: optional('string'),
};
