/**
 * Core kinds: the committed subset of the OpenAPI (swagger 2.0) definitions of the Kubernetes release
 * `constructs/core/versions.ts` pins (`k8s-v<KUBERNETES_VERSION>.schema.json`, written by
 * `npm run import:k8s-schema`), converted to a draft-07 JSON Schema document with $id `k8s`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { KUBERNETES_VERSION } from '../../constructs/core/versions';
import { FORMATS, QUANTITY_PATTERN } from './ajv-keywords';
import { Schema } from './schema-types';

const K8S_SCHEMA_FILE = path.join(__dirname, `k8s-v${KUBERNETES_VERSION}.schema.json`);
export const K8S_ID = 'k8s';
export const OBJECT_META_REF = `${K8S_ID}#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta`;

// ---------------------------------------------------------------------------------------------
// Core (swagger 2.0) schema
// ---------------------------------------------------------------------------------------------

interface K8sSpec {
  source: string;
  gvk: Record<string, string>;
  definitions: Record<string, Schema>;
}

let k8sSpecCache: K8sSpec | undefined;

export function k8sSpec(): K8sSpec {
  if (!k8sSpecCache) k8sSpecCache = JSON.parse(fs.readFileSync(K8S_SCHEMA_FILE, 'utf8')) as K8sSpec;
  return k8sSpecCache;
}

const SPECIAL_DEFS: Record<string, Schema> = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': { type: ['integer', 'string'] },
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'], pattern: QUANTITY_PATTERN },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: 'string', format: 'date-time' },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: 'string', format: 'date-time' },
  // arbitrary embedded content
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {},
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1': {},
};

export function convertedK8sSchema(): Schema {
  const spec = k8sSpec();
  const definitions: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(spec.definitions)) {
    definitions[name] = SPECIAL_DEFS[name] ?? convertSwagger(def);
  }
  return { $id: K8S_ID, definitions };
}

function convertSwagger(node: Schema): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(node)) {
    if (k.startsWith('x-') || k === 'description') continue;
    switch (k) {
      case 'properties':
        out.properties = Object.fromEntries(
          Object.entries(v as Record<string, Schema>).map(([name, sub]) => [name, convertSwagger(sub)]),
        );
        break;
      case 'items':
        out.items = convertSwagger(v as Schema);
        break;
      case 'additionalProperties':
        out.additionalProperties = typeof v === 'boolean' ? v : convertSwagger(v as Schema);
        break;
      case 'format':
        if (typeof v === 'string' && FORMATS[v]) out.format = v;
        break;
      case '$ref':
        out.$ref = v; // "#/definitions/..." resolves inside the k8s schema document
        break;
      default:
        out[k] = v;
    }
  }
  if (out.properties && out.additionalProperties === undefined) out.additionalProperties = false;
  return out;
}
