'use strict';
// What verify-apiserver sends to and reads back from kube-apiserver (re-exported by lib.cjs):
// request paths, status and warning parsing, the Pod Security probe objects.

// ---------------------------------------------------------------------------------------------
// Server responses

/**
 * Parse HTTP Warning header values into plain messages. Pass one value per header line
 * (Node: res.headersDistinct.warning); the apiserver sends `299 - "text"`.
 */
function parseWarnings(header) {
  if (!header) return [];
  const values = Array.isArray(header) ? header : [header];
  return values.map((v) => {
    const m = /^\s*\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/.exec(v);
    return m ? m[1].replace(/\\(.)/g, '$1') : String(v).trim();
  }).filter(Boolean);
}

function isPodSecurityWarning(w) {
  return /PodSecurity/.test(w);
}

function statusMessage(status, body) {
  if (body && typeof body === 'object' && body.message) return `${status} ${body.reason || ''}: ${body.message}`.replace(/ :/, ':');
  const text = typeof body === 'string' ? body.trim().slice(0, 500) : '';
  return `HTTP ${status}${text ? `: ${text}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Pod Security probe

function psaProbeNamespace(suffix) {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: `verify-apiserver-psa-${suffix}`,
      labels: {
        'pod-security.kubernetes.io/enforce': 'restricted',
        'pod-security.kubernetes.io/enforce-version': 'latest',
      },
    },
  };
}

function psaProbePods(namespace) {
  const image = 'registry.invalid/psa-probe:1'; // never pulled: there is no kubelet
  const bad = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'non-compliant', namespace },
    spec: {
      containers: [{ name: 'c', image, securityContext: { privileged: true } }],
    },
  };
  const good = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'compliant', namespace },
    spec: {
      securityContext: { runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{
        name: 'c',
        image,
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
      }],
    },
  };
  return { bad, good };
}


// ---------------------------------------------------------------------------------------------
// Request paths

const FIELD_MANAGER = 'verify-apiserver';

/** res: { plural, namespaced } from discovery. */
function collectionPath(o, res, namespace) {
  const base = o.group ? `/apis/${o.group}/${o.version}` : `/api/${o.version}`;
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(namespace || 'default')}` : '';
  return `${base}${ns}/${res.plural}`;
}

function objectPath(o, res, namespace) {
  return `${collectionPath(o, res, namespace)}/${encodeURIComponent(o.name)}`;
}

/** PATCH target of a (real) server-side apply. */
function applyUrl(o, res, fieldValidation) {
  return `${objectPath(o, res, o.namespace)}?fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=${fieldValidation}`;
}

/** POST target of a dry-run create (works with metadata.generateName). */
function dryRunCreateUrl(o, res, fieldValidation) {
  return `${collectionPath(o, res, o.namespace)}?dryRun=All&fieldManager=${FIELD_MANAGER}&fieldValidation=${fieldValidation}`;
}

/** PATCH target of a dry-run server-side apply (for `apply`/`replace` steps whose object exists). */
function dryRunApplyUrl(o, res, fieldValidation) {
  return `${objectPath(o, res, o.namespace)}?dryRun=All&fieldManager=${FIELD_MANAGER}&force=true&fieldValidation=${fieldValidation}`;
}

module.exports = {
  FIELD_MANAGER,
  parseWarnings,
  isPodSecurityWarning,
  statusMessage,
  psaProbeNamespace,
  psaProbePods,
  collectionPath,
  objectPath,
  applyUrl,
  dryRunCreateUrl,
  dryRunApplyUrl,
};
