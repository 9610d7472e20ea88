// Renders benchmark results: a markdown report and a hand-built SVG plot of the scaling runs.

const s = (ms) => (ms === undefined ? '—' : `${(ms / 1000).toFixed(2)} s`);
const mib = (kib) => (kib === undefined ? '—' : `${Math.round(kib / 1024)} MiB`);
const us = (v) => (v === undefined ? '—' : `${v.toFixed(0)} µs`);

/** Why a stock run has no numbers (skipped above the cap, timed out, failed). */
function stockNote(stock) {
  if (!stock) return 'not run';
  if (stock.skipped) return stock.skipped;
  if (stock.timedOut) return `timed out (> ${s(stock.timeoutMs)})`;
  if (!stock.ok) return 'failed';
  return undefined;
}

export function renderMarkdown(r) {
  const lines = [];
  const m = r.meta;
  lines.push('# Synth benchmark', '');
  lines.push(`${m.date} · Node ${m.node} · ${m.cpus} × ${m.cpuModel} · load average ${m.loadBefore} before, ${m.loadAfter} after${m.smoke ? ' · **smoke mode (not representative)**' : ''}`, '');
  const busy = Math.max(Number(m.loadBefore.split(' ')[0]), Number(m.loadAfter.split(' ')[0]));
  if (busy > m.cpus) lines.push(`> The machine was shared (load average ${busy.toFixed(1)} on ${m.cpus} cores): wall times include waiting for a core. CPU times and "best" walls show the code's own cost.`, '');
  lines.push('Reproduce: `npm run bench` (about 3-4 minutes; `-- --smoke` for the few-second CI check). Wall times are medians of fresh processes; CPU is user + sys of the same runs (steadier than wall when the machine is shared).', '');

  lines.push('## Targets', '', '| Target | Goal | Measured | |', '|---|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.goal} | ${t.measured} | ${t.pass === undefined ? 'n/a' : t.pass ? 'met' : '**missed**'} |`);
  lines.push('');

  const p = r.platform;
  lines.push('## Whole platform (`charts/index.ts`), cold process', '');
  lines.push('| Entry | Wall | CPU | Peak RSS |', '|---|---|---|---|');
  lines.push(`| \`node scripts/synth.mjs\` (bundle and V8 code cache reused) | ${s(p.cached.wallMs)} (best ${s(p.cached.bestWallMs)}) | ${s(p.cached.cpuMs)} | ${mib(p.cached.maxRssKiB)} |`);
  lines.push(`| \`node scripts/synth.mjs\`, empty cache (esbuild bundles first) | ${s(p.cacheMiss.wallMs)} | ${s(p.cacheMiss.cpuMs)} | ${mib(p.cacheMiss.maxRssKiB)} |`);
  if (r.baseline.skipped) lines.push(`| default cdk8s entry (ts-node, type-checked) + stock \`App.synth()\` | ${r.baseline.skipped} | | |`);
  else lines.push(`| default cdk8s entry (ts-node, type-checked) + stock \`App.synth()\` | ${s(r.baseline.wallMs)} | ${s(r.baseline.cpuMs)} | ${mib(r.baseline.maxRssKiB)} |`);
  if (r.ratio) lines.push('', `Default entry / project entry: **${r.ratio.wall.toFixed(1)}×** wall, ${r.ratio.cpu.toFixed(1)}× CPU (${r.ratio.missWall.toFixed(1)}× wall against an empty cache).`);
  lines.push('');

  lines.push(`## Scaling: generated platform (N teams × ${r.jobsPerTeam} TFJobs + ${r.jobsPerTeam} InferenceServices + namespace, PVC, ServiceAccount, ConfigMap, Deployment, Service)`, '');
  lines.push('"Work" is building the construct tree plus synth and writing the files, measured inside the child; "wall" is the whole fresh process (node start, loading the bundle, work, exit).', '');
  lines.push('| Objects | Charts | PlatformApp work | per object | wall | CPU | peak RSS | stock cdk8s work | per object | wall | peak RSS |');
  lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of r.scaling) {
    const a = row.platform;
    const b = row.stock;
    const note = stockNote(b);
    const stock = note ? `${note} | | | ` : `${s(b.workMs)} | ${us(b.perObjectUs)} | ${s(b.wallMs)} | ${mib(b.maxRssKiB)}`;
    lines.push(`| ${row.objects} | ${row.teams} | ${s(a.workMs)} | ${us(a.perObjectUs)} | ${s(a.wallMs)} | ${s(a.cpuMs)} | ${mib(a.maxRssKiB)} | ${stock} |`);
  }
  lines.push('', '![scaling](scaling.svg)', '');

  lines.push('## Test suite', '');
  lines.push(r.jest.skipped ? `\`npx jest\`: ${r.jest.skipped}` : `\`npx jest\` as a child process: ${s(r.jest.wallMs)} wall, ${s(r.jest.cpuMs)} CPU (${r.jest.ok ? 'passed' : '**failed**'}).`, '');

  lines.push('## What each number is', '');
  lines.push('- Project entry: `scripts/synth.mjs` runs `main.ts` (PlatformApp: one validation pass, per-chart apply order, a YAML writer byte-identical to cdk8s `Yaml.stringify`, atomic write). Its esbuild bundle includes cdk8s/cdk8s-plus-27/constructs and is cached in `.cache/synth` by input mtimes and sizes; the bundle is compiled from a V8 code cache.');
  lines.push('- Default entry: `bench/baseline/ts-node-like.cjs` reproduces `npx ts-node main.ts`: a TypeScript program over the entry with the project tsconfig, each required `.ts` file type-checked and emitted from it, then stock `App.synth()` over the same charts (`bench/baseline/default-main.ts`). `npx` start-up and source-map-support are left out, so the ratio is conservative.');
  lines.push('- Stock cdk8s scaling: the same generated charts under `new App()`, `App.synth()`; it re-prepares the whole app once per chart, so it grows with charts × objects. Runs above the cap are skipped, runs over the timeout killed.');
  lines.push('');
  return `${lines.join('\n')}`;
}

/** A log-free linear plot: seconds against objects, one polyline per series. */
export function renderSvg(r) {
  const W = 720;
  const H = 420;
  const pad = { l: 64, r: 190, t: 36, b: 52 };
  const series = [
    { name: 'PlatformApp: work', color: '#1f6feb', points: r.scaling.map((row) => [row.objects, row.platform.workMs]) },
    { name: 'PlatformApp: process wall', color: '#1f6feb', dash: '6 4', points: r.scaling.map((row) => [row.objects, row.platform.wallMs]) },
    { name: 'stock cdk8s: work', color: '#d1242f', points: r.scaling.filter((row) => !stockNote(row.stock)).map((row) => [row.objects, row.stock.workMs]) },
    { name: 'stock cdk8s: process wall', color: '#d1242f', dash: '6 4', points: r.scaling.filter((row) => !stockNote(row.stock)).map((row) => [row.objects, row.stock.wallMs]) },
  ].filter((x) => x.points.length && x.points.every(([, y]) => Number.isFinite(y)));
  const xs = r.scaling.map((row) => row.objects);
  const maxX = Math.max(...xs, 1);
  const maxY = Math.max(1, ...series.flatMap((x) => x.points.map(([, y]) => y / 1000)));
  const stepY = niceStep(maxY / 5);
  const topY = Math.ceil(maxY / stepY) * stepY;
  const stepX = niceStep(maxX / 5);
  const topX = Math.ceil(maxX / stepX) * stepX;
  const px = (x) => pad.l + (x / topX) * (W - pad.l - pad.r);
  const py = (y) => H - pad.b - (y / topY) * (H - pad.t - pad.b);
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${pad.l}" y="20" font-size="14" font-weight="bold">Synth time vs objects (${r.meta.date.slice(0, 10)}, Node ${r.meta.node})</text>`);
  for (let y = 0; y <= topY + 1e-9; y += stepY) {
    out.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${py(y).toFixed(1)}" y2="${py(y).toFixed(1)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${pad.l - 8}" y="${(py(y) + 4).toFixed(1)}" text-anchor="end">${fmt(y)} s</text>`);
  }
  for (let x = 0; x <= topX + 1e-9; x += stepX) {
    out.push(`<line x1="${px(x).toFixed(1)}" x2="${px(x).toFixed(1)}" y1="${pad.t}" y2="${H - pad.b}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${px(x).toFixed(1)}" y="${H - pad.b + 18}" text-anchor="middle">${x >= 1000 ? `${fmt(x / 1000)}k` : x}</text>`);
  }
  out.push(`<line x1="${pad.l}" x2="${W - pad.r}" y1="${H - pad.b}" y2="${H - pad.b}" stroke="#333"/>`);
  out.push(`<line x1="${pad.l}" x2="${pad.l}" y1="${pad.t}" y2="${H - pad.b}" stroke="#333"/>`);
  out.push(`<text x="${(pad.l + W - pad.r) / 2}" y="${H - 12}" text-anchor="middle">objects</text>`);
  series.forEach((ser, i) => {
    const pts = ser.points.map(([x, y]) => `${px(x).toFixed(1)},${py(y / 1000).toFixed(1)}`).join(' ');
    out.push(`<polyline points="${pts}" fill="none" stroke="${ser.color}" stroke-width="2"${ser.dash ? ` stroke-dasharray="${ser.dash}"` : ''}/>`);
    for (const [x, y] of ser.points) out.push(`<circle cx="${px(x).toFixed(1)}" cy="${py(y / 1000).toFixed(1)}" r="3" fill="${ser.color}"/>`);
    const ly = pad.t + 10 + i * 20;
    out.push(`<line x1="${W - pad.r + 12}" x2="${W - pad.r + 40}" y1="${ly}" y2="${ly}" stroke="${ser.color}" stroke-width="2"${ser.dash ? ` stroke-dasharray="${ser.dash}"` : ''}/>`);
    out.push(`<text x="${W - pad.r + 46}" y="${ly + 4}">${escapeXml(ser.name)}</text>`);
  });
  const skipped = r.scaling.filter((row) => stockNote(row.stock)).map((row) => `${row.objects}: ${stockNote(row.stock)}`);
  if (skipped.length) out.push(`<text x="${W - pad.r + 12}" y="${pad.t + 10 + series.length * 20 + 10}" font-size="11" fill="#666">stock ${escapeXml(skipped.join('; '))}</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function niceStep(raw) {
  const pow = 10 ** Math.floor(Math.log10(raw || 1));
  const f = raw / pow;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
}

const fmt = (v) => String(Number(v.toFixed(2)));
const escapeXml = (t) => t.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
