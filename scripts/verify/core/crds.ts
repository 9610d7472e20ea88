// CRDs: index the shared (and project-authored) CRD files by group/kind and install the needed
// ones into the running apiserver.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { type ApiClient, discover } from './api-client';
import { FIELD_MANAGER, type ServedResource, statusMessage } from './api-paths';
import { pinnedChartCrds } from './chart-crds';
import { buildCrdIndex, type CrdDuplicate, type CrdInfo, crdHeaderText, crdInfo } from './crd-index';
import { log, sleep } from './runtime';

export interface CrdSet {
  index: Map<string, CrdInfo>;
  duplicates: CrdDuplicate[];
  infos: CrdInfo[];
  problem?: string;
}

export type CrdInstallResult =
  | { ok: true; crd: CrdInfo; served: string[]; groupVersions: string[] }
  | { ok: false; message: string };

export function loadCrdIndex(crdsDir: string): CrdSet {
  if (!fs.existsSync(crdsDir) || !fs.statSync(crdsDir).isDirectory()) {
    return { index: new Map(), duplicates: [], infos: [], problem: `${crdsDir} does not exist` };
  }
  const infos: CrdInfo[] = [];
  for (const d of fs.readdirSync(crdsDir).sort()) {
    const dir = path.join(crdsDir, d);
    if (d.startsWith('_') || d.startsWith('.') || !fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8');
      const header = crdHeaderText(text);
      let info: CrdInfo | null = null;
      if (header !== null) {
        try {
          info = crdInfo(YAML.parse(header), file);
        } catch {
          info = null;
        }
      }
      if (!info) {
        // Not in controller-gen layout: parse the whole file (all documents).
        for (const doc of YAML.parseAllDocuments(text)) {
          const i = crdInfo(doc.toJS({ maxAliasCount: -1 }), file);
          if (i) infos.push(i);
        }
      } else infos.push(info);
    }
  }
  return { ...buildCrdIndex(infos), infos };
}

/**
 * Project-authored CRDs (JSON, `$comment` says why) for kinds the platform emits whose upstream
 * CRD is not in the shared set. They are added after the shared ones, so upstream always wins.
 */
export function addProjectCrds(crds: CrdSet, dir: string | undefined): CrdSet {
  if (!dir || !fs.existsSync(dir)) return crds;
  const infos = [...crds.infos];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    const info = crdInfo(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    if (info && !crds.index.has(`${info.group}/${info.kind}`)) infos.push({ ...info, projectAuthored: true });
  }
  return { ...buildCrdIndex(infos), infos, problem: crds.problem };
}

/**
 * The CRDs of the pinned operators' charts in `chartsDir` (chart-crds.ts) for the kinds the set
 * lacks, added last: the shared set always wins.
 */
export function addChartCrds(crds: CrdSet, chartsDir: string): CrdSet {
  const infos = [...crds.infos];
  const seen = new Set(crds.index.keys());
  for (const crd of pinnedChartCrds(chartsDir)) {
    const info = crdInfo(YAML.parse(crdHeaderText(crd.text) ?? crd.text), crd.file);
    if (!info || seen.has(`${info.group}/${info.kind}`)) continue;
    seen.add(`${info.group}/${info.kind}`);
    infos.push({ ...info, operatorRelease: crd.chart, text: crd.text });
  }
  return { ...buildCrdIndex(infos), infos, problem: crds.problem };
}

export async function installCrds(client: ApiClient, needed: ReadonlyMap<string, CrdInfo>, opts: { crdTimeout: number }): Promise<Map<string, CrdInstallResult>> {
  const results = new Map<string, CrdInstallResult>();
  for (const [key, crd] of [...needed.entries()].sort()) {
    let text = crd.text ?? fs.readFileSync(crd.file, 'utf8');
    if (crd.projectAuthored) {
      // `$comment` documents where the schema comes from; it is not a CRD field.
      const { $comment: _origin, ...body } = JSON.parse(text);
      text = JSON.stringify(body);
    }
    const t0 = Date.now();
    const r = await client.request('PATCH', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}?fieldManager=${FIELD_MANAGER}&force=true`, {
      body: text,
      contentType: 'application/apply-patch+yaml',
    });
    if (r.status !== 200 && r.status !== 201) {
      const message = `CRD ${crd.name} from ${crd.file} was not accepted: ${statusMessage(r.status, r.body)}`;
      results.set(key, { ok: false, message });
      log(`  FAIL ${message}`);
      continue;
    }
    // wait for Established
    const deadline = Date.now() + opts.crdTimeout * 1000;
    let established = false;
    let conditions: { type: string; status: string; message?: string }[] = [];
    while (Date.now() < deadline) {
      const g = await client.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}`);
      conditions = g.body?.status?.conditions || [];
      if (conditions.some((c) => c.type === 'Established' && c.status === 'True')) {
        established = true;
        break;
      }
      await sleep(200);
    }
    if (!established) {
      const message = `CRD ${crd.name} from ${crd.file} not Established within ${opts.crdTimeout}s: ${conditions.map((c) => `${c.type}=${c.status} ${c.message || ''}`).join('; ')}`;
      results.set(key, { ok: false, message });
      log(`  FAIL ${message}`);
      continue;
    }
    const served: string[] = (r.body.spec?.versions || []).filter((v: { served: boolean }) => v.served).map((v: { name: string }) => v.name);
    results.set(key, { ok: true, crd, served, groupVersions: served.map((v) => `${crd.group}/${v}`) });
    const conv = crd.conversion !== 'None' ? ` (declares a ${crd.conversion} conversion, NOT running here)` : '';
    log(`  ok   ${crd.name} [${served.join(', ')}] from ${crd.file}${crd.projectAuthored ? ' (PROJECT-AUTHORED schema: no upstream CRD in the shared set)' : ''}${crd.text ? ` (chart ${crd.operatorRelease}, its templating removed: not in the shared set)` : ''} in ${((Date.now() - t0) / 1000).toFixed(1)}s${conv}`);
  }
  return results;
}

/** Discovery once every installed CRD's versions are served (discovery can lag a moment behind Established). */
export async function discoverInstalled(client: ApiClient, results: ReadonlyMap<string, CrdInstallResult>): Promise<Map<string, ServedResource>> {
  let byGvk = await discover(client);
  for (let i = 0; i < 40; i++) {
    const lagging = [...results.values()].filter((c) => c.ok && c.served.some((v) => !byGvk.has(`${c.crd.group}/${v}/${c.crd.kind}`)));
    if (!lagging.length) break;
    await sleep(250);
    byGvk = await discover(client);
  }
  return byGvk;
}
