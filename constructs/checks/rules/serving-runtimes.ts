import type { ManifestEntry } from '../manifest-entry';
import type { ServingRuntimeFacts } from '../platform-target';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Every InferenceService predictor has a runtime that serves its model, as KServe v0.20.0 picks it
 * (pkg/controller/v1beta1/inferenceservice/components/predictor.go reconcileModel):
 * - a named runtime (`spec.predictor.model.runtime`) is the ServingRuntime of that name in the
 *   InferenceService's namespace, else the ClusterServingRuntime (utils/utils.go GetServingRuntime;
 *   "Waiting for runtime to become available"); it must not be disabled ("Specified runtime is
 *   disabled"), must list the model format, autoSelect or not, and the protocol when one is set
 *   ("Specified runtime does not support specified framework/version" / "... protocol version");
 * - otherwise KServe auto-selects (pkg/apis/serving/v1beta1/predictor_model.go GetSupportingRuntimes,
 *   RuntimeSupportsModel): a runtime not disabled, not multi-model, with a workerSpec exactly when
 *   the predictor has one, listing the format with `autoSelect: true` (label `mt:<name>`, or
 *   `mt:<name>:<version>` when the model names a version: equal strings), and the predictor's
 *   protocol among its `protocolVersions` (none listed: any). Without one the InferenceService is
 *   never ready: "No runtime found to support specified framework/version".
 * The protocol is the model's `protocolVersion`, else `v1`, except `v2` for triton and vLLM
 * (pkg/apis/serving/v1beta1/inference_service_defaults.go setPredictorModelDefaults, which also
 * turns the legacy framework fields, `predictor.tensorflow` and the like, into model formats).
 * KServe v0.20.0 ships its ClusterServingRuntimes in the separate `kserve-runtime-configs` chart,
 * rendered only with `kserve.servingruntime.enabled` (charts/kserve-runtime-configs/values.yaml,
 * default false), so a bare install serves no format at all.
 */
export const servingRuntimes: SemanticRule = {
  id: 'serving-runtimes',
  summary: 'every InferenceService predictor has a (Cluster)ServingRuntime that serves its model format and protocol',
  needsTarget: true,
  check(ctx: CheckContext): void {
    const kserve = ctx.target!.kserve;
    // Without KServe on the target, operator-coverage reports the kind; nothing to select from.
    if (!kserve) return;
    const namespaced = new Map<string, Runtime[]>();
    for (const e of ctx.index.ofKind('serving.kserve.io/ServingRuntime')) {
      const ns = e.namespace ?? '';
      namespaced.set(ns, [...(namespaced.get(ns) ?? []), runtimeOf(e, 'ServingRuntime')]);
    }
    const cluster: Runtime[] = [
      ...(kserve.clusterServingRuntimes ?? []).map((r) => ({ ...r, kind: 'ClusterServingRuntime' as const })),
      ...ctx.index.ofKind('serving.kserve.io/ClusterServingRuntime').map((e) => runtimeOf(e, 'ClusterServingRuntime')),
    ];
    for (const e of ctx.index.ofKind('serving.kserve.io/InferenceService')) {
      const model = modelOf(e.object.spec?.predictor ?? {});
      if (!model) continue;
      const local = namespaced.get(e.namespace ?? '') ?? [];
      if (model.runtime) checkNamed(ctx, e, model, local, cluster);
      else checkAutoSelected(ctx, e, model, [...local, ...cluster]);
    }
  },
};

/** What selection reads of a runtime; `multiModel` is known only for the charts' own. */
type Runtime = ServingRuntimeFacts & { readonly kind: 'ServingRuntime' | 'ClusterServingRuntime'; readonly multiModel?: boolean };

function runtimeOf(e: ManifestEntry, kind: Runtime['kind']): Runtime {
  const spec = e.object.spec ?? {};
  return {
    kind,
    name: e.object.metadata?.name ?? '',
    disabled: spec.disabled === true,
    multiModel: spec.multiModel === true,
    multiNode: spec.workerSpec !== undefined,
    protocolVersions: spec.protocolVersions ?? [],
    supportedModelFormats: (spec.supportedModelFormats ?? []).map((f: Record<string, any>) => ({ name: f.name, version: f.version, autoSelect: f.autoSelect === true, priority: f.priority })),
  };
}

/** The predictor's model as KServe's defaulting webhook leaves it. */
interface Model {
  readonly field: string;
  readonly format: string;
  readonly version?: string;
  readonly runtime?: string;
  /** Set explicitly, or defaulted by the webhook (v2 for triton and vLLM). */
  readonly protocol?: string;
  readonly multiNode: boolean;
}

/** Legacy framework fields of the predictor → the model format the webhook gives them. */
const LEGACY_FRAMEWORKS = ['sklearn', 'tensorflow', 'xgboost', 'pytorch', 'triton', 'onnx', 'huggingface', 'pmml', 'lightgbm', 'paddle'];
const V2_BY_DEFAULT = new Set(['triton', 'vLLM']);

function modelOf(predictor: Record<string, any>): Model | undefined {
  const legacy = LEGACY_FRAMEWORKS.find((f) => predictor[f] !== undefined);
  const m = predictor.model ?? (legacy ? { ...predictor[legacy], modelFormat: { name: legacy } } : undefined);
  const format: unknown = m?.modelFormat?.name;
  if (typeof format !== 'string') return undefined;
  return {
    field: predictor.model ? 'spec.predictor.model' : `spec.predictor.${legacy}`,
    format,
    version: m.modelFormat.version,
    runtime: predictor.model ? m.runtime : undefined,
    protocol: m.protocolVersion ?? (V2_BY_DEFAULT.has(format) ? 'v2' : undefined),
    multiNode: predictor.workerSpec !== undefined,
  };
}

/** RuntimeSupportsModel: the runtime lists the format (any, when named; autoSelect ones, else). */
function listsFormat(r: Runtime, m: Model, named: boolean): boolean {
  return r.supportedModelFormats.some((f) => (named || f.autoSelect) && f.name === m.format && (m.version === undefined || f.version === m.version));
}

/** IsProtocolVersionSupported: a runtime listing no protocols takes any. */
const speaks = (r: Runtime, protocol: string) => !r.protocolVersions.length || r.protocolVersions.includes(protocol);

const label = (m: Model) => (m.version ? `${m.format}:${m.version}` : m.format);

function checkNamed(ctx: CheckContext, e: ManifestEntry, m: Model, local: readonly Runtime[], cluster: readonly Runtime[]): void {
  const name = m.runtime!;
  const r = local.find((x) => x.name === name) ?? cluster.find((x) => x.name === name);
  const field = `${m.field}.runtime`;
  const report = (problem: string) => ctx.report({ entry: e, field, value: name, message: `${problem}; ${fixFor(ctx, e)}` });
  if (!r) {
    report(`no ServingRuntime '${name}' is deployed in namespace '${e.namespace}' and ${ctx.target!.source} installs no ClusterServingRuntime of that name (it has ${names(cluster)}), so KServe waits ("Waiting for runtime to become available")`);
  } else if (r.disabled) {
    report(`${r.kind} '${name}' is disabled, so KServe rejects the predictor ("Specified runtime is disabled")`);
  } else if (!listsFormat(r, m, true)) {
    report(`${r.kind} '${name}' does not list model format '${label(m)}' (it serves ${formatsOf([r], true) || 'none'}), so KServe rejects the predictor ("Specified runtime does not support specified framework/version")`);
  } else if (m.protocol && !speaks(r, m.protocol)) {
    report(`${r.kind} '${name}' does not speak protocol '${m.protocol}' (it speaks ${r.protocolVersions.join(', ')}), so KServe rejects the predictor ("Specified runtime does not support specified protocol version")`);
  }
}

function checkAutoSelected(ctx: CheckContext, e: ManifestEntry, m: Model, candidates: readonly Runtime[]): void {
  const protocol = m.protocol ?? 'v1';
  const usable = candidates.filter((r) => !r.disabled && !r.multiModel && (r.multiNode ?? false) === m.multiNode);
  if (usable.some((r) => listsFormat(r, m, false) && speaks(r, protocol))) return;
  // Runtimes that auto-select the format's name but not this version or protocol: the closest misses.
  const near = usable.filter((r) => r.supportedModelFormats.some((f) => f.autoSelect && f.name === m.format));
  const why = near.length
    ? `the runtimes that auto-select '${m.format}' (${near.map((r) => `${r.name}: versions ${versionsOf(r, m.format)}, protocols ${r.protocolVersions.join(', ') || 'any'}`).join('; ')}) do not match version ${m.version ?? '(any)'} and protocol '${protocol}'${m.multiNode ? ' with a workerSpec' : ''}`
    : candidates.length
      ? `the runtimes there auto-select ${formatsOf(usable, false) || 'no format'}`
      : `no ServingRuntime is deployed in namespace '${e.namespace}' and ${ctx.target!.source} installs no ClusterServingRuntime`;
  ctx.report({
    entry: e, field: `${m.field}.modelFormat`, value: label(m),
    message: `KServe auto-selects a runtime for it (no runtime named), but ${why}, so the InferenceService is never ready ("No runtime found to support specified framework/version"); ${fixFor(ctx, e)}`,
  });
}

function fixFor(ctx: CheckContext, e: ManifestEntry): string {
  return `install KServe's runtimes (the kserve-runtime-configs chart with kserve.servingruntime.enabled, which the stacks install by default) on ${ctx.target!.source}, or deploy a ServingRuntime for the format in namespace '${e.namespace}'`;
}

const names = (rs: readonly Runtime[]) => (rs.length ? rs.map((r) => r.name).join(', ') : 'none');

function versionsOf(r: Runtime, format: string): string {
  const versions = r.supportedModelFormats.filter((f) => f.autoSelect && f.name === format).map((f) => f.version ?? '(any)');
  return versions.join(', ');
}

/** `tensorflow (1, 2), sklearn (1)`: the formats runtimes serve (only autoSelect ones unless named). */
function formatsOf(rs: readonly Runtime[], named: boolean): string {
  const byName = new Map<string, Set<string>>();
  for (const r of rs) {
    for (const f of r.supportedModelFormats) {
      if (!named && !f.autoSelect) continue;
      const versions = byName.get(f.name) ?? new Set<string>();
      if (f.version) versions.add(f.version);
      byName.set(f.name, versions);
    }
  }
  return [...byName].map(([n, v]) => (v.size ? `${n} (${[...v].join(', ')})` : n)).join(', ');
}
