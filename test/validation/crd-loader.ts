/**
 * CRD loading: full parse + conversion of CRD files (cached in-process and on disk in
 * `<repo>/.cache/validators/`), CRDs registered at runtime, and lookup by group/kind.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type ChartCrd, chartsDirBeside, pinnedChartCrds } from '../../scripts/verify/core/chart-crds';
import { CrdHeader, crdIndex, crdsDir, isGroupDir, scanCrdHeader, scanGroupDir } from './crd-discovery';
import { CONVERTER_VERSION, convertCrdRoot } from './crd-schema';
import { dedupe } from './schema-dedupe';
import { Schema, isPlainObject } from './schema-types';

export interface ParsedCrd {
  group: string;
  kind: string;
  /** served version -> converted root schema */
  versions: Record<string, Schema>;
}

const parsedCrds = new Map<string, ParsedCrd>();

function cacheDir(): string {
  return path.resolve(__dirname, '../../.cache/validators');
}

function convertCrd(crd: unknown, where: string): ParsedCrd {
  const spec = isPlainObject(crd) && isPlainObject(crd.spec) ? crd.spec : undefined;
  const names = spec && isPlainObject(spec.names) ? spec.names : undefined;
  if (
    !isPlainObject(crd) ||
    crd.kind !== 'CustomResourceDefinition' ||
    !spec ||
    typeof spec.group !== 'string' ||
    !names ||
    typeof names.kind !== 'string' ||
    !Array.isArray(spec.versions)
  ) {
    throw new Error(`${where}: not an apiextensions.k8s.io/v1 CustomResourceDefinition`);
  }
  const versions: Record<string, Schema> = {};
  for (const v of spec.versions as Schema[]) {
    if (v.served !== true) continue;
    const s = ((v.schema ?? {}) as Schema).openAPIV3Schema as Schema | undefined;
    // A served version without a schema accepts anything (apiextensions v1 requires one).
    versions[v.name as string] = s ? dedupe(convertCrdRoot(s)) : {};
  }
  return { group: spec.group, kind: names.kind, versions };
}

const registeredCrds = new Map<string, ParsedCrd>();

/** Convert a CRD object and store it as registered (see registerCrd() in validator.ts). */
export function addRegisteredCrd(crd: unknown): ParsedCrd {
  const parsed = convertCrd(crd, 'registerCrd');
  registeredCrds.set(`${parsed.group}/${parsed.kind}`, parsed);
  return parsed;
}

/** The CRDs registered with registerCrd(), in registration order. */
export function registeredCrdList(): ParsedCrd[] {
  return [...registeredCrds.values()];
}

/**
 * Full parse + conversion of one CRD file (or of `text`, a document of it), cached in-process by
 * `key` and on disk by content hash.
 */
function loadCrd(file: string, text = fs.readFileSync(file, 'utf8'), key = file): ParsedCrd {
  const hit = parsedCrds.get(key);
  if (hit) return hit;
  const hash = createHash('sha256').update(`v${CONVERTER_VERSION}\0`).update(text).digest('hex').slice(0, 32);
  const cacheFile = path.join(cacheDir(), `crd-${hash}.json`);
  let parsed: ParsedCrd | undefined;
  try {
    parsed = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as ParsedCrd;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    parsed = convertCrd(parseYaml(text, { maxAliasCount: -1 }), file);
    try {
      fs.mkdirSync(cacheDir(), { recursive: true });
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, JSON.stringify(parsed));
      fs.renameSync(tmp, cacheFile); // atomic: parallel jest workers may race
    } catch {
      // cache is best-effort
    }
  }
  parsedCrds.set(key, parsed);
  return parsed;
}

let chartHeaders: { crd: ChartCrd; header: CrdHeader }[] | undefined;

/** A kind the shared set lacks, from the CRDs of the pinned operators' charts (scripts/verify/core/chart-crds.ts). */
function findChartCrd(group: string, kind: string): ParsedCrd | undefined {
  chartHeaders ??= pinnedChartCrds(chartsDirBeside(crdsDir())).flatMap((crd) => {
    const header = scanCrdHeader(crd.file, crd.text);
    return header ? [{ crd, header }] : [];
  });
  const hit = chartHeaders.find((h) => h.header.group === group && h.header.kind === kind);
  return hit && loadCrd(hit.crd.file, hit.crd.text, `${hit.crd.file}#${group}/${kind}`);
}

/**
 * Find the CRD for group/kind. The files live in `<crdsDir>/<group>/`, so only that directory is
 * scanned first; the whole tree is the fallback (a CRD filed under another directory name).
 */
export function findCrd(group: string, kind: string): ParsedCrd | undefined {
  const registered = registeredCrds.get(`${group}/${kind}`);
  if (registered) return registered;
  const dir = crdsDir();
  const candidates: CrdHeader[] = [];
  if (/^[A-Za-z0-9.-]+$/.test(group) && fs.existsSync(path.join(dir, group)) && isGroupDir(dir, group)) {
    candidates.push(...scanGroupDir(path.join(dir, group)));
  }
  for (const pass of [candidates, undefined]) {
    for (const h of pass ?? crdIndex()) {
      if (h.group !== group || h.kind !== kind) continue;
      const c = loadCrd(h.file);
      if (c.group === group && c.kind === kind) return c;
    }
  }
  return findChartCrd(group, kind);
}
