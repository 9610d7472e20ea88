// The cluster egress proxy (scripts/verify/core/service-proxy.ts) over its unix socket, with a
// fake Service list and a local TCP echo server standing in for a webhook: CONNECT, piping both
// ways, refusals, re-listing on a miss, closing tunnels when a route is removed.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { ApiClient } from '../../../scripts/verify/core/api-client';
import { type ServiceProxy, startServiceProxy } from '../../../scripts/verify/core/service-proxy';

const onLinux = process.platform === 'linux' ? describe : describe.skip;

function service(namespace: string, name: string, clusterIP: string, port = 443) {
  return { metadata: { namespace, name }, spec: { type: 'ClusterIP', clusterIP, clusterIPs: [clusterIP], ports: [{ port, targetPort: 9443 }] } };
}

/** An ApiClient serving `items` as the Service list, counting the lists. */
function fakeClient(items: unknown[]) {
  const seen = { lists: 0 };
  const client: ApiClient = {
    request: async (method, urlPath) => {
      if (method !== 'GET' || urlPath !== '/api/v1/services') return { status: 404, body: { message: `unexpected ${method} ${urlPath}` }, warnings: [] };
      seen.lists++;
      return { status: 200, body: { kind: 'ServiceList', items: [...items] }, warnings: [] };
    },
    close: () => {},
  };
  return { client, seen };
}

/** The CONNECT response head and the socket, positioned after the head. */
function connect(socketPath: string, target: string, raw?: string): Promise<{ head: string; rest: string; socket: net.Socket }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ path: socketPath });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('error', reject);
    socket.on('data', function onData(d: string) {
      data += d;
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      resolve({ head: data.slice(0, end), rest: data.slice(end + 4), socket });
    });
    socket.write(raw ?? `CONNECT ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
  });
}

function nextData(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => socket.once('data', (d) => resolve(String(d))));
}

function closed(socket: net.Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

onLinux('startServiceProxy', () => {
  let dir: string;
  let echo: net.Server;
  let echoPort: number;
  let proxy: ServiceProxy | undefined;
  const logs: string[] = [];

  beforeAll(async () => {
    echo = net.createServer((s) => s.on('data', (d) => s.write(`echo:${d}`)));
    await new Promise<void>((r) => echo.listen(0, '127.0.0.1', () => r()));
    echoPort = (echo.address() as net.AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => echo.close(() => r())));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'service-proxy-test-'));
    logs.length = 0;
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function start(items: unknown[]) {
    const fake = fakeClient(items);
    proxy = await startServiceProxy(fake.client, (l) => logs.push(l), { socketPath: path.join(dir, 'egress.sock') });
    return { proxy, seen: fake.seen };
  }

  test('a routed ClusterIP:port is established and piped both ways, nothing sent before the client speaks', async () => {
    const { proxy } = await start([service('kueue-system', 'kueue-webhook-service', '10.0.0.12')]);
    proxy.route('kueue-system', 'kueue-webhook-service', 443, echoPort);
    const { head, rest, socket } = await connect(proxy.socketPath, '10.0.0.12:443');
    expect(head).toBe('HTTP/1.1 200 Connection established');
    expect(rest).toBe('');
    socket.write('ping');
    expect(await nextData(socket)).toBe('echo:ping');
    socket.write('pong');
    expect(await nextData(socket)).toBe('echo:pong');
    socket.destroy();
    expect(proxy.routes()).toEqual([{ namespace: 'kueue-system', name: 'kueue-webhook-service', port: 443, localPort: echoPort }]);
  });

  test('an unknown ClusterIP is refused with 502 saying so, re-listing each time, logged once', async () => {
    const { proxy, seen } = await start([service('kueue-system', 'kueue-webhook-service', '10.0.0.12')]);
    for (let i = 0; i < 2; i++) {
      const { head, socket } = await connect(proxy.socketPath, '10.0.0.99:443');
      expect(head.split('\r\n')[0]).toBe('HTTP/1.1 502 no Service has ClusterIP 10.0.0.99');
      await closed(socket);
    }
    expect(seen.lists).toBe(2);
    expect(logs).toEqual(['service proxy: CONNECT 10.0.0.99:443 refused (502): no Service has ClusterIP 10.0.0.99']);
  });

  test('a Service without a route is refused naming the Service', async () => {
    const { proxy } = await start([service('kserve', 'kserve-webhook-server-service', '10.0.0.40')]);
    const { head } = await connect(proxy.socketPath, '10.0.0.40:443');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 502 no local process is routed for Service kserve/kserve-webhook-server-service port 443');
  });

  test('a Service created after the list is found by listing again; a hit uses the cache', async () => {
    const items: unknown[] = [];
    const fake = fakeClient(items);
    proxy = await startServiceProxy(fake.client, () => {}, { socketPath: path.join(dir, 'egress.sock') });
    proxy.route('argo', 'argo-server', 443, echoPort);
    expect((await connect(proxy.socketPath, '10.0.0.50:443')).head).toMatch(/^HTTP\/1.1 502 no Service has ClusterIP/);
    items.push(service('argo', 'argo-server', '10.0.0.50'));
    const first = await connect(proxy.socketPath, '10.0.0.50:443');
    expect(first.head).toBe('HTTP/1.1 200 Connection established');
    const second = await connect(proxy.socketPath, '10.0.0.50:443');
    expect(second.head).toBe('HTTP/1.1 200 Connection established');
    expect(fake.seen.lists).toBe(2);
    first.socket.destroy();
    second.socket.destroy();
  });

  test('unroute closes the open tunnels of that route and refuses new ones', async () => {
    const { proxy } = await start([service('a', 'hook', '10.0.0.60'), service('b', 'hook', '10.0.0.61')]);
    proxy.route('a', 'hook', 443, echoPort);
    proxy.route('b', 'hook', 443, echoPort);
    const a = await connect(proxy.socketPath, '10.0.0.60:443');
    const b = await connect(proxy.socketPath, '10.0.0.61:443');
    proxy.unroute('a', 'hook', 443);
    await closed(a.socket);
    b.socket.write('still');
    expect(await nextData(b.socket)).toBe('echo:still');
    expect((await connect(proxy.socketPath, '10.0.0.60:443')).head).toMatch(/^HTTP\/1.1 502 no local process is routed for Service a\/hook port 443/);
    b.socket.destroy();
  });

  test('a routed port nobody listens on is a 502 naming the Service and the port', async () => {
    const free = net.createServer();
    await new Promise<void>((r) => free.listen(0, '127.0.0.1', () => r()));
    const deadPort = (free.address() as net.AddressInfo).port;
    await new Promise<void>((r) => free.close(() => r()));
    const { proxy } = await start([service('kueue-system', 'kueue-webhook-service', '10.0.0.12')]);
    proxy.route('kueue-system', 'kueue-webhook-service', 443, deadPort);
    const { head } = await connect(proxy.socketPath, '10.0.0.12:443');
    expect(head.split('\r\n')[0]).toBe(`HTTP/1.1 502 Service kueue-system/kueue-webhook-service port 443 is routed to 127.0.0.1:${deadPort}, which refused: ECONNREFUSED`);
  });

  test('a bad target is a 400, a plain request a 405', async () => {
    const { proxy } = await start([]);
    expect((await connect(proxy.socketPath, 'no-port')).head.split('\r\n')[0]).toBe('HTTP/1.1 400 not a host:port CONNECT target: no-port');
    const plain = await connect(proxy.socketPath, '', 'GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(plain.head.split('\r\n')[0]).toMatch(/^HTTP\/1.1 405/);
    plain.socket.destroy();
  });

  test('a failing Service list is a 502 with the apiserver status', async () => {
    const client: ApiClient = { request: async () => ({ status: 403, body: { reason: 'Forbidden', message: 'services is forbidden' }, warnings: [] }), close: () => {} };
    proxy = await startServiceProxy(client, () => {}, { socketPath: path.join(dir, 'egress.sock') });
    const { head } = await connect(proxy.socketPath, '10.0.0.12:443');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 502 cannot resolve ClusterIP 10.0.0.12: listing Services: 403 Forbidden: services is forbidden');
  });

  test('close ends open tunnels and removes the socket', async () => {
    const { proxy: p } = await start([service('a', 'hook', '10.0.0.60')]);
    p.route('a', 'hook', 443, echoPort);
    const a = await connect(p.socketPath, '10.0.0.60:443');
    await p.close();
    await closed(a.socket);
    expect(fs.existsSync(p.socketPath)).toBe(false);
  });
});
