// Free ports of a run (scripts/verify/core/ports.ts): a port one run has reserved is never handed
// out to another run on the same machine, even between probing it and the component binding it.
import { spawnSync } from 'node:child_process';
import { freePort, LOW_PORTS, reserve } from '../../../scripts/verify/core/ports';

const onLinux = process.platform === 'linux' ? test : test.skip;

describe('ports', () => {
  test('freePort: below the ephemeral range, never twice in a run', async () => {
    const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
    expect(new Set(ports).size).toBe(20);
    for (const p of ports) expect(p >= LOW_PORTS.min && p <= LOW_PORTS.max).toBe(true);
    expect(await reserve(ports[0])).toBe(false);
  });

  onLinux('another process cannot reserve a port this run holds', async () => {
    const port = await freePort();
    // What a second run does in reserve(): listen on the port's abstract socket name.
    const other = spawnSync(process.execPath, ['-e', `require('net').createServer().listen({ path: '\\0mlpatterns-verify-port-${port}' }).on('error', (e) => { console.log(e.code); process.exit(0); }).on('listening', () => { console.log('taken'); process.exit(0); })`], { encoding: 'utf8' });
    expect(other.stdout.trim()).toBe('EADDRINUSE');
  });
});
