// Reading the chart files of dist/ into object records (shared by verify-apiserver and
// verify-cluster).

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { documentsToObjects, type ObjectRecord } from './objects';
import { Fatal } from './runtime';

/** Every object of <distDir>/*.yaml as records (documentsToObjects), plus a per-file count. */
export function loadDist(distDir: string): { charts: { chart: string; count: number }[]; objects: ObjectRecord[] } {
  if (!fs.existsSync(distDir) || !fs.statSync(distDir).isDirectory()) {
    throw new Fatal(`${distDir} does not exist: synthesize the charts first (or pass --dist <dir>)`);
  }
  const files = fs.readdirSync(distDir).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (files.length === 0) throw new Fatal(`no *.yaml chart files in ${distDir}: synthesize the charts first (or pass --dist <dir>)`);
  const charts = [];
  const objects = [];
  for (const f of files) {
    const file = path.join(distDir, f);
    const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
    const parseErrors = docs.flatMap((d) => d.errors.map((e) => `${file}: ${e.message}`));
    if (parseErrors.length) throw new Fatal(`cannot parse ${file}:\n  ${parseErrors.join('\n  ')}`);
    const { objects: objs, errors } = documentsToObjects(file, docs.map((d) => d.toJS({ maxAliasCount: -1 })));
    if (errors.length) throw new Fatal(errors.join('\n'));
    charts.push({ chart: file, count: objs.length });
    objects.push(...objs);
  }
  return { charts, objects };
}
