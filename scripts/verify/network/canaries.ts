// The canaries of verify:network: the policy set of dist/ (rendered by the project's constructs,
// constructs/operations/network/) with one deliberate widening each. cyclonus decides the same
// pairs against each widened set, and the named rule must then have a wrong pair; a canary whose
// rule stays clean is missed and fails the run. Pure: policies in, widened policy sets out.

import type { CanaryResult } from '../core/canaries';
import type { KubeObject } from '../core/objects';
import { RULES } from './expectations';
import type { Pod } from './pods';
import type { Row } from './report';

/** How many canaries every run must catch. */
export const NETWORK_CANARY_MINIMUM = 2;

export interface NetworkCanary {
  name: string;
  proves: string;
  /** A pair of one of these rules must turn wrong. */
  catchRules: string[];
  /** What was widened, for the report. */
  input: string;
  /** The whole policy set with the widening; undefined when dist has no input for it. */
  policies?: KubeObject[];
}

const clone = <T>(o: T): T => JSON.parse(JSON.stringify(o));
const labelsMatch = (selector: KubeObject | undefined, labels: Record<string, string>) =>
  !(selector?.matchExpressions ?? []).length && Object.entries(selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
/** The API-server egress rule render-policy.ts gives a group with needs.apiServer: ipBlocks on 443. */
const apiEgressRule = (p: KubeObject) => (p.spec?.egress ?? []).find((r: any) => (r.to ?? []).some((t: any) => t.ipBlock) && (r.ports ?? []).some((x: any) => x.port === 443));

/** A team policy with an extra ingress rule `namespaceSelector: {}` (every namespace). */
function admitsEveryNamespace(policies: readonly KubeObject[], teamNamespaces: ReadonlySet<string>): NetworkCanary {
  const canary = {
    name: 'team-policy-admits-every-namespace',
    proves: "a team policy that admits every namespace (ingress from `namespaceSelector: {}`) lets another team's pods in, and the table sees it",
    catchRules: [RULES.teamsApart],
  };
  const target = policies.find((p) => teamNamespaces.has(p.metadata.namespace) && (p.spec?.ingress ?? []).length);
  if (!target) return { ...canary, input: 'no team policy with ingress rules in dist' };
  const widened = clone(target);
  widened.spec.ingress.push({ from: [{ namespaceSelector: {} }] });
  return { ...canary, input: `NetworkPolicy ${target.metadata.namespace}/${target.metadata.name} + ingress from namespaceSelector {}`, policies: policies.map((p) => (p === target ? widened : p)) };
}

/**
 * The API-server egress rule of a workflow policy (ipBlocks of every private range on 443/6443)
 * copied onto the policy of a pod group in the same namespace that does not call the API server.
 */
function privateEgressWithoutApiNeed(policies: readonly KubeObject[], pods: readonly Pod[], callsApiServer: (p: Pod) => boolean): NetworkCanary {
  const canary = {
    name: 'private-range-egress-without-api-need',
    proves: 'a pod that does not call the API server, given the API egress rule (443/6443 to every private range), is seen reaching a private address that is not the API server',
    catchRules: [RULES.noPrivateAddress],
  };
  for (const source of policies.filter(apiEgressRule)) {
    const ns = source.metadata.namespace;
    const target = policies.find((p) => p.metadata.namespace === ns && !apiEgressRule(p) && Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length
      && pods.some((pod) => pod.namespace === ns && !callsApiServer(pod) && labelsMatch(p.spec.podSelector, pod.labels)));
    if (!target) continue;
    const widened = clone(target);
    widened.spec.egress = [...(widened.spec.egress ?? []), clone(apiEgressRule(source))];
    if (!widened.spec.policyTypes.includes('Egress')) widened.spec.policyTypes.push('Egress');
    return { ...canary, input: `NetworkPolicy ${ns}/${target.metadata.name} + the API egress rule of ${source.metadata.name}`, policies: policies.map((p) => (p === target ? widened : p)) };
  }
  return { ...canary, input: 'no namespace with both an API-calling group and a group without API access' };
}

/** Every canary of a run, built from dist's policies and the described pods. */
export function networkCanaries(policies: readonly KubeObject[], pods: readonly Pod[], teamNamespaces: ReadonlySet<string>, callsApiServer: (p: Pod) => boolean): NetworkCanary[] {
  return [admitsEveryNamespace(policies, teamNamespaces), privateEgressWithoutApiNeed(policies, pods, callsApiServer)];
}

const name = (e: { id?: string }) => e.id ?? '?';

/**
 * Caught when at least one pair of the canary's rules is wrong against the widened policies;
 * `rows` are the pairs as cyclonus decided them for that set (undefined: the canary had no input).
 */
export function judgeNetworkCanary(canary: NetworkCanary, rows: readonly Row[] | undefined): CanaryResult {
  const base = { name: canary.name, proves: canary.proves };
  if (!canary.policies || !rows) return { ...base, caught: false, seen: `no input: ${canary.input}` };
  const wrong = rows.filter((r) => r.got !== r.expect);
  const caughtBy = wrong.filter((r) => canary.catchRules.includes(r.rule));
  if (!caughtBy.length) {
    return { ...base, caught: false, seen: `${canary.input}: no pair of "${canary.catchRules.join('", "')}" turned wrong (${wrong.length} wrong pairs in other rules)` };
  }
  const e = caughtBy[0];
  return { ...base, caught: true, seen: `${canary.input}: ${caughtBy.length} pair(s) of "${e.rule}" wrong, e.g. ${name(e.from)} -> ${name(e.to)} ${e.port}/${e.protocol} got ${e.got}` };
}
