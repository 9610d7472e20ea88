// Ports for the processes of a run: every listener gets a free 127.0.0.1 port chosen at run time.
//
// Ports are picked below the Linux ephemeral range (32768-60999): a port taken from that range and
// released again can be grabbed as the source port of any outgoing connection before the server
// binds it (seen with several controllers starting at once).
//
// Between probing a port and the component binding it there is a window in which another run on
// the same machine could pick it too. So each run also reserves its ports for its whole lifetime
// with an abstract unix socket named after the port (Linux: no file, released by the kernel when
// the process ends, even by SIGKILL); a run never picks a port another run has reserved.

import crypto from 'node:crypto';
import net from 'node:net';
import { Fatal } from './runtime';

export const LOW_PORTS = Object.freeze({ min: 20000, max: 32767 });
const RESERVATION_PREFIX = '\0mlpatterns-verify-port-';

function listenOnce(srv: net.Server, where: net.ListenOptions): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    srv.once('error', (e: NodeJS.ErrnoException) => resolve(e));
    srv.listen(where, () => resolve(undefined));
  });
}

/** Why 127.0.0.1:port cannot be bound right now, or undefined when it is free. */
async function bindError(port: number): Promise<NodeJS.ErrnoException | undefined> {
  const srv = net.createServer();
  srv.unref();
  const err = await listenOnce(srv, { port, host: '127.0.0.1' });
  if (!err) await new Promise<void>((r) => srv.close(() => r()));
  return err;
}

const reservations = new Map<number, net.Server>();

/**
 * Holds the run-wide reservation of `port` (kept until the process exits). False when another
 * run holds it. Where abstract sockets do not exist (not Linux), every port counts as reservable.
 */
export async function reserve(port: number): Promise<boolean> {
  if (reservations.has(port)) return false;
  if (process.platform !== 'linux') return true;
  const srv = net.createServer();
  srv.unref();
  const err = await listenOnce(srv, { path: `${RESERVATION_PREFIX}${port}` });
  if (err) return false;
  reservations.set(port, srv);
  return true;
}

/** A free 127.0.0.1 port below the ephemeral range, reserved for this run, never handed out twice. */
export async function freePort(): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW_PORTS.min + crypto.randomInt(LOW_PORTS.max - LOW_PORTS.min + 1);
    if (!(await reserve(port))) continue;
    if (!(await bindError(port))) return port;
    // Taken by something else: keep the reservation so this run does not try it again.
  }
  throw new Fatal(`no free port found on 127.0.0.1 in ${LOW_PORTS.min}-${LOW_PORTS.max} after 200 tries`);
}

/** `requested` (a --*-port option) if free, else a Fatal naming the option; 0 picks a free port. */
export async function pickPort(requested: number, what: string): Promise<number> {
  if (!requested) return freePort();
  await reserve(requested);
  const err = await bindError(requested);
  if (err?.code === 'EADDRINUSE') throw new Fatal(`${what} port 127.0.0.1:${requested} is already in use`);
  if (err) throw new Fatal(`${what} port 127.0.0.1:${requested} cannot be used: ${err.message}`);
  return requested;
}
