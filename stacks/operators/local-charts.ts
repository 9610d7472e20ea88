/**
 * Operators installed from local chart directories (`chartsDir`, for clusters that cannot reach
 * the chart repositories): one folder per pinned chart, `<chartsDir>/<chart>-<version>/` holding the
 * chart (Chart.yaml at its top, as `helm pull --untar` unpacks it), and for the kustomize-installed
 * training-operator the upstream `manifests/` tree as `<chartsDir>/training-operator-<version>/`.
 * Checked when the config loads: every chart the stack installs is there and is the pinned one;
 * a git copy that differs from the published chart only by a documented build-time substitution
 * passes with a warning naming it. Subcharts a chart declares but lacks in its `charts/` folder
 * are taken from `<chartsDir>/<name>-<version>/` and assembled into a copy (the folder itself is
 * never written).
 */
import { createHash, Hash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { StackConfigError } from '../config-values';
import type { OperatorName, OperatorRelease } from './versions';

/** A subchart found beside the chart in the charts directory. */
export interface LocalDependency {
  readonly name: string;
  /** The version of its folder name (`<name>-<version>`). */
  readonly version: string;
  readonly dir: string;
}

/** Where one operator is installed from, checked against its pin. */
export interface LocalChart {
  readonly operator: OperatorName;
  readonly kind: 'helm' | 'kustomize';
  /** Absolute path of the chart folder (helm) or the kustomize overlay the stack's kustomization builds on. */
  readonly dir: string;
  /** Declared subcharts missing from the chart's own `charts/`, to be copied in (`assembleLocalChart`). */
  readonly dependencies: readonly LocalDependency[];
  /** Documented build-time substitutions the copy still carries (the install proceeds). */
  readonly warnings: readonly string[];
}

/**
 * Where a git copy of an upstream chart differs from the published one because the release build
 * rewrites it (the notes of the vendored charts, ../shared/charts/SOURCES.md, which cite the build
 * scripts named here). `gitVersion`: what the copy's Chart.yaml says; `valuesMarker`: a values.yaml
 * text that only the unsubstituted copy has.
 */
export interface BuildTimeSubstitution {
  readonly chart: string;
  readonly gitVersion?: string;
  /** The pin the `gitVersion` belongs to. @default - any pin */
  readonly pinned?: string;
  readonly valuesMarker?: string;
  readonly note: string;
}

export const BUILD_TIME_SUBSTITUTIONS: readonly BuildTimeSubstitution[] = [
  {
    chart: 'gpu-operator', gitVersion: 'v1.0.0-devel',
    note: 'NVIDIA/gpu-operator keeps the placeholder version v1.0.0-devel / appVersion main-latest in git (deployments/gpu-operator/Chart.yaml) and sets the release tag at packaging; rendered as is, the operator, validator and node-status-exporter images default to the tag main-latest',
  },
  {
    chart: 'karpenter', gitVersion: '1.13.0', pinned: '1.14.1',
    note: 'at tag v1.14.1 charts/karpenter/Chart.yaml still says 1.13.0 and values.yaml pins the 1.13.0 controller image; aws/karpenter-provider-aws hack/release/common.sh sets both when publishing',
  },
  { chart: 'lws', gitVersion: '0.1.0', note: 'kubernetes-sigs/lws charts/lws/Chart.yaml says 0.1.0 in git; hack/push-chart.sh packages it as the release tag (only rendered with dataCache.enabled)' },
  {
    chart: 'kueue', valuesMarker: 'k8s-staging-images',
    note: 'the git values.yaml pulls the staging images (tag release-<minor>, pullPolicy Always); kubernetes-sigs/kueue hack/helm-chart-package.sh sets the promoted repository and the release tag when packaging',
  },
  {
    chart: 'jobset', valuesMarker: 'k8s-staging-images',
    note: 'the git values.yaml pulls the staging image (tag main, pullPolicy Always) and Chart.yaml has no appVersion; kubernetes-sigs/jobset hack/helm-chart-package.sh sets them when packaging',
  },
];

/** The folder of `release` in the charts directory (see the module comment). */
export function localChartDir(chartsDir: string, release: OperatorRelease): string {
  const root = path.resolve(chartsDir);
  return release.source.kind === 'helm'
    ? path.join(root, `${release.source.chart}-${release.source.version}`)
    : path.join(root, `${release.name}-${release.source.version}`, release.source.overlay);
}

/**
 * The local chart of every release, checked: the directory exists, each chart folder exists and its
 * Chart.yaml names the pinned chart and version (a documented substitution warns instead), and every
 * declared subchart is in the chart or beside it. Throws a `StackConfigError` naming `key`, the
 * operator and the path. `standIns` (rendering only, never the stack's installs): operator → a
 * folder of the directory to use instead, its version unchecked but warned. Reads, writes nothing.
 */
export function resolveLocalCharts(
  chartsDir: string, releases: readonly OperatorRelease[], key = 'chartsDir', standIns: Readonly<Partial<Record<OperatorName, string>>> = {},
): LocalChart[] {
  const root = path.resolve(chartsDir);
  if (!isDirectory(root)) {
    throw new StackConfigError(key, chartsDir, `there is no directory ${root}; give a directory holding one <chart>-<version>/ folder per operator chart`);
  }
  return releases.map((release) => {
    const fail = (why: string) => new StackConfigError(key, chartsDir, `operator '${release.name}': ${why}`);
    const standIn = standIns[release.name];
    const dir = standIn === undefined ? localChartDir(root, release) : path.resolve(root, standIn);
    if (release.source.kind === 'kustomize') {
      const tree = path.join(root, `${release.name}-${release.source.version}`);
      if (!fs.existsSync(path.join(dir, 'kustomization.yaml'))) {
        throw fail(`no kustomization.yaml in ${dir}; copy the manifests/ folder of ${release.source.url.replace(/\/tree\/.*$/, '')} at ${release.source.version} to ${tree}`);
      }
      return { operator: release.name, kind: 'kustomize', dir, dependencies: [], warnings: [] };
    }
    const { chart, version } = release.source;
    if (!isDirectory(dir)) throw fail(`no chart folder ${dir}; unpack chart ${chart} ${version} (from ${release.source.repository}) there`);
    const warnings: string[] = [];
    const meta = readChartYaml(dir, fail);
    if (meta.name !== chart) throw fail(`${path.join(dir, 'Chart.yaml')} names chart '${meta.name}', not '${chart}'`);
    if (standIn !== undefined) {
      if (meta.version !== version) warnings.push(`chartsDir: operator '${release.name}' from stand-in ${dir}: chart ${chart} ${meta.version}, not the pinned ${version}`);
    } else if (meta.version !== version) {
      const sub = substitution(chart, meta.version, version);
      if (!sub) throw fail(`${path.join(dir, 'Chart.yaml')} says version ${meta.version}, but the pin is ${version}; use chart ${chart} ${version}`);
      warnings.push(substitutionWarning(release.name, dir, `Chart.yaml says ${meta.version}, not ${version}`, sub));
    }
    warnings.push(...valuesWarnings(release.name, chart, dir));
    const dependencies = (meta.dependencies ?? []).filter((d) => !hasSubchart(dir, d.name)).map((d) => {
      const depDir = findDependency(root, d.name, d.version);
      const where = `${path.join(dir, 'charts')} or ${root} (as ${d.name}-<version>/)`;
      if (!depDir) throw fail(`its chart declares dependency ${d.name} ${d.version}, found in neither ${where}; Helm renders nothing while a declared dependency is missing, enabled or not`);
      const depVersion = path.basename(depDir).slice(d.name.length + 1);
      const depMeta = readChartYaml(depDir, fail);
      if (depMeta.name !== d.name) throw fail(`${path.join(depDir, 'Chart.yaml')} names chart '${depMeta.name}', not '${d.name}'`);
      if (depMeta.version !== depVersion) {
        const sub = substitution(d.name, depMeta.version, depVersion);
        if (!sub) throw fail(`${path.join(depDir, 'Chart.yaml')} says version ${depMeta.version}, not ${depVersion} as its folder name does`);
        warnings.push(substitutionWarning(release.name, depDir, `Chart.yaml says ${depMeta.version}, not ${depVersion}`, sub));
      }
      warnings.push(...valuesWarnings(release.name, d.name, depDir));
      return { name: d.name, version: depVersion, dir: depDir };
    });
    return { operator: release.name, kind: 'helm', dir, dependencies, warnings };
  });
}

/**
 * The folder Helm installs `chart` from: the chart folder itself when it has every subchart, else a
 * copy with the missing ones under `charts/<name>/`, named by the content hash of what it is made of
 * (the same input gives the same path, so the install's `chart` does not change between runs).
 */
export function assembleLocalChart(chart: LocalChart, root: string = path.join(os.tmpdir(), 'mlp-charts')): string {
  if (chart.kind !== 'helm' || chart.dependencies.length === 0) return chart.dir;
  const hash = createHash('sha256');
  hashTree(hash, chart.dir, '');
  for (const d of chart.dependencies) hashTree(hash, d.dir, `charts/${d.name}/`);
  const target = path.join(root, `${path.basename(chart.dir)}-${hash.digest('hex').slice(0, 16)}`);
  if (fs.existsSync(target)) return target;
  const staging = `${target}.${process.pid}.tmp`;
  fs.rmSync(staging, { recursive: true, force: true });
  copyTree(chart.dir, staging);
  for (const d of chart.dependencies) copyTree(d.dir, path.join(staging, 'charts', d.name));
  try {
    fs.renameSync(staging, target);
  } catch (e) {
    // Another run assembled the same content first.
    fs.rmSync(staging, { recursive: true, force: true });
    if (!fs.existsSync(target)) throw e;
  }
  return target;
}

interface ChartMeta {
  readonly name: string;
  readonly version: string;
  readonly dependencies?: readonly { name: string; version: string }[];
}

function readChartYaml(dir: string, fail: (why: string) => Error): ChartMeta {
  const file = path.join(dir, 'Chart.yaml');
  if (!fs.existsSync(file)) {
    const template = fs.existsSync(path.join(dir, 'Chart.template.yaml'));
    // cert-manager's git tree has only Chart.template.yaml; its release build writes Chart.yaml (make/manifests.mk).
    throw fail(`no Chart.yaml in ${dir}${template ? ' (only Chart.template.yaml: a git copy whose release build writes Chart.yaml; use the published chart)' : ''}`);
  }
  const meta = parse(fs.readFileSync(file, 'utf8')) ?? {};
  return {
    name: String(meta.name),
    version: String(meta.version),
    dependencies: Array.isArray(meta.dependencies) ? meta.dependencies.map((d: { name: unknown; version: unknown }) => ({ name: String(d.name), version: String(d.version) })) : [],
  };
}

function substitution(chart: string, found: string, pinned: string): BuildTimeSubstitution | undefined {
  return BUILD_TIME_SUBSTITUTIONS.find((s) => s.chart === chart && s.gitVersion === found && (s.pinned === undefined || s.pinned === pinned));
}

function substitutionWarning(operator: string, dir: string, what: string, sub: BuildTimeSubstitution): string {
  return `chartsDir: operator '${operator}' from ${dir}: ${what}, a documented build-time substitution (${sub.note})`;
}

function valuesWarnings(operator: string, chart: string, dir: string): string[] {
  const file = path.join(dir, 'values.yaml');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  return BUILD_TIME_SUBSTITUTIONS.filter((s) => s.chart === chart && s.valuesMarker && text.includes(s.valuesMarker))
    .map((s) => substitutionWarning(operator, dir, `values.yaml has '${s.valuesMarker}'`, s));
}

/** A subchart Helm finds: `charts/<name>/` or a packaged `charts/<name>-<version>.tgz`. */
function hasSubchart(dir: string, name: string): boolean {
  const charts = path.join(dir, 'charts');
  if (fs.existsSync(path.join(charts, name, 'Chart.yaml'))) return true;
  return isDirectory(charts) && fs.readdirSync(charts).some((f) => f.endsWith('.tgz') && f.startsWith(`${name}-`) && /^\d/.test(f.slice(name.length + 1)));
}

/** `<root>/<name>-<version>` for an exact version, or the newest folder matching a wildcard (`0.12.*`, `1.x`). */
function findDependency(root: string, name: string, constraint: string): string | undefined {
  const exact = path.join(root, `${name}-${constraint}`);
  if (isDirectory(exact)) return exact;
  if (!/^[\d.]*(\.[*xX])+$|^[*xX]$/.test(constraint)) return undefined;
  const pattern = new RegExp(`^${constraint.replace(/\./g, '\\.').replace(/[*xX]/g, '\\d+')}$`);
  const versions = fs.readdirSync(root)
    .filter((f) => f.startsWith(`${name}-`) && pattern.test(f.slice(name.length + 1)) && isDirectory(path.join(root, f)))
    .map((f) => f.slice(name.length + 1))
    .sort((a, b) => compareVersions(b, a));
  return versions.length ? path.join(root, `${name}-${versions[0]}`) : undefined;
}

function compareVersions(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function isDirectory(p: string): boolean {
  return fs.existsSync(p) && fs.statSync(p).isDirectory();
}

/** Relative path + content of every file (symlinks by target), in a stable order. */
function hashTree(hash: Hash, dir: string, prefix: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    const rel = `${prefix}${entry.name}`;
    if (entry.isSymbolicLink()) hash.update(`l\0${rel}\0${fs.readlinkSync(full)}\0`);
    else if (entry.isDirectory()) hashTree(hash, full, `${rel}/`);
    else hash.update(`f\0${rel}\0`).update(fs.readFileSync(full)).update('\0');
  }
}

/** Copies a tree writable by its owner (the source may be read-only); symlinks are kept as links. */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(to, { recursive: true, mode: 0o755 });
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dest = path.join(to, entry.name);
    if (entry.isSymbolicLink()) fs.symlinkSync(fs.readlinkSync(src), dest);
    else if (entry.isDirectory()) copyTree(src, dest);
    else {
      fs.copyFileSync(src, dest);
      fs.chmodSync(dest, 0o644);
    }
  }
}
