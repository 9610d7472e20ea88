#!/usr/bin/env node
// Regenerates constructs/imports/kserve-cluster-serving-runtimes.json: the ClusterServingRuntimes the
// pinned `kserve-runtime-configs` chart installs (KServe v0.20.0 moved them out of kserve-resources),
// reduced to what runtime selection reads (name, disabled, protocolVersions, supportedModelFormats).
// Typed where it is read (stacks/operators/kserve-runtimes.ts), as status-schemas.json is.
//
// Read from the vendored upstream chart (../shared/charts/kserve-runtime-configs-<version>, or
// MLP_CHARTS_DIR), rendered the way its `templates/runtimes/resources.yaml` does: the plain
// `files/runtimes/resources.yaml` objects, keyed by name, deep-merged with the `tpl`-rendered
// `files/runtimes/clusterservingruntimes-patch.yaml` (`kserve-common.deepMerge` of
// `templates/_utils.tpl`: maps recursively, lists of named items by name, other lists replaced),
// with the chart's values.yaml plus the stack's `kserve.servingruntime.enabled: true`.
// The template subset the patch uses (if/with/else/end, .Values paths, default, toYaml, nindent,
// quote, string literals) is interpreted here; anything else fails loudly.
//
//   node scripts/gen-kserve-runtimes.mjs           write the file
//   node scripts/gen-kserve-runtimes.mjs --check   exit 1 when the committed file is stale
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const chartsDir = process.env.MLP_CHARTS_DIR ?? path.resolve(root, '..', 'shared', 'charts');
const out = path.join(root, 'constructs', 'imports', 'kserve-cluster-serving-runtimes.json');
/** The values the stack adds to the chart's (stacks/operators/addon-values.ts kserveRuntimeConfigsValues). */
const STACK_VALUES = { kserve: { servingruntime: { enabled: true }, llmisvcConfigs: { enabled: false } } };

const isMap = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Helm's value coalescing for this purpose: user maps merged over the chart's, scalars and lists replaced. */
function coalesce(base, over) {
  const outValues = { ...base };
  for (const [k, v] of Object.entries(over)) outValues[k] = isMap(v) && isMap(base[k]) ? coalesce(base[k], v) : v;
  return outValues;
}

/** Splits template text into text and action tokens (an action's `}}` inside a string literal does not end it). */
function tokenize(src) {
  const tokens = [];
  let i = 0;
  while (i < src.length) {
    const start = src.indexOf('{{', i);
    if (start < 0) {
      tokens.push({ text: src.slice(i) });
      break;
    }
    tokens.push({ text: src.slice(i, start) });
    let j = start + 2;
    let inString = false;
    while (j < src.length && (inString || src.slice(j, j + 2) !== '}}')) {
      if (src[j] === '"' && src[j - 1] !== '\\') inString = !inString;
      j++;
    }
    if (j >= src.length) throw new Error(`unterminated action at ${start}`);
    let body = src.slice(start + 2, j);
    const trimLeft = body.startsWith('-');
    const trimRight = body.endsWith('-');
    body = body.slice(trimLeft ? 1 : 0, trimRight ? -1 : undefined).trim();
    tokens.push({ action: body, trimLeft, trimRight });
    i = j + 2;
  }
  // Whitespace trimming of `{{-` and `-}}`.
  for (let k = 0; k < tokens.length; k++) {
    if (!tokens[k].action) continue;
    if (tokens[k].trimLeft && k > 0 && tokens[k - 1].text !== undefined) tokens[k - 1].text = tokens[k - 1].text.replace(/\s+$/, '');
    if (tokens[k].trimRight && tokens[k + 1]?.text !== undefined) tokens[k + 1].text = tokens[k + 1].text.replace(/^\s+/, '');
  }
  return tokens;
}

/** Nests if/with blocks: [{text} | {output} | {block: 'if'|'with', pipe, body, otherwise}]. */
function parse(tokens) {
  let pos = 0;
  const nodes = (stopAt) => {
    const list = [];
    while (pos < tokens.length) {
      const t = tokens[pos];
      if (t.text !== undefined) {
        list.push({ text: t.text });
        pos++;
        continue;
      }
      const [word] = t.action.split(/\s+/);
      if (stopAt.includes(word)) return list;
      pos++;
      if (word === 'if' || word === 'with') {
        const body = nodes(['else', 'end']);
        let otherwise = [];
        if (tokens[pos]?.action === 'else') {
          pos++;
          otherwise = nodes(['end']);
        }
        if (tokens[pos]?.action !== 'end') throw new Error(`'${t.action}' has no {{ end }}`);
        pos++;
        list.push({ block: word, pipe: t.action.slice(word.length).trim(), body, otherwise });
      } else if (word.startsWith('/*')) {
        // comment
      } else if (['range', 'define', 'template', 'include', 'else', 'end'].includes(word) || word.startsWith('$')) {
        throw new Error(`unsupported template action '{{ ${t.action} }}'`);
      } else {
        list.push({ output: t.action });
      }
    }
    return list;
  };
  const result = nodes([]);
  if (pos !== tokens.length) throw new Error(`stray {{ ${tokens[pos].action} }}`);
  return result;
}

function lookup(ctx, ref) {
  if (ref === '.') return ctx.dot;
  if (ref.startsWith('"')) return JSON.parse(ref);
  if (/^-?\d+$/.test(ref)) return Number(ref);
  if (!ref.startsWith('.Values')) throw new Error(`unsupported reference '${ref}'`);
  let v = ctx.values;
  for (const key of ref.slice('.Values'.length).split('.').filter(Boolean)) v = isMap(v) ? v[key] : undefined;
  return v;
}

const empty = (v) => v === undefined || v === null || v === false || v === 0 || v === '' || (Array.isArray(v) && v.length === 0) || (isMap(v) && Object.keys(v).length === 0);

/** Splits on `|` and spaces outside string literals. */
function words(s, sep) {
  const parts = [];
  let cur = '';
  let inString = false;
  for (const ch of s) {
    if (ch === '"') inString = !inString;
    if (!inString && sep.test(ch)) {
      if (cur.trim()) parts.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) parts.push(cur.trim());
  return parts;
}

function evaluate(pipe, ctx) {
  let value;
  words(pipe, /\|/).forEach((command, i) => {
    const [fn, ...args] = words(command, /\s/);
    const piped = i === 0 ? [] : [value];
    switch (fn) {
      case 'default':
        value = empty(piped[0]) ? lookup(ctx, args[0]) : piped[0];
        break;
      case 'toYaml': {
        const v = lookup(ctx, args[0] ?? '.');
        value = v === undefined || v === null ? 'null' : YAML.stringify(v).trimEnd();
        break;
      }
      case 'nindent':
      case 'indent': {
        const pad = ' '.repeat(Number(args[0]));
        const text = String(piped[0]).split('\n').map((l) => pad + l).join('\n');
        value = fn === 'nindent' ? `\n${text}` : text;
        break;
      }
      case 'quote':
        value = JSON.stringify(String(piped[0] ?? ''));
        break;
      default:
        if (i > 0 || args.length) throw new Error(`unsupported function in '{{ ${pipe} }}'`);
        value = lookup(ctx, fn);
    }
  });
  return value;
}

function render(nodes, ctx) {
  let text = '';
  for (const n of nodes) {
    if (n.text !== undefined) text += n.text;
    else if (n.output !== undefined) {
      const v = evaluate(n.output, ctx);
      text += v === undefined || v === null ? '<no value>' : String(v);
    } else {
      const v = evaluate(n.pipe, ctx);
      if (empty(v)) text += render(n.otherwise, ctx);
      else text += render(n.body, n.block === 'with' ? { ...ctx, dot: v } : ctx);
    }
  }
  return text;
}

/** `splitList "---"` + `fromYaml`, keyed by metadata.name, as the chart template does. */
function byName(text) {
  const map = new Map();
  for (const doc of text.split('---')) {
    if (!doc.trim()) continue;
    const parsed = YAML.parse(doc.trim());
    if (parsed?.metadata?.name) map.set(parsed.metadata.name, parsed);
  }
  return map;
}

/** `kserve-common.deepMerge` (templates/_utils.tpl). */
function deepMerge(base, patch) {
  for (const [key, value] of Object.entries(patch)) {
    const baseValue = base[key];
    if (key in base && isMap(value) && isMap(baseValue)) base[key] = deepMerge(baseValue, value);
    else if (key in base && Array.isArray(value) && Array.isArray(baseValue)) {
      base[key] = value.length > 0 && isMap(value[0]) && 'name' in value[0] ? mergeArrayByName(baseValue, value) : value;
    } else base[key] = value;
  }
  return base;
}

/** `kserve-common.mergeArrayByName`: base order kept, named patch items merged in, new ones appended. */
function mergeArrayByName(baseArray, patchArray) {
  const items = [];
  const processed = new Set();
  for (const baseItem of baseArray) {
    if (!isMap(baseItem) || !('name' in baseItem)) throw new Error("mergeArrayByName: base array item missing 'name' field");
    let matched = false;
    for (const patchItem of patchArray) {
      if (!('name' in patchItem)) throw new Error("mergeArrayByName: patch array item missing 'name' field");
      if (patchItem.name === baseItem.name) {
        items.push(deepMerge(baseItem, patchItem));
        processed.add(baseItem.name);
        matched = true;
      }
    }
    if (!matched) items.push(baseItem);
  }
  for (const patchItem of patchArray) if (!processed.has(patchItem.name)) items.push(patchItem);
  return items;
}

/** The single `kserve-runtime-configs-<version>` directory of the charts dir. */
function chartDir() {
  const dirs = fs.readdirSync(chartsDir).filter((d) => d.startsWith('kserve-runtime-configs-'));
  if (dirs.length !== 1) throw new Error(`expected one kserve-runtime-configs-<version> in ${chartsDir}, found ${dirs.join(', ') || 'none'}`);
  return path.join(chartsDir, dirs[0]);
}

function generate() {
  const dir = chartDir();
  const chart = YAML.parse(fs.readFileSync(path.join(dir, 'Chart.yaml'), 'utf8'));
  const values = coalesce(YAML.parse(fs.readFileSync(path.join(dir, 'values.yaml'), 'utf8')), STACK_VALUES);
  const template = fs.readFileSync(path.join(dir, 'templates', 'runtimes', 'resources.yaml'), 'utf8');
  if (!template.includes('kserve-common.deepMerge') || !template.includes('files/runtimes/clusterservingruntimes-patch.yaml')) {
    throw new Error('templates/runtimes/resources.yaml no longer merges the patch file with kserve-common.deepMerge; re-read it and update this generator');
  }
  const base = byName(fs.readFileSync(path.join(dir, 'files', 'runtimes', 'resources.yaml'), 'utf8'));
  const patchText = render(parse(tokenize(fs.readFileSync(path.join(dir, 'files', 'runtimes', 'clusterservingruntimes-patch.yaml'), 'utf8'))), { values });
  for (const [name, patch] of byName(patchText)) base.set(name, base.has(name) ? deepMerge(base.get(name), patch) : patch);
  const runtimes = [...base.keys()].sort().map((name) => base.get(name)).filter((o) => o.kind === 'ClusterServingRuntime').map((o) => ({
    name: o.metadata.name,
    disabled: o.spec?.disabled ?? false,
    protocolVersions: o.spec?.protocolVersions ?? [],
    supportedModelFormats: (o.spec?.supportedModelFormats ?? []).map((f) => ({
      name: f.name,
      ...(f.version === undefined ? {} : { version: String(f.version) }),
      autoSelect: f.autoSelect ?? false,
      ...(f.priority === undefined ? {} : { priority: f.priority }),
    })),
  }));
  const generated = {
    generatedBy: 'scripts/gen-kserve-runtimes.mjs (npm run import); do not edit',
    source: `kserve/kserve charts/${chart.name} ${chart.version}: files/runtimes/resources.yaml deep-merged with the rendered files/runtimes/clusterservingruntimes-patch.yaml, as templates/runtimes/resources.yaml does`,
    chart: { name: chart.name, version: chart.version },
    values: STACK_VALUES,
    runtimes: [],
  };
  // One runtime a line: the table stays short and diffs name the runtime that changed.
  const head = JSON.stringify(generated, null, 2).replace(/"runtimes": \[\]\n}$/, '"runtimes": [');
  return `${head}\n${runtimes.map((r) => `    ${JSON.stringify(r)}`).join(',\n')}\n  ]\n}\n`;
}

const text = generate();
if (process.argv.includes('--check')) {
  const current = fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : '';
  if (current !== text) {
    console.error(`${path.relative(root, out)} is stale: run node scripts/gen-kserve-runtimes.mjs`);
    process.exit(1);
  }
} else {
  fs.writeFileSync(out, text);
  console.log(`wrote ${path.relative(root, out)}`);
}
