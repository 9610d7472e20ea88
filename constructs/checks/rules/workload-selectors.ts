import type { ObjectIndex } from '../object-index';
import type { ManifestEntry } from '../manifest-entry';
import { groupKindOf } from '../manifest-entry';
import { containersOf, PodTemplate } from '../pod-templates';
import type { PlatformTarget } from '../platform-target';
import { operatorAdditions, RUN_TIME } from '../scrape-targets';
import { formatLabels, LabelSelector, selectorMatches } from '../selectors';
import { CheckContext, SemanticRule } from '../semantic-rule';

/** A template with the labels its pods get: its own plus what the operators and controllers add. */
interface LabelledTemplate {
  readonly template: PodTemplate;
  readonly labels: Readonly<Record<string, string>>;
}

/**
 * Pod templates by namespace and by `key=value` label pair (labels known only at run time by
 * `key`: a StatefulSet's pod-name matches any value), built once per check run.
 */
class TemplatesByLabel {
  private readonly byPair = new Map<string, LabelledTemplate[]>();
  private readonly byRunTimeKey = new Map<string, LabelledTemplate[]>();
  private readonly byNamespace = new Map<string, LabelledTemplate[]>();

  constructor(index: ObjectIndex, target: PlatformTarget | undefined) {
    for (const template of index.podTemplates()) {
      const ns = template.entry.namespace ?? '';
      const t = { template, labels: { ...template.labels, ...operatorAdditions(template, target).labels } };
      push(this.byNamespace, ns, t);
      for (const [k, v] of Object.entries(t.labels)) {
        if (v === RUN_TIME) push(this.byRunTimeKey, `${ns}|${k}`, t);
        else push(this.byPair, `${ns}|${k}=${v}`, t);
      }
    }
  }

  /** Templates in `namespace` whose labels satisfy `selector` (candidates from one label pair). */
  public select(namespace: string | undefined, selector: LabelSelector): PodTemplate[] {
    const ns = namespace ?? '';
    const first = Object.entries(selector.matchLabels ?? {})[0];
    const candidates = first
      ? [...(this.byPair.get(`${ns}|${first[0]}=${first[1]}`) ?? []), ...(this.byRunTimeKey.get(`${ns}|${first[0]}`) ?? [])]
      : this.byNamespace.get(ns) ?? [];
    return candidates.filter((t) => selectorMatches(selector, asSelected(t.labels, selector))).map((t) => t.template);
  }
}

/** Labels with run-time values taking the value the selector asks for (it may be any). */
function asSelected(labels: Readonly<Record<string, string>>, selector: LabelSelector): Record<string, string> {
  const out = { ...labels };
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (out[k] === RUN_TIME) out[k] = v;
  return out;
}

/** True when `apps/Deployment name` is the one KServe makes for an InferenceService's predictor. */
function predictorDeployment(index: ObjectIndex, namespace: string | undefined, group: string, name: unknown): boolean {
  const isvc = group === 'apps/Deployment' && typeof name === 'string' ? /^(.+)-predictor$/.exec(name)?.[1] : undefined;
  return isvc !== undefined && index.find('serving.kserve.io/InferenceService', namespace, isvc) !== undefined;
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/**
 * Selectors and targets point at something: a Service's selector selects pods deployed with it
 * and its named targetPorts are ports those pods declare (otherwise the Service has no endpoints:
 * kube-controller-manager endpointslice controller, Kubernetes v1.34); a PodDisruptionBudget selects
 * pods (otherwise it protects nothing); an HPA or KEDA ScaledObject targets a workload deployed with
 * it (otherwise the HPA reports FailedGetScale). Only namespaces a deployed chart creates are checked.
 * Pods carry the labels the operators and controllers add (`scrape-targets.ts` operatorAdditions:
 * training-operator job-name, KServe inferenceservice, StatefulSet pod-name, ...). KServe makes a
 * Standard-mode predictor's Deployment `<isvc>-predictor` (v0.20.0 @ 1fb78105
 * pkg/constants/constants.go PredictorServiceName), which an autoscaler may target.
 */
export const workloadSelectors: SemanticRule = {
  id: 'workload-selectors',
  summary: 'Services, PodDisruptionBudgets and autoscalers select or target workloads deployed with them',
  check(ctx: CheckContext): void {
    const { index } = ctx;
    const templates = new TemplatesByLabel(index, ctx.target);
    const known = (e: ManifestEntry) => e.namespace !== undefined && index.namespaceLabels(e.namespace) !== undefined;
    for (const svc of index.ofKind('/Service')) {
      const selector = svc.object.spec?.selector;
      if (!selector || !known(svc)) continue;
      const pods = templates.select(svc.namespace, { matchLabels: selector });
      if (!pods.length) {
        ctx.report({ entry: svc, field: 'spec.selector', value: formatLabels(selector), message: `no pod deployed in namespace '${svc.namespace}' has these labels, so the Service has no endpoints; select the labels of the workload's pod template` });
        continue;
      }
      (svc.object.spec?.ports ?? []).forEach((p: Record<string, any>, i: number) => {
        if (typeof p.targetPort !== 'string') return;
        const declares = pods.some((t) => containersOf(t.spec).some((c) => (c.ports ?? []).some((cp: Record<string, any>) => cp.name === p.targetPort)));
        if (!declares) {
          ctx.report({ entry: svc, field: `spec.ports[${i}].targetPort`, value: p.targetPort, message: `no container of the selected pods (${pods.map((t) => t.entry.path).join(', ')}) declares a port named '${p.targetPort}', so traffic has nowhere to go; name the container port or use its number` });
        }
      });
    }
    for (const pdb of index.ofKind('policy/PodDisruptionBudget')) {
      const selector = pdb.object.spec?.selector;
      if (!selector || !known(pdb) || templates.select(pdb.namespace, selector).length) continue;
      ctx.report({ entry: pdb, field: 'spec.selector', value: formatLabels(selector.matchLabels), message: `no pod deployed in namespace '${pdb.namespace}' matches, so the budget protects nothing; select the workload's pod labels` });
    }
    for (const scaler of [...index.ofKind('autoscaling/HorizontalPodAutoscaler'), ...index.ofKind('keda.sh/ScaledObject')]) {
      const ref = scaler.object.spec?.scaleTargetRef ?? {};
      const kind = ref.kind ?? 'Deployment';
      const group = ref.apiVersion ? groupKindOf({ apiVersion: ref.apiVersion, kind }) : `apps/${kind}`;
      if (!known(scaler) || index.find(group, scaler.namespace, ref.name) || predictorDeployment(index, scaler.namespace, group, ref.name)) continue;
      ctx.report({ entry: scaler, field: 'spec.scaleTargetRef', value: `${kind}/${ref.name}`, message: `no ${kind} '${ref.name}' is deployed in namespace '${scaler.namespace}', so the autoscaler scales nothing (FailedGetScale); target the workload's own name and kind` });
    }
  },
};
