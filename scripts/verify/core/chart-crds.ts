// CRDs the pinned operators' charts ship, for the kinds the shared CRD set lacks (Kueue's Topology,
// Cohort, AdmissionCheck, ProvisioningRequestConfig, ...): the schema rung (test/validation) and
// verify:apiserver read them like the shared ones, so an object of such a kind is checked, not
// reported as unknown. Only the chart folders of the pinned releases count
// (`<chartsDir>/<chart>-<version>/`: `crds/`, `templates/crd/`, `templates/crds/`, `templates/crd-*.yaml`).
// No Helm runs here: a template's comments and its lines that hold nothing but template actions are
// dropped, and any other `{{ ... }}` becomes `helm-template`. In the charts read today that touches
// only metadata (labels, cert-manager annotations) and conversion-webhook service names, never a
// schema; verify:cluster installs the same CRDs as Helm renders them.

import fs from 'node:fs';
import path from 'node:path';
import { KUBERNETES_MINOR } from '../../../constructs/core/versions';
import { releasesFor } from '../../../stacks/operators/versions';

/** One CRD document of a pinned chart, as the loaders read it. */
export interface ChartCrd {
  /** The chart file it comes from (for messages). */
  readonly file: string;
  /** The pinned chart, `<chart>-<version>`. */
  readonly chart: string;
  /** The document's text with its templating removed (see the module comment). */
  readonly text: string;
}

/** Template comments (`{{/* ... *\/}}`, `{{- /* ... *\/ -}}`), possibly over several lines. */
const TEMPLATE_COMMENT = /\{\{-?\s*\/\*[\s\S]*?\*\/\s*-?\}\}/g;
/** A line holding only template actions (`{{- if ... }}`, `{{- include ... | nindent 4 }}`). */
const ACTION_LINE = /^[ \t]*(\{\{[^}]*\}\}[ \t]*)+$/;
const ACTION = /\{\{[^}]*\}\}/g;

/** A chart file's text without its templating: comments and action-only lines dropped, other actions `helm-template`. */
export function untemplated(text: string): string {
  return text.replace(TEMPLATE_COMMENT, '').split('\n').filter((l) => !ACTION_LINE.test(l)).join('\n').replace(ACTION, 'helm-template');
}

/** The CRD files of one chart folder, in a stable order. */
function crdFilesOf(dir: string): string[] {
  const yaml = (d: string, test: (f: string) => boolean = () => true) => (fs.existsSync(d) && fs.statSync(d).isDirectory()
    ? fs.readdirSync(d).filter((f) => /\.ya?ml$/.test(f) && test(f)).sort().map((f) => path.join(d, f))
    : []);
  return [...yaml(path.join(dir, 'crds')), ...yaml(path.join(dir, 'templates', 'crd')), ...yaml(path.join(dir, 'templates', 'crds')), ...yaml(path.join(dir, 'templates'), (f) => f.startsWith('crd-'))];
}

/**
 * Every CRD document of the pinned Helm charts found in `chartsDir` (charts not there are skipped:
 * the shared set may still have their kinds). Reads the files; parses nothing.
 */
export function pinnedChartCrds(chartsDir: string, kubernetesMinor = KUBERNETES_MINOR): ChartCrd[] {
  const charts = new Set<string>();
  for (const release of Object.values(releasesFor(kubernetesMinor))) {
    if (release.source.kind === 'helm') charts.add(`${release.source.chart}-${release.source.version}`);
  }
  const out: ChartCrd[] = [];
  for (const chart of [...charts].sort()) {
    for (const file of crdFilesOf(path.join(chartsDir, chart))) {
      for (const doc of untemplated(fs.readFileSync(file, 'utf8')).split(/^---[ \t]*$/m)) {
        if (/^kind:[ \t]*CustomResourceDefinition[ \t]*$/m.test(doc)) out.push({ file, chart, text: doc });
      }
    }
  }
  return out;
}

/** The charts directory next to a CRD directory (`../shared/crds` → `../shared/charts`), or `MLP_CHARTS_DIR`. */
export function chartsDirBeside(crdsDir: string): string {
  return process.env.MLP_CHARTS_DIR ? path.resolve(process.env.MLP_CHARTS_DIR) : path.join(path.dirname(crdsDir), 'charts');
}
