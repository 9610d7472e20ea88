import { TEAM_POLICY_NAMES, TeamNetworkPolicies } from '../../../constructs/operations/team-network-policies';
import { byKindName, ofKind, synth, testChart } from '../../helpers';

function policies(platform?: ConstructorParameters<typeof TeamNetworkPolicies>[2]['platform']) {
  const chart = testChart();
  const construct = new TeamNetworkPolicies(chart, 'np', { namespace: 'team-a', platform });
  return { construct, objects: synth(chart) };
}

describe('TeamNetworkPolicies', () => {
  test('default output', () => {
    const { objects } = policies();
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'NetworkPolicy').map((p) => p.metadata.name).sort()).toEqual(Object.values(TEAM_POLICY_NAMES).sort());
    for (const p of objects) expect(p.metadata.namespace).toBe('team-a');
  });

  test('denies all ingress and egress by default', () => {
    expect(byKindName(policies().objects, 'NetworkPolicy', TEAM_POLICY_NAMES.DEFAULT_DENY).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  });

  test('allows pod-to-pod traffic inside the namespace only', () => {
    const spec = byKindName(policies().objects, 'NetworkPolicy', TEAM_POLICY_NAMES.SAME_NAMESPACE).spec;
    expect(spec.ingress).toEqual([{ from: [{ podSelector: {} }] }]);
    expect(spec.egress).toEqual([{ to: [{ podSelector: {} }] }]);
  });

  test('allows DNS to kube-dns on port 53 UDP and TCP', () => {
    const [rule] = byKindName(policies().objects, 'NetworkPolicy', TEAM_POLICY_NAMES.DNS).spec.egress;
    expect(rule.to).toEqual([{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['kube-system'] }] }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }]);
    expect(rule.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test('lets the monitoring and gateway namespaces in, and the team out to the gateway', () => {
    const { construct, objects } = policies({ monitoringNamespace: 'prometheus', gatewayNamespaces: ['istio-ingress'] });
    const spec = byKindName(objects, 'NetworkPolicy', TEAM_POLICY_NAMES.PLATFORM).spec;
    expect(spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values).toEqual(['prometheus', 'istio-ingress']);
    expect(spec.egress[0].to[0].namespaceSelector.matchExpressions[0].values).toEqual(['istio-ingress']);
    expect(construct.monitoringNamespace).toBe('prometheus');
  });

  test('allows the API server on 443 and 6443, private ranges by default', () => {
    const [rule] = byKindName(policies().objects, 'NetworkPolicy', TEAM_POLICY_NAMES.API_SERVER).spec.egress;
    expect(rule.to.map((t: any) => t.ipBlock.cidr)).toEqual(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16']);
    expect(rule.ports.map((p: any) => p.port)).toEqual([443, 6443]);
    const narrowed = byKindName(policies({ apiServerCidrs: ['10.96.0.1/32'] }).objects, 'NetworkPolicy', TEAM_POLICY_NAMES.API_SERVER).spec.egress[0];
    expect(narrowed.to).toEqual([{ ipBlock: { cidr: '10.96.0.1/32' } }]);
  });

  test('fails when the API server CIDR is the whole internet', () => {
    expect(() => policies({ apiServerCidrs: ['0.0.0.0/0'] })).toThrow(/'test\/np': prop 'platform.apiServerCidrs' is '\[0.0.0.0\/0\]'; '0.0.0.0\/0' would allow HTTPS egress/);
  });

  test('fails when a CIDR is malformed', () => {
    expect(() => policies({ apiServerCidrs: ['10.0.0.300/8'] })).toThrow(/prop 'platform.apiServerCidrs\[0\]' is '10.0.0.300\/8'; use an IPv4 CIDR/);
  });

  test('fails when a gateway namespace is invalid', () => {
    expect(() => policies({ gatewayNamespaces: ['Istio'] })).toThrow(/prop 'platform.gatewayNamespaces\[0\]' is 'Istio'/);
  });
});
