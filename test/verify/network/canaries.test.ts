// The canaries and the new pairs of verify:network (no cyclonus binary needed): widened policy sets
// built from the platform's own policies, the verdict over cyclonus's rows, one pair per namespace
// pair, the look-alike namespace and the second private address.
import { buildPlatform } from '../../../charts';
import { judgeNetworkCanary, networkCanaries } from '../../../scripts/verify/network/canaries';
import { CLUSTER, callsApiServer, expectedPairs, lookalikeNamespaceLabels, RULES, teamPods } from '../../../scripts/verify/network/expectations';
import { describePods } from '../../../scripts/verify/network/pods';
import type { Row } from '../../../scripts/verify/network/report';

const charts = buildPlatform().synthManifests({ checks: false });
const objects = charts.flatMap((c) => c.objects);
const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
const teams = objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels?.['mlpatterns.dev/team']).map((o) => o.metadata.name);
const pods = [...charts.flatMap((c) => describePods(c.name, c.objects)), ...teamPods(teams)];
pods.forEach((p, i) => {
  p.ip = `10.244.0.${i + 2}`;
});
const pairs = expectedPairs(pods);
const canaries = networkCanaries(policies, pods, new Set(teams), callsApiServer);
const asExpected: Row[] = pairs.map((p) => ({ ...p, got: p.expect }));

describe('verify-network canaries', () => {
  test('two canaries, each one policy of dist widened, the rest of the set unchanged', () => {
    expect(canaries.map((c) => c.name)).toEqual(['team-policy-admits-every-namespace', 'private-range-egress-without-api-need']);
    for (const c of canaries) {
      expect(c.policies).toHaveLength(policies.length);
      const changed = c.policies!.filter((p, i) => p !== policies[i]);
      expect(changed).toHaveLength(1);
    }
    const [admits, privateEgress] = canaries.map((c) => c.policies!.find((p, i) => p !== policies[i])!);
    expect(teams).toContain(admits.metadata.namespace);
    expect(admits.spec.ingress.at(-1)).toEqual({ from: [{ namespaceSelector: {} }] });
    expect(privateEgress.spec.egress.at(-1).to).toEqual([{ ipBlock: { cidr: '10.0.0.0/8' } }, { ipBlock: { cidr: '172.16.0.0/12' } }, { ipBlock: { cidr: '192.168.0.0/16' } }]);
    expect(privateEgress.spec.policyTypes).toContain('Egress');
  });

  test('a canary whose rule stays clean is missed (and so fails the run); a wrong pair of its rule catches it', () => {
    const [admits] = canaries;
    expect(judgeNetworkCanary(admits, asExpected)).toMatchObject({ caught: false });
    // A wrong pair of another rule does not count.
    const otherWrong = asExpected.map((r) => (r.rule === RULES.lookalikeKeptOut ? { ...r, got: 'allow' as const } : r));
    expect(judgeNetworkCanary(admits, otherWrong).caught).toBe(false);
    const teamWrong = asExpected.map((r) => (r.rule === RULES.teamsApart ? { ...r, got: 'allow' as const } : r));
    expect(judgeNetworkCanary(admits, teamWrong)).toMatchObject({ caught: true, seen: expect.stringMatching(/4 pair\(s\) of "teams never reach each other" wrong/) });
    expect(judgeNetworkCanary({ ...admits, policies: undefined }, undefined)).toMatchObject({ caught: false, seen: expect.stringMatching(/^no input/) });
  });

  test('no canary input: the canary is reported as missed, not skipped', () => {
    expect(networkCanaries(policies, pods, new Set(), callsApiServer)[0].policies).toBeUndefined();
    expect(networkCanaries([], [], new Set(), callsApiServer).every((c) => !c.policies)).toBe(true);
  });
});

describe('verify-network pairs added for the audit', () => {
  test('one deny pair per ordered pair of namespaces', () => {
    const namespaces = new Set(pods.map((p) => p.namespace));
    const cross = pairs.filter((p) => p.rule === RULES.namespacesApart);
    expect(cross).toHaveLength(namespaces.size * (namespaces.size - 1));
    expect(new Set(cross.map((p) => `${p.from.namespace}>${p.to.namespace}`)).size).toBe(cross.length);
    expect(cross.every((p) => p.expect === 'deny' && p.from.namespace !== p.to.namespace)).toBe(true);
  });

  test('a second private address: API callers reach it on 443 only (the known width), every other pod not at all', () => {
    const toPrivate = pairs.filter((p) => p.to === CLUSTER.privateHost);
    const callers = pods.filter(callsApiServer);
    expect(callers.length).toBeGreaterThan(0);
    expect(toPrivate.filter((p) => p.expect === 'allow').map((p) => p.from)).toEqual(callers);
    expect(toPrivate.filter((p) => p.rule === RULES.noPrivateAddress)).toHaveLength(pods.length - callers.length);
    expect(CLUSTER.privateHost.ip).not.toBe(CLUSTER.apiServer.ip);
  });

  test('the look-alike namespace carries only the labels every platform namespace shares', () => {
    expect(lookalikeNamespaceLabels([{ a: '1', b: '2', team: 'x' }, { a: '1', b: '3', team: 'y' }])).toEqual({ a: '1' });
    expect(lookalikeNamespaceLabels([])).toEqual({});
    const labels = lookalikeNamespaceLabels(objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.labels ?? {}));
    expect(labels['app.kubernetes.io/part-of']).toBe('ml-platform');
    expect(pairs.filter((p) => p.from === CLUSTER.lookalike)).toHaveLength(pods.length);
  });
});
