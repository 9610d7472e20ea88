import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { RestrictedNamespace } from '../../constructs/operations/restricted-namespace';
import { BASELINE_POLICY_NAMES, NamespaceNetwork, NetworkPeer, PodGroupNeeds } from '../../constructs/operations/network';
import { ArgoWorkflow } from '../../constructs/workflow/argo-workflow';
import { examplePools } from '../../charts';
import { synth, testChart } from '../helpers';

const policies = (chart: Chart) => synth(chart).filter((o) => o.kind === 'NetworkPolicy');
const policy = (chart: Chart, name: string) => {
  const found = policies(chart).filter((p) => p.metadata.name === name);
  if (found.length !== 1) throw new Error(`expected one policy ${name}, have ${policies(chart).map((p) => p.metadata.name).join(', ')}`);
  return found[0];
};
const problemsOf = (chart: Chart) => chart.node.findAll().flatMap((c) => c.node.validate());
/** A construct registering `needs` for its pods in its chart's namespace. */
function workload(scope: Construct, id: string, needs: Partial<PodGroupNeeds> & { name?: string }) {
  const c = new Construct(scope, id);
  return NamespaceNetwork.of(c).group(c, { name: needs.name ?? id, component: 'test', ...needs });
}

describe('NamespaceBaseline (every RestrictedNamespace)', () => {
  test('default-deny for every pod, DNS egress for every pod, in the namespace itself', () => {
    const chart = testChart('elsewhere');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    expect(policies(chart).map((p) => [p.metadata.namespace, p.metadata.name])).toEqual([
      ['ml', BASELINE_POLICY_NAMES.DEFAULT_DENY], ['ml', BASELINE_POLICY_NAMES.DNS],
    ]);
    expect(policy(chart, BASELINE_POLICY_NAMES.DEFAULT_DENY).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    expect(policy(chart, BASELINE_POLICY_NAMES.DNS).spec.policyTypes).toEqual(['Egress']);
  });

  test('DNS elsewhere: other labels, node-local resolvers on port 53 only', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml', network: { dns: { namespace: 'dns', podLabels: { app: 'coredns' }, cidrs: ['169.254.20.10/32'] } } });
    const [rule] = policy(chart, BASELINE_POLICY_NAMES.DNS).spec.egress;
    expect(rule.to).toEqual([
      { namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['dns'] }] }, podSelector: { matchLabels: { app: 'coredns' } } },
      { ipBlock: { cidr: '169.254.20.10/32' } },
    ]);
    expect(rule.ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
  });

  test.each([
    [{ dns: { namespace: 'kube-system', podLabels: {} } }, /prop 'platform.dns.podLabels' is \{\}; name the labels of the DNS pods/],
    [{ dns: { namespace: 'kube-system', podLabels: { 'k8s-app': 'kube-dns' }, cidrs: ['0.0.0.0/0'] } }, /prop 'platform.dns.cidrs' is '\[0.0.0.0\/0\]'/],
    [{ monitoringNamespace: 'Mon' }, /'test\/ns\/NetworkPolicies': prop 'platform.monitoringNamespace' is 'Mon'/],
  ])('bad platform services fail, naming path, prop and value: %j', (network, message) => {
    expect(() => new RestrictedNamespace(testChart('ml'), 'ns', { name: 'ml', network })).toThrow(message);
  });
});

describe('NamespaceNetwork.group', () => {
  test('one policy per group with rules, in the chart that runs the pods, named after the group', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    const g = workload(chart, 'job', { withinGroup: true });
    expect(g.podLabels).toEqual({ 'app.kubernetes.io/name': 'job', 'app.kubernetes.io/component': 'test' });
    const p = policy(chart, 'allow-job-test');
    expect(p.metadata.namespace).toBe('ml');
    expect(p.spec).toEqual({
      podSelector: { matchLabels: g.podLabels },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ podSelector: { matchLabels: g.podLabels } }] }],
      egress: [{ to: [{ podSelector: { matchLabels: g.podLabels } }] }],
    });
  });

  test('a group without rules gets no policy (the baseline already says everything)', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    const g = workload(chart, 'quiet', {});
    expect(g.hasRules).toBe(false);
    expect(policies(chart).map((p) => p.metadata.name)).toEqual([BASELINE_POLICY_NAMES.DEFAULT_DENY, BASELINE_POLICY_NAMES.DNS]);
  });

  test('order does not matter: groups declared before the namespace get their policy when it appears', () => {
    const chart = testChart('ml');
    workload(chart, 'early', { apiServer: true });
    expect(policies(chart)).toHaveLength(0);
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    expect(policies(chart).map((p) => p.metadata.name)).toContain('allow-early-test');
  });

  test('no baseline, no allow policies: without default-deny they would mean nothing', () => {
    const chart = testChart('not-ours');
    workload(chart, 'job', { withinGroup: true, apiServer: true });
    expect(policies(chart)).toHaveLength(0);
  });

  test("clients in the namespace get the matching egress derived, and a client without rules gets a policy for it", () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    const caller = workload(chart, 'caller', {});
    workload(chart, 'server', { clients: [{ from: NetworkPeer.group(caller), ports: [8080] }] });
    expect(policy(chart, 'allow-server-test').spec.ingress).toEqual([{ from: [{ podSelector: { matchLabels: caller.podLabels } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    expect(policy(chart, 'allow-caller-test').spec).toEqual({
      podSelector: { matchLabels: caller.podLabels },
      policyTypes: ['Egress'],
      egress: [{ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/name': 'server', 'app.kubernetes.io/component': 'test' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    });
  });

  test('a group of another namespace is matched by namespace AND pod labels, on both sides', () => {
    const app = testChart().node.root as Construct;
    const a = new Chart(app, 'a', { namespace: 'ns-a' });
    const b = new Chart(app, 'b', { namespace: 'ns-b' });
    new RestrictedNamespace(a, 'ns', { name: 'ns-a' });
    new RestrictedNamespace(b, 'ns', { name: 'ns-b' });
    const caller = workload(a, 'caller', {});
    workload(b, 'server', { clients: [{ from: NetworkPeer.group(caller), ports: [80] }] });
    const ns = (n: string) => ({ matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [n] }] });
    expect(policy(b, 'allow-server-test').spec.ingress[0].from).toEqual([{ namespaceSelector: ns('ns-a'), podSelector: { matchLabels: caller.podLabels } }]);
    expect(policy(a, 'allow-caller-test').spec.egress[0].to).toEqual([{ namespaceSelector: ns('ns-b'), podSelector: { matchLabels: { 'app.kubernetes.io/name': 'server', 'app.kubernetes.io/component': 'test' } } }]);
  });

  test("objects built in a workflow's embedded scope: the policy is emitted with the workflow, in its namespace", () => {
    const chart = testChart('pipeline');
    new RestrictedNamespace(chart, 'ns', { name: 'pipeline' });
    const wf = new ArgoWorkflow(chart, 'wf', { pool: examplePools.cpu });
    expect(NamespaceNetwork.of(wf.manifests).namespace).toBe('pipeline');
    workload(wf.manifests, 'embedded-job', { withinGroup: true });
    const p = policy(chart, 'allow-embedded-job-test');
    expect(p.metadata.namespace).toBe('pipeline');
    expect(p.metadata).toMatchObject({ name: 'allow-embedded-job-test' });
  });

  test('a sub-group selects the group labels plus its own (set by an operator), and needs a role', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    const g = workload(chart, 'mpi', { role: 'launcher', match: { 'training.kubeflow.org/replica-type': 'launcher' }, apiServer: true });
    expect(g.podLabels).toEqual({ 'app.kubernetes.io/name': 'mpi', 'app.kubernetes.io/component': 'test' });
    expect(policy(chart, 'allow-mpi-test-launcher').spec.podSelector.matchLabels).toEqual({ ...g.podLabels, 'training.kubeflow.org/replica-type': 'launcher' });
    expect(() => workload(chart, 'bad', { match: { a: 'b' } })).toThrow(/'test\/bad': prop 'role' is undefined; a sub-group \(match\) needs a role/);
  });

  test("a group can select another construct's pods (a monitor's selector) and open named ports", () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    const g = workload(chart, 'scrape', { select: { app: 'server', 'training.kubeflow.org/job-name': undefined }, metricsPorts: ['http', 9090] });
    expect(g.podLabels).toEqual({});
    expect(policy(chart, 'allow-scrape-test').spec).toEqual({
      podSelector: { matchLabels: { app: 'server' }, matchExpressions: [{ key: 'training.kubeflow.org/job-name', operator: 'Exists' }] },
      policyTypes: ['Ingress'],
      ingress: [{
        from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['monitoring'] }] } }],
        ports: [{ protocol: 'TCP', port: 9090 }, { protocol: 'TCP', port: 'http' }],
      }],
    });
    expect(() => workload(chart, 'bad-port', { metricsPorts: ['HTTP_PORT'] })).toThrow(/prop 'metricsPorts' is 'HTTP_PORT'; use TCP ports from 1 to 65535, or a container port name/);
    expect(() => workload(chart, 'no-labels', { select: {} })).toThrow(/prop 'select' is \{\}; name at least one label/);
  });

  test('internet egress never reaches private, link-local (cloud metadata) or loopback addresses', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    workload(chart, 'dl', { internetPorts: [443] });
    expect(policy(chart, 'allow-dl-test').spec.egress).toEqual([{
      to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'] } }],
      ports: [{ protocol: 'TCP', port: 443 }],
    }]);
  });

  test.each([
    [{ internetPorts: [0] }, /prop 'internetPorts' is 0; use TCP ports from 1 to 65535/],
    [{ clients: [{ from: NetworkPeer.gateways(), ports: [70000] }] }, /prop 'clients\[0\].ports' is 70000/],
    [{ name: 'Bad_Name' }, /prop 'name' is 'Bad_Name'/],
  ])('bad needs fail at once, naming the construct: %j', (needs, message) => {
    const chart = testChart('ml');
    expect(() => workload(chart, 'w', needs)).toThrow(message);
  });
});

describe('synth-time checks of the needs against the platform services', () => {
  test('an API server caller in a namespace without API server CIDRs is an error naming path, prop and value', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml', network: { apiServerCidrs: [] } });
    workload(chart, 'wf', { apiServer: true });
    expect(problemsOf(chart)).toEqual([expect.stringContaining("NamespaceBaseline 'test/ns/NetworkPolicies': prop 'platform.apiServerCidrs' is []; 'test/wf' calls the Kubernetes API server")]);
  });

  test('a served group in a namespace without gateways is an error (nothing could reach it)', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml', network: { gatewayNamespaces: [] } });
    workload(chart, 'model', { clients: [{ from: NetworkPeer.gateways(), ports: [8080] }] });
    expect(problemsOf(chart)).toEqual([expect.stringContaining("prop 'platform.gatewayNamespaces' is []; 'test/model' serves requests")]);
  });

  test('two constructs registering the same group in one namespace is an error', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    workload(chart, 'a', { name: 'same', withinGroup: true });
    workload(chart, 'b', { name: 'same', withinGroup: true });
    expect(problemsOf(chart)).toEqual([expect.stringContaining("'test/b' and 'test/a' both register pod group 'allow-same-test' in namespace 'ml'")]);
  });

  test('a consistent namespace has no problems', () => {
    const chart = testChart('ml');
    new RestrictedNamespace(chart, 'ns', { name: 'ml' });
    workload(chart, 'wf', { apiServer: true, clients: [{ from: NetworkPeer.gateways(), ports: [80] }] });
    expect(problemsOf(chart)).toEqual([]);
  });
});
