// The HTTP CONNECT proxy behind kube-apiserver's `cluster` egress (--egress-selector-config-file,
// see service-routes.ts egressSelectorConfiguration): webhooks and APIServices keep their
// `service: {namespace, name, port}` references as the charts install them, kube-apiserver dials
// `<clusterIP>:<port>` through this proxy, and the proxy pipes the connection to the local process
// routed for that Service port. TLS stays end to end (ServerName `<service>.<namespace>.svc`).

import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { ApiClient } from './api-client';
import { statusMessage } from './api-paths';
import { state } from './processes';
import { errorMessage } from './runtime';
import { chooseRoute, parseConnectTarget, type RouteChoice, refusal, routeKey, type ServiceRoute, type ServiceSummary, servicesOf } from './service-routes';

export interface ServiceProxy {
  /** The unix socket kube-apiserver's egress configuration names. */
  socketPath: string;
  /** Sends CONNECTs for the Service port to 127.0.0.1:localPort. */
  route(namespace: string, name: string, servicePort: number, localPort: number): void;
  /** Removes a route and closes its open tunnels (kube-apiserver keeps webhook connections alive). */
  unroute(namespace: string, name: string, servicePort: number): void;
  routes(): ServiceRoute[];
  close(): Promise<void>;
}

const ESTABLISHED = 'HTTP/1.1 200 Connection established\r\n\r\n';

/**
 * Listens on `socketPath`. Services are listed through `client` on the first CONNECT and again
 * whenever the cached list has no route for a target (a Service created since). Each refusal is
 * logged once per target and reason. Registered with the run's cleanup.
 */
export async function startServiceProxy(client: ApiClient, log: (line: string) => void, { socketPath }: { socketPath: string }): Promise<ServiceProxy> {
  const routeMap = new Map<string, ServiceRoute>();
  const tunnels = new Map<string, Set<Duplex>>();
  const sockets = new Set<Duplex>();
  const logged = new Set<string>();
  let services: ServiceSummary[] | undefined;
  let listing: Promise<ServiceSummary[]> | undefined;

  function listServices(): Promise<ServiceSummary[]> {
    listing ??= (async () => {
      const r = await client.request('GET', '/api/v1/services', { timeoutMs: 10000 });
      if (r.status !== 200) throw new Error(`listing Services: ${statusMessage(r.status, r.body)}`);
      services = servicesOf(r.body);
      return services;
    })().finally(() => {
      listing = undefined;
    });
    return listing;
  }

  async function resolve(host: string, port: number): Promise<RouteChoice> {
    if (services) {
      const cached = chooseRoute(host, port, services, routeMap);
      if (cached.ok) return cached;
    }
    return chooseRoute(host, port, await listServices(), routeMap);
  }

  function refuse(socket: Duplex, target: string, status: number, reason: string): void {
    if (!logged.has(`${target} ${reason}`)) {
      logged.add(`${target} ${reason}`);
      log(`service proxy: CONNECT ${target} refused (${status}): ${reason}`);
    }
    socket.end(refusal(status, reason));
  }

  function tunnel(socket: Duplex, head: Buffer, target: string, route: ServiceRoute): void {
    const key = routeKey(route.namespace, route.name, route.port);
    const what = `Service ${route.namespace}/${route.name} port ${route.port}`;
    const upstream = net.connect({ host: '127.0.0.1', port: route.localPort });
    let established = false;
    upstream.once('connect', () => {
      established = true;
      const open = tunnels.get(key) ?? new Set<Duplex>();
      tunnels.set(key, open.add(socket));
      socket.once('close', () => open.delete(socket));
      socket.write(ESTABLISHED);
      if (head.length) upstream.write(head);
      socket.pipe(upstream);
      upstream.pipe(socket);
    });
    upstream.on('error', (e: NodeJS.ErrnoException) => {
      if (established) socket.destroy();
      else refuse(socket, target, 502, `${what} is routed to 127.0.0.1:${route.localPort}, which refused: ${e.code ?? e.message}`);
    });
    upstream.on('close', () => {
      if (established) socket.destroy();
    });
    socket.once('close', () => upstream.destroy());
  }

  const server = http.createServer((_req, res) => {
    res.writeHead(405, { 'Content-Type': 'text/plain' }).end('only CONNECT is served\n');
  });
  server.on('connect', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const target = req.url ?? '';
    const parsed = parseConnectTarget(target);
    if (!parsed) {
      refuse(socket, target, 400, `not a host:port CONNECT target: ${target}`);
      return;
    }
    resolve(parsed.host, parsed.port).then(
      (choice) => {
        if (socket.destroyed) return;
        if (choice.ok) tunnel(socket, head, target, choice.route);
        else refuse(socket, target, 502, choice.reason);
      },
      (e) => refuse(socket, target, 502, `cannot resolve ClusterIP ${parsed.host}: ${errorMessage(e)}`),
    );
  });

  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen({ path: socketPath }, () => resolveListen());
  });
  fs.chmodSync(socketPath, 0o600);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((done) => {
      for (const s of sockets) s.destroy();
      server.close(() => done());
    });
    return closing;
  };
  state.cleanups.push(close);

  return {
    socketPath,
    route(namespace, name, servicePort, localPort) {
      routeMap.set(routeKey(namespace, name, servicePort), { namespace, name, port: servicePort, localPort });
    },
    unroute(namespace, name, servicePort) {
      const key = routeKey(namespace, name, servicePort);
      routeMap.delete(key);
      for (const s of tunnels.get(key) ?? []) s.destroy();
      tunnels.delete(key);
    },
    routes: () => [...routeMap.values()],
    close,
  };
}
