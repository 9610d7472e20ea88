// The pure half of the service proxy (service-proxy.ts): which local process an HTTP CONNECT from
// kube-apiserver's `cluster` egress reaches. kube-apiserver resolves a webhook's (or an APIService's)
// service reference to `<spec.clusterIP>:<port>` and asks the egress proxy for that address, so the
// proxy maps the ClusterIP back to its Service and the Service port to a routed local port.

/** A Service as the proxy needs it. */
export interface ServiceSummary {
  namespace: string;
  name: string;
  clusterIPs: string[];
  ports: number[];
}

/** A Service port routed to a process on 127.0.0.1. */
export interface ServiceRoute {
  namespace: string;
  name: string;
  port: number;
  localPort: number;
}

export type RouteChoice = { ok: true; route: ServiceRoute } | { ok: false; reason: string };

/** host and port of a CONNECT request target (`10.0.0.7:443`, `[fd00::7]:443`), or undefined. */
export function parseConnectTarget(target: string): { host: string; port: number } | undefined {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]/]+)):(\d{1,5})$/.exec(target.trim());
  if (!m) return undefined;
  const port = Number(m[3]);
  if (port < 1 || port > 65535) return undefined;
  return { host: (m[1] ?? m[2]).toLowerCase(), port };
}

/** The Services of a v1 ServiceList (headless ones have no ClusterIP to be dialled at). */
export function servicesOf(list: unknown): ServiceSummary[] {
  const items = (list as { items?: unknown[] } | undefined)?.items;
  if (!Array.isArray(items)) return [];
  return items.map((s: any) => {
    const ips = [...(s?.spec?.clusterIPs ?? []), s?.spec?.clusterIP].filter((ip): ip is string => typeof ip === 'string' && ip !== '' && ip !== 'None');
    return {
      namespace: String(s?.metadata?.namespace ?? ''),
      name: String(s?.metadata?.name ?? ''),
      clusterIPs: [...new Set(ips.map((ip) => ip.toLowerCase()))],
      ports: (s?.spec?.ports ?? []).map((p: any) => Number(p?.port)).filter((p: number) => Number.isInteger(p)),
    };
  });
}

export function routeKey(namespace: string, name: string, port: number): string {
  return `${namespace}/${name}:${port}`;
}

/**
 * The route for a CONNECT to `ip:port`, or why there is none (one line naming the Service, or
 * saying that no Service has that ClusterIP).
 */
export function chooseRoute(ip: string, port: number, services: readonly ServiceSummary[], routes: ReadonlyMap<string, ServiceRoute>): RouteChoice {
  const svc = services.find((s) => s.clusterIPs.includes(ip.toLowerCase()));
  if (!svc) return { ok: false, reason: `no Service has ClusterIP ${ip}` };
  const name = `Service ${svc.namespace}/${svc.name}`;
  if (!svc.ports.includes(port)) return { ok: false, reason: `${name} (ClusterIP ${ip}) has no port ${port}` };
  const route = routes.get(routeKey(svc.namespace, svc.name, port));
  if (!route) return { ok: false, reason: `no local process is routed for ${name} port ${port}` };
  return { ok: true, route };
}

/**
 * A CONNECT refusal. The reason is also the status line's reason phrase: kube-apiserver reports
 * only the status line of a failed CONNECT (`proxy error from ... code 502: 502 <reason>`).
 */
export function refusal(status: number, reason: string): string {
  const line = reason.replace(/[^\x20-\x7e]+/g, ' ').trim() || 'refused';
  const body = `${line}\n`;
  return `HTTP/1.1 ${status} ${line}\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/**
 * kube-apiserver's EgressSelectorConfiguration (apiserver.k8s.io/v1beta1, the newest version that
 * has the kind in v1.36) sending only the `cluster` egress through an HTTP CONNECT proxy on a unix
 * socket. Not over TCP: in v1.36 an http:// TCP URL passes validation but kube-apiserver then
 * dereferences the absent tlsConfig and panics at startup (egressselector getTLSConfig).
 * controlplane and etcd stay direct.
 */
export function egressSelectorConfiguration(socketPath: string) {
  return {
    apiVersion: 'apiserver.k8s.io/v1beta1',
    kind: 'EgressSelectorConfiguration',
    egressSelections: [{ name: 'cluster', connection: { proxyProtocol: 'HTTPConnect', transport: { uds: { udsName: socketPath } } } }],
  };
}
