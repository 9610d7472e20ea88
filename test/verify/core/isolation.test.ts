// The process-isolation helper (scripts/verify/core/isolation.ts) with the checkout under the OS
// temp dir and a space in its path: the operator's binary must still be found once the run's
// private dir is mounted over /tmp, and the fixed cert dir must show the run's files, while
// nothing appears on the host. (A checkout under /tmp failed with "exec: ... not found", exit 127.)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startIsolated } from '../../../scripts/verify/core/isolation';
import { cleanup } from '../../../scripts/verify/core/processes';
import { Fatal } from '../../../scripts/verify/core/runtime';

const CERT_DIR = '/tmp/k8s-webhook-server/serving-certs';
const unshareWorks = spawnSync('unshare', ['--mount', '--propagation', 'private', ...(process.getuid?.() === 0 ? [] : ['--map-root-user']), 'true']).status === 0;
const withUnshare = unshareWorks ? test : test.skip;

describe('startIsolated', () => {
  let top: string;
  let bin: string;
  let privateTmp: string;
  let logFile: string;

  beforeEach(() => {
    top = fs.mkdtempSync(path.join(os.tmpdir(), 'verify isolation '));
    const binDir = path.join(top, 'my checkout', '.cache', 'bin');
    fs.mkdirSync(binDir, { recursive: true });
    bin = path.join(binDir, 'fake-operator-v0.0.1');
    // Reports where it runs and what it sees at the fixed cert dir and at its --kubeconfig.
    fs.writeFileSync(bin, ['#!/bin/sh', 'echo "started: $0"', `cat "${CERT_DIR}/tls.crt"`, `cat "\${1#--kubeconfig=}"`, ''].join('\n'), { mode: 0o755 });
    privateTmp = path.join(top, 'run', 'private tmp');
    fs.mkdirSync(path.join(privateTmp, 'k8s-webhook-server', 'serving-certs'), { recursive: true });
    fs.writeFileSync(path.join(privateTmp, 'k8s-webhook-server', 'serving-certs', 'tls.crt'), 'the run certificate\n');
    fs.writeFileSync(path.join(privateTmp, 'kubeconfig.yaml'), 'the run kubeconfig\n');
    logFile = path.join(top, 'run', 'fake-operator.log');
  });

  afterEach(async () => {
    await cleanup();
    fs.rmSync(top, { recursive: true, force: true });
  });

  withUnshare('runs a binary of a checkout under /tmp (with spaces) with the private dir mounted over /tmp', async () => {
    const proc = startIsolated('fake-operator', bin, ['--kubeconfig=/tmp/kubeconfig.yaml'], [[privateTmp, '/tmp']], logFile);
    const exit = await proc.exited;
    const log = fs.readFileSync(logFile, 'utf8');
    expect({ exit, log }).toEqual({ exit: { code: 0, signal: null }, log: expect.stringContaining('the run certificate\nthe run kubeconfig\n') });
    expect(log).toMatch(/^started: /);
    // The files were seen inside the namespace only.
    expect(fs.existsSync(path.join(CERT_DIR, 'tls.crt')) && fs.readFileSync(path.join(CERT_DIR, 'tls.crt'), 'utf8') === 'the run certificate\n').toBe(false);
  });

  withUnshare('refuses an argument the private mount would hide', () => {
    const hidden = path.join(top, 'run', 'kubeconfig.yaml');
    expect(() => startIsolated('fake-operator', bin, [`--kubeconfig=${hidden}`], [[privateTmp, '/tmp']], logFile)).toThrow(Fatal);
    expect(() => startIsolated('fake-operator', bin, [], [[privateTmp, '/tmp']], logFile, { KUBECONFIG: hidden })).toThrow(/hidden by the private mount/);
  });
});
