'use strict';
// Pure helpers for scripts/verify-apiserver/verify-apiserver.mjs.
// CommonJS so that both the ESM runner and jest (test/verify-apiserver/) can load it.
// Nothing in here starts processes or talks to the network.

const path = require('node:path');

const USAGE = `Usage: node scripts/verify-apiserver/verify-apiserver.mjs [options]

Applies every object of dist/*.yaml to a throwaway kube-apiserver + etcd on 127.0.0.1.

Options:
  --dist <dir>             chart files to verify (default: dist)
  --crds <dir>             upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --project-crds <dir>     project-authored CRDs (JSON) for kinds with no upstream CRD (default: test/validation/project-crds)
  --apiserver-bin <path>   use this kube-apiserver instead of the pinned build
  --etcd-bin <path>        use this etcd instead of the pinned build
  --no-build               do not run tools/apiserver/build.sh; fail if a binary is missing
  --apiserver-port <n>     secure port (default: a random free port)
  --etcd-port <n>          etcd client port (default: a random free port)
  --etcd-timeout <s>       seconds to wait for etcd /health (default: 30)
  --apiserver-timeout <s>  seconds to wait for kube-apiserver /readyz (default: 120)
  --crd-timeout <s>        seconds to wait for each CRD to become Established (default: 60)
  --field-validation <v>   Strict | Warn | Ignore for every apply (default: Strict)
  --verbose                also list every accepted object
  -h, --help               this text
`;

const DEFAULTS = Object.freeze({
  dist: 'dist',
  crds: '../shared/crds',
  projectCrds: 'test/validation/project-crds',
  apiserverBin: undefined,
  etcdBin: undefined,
  build: true,
  apiserverPort: 0,
  etcdPort: 0,
  etcdTimeout: 30,
  apiserverTimeout: 120,
  crdTimeout: 60,
  fieldValidation: 'Strict',
  verbose: false,
  help: false,
});

class UsageError extends Error {}

function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  const valueFlags = {
    '--dist': ['dist', String],
    '--crds': ['crds', String],
    '--project-crds': ['projectCrds', String],
    '--apiserver-bin': ['apiserverBin', String],
    '--etcd-bin': ['etcdBin', String],
    '--apiserver-port': ['apiserverPort', port],
    '--etcd-port': ['etcdPort', port],
    '--etcd-timeout': ['etcdTimeout', seconds],
    '--apiserver-timeout': ['apiserverTimeout', seconds],
    '--crd-timeout': ['crdTimeout', seconds],
    '--field-validation': ['fieldValidation', fieldValidation],
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (arg === '-h' || arg === '--help') opts.help = true;
    else if (arg === '--verbose' || arg === '-v') opts.verbose = true;
    else if (arg === '--no-build') opts.build = false;
    else if (valueFlags[arg]) {
      if (value === undefined) {
        if (i + 1 >= argv.length) throw new UsageError(`${arg} needs a value`);
        value = argv[++i];
      }
      const [key, conv] = valueFlags[arg];
      opts[key] = conv(value, arg);
    } else throw new UsageError(`unknown option ${arg}`);
  }
  return opts;

  function port(v, flag) {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`${flag}: not a port: ${v}`);
    return n;
  }
  function seconds(v, flag) {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag}: not a positive number of seconds: ${v}`);
    return n;
  }
  function fieldValidation(v, flag) {
    const m = ['Strict', 'Warn', 'Ignore'].find((x) => x.toLowerCase() === String(v).toLowerCase());
    if (!m) throw new UsageError(`${flag}: expected Strict, Warn or Ignore, got ${v}`);
    return m;
  }
}

// API groups served by kube-apiserver v1.34 itself (no CRD needed). Used for the pre-flight
// check before the server is started; the server's discovery is authoritative afterwards.
const BUILTIN_GROUPS = new Set([
  '',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'apiregistration.k8s.io',
  'apps',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'events.k8s.io',
  'flowcontrol.apiserver.k8s.io',
  'internal.apiserver.k8s.io',
  'networking.k8s.io',
  'node.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'resource.k8s.io',
  'scheduling.k8s.io',
  'storage.k8s.io',
  'storagemigration.k8s.io',
]);

// Kinds that are reported but never applied: they point the apiserver at operator services
// that do not exist here, so writes or discovery would fail (or silently do nothing).
const NOT_APPLIED_KINDS = Object.freeze({
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration':
    'admission webhook configuration: the webhook service is not running here',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration':
    'admission webhook configuration: the webhook service is not running here',
  'apiregistration.k8s.io/APIService':
    'aggregated API: its backing service is not running here',
});

function splitApiVersion(apiVersion) {
  const s = String(apiVersion || '');
  const i = s.lastIndexOf('/');
  return i < 0 ? { group: '', version: s } : { group: s.slice(0, i), version: s.slice(i + 1) };
}

function groupKind(group, kind) {
  return `${group}/${kind}`;
}

function displayGroupKind(group, kind) {
  return group ? `${kind}.${group}` : kind;
}

function notAppliedReason(obj) {
  const { group } = splitApiVersion(obj.apiVersion);
  return NOT_APPLIED_KINDS[groupKind(group, obj.kind)];
}

/**
 * Turn the parsed documents of one chart file into object records.
 * docs: array of plain JS values (null for empty documents).
 */
function documentsToObjects(chartFile, docs) {
  const out = [];
  const errors = [];
  docs.forEach((doc, index) => {
    if (doc === null || doc === undefined) return;
    const where = `${chartFile} document ${index + 1}`;
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      errors.push(`${where}: not a mapping`);
      return;
    }
    if (doc.kind === 'List' && Array.isArray(doc.items)) {
      errors.push(`${where}: kind List is not supported; emit the items as separate documents`);
      return;
    }
    const { group, version } = splitApiVersion(doc.apiVersion);
    const meta = doc.metadata || {};
    out.push({
      chart: chartFile,
      index: index + 1,
      apiVersion: doc.apiVersion,
      group,
      version,
      kind: doc.kind,
      name: meta.name,
      namespace: meta.namespace,
      body: doc,
    });
  });
  return { objects: out, errors };
}

function describe(o) {
  const ns = o.namespace ? `${o.namespace}/` : '';
  return `${displayGroupKind(o.group, o.kind)} ${ns}${o.name ?? '<no name>'}`;
}

// ---------------------------------------------------------------------------------------------
// CRD index

/**
 * Cheap CRD header extraction: controller-gen writes spec.group, spec.names and spec.scope before
 * the (huge) spec.versions, so parsing the text up to the top-level "  versions:" line is enough
 * and avoids parsing multi-megabyte schemas. Returns the prefix text or null.
 */
function crdHeaderText(text) {
  const m = /^ {2}versions:\s*$/m.exec(text);
  if (!m) return null;
  return text.slice(0, m.index);
}

/** Summarise a parsed CRD object (header only is fine). Returns null if it is not a CRD. */
function crdInfo(doc, file) {
  if (!doc || doc.kind !== 'CustomResourceDefinition' || !doc.spec) return null;
  const { spec } = doc;
  if (!spec.group || !spec.names || !spec.names.kind) return null;
  return {
    file,
    name: (doc.metadata && doc.metadata.name) || `${spec.names.plural}.${spec.group}`,
    group: spec.group,
    kind: spec.names.kind,
    plural: spec.names.plural,
    scope: spec.scope,
    conversion: spec.conversion && spec.conversion.strategy ? spec.conversion.strategy : 'None',
  };
}

/**
 * Build group/kind -> CRD info from a list of CRD infos. When several files define the same
 * group/kind (e.g. book/ copies), the file under a directory named after the group wins.
 */
function buildCrdIndex(infos) {
  const index = new Map();
  const duplicates = [];
  for (const info of infos) {
    if (!info) continue;
    const key = groupKind(info.group, info.kind);
    const prev = index.get(key);
    if (!prev) {
      index.set(key, info);
      continue;
    }
    const preferNew = path.basename(path.dirname(info.file)) === info.group
      && path.basename(path.dirname(prev.file)) !== prev.group;
    if (preferNew) {
      index.set(key, info);
      duplicates.push({ key, used: info.file, ignored: prev.file });
    } else {
      duplicates.push({ key, used: prev.file, ignored: info.file });
    }
  }
  return { index, duplicates };
}

/**
 * Decide for every group/kind in dist whether it is built in, needs a CRD (found) or is missing.
 */
function resolveKinds(objects, crdIndex, builtinGroups = BUILTIN_GROUPS) {
  const needed = new Map(); // key -> crd info
  const missing = new Map(); // key -> { group, kind, versions:Set, charts:Set, count }
  for (const o of objects) {
    if (notAppliedReason(o)) continue;
    const key = groupKind(o.group, o.kind);
    if (builtinGroups.has(o.group)) continue;
    const crd = crdIndex.get(key);
    if (crd) {
      needed.set(key, crd);
      continue;
    }
    let m = missing.get(key);
    if (!m) {
      m = { group: o.group, kind: o.kind, versions: new Set(), charts: new Set(), count: 0 };
      missing.set(key, m);
    }
    m.versions.add(o.version);
    m.charts.add(o.chart);
    m.count++;
  }
  return { needed, missing };
}

function missingCrdMessage(m, crdsDir) {
  const charts = [...m.charts].sort().join(', ');
  return `no CRD for kind ${m.kind} (apiVersion ${[...m.versions].map((v) => (m.group ? `${m.group}/${v}` : v)).join(', ')}) `
    + `in ${crdsDir}: ${m.count} object(s) in ${charts}`;
}

// ---------------------------------------------------------------------------------------------
// Ordering

// Roughly helm's install order: namespaces first, custom resources after the built-in kinds.
const KIND_ORDER = [
  'Namespace', 'PriorityClass', 'CustomResourceDefinition', 'StorageClass', 'PersistentVolume',
  'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodDisruptionBudget', 'ServiceAccount', 'Secret', 'ConfigMap',
  'PersistentVolumeClaim', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Service',
  'DaemonSet', 'Pod', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler', 'StatefulSet', 'Job',
  'CronJob', 'Ingress',
];

function kindRank(o) {
  if (!BUILTIN_GROUPS.has(o.group)) return 500; // custom resources after built-ins
  const i = KIND_ORDER.indexOf(o.kind);
  return i < 0 ? 400 : i;
}

function sortForApply(objects) {
  return objects
    .map((o, i) => ({ o, i }))
    .sort((a, b) => kindRank(a.o) - kindRank(b.o) || a.i - b.i)
    .map((x) => x.o);
}

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

/** Namespace objects in dist whose Pod Security enforce level is not restricted. */
function namespacesNotRestricted(objects) {
  return objects
    .filter((o) => o.group === '' && o.kind === 'Namespace')
    .filter((o) => {
      const labels = (o.body.metadata && o.body.metadata.labels) || {};
      return labels['pod-security.kubernetes.io/enforce'] !== 'restricted';
    })
    .map((o) => o.name);
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
// Report

function padTable(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]))).join('  ').trimEnd());
}

/** charts: [{ chart, objects, accepted, rejected, notApplied }] */
function formatChartTable(charts) {
  const rows = [['chart file', 'objects', 'accepted', 'rejected', 'not applied']];
  const total = { objects: 0, accepted: 0, rejected: 0, notApplied: 0 };
  for (const c of charts) {
    rows.push([c.chart, c.objects, c.accepted, c.rejected, c.notApplied]);
    for (const k of Object.keys(total)) total[k] += c[k];
  }
  rows.push(['total', total.objects, total.accepted, total.rejected, total.notApplied]);
  const lines = padTable(rows);
  const rule = '-'.repeat(Math.max(...lines.map((l) => l.length)));
  return [lines[0], rule, ...lines.slice(1, -1), rule, lines[lines.length - 1]].join('\n');
}

function summaryLine(accepted, rejected) {
  return `apiserver: ${accepted} objects accepted, ${rejected} rejected`;
}

module.exports = {
  USAGE,
  DEFAULTS,
  UsageError,
  parseArgs,
  BUILTIN_GROUPS,
  NOT_APPLIED_KINDS,
  splitApiVersion,
  groupKind,
  displayGroupKind,
  notAppliedReason,
  documentsToObjects,
  describe,
  crdHeaderText,
  crdInfo,
  buildCrdIndex,
  resolveKinds,
  missingCrdMessage,
  sortForApply,
  parseWarnings,
  isPodSecurityWarning,
  namespacesNotRestricted,
  statusMessage,
  psaProbeNamespace,
  psaProbePods,
  formatChartTable,
  summaryLine,
};

/**
 * Drop what legitimately differs between two reads of an unchanged object: metadata.resourceVersion
 * (the apiserver re-writes some kinds, e.g. PersistentVolumeClaim and Job, on a no-op apply) and
 * the timestamps in managedFields. Everything else, including generation and field ownership,
 * is kept.
 */
function normalizeForCompare(obj) {
  if (!obj || typeof obj !== 'object') return obj;
  const copy = JSON.parse(JSON.stringify(obj));
  if (copy.metadata) {
    delete copy.metadata.resourceVersion;
    if (Array.isArray(copy.metadata.managedFields)) {
      copy.metadata.managedFields = copy.metadata.managedFields.map(({ time, ...rest }) => rest);
    }
  }
  return copy;
}

/**
 * Paths (a.b[0].c) where two API objects differ after normalizeForCompare. At most `limit` paths.
 */
function diffPaths(a, b, limit = 8) {
  const out = [];
  walk(normalizeForCompare(a), normalizeForCompare(b), '');
  return out;
  function walk(x, y, p) {
    if (out.length >= limit) return;
    if (x === y) return;
    const bothObjects = x && y && typeof x === 'object' && typeof y === 'object' && Array.isArray(x) === Array.isArray(y);
    if (!bothObjects) {
      out.push(p || '<root>');
      return;
    }
    if (Array.isArray(x)) {
      if (x.length !== y.length) {
        out.push(p || '<root>');
        return;
      }
      for (let i = 0; i < x.length; i++) walk(x[i], y[i], `${p}[${i}]`);
      return;
    }
    const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
    for (const k of [...keys].sort()) walk(x[k], y[k], p ? `${p}.${k}` : k);
  }
}

module.exports.normalizeForCompare = normalizeForCompare;
module.exports.diffPaths = diffPaths;
