// CRDs for verify-apiserver: index the shared (and project-authored) CRD files by group/kind and
// install the needed ones into the running apiserver.

import fs from 'node:fs';
import path from 'node:path';
import { FIELD_MANAGER, YAML, log, sleep } from './common.mjs';
import lib from './lib.cjs';

export function loadCrdIndex(crdsDir) {
  if (!fs.existsSync(crdsDir) || !fs.statSync(crdsDir).isDirectory()) {
    return { index: new Map(), duplicates: [], infos: [], problem: `${crdsDir} does not exist` };
  }
  const infos = [];
  for (const d of fs.readdirSync(crdsDir).sort()) {
    const dir = path.join(crdsDir, d);
    if (d.startsWith('_') || d.startsWith('.') || !fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir).sort()) {
      if (!/\.ya?ml$/.test(f)) continue;
      const file = path.join(dir, f);
      const text = fs.readFileSync(file, 'utf8');
      const header = lib.crdHeaderText(text);
      let info = null;
      if (header !== null) {
        try { info = lib.crdInfo(YAML.parse(header), file); } catch { info = null; }
      }
      if (!info) {
        // Not in controller-gen layout: parse the whole file (all documents).
        for (const doc of YAML.parseAllDocuments(text)) {
          const i = lib.crdInfo(doc.toJS({ maxAliasCount: -1 }), file);
          if (i) infos.push(i);
        }
      } else infos.push(info);
    }
  }
  return { ...lib.buildCrdIndex(infos), infos };
}

/**
 * Project-authored CRDs (JSON, `$comment` says why) for kinds the platform emits whose upstream
 * CRD is not in the shared set. They are added after the shared ones, so upstream always wins.
 */
export function addProjectCrds(crds, dir) {
  if (!dir || !fs.existsSync(dir)) return crds;
  const infos = [...crds.infos];
  for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort()) {
    const file = path.join(dir, f);
    const info = lib.crdInfo(JSON.parse(fs.readFileSync(file, 'utf8')), file);
    if (info && !crds.index.has(`${info.group}/${info.kind}`)) infos.push({ ...info, projectAuthored: true });
  }
  return { ...lib.buildCrdIndex(infos), infos, problem: crds.problem };
}


// ---------------------------------------------------------------------------------------------
// CRDs

export async function installCrds(client, needed, opts) {
  const results = new Map(); // key -> { ok, message }
  for (const [key, crd] of [...needed.entries()].sort()) {
    let text = fs.readFileSync(crd.file, 'utf8');
    if (crd.projectAuthored) {
      // `$comment` documents where the schema comes from; it is not a CRD field.
      const { $comment: _origin, ...body } = JSON.parse(text);
      text = JSON.stringify(body);
    }
    const t0 = Date.now();
    const r = await client.request('PATCH',
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}?fieldManager=${FIELD_MANAGER}&force=true`,
      { body: text, contentType: 'application/apply-patch+yaml' });
    if (r.status !== 200 && r.status !== 201) {
      const message = `CRD ${crd.name} from ${crd.file} was not accepted: ${lib.statusMessage(r.status, r.body)}`;
      results.set(key, { ok: false, message });
      log(`  FAIL ${message}`);
      continue;
    }
    // wait for Established
    const deadline = Date.now() + opts.crdTimeout * 1000;
    let established = false;
    let conditions = [];
    while (Date.now() < deadline) {
      const g = await client.request('GET', `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${encodeURIComponent(crd.name)}`);
      conditions = (g.body?.status?.conditions) || [];
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
    const served = ((r.body.spec?.versions) || []).filter((v) => v.served).map((v) => v.name);
    results.set(key, { ok: true, crd, served, groupVersions: served.map((v) => `${crd.group}/${v}`) });
    const conv = crd.conversion !== 'None' ? ` (declares a ${crd.conversion} conversion, NOT running here)` : '';
    log(`  ok   ${crd.name} [${served.join(', ')}] from ${crd.file}${crd.projectAuthored ? ' (PROJECT-AUTHORED schema: no upstream CRD in the shared set)' : ''} in ${((Date.now() - t0) / 1000).toFixed(1)}s${conv}`);
  }
  return results;
}

