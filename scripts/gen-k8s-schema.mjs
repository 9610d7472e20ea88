#!/usr/bin/env node
// Regenerates test/validation/k8s-v<KUBERNETES_VERSION>.schema.json: a minified
// subset of the Kubernetes OpenAPI (swagger 2.0) definitions used by the schema
// validation harness in test/validation/validator.ts. The version is the one
// constructs/core/versions.ts pins (KUBERNETES_VERSION); delete the previous
// release's file when it changes.
//
// Usage:  node scripts/gen-k8s-schema.mjs
//
// Needs Go (the spec is read from the k8s.io/kubernetes module, fetched through
// the Go module proxy / local module cache). The generated file is committed so
// that the tests themselves never need Go.
//
// Output shape (keys sorted recursively, minified, trailing newline):
//   {
//     "source": "k8s.io/kubernetes@<version> api/openapi-spec/swagger.json",
//     "gvk": { "<apiVersion>/<kind>": "<definition name>", ... },
//     "definitions": { "<definition name>": <schema without descriptions>, ... }
//   }
// Only the definitions reachable (via $ref) from ROOT_KINDS are kept.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const K8S_MODULE = 'k8s.io/kubernetes';
const SPEC_PATH = 'api/openapi-spec/swagger.json';

const here = dirname(fileURLToPath(import.meta.url));
const VERSIONS_TS = resolve(here, '..', 'constructs', 'core', 'versions.ts');

/** `KUBERNETES_VERSION` of constructs/core/versions.ts, as the module version (`v1.36.3`). */
function pinnedKubernetesVersion() {
  const m = /^export const KUBERNETES_VERSION = '(\d+\.\d+\.\d+)';$/m.exec(readFileSync(VERSIONS_TS, 'utf8'));
  if (!m) throw new Error(`no KUBERNETES_VERSION = '<major>.<minor>.<patch>' in ${VERSIONS_TS}`);
  return `v${m[1]}`;
}

const K8S_VERSION = pinnedKubernetesVersion();
const OUT = resolve(here, '..', 'test', 'validation', `k8s-${K8S_VERSION}.schema.json`);

// Top-level kinds, as "<apiVersion>/<kind>".
const ROOT_KINDS = [
  // core/v1
  'v1/Namespace',
  'v1/ServiceAccount',
  'v1/ConfigMap',
  'v1/Secret',
  'v1/Service',
  'v1/PersistentVolume',
  'v1/PersistentVolumeClaim',
  'v1/Pod',
  'v1/PodTemplate',
  'v1/LimitRange',
  'v1/ResourceQuota',
  'v1/Endpoints',
  // apps/v1
  'apps/v1/Deployment',
  'apps/v1/StatefulSet',
  'apps/v1/DaemonSet',
  'apps/v1/ReplicaSet',
  // batch/v1
  'batch/v1/Job',
  'batch/v1/CronJob',
  // rbac
  'rbac.authorization.k8s.io/v1/Role',
  'rbac.authorization.k8s.io/v1/RoleBinding',
  'rbac.authorization.k8s.io/v1/ClusterRole',
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
  // networking
  'networking.k8s.io/v1/NetworkPolicy',
  'networking.k8s.io/v1/Ingress',
  'networking.k8s.io/v1/IngressClass',
  // policy, autoscaling, scheduling, storage, node, coordination
  'policy/v1/PodDisruptionBudget',
  'autoscaling/v2/HorizontalPodAutoscaler',
  'autoscaling/v1/HorizontalPodAutoscaler',
  'scheduling.k8s.io/v1/PriorityClass',
  'storage.k8s.io/v1/StorageClass',
  'node.k8s.io/v1/RuntimeClass',
  'coordination.k8s.io/v1/Lease',
  // extension / admission
  'apiextensions.k8s.io/v1/CustomResourceDefinition',
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding',
  // dynamic resource allocation (GPUs)
  'resource.k8s.io/v1/ResourceClaim',
  'resource.k8s.io/v1/ResourceClaimTemplate',
  'resource.k8s.io/v1/DeviceClass',
];

// Schema keywords dropped from the output (only as keywords, never as property names).
const DROP_KEYWORDS = new Set([
  'description',
  'x-kubernetes-group-version-kind', // moved to the top-level "gvk" map
  'x-kubernetes-patch-merge-key',
  'x-kubernetes-patch-strategy',
  'x-kubernetes-unions',
]);

function locateSpec() {
  const work = mkdtempSync(join(tmpdir(), 'gen-k8s-schema-'));
  try {
    const out = execFileSync('go', ['mod', 'download', '-json', `${K8S_MODULE}@${K8S_VERSION}`], {
      cwd: work, // outside any module
      env: { ...process.env, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
      maxBuffer: 16 * 1024 * 1024,
    });
    const info = JSON.parse(out);
    if (info.Error) throw new Error(`go mod download: ${info.Error}`);
    if (!info.Dir) throw new Error('go mod download returned no Dir');
    return join(info.Dir, SPEC_PATH);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function gvkKey(g) {
  return `${g.group ? `${g.group}/` : ''}${g.version}/${g.kind}`;
}

/** Copy a schema node, dropping unwanted keywords; `properties` maps keep all names. */
function clean(node) {
  if (Array.isArray(node)) return node.map(clean);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (DROP_KEYWORDS.has(k)) continue;
    if (k === 'properties' && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, clean(sub)]));
    } else {
      out[k] = clean(v);
    }
  }
  return out;
}

function collectRefs(node, acc) {
  if (Array.isArray(node)) {
    for (const x of node) collectRefs(x, acc);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') acc.push(v.replace(/^#\/definitions\//, ''));
      else collectRefs(v, acc);
    }
  }
}

function sortKeys(node) {
  if (Array.isArray(node)) return node.map(sortKeys);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const k of Object.keys(node).sort()) out[k] = sortKeys(node[k]);
  return out;
}

function main() {
  const specFile = locateSpec();
  const spec = JSON.parse(readFileSync(specFile, 'utf8'));
  const defs = spec.definitions;

  // apiVersion/kind -> definition name, for every definition that declares a GVK.
  const allGvk = new Map();
  for (const [name, def] of Object.entries(defs)) {
    for (const g of def['x-kubernetes-group-version-kind'] ?? []) {
      const key = gvkKey(g);
      // Several definitions can carry the same GVK (e.g. DeleteOptions, WatchEvent); keep the
      // one whose definition name ends with the kind.
      if (!allGvk.has(key) || name.endsWith(`.${g.kind}`)) allGvk.set(key, name);
    }
  }

  const gvk = {};
  const queue = [];
  for (const key of ROOT_KINDS) {
    const name = allGvk.get(key);
    if (!name) throw new Error(`no definition for ${key} in ${K8S_MODULE}@${K8S_VERSION}`);
    gvk[key] = name;
    queue.push(name);
  }

  const keep = {};
  while (queue.length) {
    const name = queue.pop();
    if (keep[name]) continue;
    const def = defs[name];
    if (!def) throw new Error(`dangling $ref ${name}`);
    keep[name] = clean(def);
    const refs = [];
    collectRefs(def, refs);
    queue.push(...refs);
  }

  const out = sortKeys({
    source: `${K8S_MODULE}@${K8S_VERSION} ${SPEC_PATH}`,
    gvk,
    definitions: keep,
  });
  const text = `${JSON.stringify(out)}\n`;
  writeFileSync(OUT, text);
  console.log(
    `wrote ${OUT.slice(resolve(here, '..').length + 1)}: ${Object.keys(gvk).length} kinds, ` +
      `${Object.keys(keep).length} definitions, ${text.length} bytes (${(text.length / 1024).toFixed(1)} KiB)`,
  );
}

main();
