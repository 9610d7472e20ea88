/**
 * CRD discovery: where the CRD YAMLs live and a cheap textual index of their group / kind /
 * served versions (no full YAML parse).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Directory holding the CRD YAMLs (`<group>/*.yaml`). */
export function crdsDir(): string {
  return process.env.MLP_CRDS_DIR
    ? path.resolve(process.env.MLP_CRDS_DIR)
    : path.resolve(__dirname, '../../../shared/crds');
}

// ---------------------------------------------------------------------------------------------
// CRD discovery
// ---------------------------------------------------------------------------------------------

export interface CrdHeader {
  file: string;
  group: string;
  kind: string;
  servedVersions: string[];
}

const headerCache = new Map<string, CrdHeader | null>();
let crdIndexCache: CrdHeader[] | undefined;

export function isGroupDir(dir: string, name: string): boolean {
  if (name.startsWith('_') || name.startsWith('.') || name === 'book' || name === 'jsonschema') return false;
  return fs.statSync(path.join(dir, name)).isDirectory();
}

/** Headers of the CRD YAMLs directly inside one group directory. */
export function scanGroupDir(gdir: string): CrdHeader[] {
  const out: CrdHeader[] = [];
  for (const f of fs.readdirSync(gdir).sort()) {
    if (!/\.ya?ml$/.test(f)) continue;
    const file = path.join(gdir, f);
    let h = headerCache.get(file);
    if (h === undefined) {
      h = scanCrdHeader(file, fs.readFileSync(file, 'utf8')) ?? null;
      headerCache.set(file, h);
    }
    if (h) out.push(h);
  }
  return out;
}

/**
 * Cheap index of all CRDs (`<group>/*.yaml` at the top level of crdsDir()) from a textual scan of
 * the YAML instead of a full parse: parsing the Argo CRDs alone takes several seconds. Used for
 * discovery only; the schema always comes from a full parse.
 */
export function crdIndex(): CrdHeader[] {
  if (crdIndexCache) return crdIndexCache;
  const dir = crdsDir();
  const out: CrdHeader[] = [];
  if (fs.existsSync(dir)) {
    for (const group of fs.readdirSync(dir).sort()) {
      if (isGroupDir(dir, group)) out.push(...scanGroupDir(path.join(dir, group)));
    }
  }
  crdIndexCache = out;
  return out;
}

/** Group, kind and served versions of a CRD's text (undefined when it is not one). */
export function scanCrdHeader(file: string, text: string): CrdHeader | undefined {
  // Regex scan by indentation (works for both "  - name:" and "    - name:" list styles).
  if (!/^kind:[ \t]*CustomResourceDefinition[ \t]*$/m.test(text)) return undefined;
  const specMatch = /^spec:[ \t]*$/m.exec(text);
  if (!specMatch) return undefined;
  let spec = text.slice(specMatch.index + specMatch[0].length);
  const specEnd = /^[^\s#]/m.exec(spec);
  if (specEnd) spec = spec.slice(0, specEnd.index);
  const scalar = (v: string): string => v.trim().replace(/^(['"])(.*)\1$/, '$2');
  const firstIndent = (t: string): number => /^( *)[^\s#]/m.exec(t)?.[1].length ?? -1;

  const S = firstIndent(spec);
  if (S <= 0) return undefined;
  const keys = [...spec.matchAll(new RegExp(`^ {${S}}([A-Za-z]+):(.*)$`, 'gm'))];
  const block = (key: string): { value: string; body: string } | undefined => {
    const i = keys.findIndex((m) => m[1] === key);
    if (i < 0) return undefined;
    const from = (keys[i].index ?? 0) + keys[i][0].length;
    const to = i + 1 < keys.length ? (keys[i + 1].index ?? spec.length) : spec.length;
    return { value: keys[i][2], body: spec.slice(from, to) };
  };

  const group = block('group');
  const names = block('names');
  if (!group || !names) return undefined;
  const K = firstIndent(names.body);
  const kind = new RegExp(`^ {${K}}kind:(.*)$`, 'm').exec(names.body)?.[1];
  if (!kind) return undefined;

  const servedVersions: string[] = [];
  const versions = block('versions');
  if (versions) {
    const D = firstIndent(versions.body);
    let name: string | undefined;
    let served: string | undefined;
    const flush = () => {
      if (name && served === 'true') servedVersions.push(name);
      name = undefined;
      served = undefined;
    };
    const re = new RegExp(`^ {${D}}- (?:(name|served):(.*))?|^ {${D + 2}}(name|served):(.*)$`, 'gm');
    for (const m of versions.body.matchAll(re)) {
      if (m[0].trimStart().startsWith('- ')) flush();
      const k = m[1] ?? m[3];
      const v = m[2] ?? m[4];
      if (k === 'name') name = scalar(v);
      if (k === 'served') served = scalar(v);
    }
    flush();
  }
  return { file, group: scalar(group.value), kind: scalar(kind), servedVersions };
}
