'use strict';
// Pure helpers of verify-pulumi (unit-tested by test/verify-pulumi/lib.test.ts): arguments, the
// CRDs the selected operators bring, the stack config of the run, static volumes for the claims,
// change counting and comparisons of engine results, and the summary line.

class UsageError extends Error {}

const USAGE = `usage: node scripts/verify-pulumi/verify-pulumi.mjs [options]

  --crds <dir>            upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --no-build              do not run tools/pulumi/build.sh and tools/apiserver/build.sh
  --step-timeout <s>      cancel one engine operation after this many seconds (default: 900)
  --keep                  keep the temp dir (workspace, state, logs) for debugging
  -h, --help              this text

Runs the local stack's program (Pulumi.local.yaml + operatorInstall: external) through the real
Pulumi engine and Kubernetes provider against a throwaway control plane. Last line:
  pulumi: up N created, second up 0 changed, update U changed, destroy D deleted, R retained
or, when it cannot run at all, 'pulumi: error: <reason>' (exit 2).
`;

const DEFAULTS = Object.freeze({ crds: '../shared/crds', build: true, stepTimeout: 900, keep: false, help: false });

function parseArgs(argv) {
  const opts = { ...DEFAULTS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length || argv[i + 1].startsWith('--')) throw new UsageError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--crds') opts.crds = value();
    else if (a === '--no-build') opts.build = false;
    else if (a === '--keep') opts.keep = true;
    else if (a === '-h' || a === '--help') opts.help = true;
    else if (a === '--step-timeout') {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < 30) throw new UsageError(`--step-timeout must be an integer >= 30 (seconds), got '${v}'`);
      opts.stepTimeout = n;
    } else throw new UsageError(`unknown argument '${a}'`);
  }
  return opts;
}

/**
 * API groups whose CRDs each operator's install brings (its chart's or kustomization's crds/),
 * limited to what the offline check can install from ../shared/crds. Read from the pinned
 * releases: argo-helm argo-workflows (crds.install, default true), kserve-crd chart, Kueue chart
 * (config/components/crd), training-operator v1.9.4 standalone overlay (manifests/base/crds),
 * kube-prometheus-stack (charts/crds: prometheus-operator CRDs), Volcano chart, Karpenter chart.
 * cert-manager (cert-manager.io, acme.cert-manager.io) and the GPU operator (nvidia.com) bring
 * CRDs that are not stored in ../shared/crds; nothing the charts deploy uses them.
 * A `crdGroups` field on a release (stacks/operators/versions.ts) takes precedence.
 */
const OPERATOR_CRD_GROUPS = Object.freeze({
  'cert-manager': [],
  'gpu-operator': [],
  'kube-prometheus-stack': ['monitoring.coreos.com'],
  'training-operator': ['kubeflow.org'],
  'argo-workflows': ['argoproj.io'],
  'kserve-crd': ['serving.kserve.io'],
  kserve: [],
  kueue: ['kueue.x-k8s.io'],
  volcano: ['scheduling.volcano.sh', 'batch.volcano.sh'],
  'cluster-autoscaler': [],
  karpenter: ['karpenter.sh', 'karpenter.k8s.aws'],
});

/** CRD groups of the selected releases ({name, crdGroups?}); unknown names are returned apart. */
function crdGroupsFor(releases) {
  const groups = new Set();
  const unknown = [];
  for (const r of releases) {
    const g = Array.isArray(r.crdGroups) ? r.crdGroups : OPERATOR_CRD_GROUPS[r.name];
    if (!g) unknown.push(r.name);
    else for (const x of g) groups.add(x);
  }
  return { groups: [...groups].sort(), unknown };
}

/**
 * The CRDs to install for `groups`: every stored CRD of those groups, the `_released/` copy (a
 * release tag, as the operator pins are) preferred over the newest one. Returns key -> info.
 */
function selectCrds(newestInfos, releasedInfos, groups) {
  const out = new Map();
  for (const info of [...newestInfos, ...releasedInfos]) {
    if (groups.includes(info.group)) out.set(`${info.group}/${info.kind}`, info);
  }
  return out;
}

/** API group of an apiVersion ('' for the core group). */
const groupOf = (apiVersion) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.lastIndexOf('/')) : '');

/** Built into kube-apiserver (no CRD): the core group, dotless groups and *.k8s.io but not *.x-k8s.io. */
function isBuiltinGroup(group) {
  return group === '' || !group.includes('.') || (group.endsWith('.k8s.io') && !group.endsWith('.x-k8s.io'));
}

/** Custom kinds the manifests deploy whose CRD is not among `installed` (group/kind keys), with the charts using them. */
function kindsWithoutCrd(manifests, installed) {
  const missing = new Map();
  for (const m of manifests) {
    for (const o of m.objects) {
      const group = groupOf(o.apiVersion);
      if (isBuiltinGroup(group) || installed.has(`${group}/${o.kind}`)) continue;
      const key = `${o.kind} (${o.apiVersion})`;
      if (!missing.has(key)) missing.set(key, { kind: key, group, charts: new Set() });
      missing.get(key).charts.add(m.name);
    }
  }
  return [...missing.values()].map((m) => ({ ...m, charts: [...m.charts].sort() })).sort((a, b) => a.kind.localeCompare(b.kind));
}

/** Config keys of the project namespace, with `ns:` prefixes added; values stay as given. */
function namespaced(ns, config) {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.includes(':') ? k : `${ns}:${k}`, v]));
}

/**
 * Stack settings of the run: the repo's Pulumi.<stack>.yaml config with `overrides` (project keys
 * without namespace) on top. Other top-level settings (secretsprovider, ...) are kept.
 */
function stackSettings(repoSettings, ns, overrides) {
  const settings = { ...(repoSettings || {}) };
  settings.config = { ...(settings.config || {}), ...namespaced(ns, overrides) };
  return settings;
}

/** Project keys of a stack settings object, namespace removed (other namespaces dropped). */
function projectConfig(settings, ns) {
  const out = {};
  for (const [k, v] of Object.entries((settings?.config) || {})) {
    if (k.startsWith(`${ns}:`)) out[k.slice(ns.length + 1)] = v;
  }
  return out;
}

/**
 * Config values as the program receives them (`loadStackConfig`): Pulumi hands scalars over as
 * text (`1.34` stays '1.34') and structured values as JSON, which the program parses back.
 */
function asProgramConfig(raw) {
  return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, v !== null && typeof v === 'object' ? JSON.parse(JSON.stringify(v)) : String(v)]));
}

/** Identity of a Kubernetes object: group/kind namespace/name. */
function identity(o) {
  return `${groupOf(o.apiVersion)}/${o.kind} ${(o.metadata?.namespace) || '-'}/${o.metadata?.name}`;
}

/** Objects of two plans whose manifest differs (added, removed or changed), as identities. */
function changedObjects(before, after) {
  const index = (ms) => new Map(ms.flatMap((m) => m.objects).map((o) => [identity(o), JSON.stringify(o)]));
  const a = index(before);
  const b = index(after);
  const out = new Set();
  for (const [id, text] of a) if (b.get(id) !== text) out.add(id);
  for (const id of b.keys()) if (!a.has(id)) out.add(id);
  return [...out].sort();
}

/** Counts of a summary's resourceChanges ({create: 3, same: 10}) with the changing ops summed. */
function changeCounts(resourceChanges) {
  const rc = resourceChanges || {};
  const n = (k) => rc[k] || 0;
  const changed = n('create') + n('update') + n('delete') + n('replace') + n('create-replacement') + n('delete-replaced') + n('import');
  return { create: n('create'), update: n('update'), delete: n('delete'), replace: n('replace') + n('create-replacement') + n('delete-replaced'), same: n('same'), changed };
}

/** Ops per URN from engine events (the last non-'same' op wins; steps of the stack itself ignored). */
function opsByUrn(events) {
  const out = new Map();
  for (const e of events) {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.type === 'pulumi:pulumi:Stack') continue;
    if (!out.has(meta.urn) || meta.op !== 'same') out.set(meta.urn, meta.op);
  }
  return out;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ESC starts the colour codes it removes
const ANSI_COLOUR = /\u001b\[[0-9;]*m/g;

/** The value at a property path of the engine's diffs (`spec.a[0].b`, `metadata.labels["x.io/y"]`). */
function valueAt(obj, p) {
  const keys = [];
  p.replace(/\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|([^.[\]]+)/g, (_m, index, quoted, plain) => {
    keys.push(index !== undefined ? Number(index) : quoted !== undefined ? quoted : plain);
    return '';
  });
  return keys.reduce((v, k) => (v === undefined || v === null ? undefined : v[k]), obj);
}

/**
 * The non-'same' steps of engine events as `op urn (changed: paths)` lines, the paths from the
 * step's detailedDiff (else diffs), so an unexpected change says which fields moved.
 */
function changeLines(events) {
  const out = new Map();
  for (const e of events) {
    const meta = e.resourcePreEvent?.metadata;
    if (!meta || meta.type === 'pulumi:pulumi:Stack' || meta.op === 'same') continue;
    const paths = Object.keys(meta.detailedDiff || {}).length ? Object.keys(meta.detailedDiff) : meta.diffs || [];
    // Live value (old outputs) against what the program asks for (new inputs), for the first paths.
    const show = (p) => `${p}: ${JSON.stringify(valueAt(meta.old?.outputs, p))} -> ${JSON.stringify(valueAt(meta.new?.inputs, p))}`;
    out.set(meta.urn, `${meta.op} ${meta.urn}${paths.length ? ` (changed: ${paths.slice(0, 4).map(show).join('; ')}${paths.length > 4 ? `; +${paths.length - 4} more` : ''})` : ''}`);
  }
  return [...out.values()];
}

/** Error diagnostics of engine events, as `urn: message` lines. */
function errorDiagnostics(events) {
  return events
    .map((e) => e.diagnosticEvent)
    .filter((d) => d && d.severity === 'error')
    .map((d) => `${d.urn ? `${d.urn}: ` : ''}${String(d.message).replace(ANSI_COLOUR, '').trim()}`);
}

/** Kubernetes objects held in a state (exportStack().deployment), with URN, identity and flags. */
function stateObjects(deployment) {
  return ((deployment?.resources) || [])
    .filter((r) => r.type.startsWith('kubernetes:') && !r.type.startsWith('pulumi:providers:') && r.outputs?.kind && r.outputs.apiVersion && r.outputs.metadata)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      id: identity(r.outputs),
      object: { apiVersion: r.outputs.apiVersion, kind: r.outputs.kind, metadata: { name: r.outputs.metadata.name, namespace: r.outputs.metadata.namespace } },
      retainOnDelete: Boolean(r.retainOnDelete),
      // A patch (NodePatch, ...) does not own its object: what it wrote is what destroy must take back.
      ...(r.type.endsWith('Patch') ? { patch: { labels: r.inputs?.metadata?.labels || {}, taints: r.inputs?.spec?.taints || [] } } : {}),
    }));
}

/** What of a patch (stateObjects' `patch`) the live object still carries: label keys and taints. */
function patchLeftovers(patch, live) {
  const labels = live?.metadata?.labels || {};
  const taints = live?.spec?.taints || [];
  return [
    ...Object.entries(patch.labels).filter(([k, v]) => labels[k] === v).map(([k, v]) => `label ${k}=${v}`),
    ...patch.taints.filter((t) => taints.some((x) => x.key === t.key && x.effect === t.effect && (x.value ?? '') === (t.value ?? ''))).map((t) => `taint ${t.key}=${t.value ?? ''}:${t.effect}`),
  ];
}

/** A state's resources without what changes on every write (timestamps), to compare two states. */
function comparableState(deployment) {
  const strip = ({ created: _c, modified: _m, ...rest }) => rest;
  return JSON.stringify(((deployment?.resources) || []).map(strip));
}

/** REST path of an object; `res` = {plural, namespaced} from discovery. */
function objectPath(o, res) {
  const group = groupOf(o.apiVersion);
  const base = group === '' ? `/api/${o.apiVersion}` : `/apis/${o.apiVersion}`;
  const ns = res.namespaced ? `/namespaces/${encodeURIComponent(o.metadata.namespace || 'default')}` : '';
  return `${base}${ns}/${res.plural}/${encodeURIComponent(o.metadata.name)}`;
}

/**
 * The object the half-way check has the apiserver reject: a ConfigMap (else Service, else any
 * namespaced built-in object but a Namespace) of a chart in the second half of the apply order,
 * so charts before it are created and the failure lands in the middle of an `up`.
 */
function pickHalfwayTarget(manifests) {
  const later = manifests.slice(Math.floor(manifests.length / 2));
  const builtin = (o) => isBuiltinGroup(groupOf(o.apiVersion)) && o.metadata?.namespace;
  for (const pick of [(o) => o.kind === 'ConfigMap', (o) => o.kind === 'Service', (o) => o.kind !== 'Namespace']) {
    for (const m of later) {
      const o = m.objects.find((x) => builtin(x) && pick(x));
      if (o) return { chart: m.name, object: o, id: identity(o) };
    }
  }
  return undefined;
}

const PROBE_NAME = 'verify-pulumi-probe';
const REJECT_MESSAGE = 'verify-pulumi: rejected on purpose (half-way failure check)';

/**
 * A ValidatingAdmissionPolicy (+ binding) denying create/update of exactly `target` (and of a
 * probe object of its kind named PROBE_NAME, to see when the policy is in force). No webhook.
 */
function rejectOnePolicy(target, plural) {
  const group = groupOf(target.apiVersion);
  const version = target.apiVersion.slice(target.apiVersion.lastIndexOf('/') + 1);
  const name = 'verify-pulumi-reject-one';
  const cel = (s) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  return [{
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      failurePolicy: 'Fail',
      matchConstraints: { resourceRules: [{ apiGroups: [group], apiVersions: [version], operations: ['CREATE', 'UPDATE'], resources: [plural] }] },
      validations: [{
        expression: `!((object.metadata.namespace == ${cel(target.metadata.namespace)} && object.metadata.name == ${cel(target.metadata.name)}) || object.metadata.name == ${cel(PROBE_NAME)})`,
        message: REJECT_MESSAGE,
      }],
    },
  }, {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName: name, validationActions: ['Deny'] },
  }];
}

/** The summary line (always the last line of output). */
function summaryLine(r) {
  return `pulumi: up ${r.created} created, second up ${r.secondChanged} changed, update ${r.updateChanged} changed, destroy ${r.deleted} deleted, ${r.retained} retained`;
}

module.exports = {
  USAGE, UsageError, DEFAULTS, parseArgs, OPERATOR_CRD_GROUPS, crdGroupsFor, selectCrds, groupOf, isBuiltinGroup, kindsWithoutCrd,
  stackSettings, projectConfig, asProgramConfig, identity, changedObjects, changeCounts, opsByUrn, changeLines, valueAt, errorDiagnostics, stateObjects, patchLeftovers,
  comparableState, summaryLine, objectPath, pickHalfwayTarget, rejectOnePolicy, PROBE_NAME, REJECT_MESSAGE,
};
