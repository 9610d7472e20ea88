// Webhook serving certificates for the operators the cluster rung runs, made with the openssl CLI
// (node:crypto cannot issue X.509 certificates): a CA per operator and a server certificate for
// the operator's in-cluster Service name and 127.0.0.1, written to a directory of the run.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Fatal } from './runtime';

export interface ServingCertificates {
  dir: string;
  caPem: string;
  caKeyPem: string;
  certPem: string;
  keyPem: string;
}

function openssl(args: string[], cwd: string): string {
  const r = spawnSync('openssl', args, { cwd, encoding: 'utf8' });
  if (r.error) throw new Fatal(`openssl is needed to make webhook certificates and could not run: ${r.error.message}`);
  if (r.status !== 0) throw new Fatal(`openssl ${args[0]} failed: ${(r.stderr || '').trim().split('\n').slice(-3).join(' ')}`);
  return r.stdout;
}

/**
 * A CA (subjectAltName DNS:<caName>: the cert rotator of training-operator/cert-controller checks
 * the CA against that name) and a server certificate for `dnsNames` and 127.0.0.1, valid 10 and 2
 * years (the rotator replaces certificates expiring within 90 days). Keys are RSA, PKCS#1 as
 * cert-controller reads them. Returns the PEM texts and the files in `dir`.
 */
export function makeServingCertificates(dir: string, { caName, dnsNames }: { caName: string; dnsNames: string[] }): ServingCertificates {
  fs.mkdirSync(dir, { recursive: true });
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '3650',
    '-subj', `/CN=${caName}`, '-addext', `subjectAltName=DNS:${caName}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature'], dir);
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${dnsNames[0]}`], dir);
  fs.writeFileSync(path.join(dir, 'server.ext'), [
    `subjectAltName=${[...dnsNames.map((d) => `DNS:${d}`), 'IP:127.0.0.1'].join(',')}`,
    'extendedKeyUsage=serverAuth',
    'keyUsage=critical,digitalSignature,keyEncipherment',
  ].join('\n'));
  openssl(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'tls.crt', '-days', '730', '-extfile', 'server.ext'], dir);
  // PKCS#1 ("RSA PRIVATE KEY") for both keys: cert-controller parses the CA key with ParsePKCS1PrivateKey.
  openssl(['rsa', '-in', 'server.key', '-out', 'tls.key', '-traditional'], dir);
  openssl(['rsa', '-in', 'ca.key', '-out', 'ca-pkcs1.key', '-traditional'], dir);
  const read = (f: string) => fs.readFileSync(path.join(dir, f), 'utf8');
  return { dir, caPem: read('ca.crt'), caKeyPem: read('ca-pkcs1.key'), certPem: read('tls.crt'), keyPem: read('tls.key') };
}

/**
 * The Secret a cert-controller rotator reads and keeps when valid (training-operator, Trainer,
 * JobSet): the CA with its key and the server certificate (cert-controller pkg/rotator/rotator.go
 * keys `ca.crt`, `ca.key`, `tls.crt`, `tls.key`).
 */
export function rotatorSecret(name: string, namespace: string, certs: ServingCertificates) {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return {
    apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace },
    data: { 'ca.crt': b64(certs.caPem), 'ca.key': b64(certs.caKeyPem), 'tls.crt': b64(certs.certPem), 'tls.key': b64(certs.keyPem) },
  };
}

/** The Secret cert-manager writes for a Certificate (type kubernetes.io/tls with the issuing CA). */
export function certManagerSecret(name: string, namespace: string, certs: ServingCertificates) {
  return { apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls', metadata: { name, namespace }, stringData: { 'ca.crt': certs.caPem, 'tls.crt': certs.certPem, 'tls.key': certs.keyPem } };
}
