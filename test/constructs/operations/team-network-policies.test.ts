import { Chart } from 'cdk8s';
import { RestrictedNamespace } from '../../../constructs/operations/restricted-namespace';
import { PlatformServices, TEAM_POLICY_NAMES, TeamNetworkPolicies } from '../../../constructs/operations/team-network-policies';
import { byKindName, ofKind, synth, testChart } from '../../helpers';

/** A team namespace as `Team` builds it: the restricted namespace (baseline) plus the team's policies. */
function teamPolicies(platform?: PlatformServices, chart: Chart = testChart()) {
  new RestrictedNamespace(chart, 'ns', { name: 'team-a', network: platform });
  const construct = new TeamNetworkPolicies(chart, 'np', { namespace: 'team-a' });
  return { construct, objects: ofKind(synth(chart), 'NetworkPolicy') };
}
const workloads = (objects: ReturnType<typeof teamPolicies>['objects']) => byKindName(objects, 'NetworkPolicy', TEAM_POLICY_NAMES.WORKLOADS).spec;
const namespaceSelector = (...names: string[]) => ({ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: names }] } });

describe('TeamNetworkPolicies', () => {
  test('default output: baseline (deny, DNS) plus one namespace-wide workloads policy', () => {
    const { objects } = teamPolicies();
    expect(objects).toMatchSnapshot();
    expect(objects.map((p) => p.metadata.name).sort()).toEqual(Object.values(TEAM_POLICY_NAMES).sort());
    for (const p of objects) expect(p.metadata.namespace).toBe('team-a');
  });

  test('denies all ingress and egress by default', () => {
    expect(byKindName(teamPolicies().objects, 'NetworkPolicy', TEAM_POLICY_NAMES.DEFAULT_DENY).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test("the team's pods reach each other on any port, nothing of other namespaces", () => {
    const spec = workloads(teamPolicies().objects);
    expect(spec.podSelector).toEqual({});
    expect(spec.ingress).toContainEqual({ from: [{ podSelector: {} }] });
    expect(spec.egress).toContainEqual({ to: [{ podSelector: {} }] });
    // Every other peer is a platform namespace: no rule lets another team in or out.
    const peers = [...spec.ingress.flatMap((r: any) => r.from), ...spec.egress.flatMap((r: any) => r.to)];
    for (const p of peers.filter((x: any) => x.namespaceSelector)) {
      expect(p.namespaceSelector.matchExpressions[0].values.some((v: string) => v.startsWith('team-'))).toBe(false);
    }
  });

  test('allows DNS to kube-dns on port 53 UDP and TCP (baseline)', () => {
    const [rule] = byKindName(teamPolicies().objects, 'NetworkPolicy', TEAM_POLICY_NAMES.DNS).spec.egress;
    expect(rule.to).toEqual([{ ...namespaceSelector('kube-system'), podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect(rule.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test('lets the monitoring and gateway namespaces in, and the team out to the gateways', () => {
    const spec = workloads(teamPolicies({ monitoringNamespace: 'prometheus', gatewayNamespaces: ['istio-ingress'] }).objects);
    expect(spec.ingress).toContainEqual({ from: [namespaceSelector('prometheus')] });
    expect(spec.ingress).toContainEqual({ from: [namespaceSelector('istio-ingress')] });
    expect(spec.egress).toContainEqual({ to: [namespaceSelector('istio-ingress')] });
  });

  test('a team without gateways gets no gateway rule (and no error: it need not serve)', () => {
    const spec = workloads(teamPolicies({ gatewayNamespaces: [] }).objects);
    expect(JSON.stringify(spec)).not.toContain('istio');
    expect(spec.egress.some((r: any) => r.to.some((t: any) => t.namespaceSelector))).toBe(false);
  });

  test('allows the API server on 443 and 6443, private ranges by default', () => {
    const rule = workloads(teamPolicies().objects).egress.find((r: any) => r.to[0].ipBlock);
    expect(rule.to.map((t: any) => t.ipBlock.cidr)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    expect(rule.ports.map((p: any) => p.port)).toEqual([443, 6443]);
    const narrowed = workloads(teamPolicies({ apiServerCidrs: ['10.96.0.1/32'] }).objects).egress.find((r: any) => r.to[0].ipBlock);
    expect(narrowed.to).toEqual([{ ipBlock: { cidr: '10.96.0.1/32' } }]);
  });

  test('no internet: no egress rule reaches outside the listed peers', () => {
    const spec = workloads(teamPolicies().objects);
    expect(JSON.stringify(spec)).not.toContain('0.0.0.0/0');
  });

  test('an empty API server list is an error at synth: the team runs workflows, whose executors call it', () => {
    const chart = testChart();
    teamPolicies({ apiServerCidrs: [] }, chart);
    const problems = chart.node.findAll().flatMap((c) => c.node.validate());
    expect(problems).toEqual([expect.stringMatching(/NamespaceBaseline 'test\/ns\/NetworkPolicies': prop 'platform.apiServerCidrs' is \[\]; 'test\/np' calls the Kubernetes API server/)]);
  });

  test('fails when the API server CIDR is the whole internet', () => {
    expect(() => teamPolicies({ apiServerCidrs: ['0.0.0.0/0'] })).toThrow(/'test\/ns\/NetworkPolicies': prop 'platform.apiServerCidrs' is '\[0.0.0.0\/0\]'; '0.0.0.0\/0' would allow HTTPS egress/);
  });

  test('fails when a CIDR is malformed', () => {
    expect(() => teamPolicies({ apiServerCidrs: ['10.0.0.300/8'] })).toThrow(/prop 'platform.apiServerCidrs\[0\]' is '10.0.0.300\/8'; use an IPv4 CIDR/);
  });

  test('fails when a gateway namespace is invalid', () => {
    expect(() => teamPolicies({ gatewayNamespaces: ['Istio'] })).toThrow(/prop 'platform.gatewayNamespaces\[0\]' is 'Istio'/);
  });

  test('fails when the namespace is invalid', () => {
    expect(() => new TeamNetworkPolicies(testChart(), 'np', { namespace: 'Team_A' })).toThrow(/'test\/np': prop 'namespace' is 'Team_A'/);
  });
});
