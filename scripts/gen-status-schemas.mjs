#!/usr/bin/env node
// Regenerates constructs/imports/status-schemas.json: the `status` subtree of every kind a workflow
// resource step can wait on, reduced to what the status-path check needs (type, properties, items,
// additionalProperties, enum). Custom resources come from the pinned upstream CRDs in ../shared/crds
// (the same files the typed imports are generated from, listed in cdk8s.yaml); core kinds from the
// Kubernetes OpenAPI subset the tests validate against (test/validation/k8s-v<KUBERNETES_VERSION>.schema.json,
// the release constructs/core/versions.ts pins). Run by `npm run import`.
//
// Why a generated file: the CRDs are megabytes of YAML (KServe 2 MB, Argo 2.8 MB); parsing them at
// synth time would cost seconds, this file costs a few milliseconds.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const crdsDir = process.env.MLP_CRDS_DIR ?? path.resolve(root, '..', 'shared', 'crds');
const out = path.join(root, 'constructs', 'imports', 'status-schemas.json');

/** Custom resources a step can create and wait for: `<group>/<plural>.yaml` in ../shared/crds. */
const CRD_FILES = [
  'kubeflow.org/tfjobs.yaml', 'kubeflow.org/pytorchjobs.yaml', 'kubeflow.org/mpijobs.yaml',
  'trainer.kubeflow.org/trainjobs.yaml', 'serving.kserve.io/inferenceservices.yaml',
  'jobset.x-k8s.io/jobsets.yaml',
];
/** Core kinds (group/Kind) a step can create and wait for. */
const CORE_KINDS = ['batch/Job', 'apps/Deployment', 'apps/StatefulSet'];

/** The fields of a schema node the check reads, recursively; `resolve` follows `$ref`s. */
function compact(node, resolve, depth = 0) {
  if (depth > 40) throw new Error('status schema nests deeper than 40 levels');
  const n = node.$ref ? resolve(node.$ref) : node;
  const result = {};
  if (n.type) result.type = n.type;
  if (n.format === 'int-or-string' || n['x-kubernetes-int-or-string']) result.type = 'int-or-string';
  if (n.enum) result.enum = n.enum;
  if (n.properties) {
    result.properties = {};
    for (const key of Object.keys(n.properties).sort()) result.properties[key] = compact(n.properties[key], resolve, depth + 1);
  }
  if (n.items) result.items = compact(n.items, resolve, depth + 1);
  if (n.additionalProperties && typeof n.additionalProperties === 'object') {
    result.additionalProperties = compact(n.additionalProperties, resolve, depth + 1);
  }
  if (n['x-kubernetes-preserve-unknown-fields']) result.open = true;
  return result;
}

const schemas = {};
const sources = {};
for (const file of CRD_FILES) {
  const crd = YAML.parse(fs.readFileSync(path.join(crdsDir, file), 'utf8'));
  const version = crd.spec.versions.find((v) => v.storage) ?? crd.spec.versions[0];
  const status = version.schema.openAPIV3Schema.properties?.status;
  if (!status) throw new Error(`${file}: no status in the ${version.name} schema`);
  const key = `${crd.spec.group}/${crd.spec.names.kind}`;
  schemas[key] = compact(status, () => { throw new Error(`${file}: unexpected $ref`); });
  sources[key] = `../shared/crds/${file} (${version.name})`;
}

const versionsTs = fs.readFileSync(path.join(root, 'constructs', 'core', 'versions.ts'), 'utf8');
const k8sVersion = /^export const KUBERNETES_VERSION = '(\d+\.\d+\.\d+)';$/m.exec(versionsTs)?.[1];
if (!k8sVersion) throw new Error('no KUBERNETES_VERSION in constructs/core/versions.ts');
const k8s = JSON.parse(fs.readFileSync(path.join(root, 'test', 'validation', `k8s-v${k8sVersion}.schema.json`), 'utf8'));
const resolveK8s = (ref) => k8s.definitions[ref.replace('#/definitions/', '')];
for (const groupKind of CORE_KINDS) {
  const [group, kind] = groupKind.split('/');
  const definition = k8s.definitions[k8s.gvk[`${group}/v1/${kind}`]];
  schemas[groupKind] = compact(definition.properties.status, resolveK8s);
  sources[groupKind] = `Kubernetes v${k8sVersion} OpenAPI (${group}/v1 ${kind})`;
}

const text = `${JSON.stringify({ generatedBy: 'scripts/gen-status-schemas.mjs', sources, schemas })}\n`;
fs.writeFileSync(out, text);
console.log(`constructs/imports/status-schemas.json: ${Object.keys(schemas).length} kinds, ${(text.length / 1024).toFixed(0)} KiB`);
