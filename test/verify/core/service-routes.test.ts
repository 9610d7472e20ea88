// Which local process a CONNECT from kube-apiserver's cluster egress reaches
// (scripts/verify/core/service-routes.ts): target parsing, Services by ClusterIP, refusals.
import { chooseRoute, egressSelectorConfiguration, parseConnectTarget, refusal, routeKey, type ServiceRoute, servicesOf } from '../../../scripts/verify/core/service-routes';

const serviceList = {
  kind: 'ServiceList',
  items: [
    { metadata: { namespace: 'kueue-system', name: 'kueue-webhook-service' }, spec: { type: 'ClusterIP', clusterIP: '10.0.0.12', clusterIPs: ['10.0.0.12', 'FD00::C'], ports: [{ port: 443, targetPort: 9443 }] } },
    { metadata: { namespace: 'kserve', name: 'headless' }, spec: { clusterIP: 'None', clusterIPs: ['None'], ports: [{ port: 80 }] } },
    { metadata: { namespace: 'argo', name: 'no-ports' }, spec: { clusterIP: '10.0.0.30' } },
  ],
};

function routes(...rs: ServiceRoute[]): Map<string, ServiceRoute> {
  return new Map(rs.map((r) => [routeKey(r.namespace, r.name, r.port), r]));
}

describe('parseConnectTarget', () => {
  test('IPv4 and bracketed IPv6 targets', () => {
    expect(parseConnectTarget('10.0.0.12:443')).toEqual({ host: '10.0.0.12', port: 443 });
    expect(parseConnectTarget('[FD00::C]:9443')).toEqual({ host: 'fd00::c', port: 9443 });
    expect(parseConnectTarget('kueue-webhook-service.kueue-system.svc:443')).toEqual({ host: 'kueue-webhook-service.kueue-system.svc', port: 443 });
  });

  test.each(['10.0.0.12', '10.0.0.12:0', '10.0.0.12:70000', 'fd00::c:443', '/validate', 'http://10.0.0.12:443', '10.0.0.12:443 x', ''])('%j is not a target', (t) => {
    expect(parseConnectTarget(t)).toBeUndefined();
  });
});

describe('servicesOf', () => {
  test('every ClusterIP of a Service (dual stack, lower case), headless ones have none', () => {
    expect(servicesOf(serviceList)).toEqual([
      { namespace: 'kueue-system', name: 'kueue-webhook-service', clusterIPs: ['10.0.0.12', 'fd00::c'], ports: [443] },
      { namespace: 'kserve', name: 'headless', clusterIPs: [], ports: [80] },
      { namespace: 'argo', name: 'no-ports', clusterIPs: ['10.0.0.30'], ports: [] },
    ]);
  });

  test('not a list: no Services', () => {
    expect(servicesOf(undefined)).toEqual([]);
    expect(servicesOf({ message: 'forbidden' })).toEqual([]);
  });
});

describe('chooseRoute', () => {
  const services = servicesOf(serviceList);
  const kueue: ServiceRoute = { namespace: 'kueue-system', name: 'kueue-webhook-service', port: 443, localPort: 21443 };

  test('the routed port of the Service with that ClusterIP, by either address family', () => {
    expect(chooseRoute('10.0.0.12', 443, services, routes(kueue))).toEqual({ ok: true, route: kueue });
    expect(chooseRoute('fd00::c', 443, services, routes(kueue))).toEqual({ ok: true, route: kueue });
  });

  test('each refusal says what is missing, naming the Service', () => {
    expect(chooseRoute('10.0.0.99', 443, services, routes(kueue))).toEqual({ ok: false, reason: 'no Service has ClusterIP 10.0.0.99' });
    expect(chooseRoute('10.0.0.12', 8443, services, routes(kueue))).toEqual({ ok: false, reason: 'Service kueue-system/kueue-webhook-service (ClusterIP 10.0.0.12) has no port 8443' });
    expect(chooseRoute('10.0.0.12', 443, services, routes())).toEqual({ ok: false, reason: 'no local process is routed for Service kueue-system/kueue-webhook-service port 443' });
  });

  test('a route of another Service with the same name does not match', () => {
    const other = { ...kueue, namespace: 'default' };
    expect(chooseRoute('10.0.0.12', 443, services, routes(other)).ok).toBe(false);
  });
});

describe('refusal', () => {
  test('the reason is the status line reason phrase and the body, on one line', () => {
    const text = refusal(502, 'no Service has\r\nClusterIP 10.0.0.99');
    const [head, body] = text.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 502 no Service has ClusterIP 10.0.0.99');
    expect(head).toContain(`Content-Length: ${Buffer.byteLength(body)}`);
    expect(head).toContain('Connection: close');
    expect(body).toBe('no Service has ClusterIP 10.0.0.99\n');
  });
});

describe('egressSelectorConfiguration', () => {
  test('only the cluster egress, HTTP CONNECT over the unix socket', () => {
    expect(egressSelectorConfiguration('/run/x/cluster-egress.sock')).toEqual({
      apiVersion: 'apiserver.k8s.io/v1beta1',
      kind: 'EgressSelectorConfiguration',
      egressSelections: [{ name: 'cluster', connection: { proxyProtocol: 'HTTPConnect', transport: { uds: { udsName: '/run/x/cluster-egress.sock' } } } }],
    });
  });
});
