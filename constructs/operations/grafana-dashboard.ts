import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { arrayOf, oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';

/** Unit of a panel's values (Grafana unit ids). */
export enum PanelUnit {
  PERCENT = 'percent',
  PERCENT_UNIT = 'percentunit',
  MILLISECONDS = 'ms',
  COUNT = 'short',
  /** Mebibytes (DCGM's framebuffer metrics are in MiB). */
  MEBIBYTES = 'mbytes',
}

/** One time-series panel: a PromQL query and how to show it. */
export interface DashboardPanel {
  readonly title: string;
  readonly expr: string;
  /** Legend, e.g. `{{namespace}}`. */
  readonly legend: string;
  readonly unit: PanelUnit;
  /** @default - none */
  readonly description?: string;
}

/** Properties for `GrafanaDashboard`. */
export interface GrafanaDashboardProps {
  /** Dashboard uid (stable URL) and ConfigMap name. */
  readonly uid: string;
  readonly title: string;
  readonly panels: readonly DashboardPanel[];
  /**
   * Grafana folder (the sidecar's `grafana_folder` annotation).
   * @default - the sidecar's default folder
   */
  readonly folder?: string;
}

/** Label the Grafana dashboard sidecar (kube-prometheus-stack) watches ConfigMaps for. */
export const DASHBOARD_SIDECAR_LABEL = 'grafana_dashboard';
/** Grafana's reference to the dashboard's datasource variable (Grafana syntax, not a JS template). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana variable syntax
export const DATASOURCE_VARIABLE = '${datasource}';
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/**
 * A Grafana dashboard provisioned as a ConfigMap the Grafana sidecar picks up
 * (`grafana_dashboard: "1"`). Panels are typed; the JSON model is rendered here, two panels per
 * row, with a Prometheus datasource variable so the dashboard works with any datasource name.
 * @see https://grafana.com/docs/grafana/latest/dashboards/build-dashboards/view-dashboard-json-model/
 */
export class GrafanaDashboard extends Construct {
  public readonly uid: string;
  public readonly configMapName: string;
  /** The dashboard JSON model. */
  public readonly model: Record<string, unknown>;

  constructor(scope: Construct, id: string, props: GrafanaDashboardProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.uid = validateName(this, 'uid', props.uid, NameRule.DNS_LABEL);
    this.configMapName = `${this.uid}-dashboard`;
    if (props.panels.length === 0) throw propError(this, 'panels', '[]', 'give the dashboard at least one panel');
    const titles = new Set<string>();
    for (const p of props.panels) {
      if (titles.has(p.title)) throw propError(this, 'panels', p.title, 'two panels share this title; titles must be unique');
      titles.add(p.title);
    }
    const datasource = { type: 'prometheus', uid: DATASOURCE_VARIABLE };
    this.model = {
      uid: this.uid,
      title: props.title,
      tags: ['ml-platform'],
      editable: false,
      schemaVersion: 39,
      time: { from: 'now-6h', to: 'now' },
      refresh: '1m',
      templating: { list: [{ name: 'datasource', type: 'datasource', query: 'prometheus', label: 'Data source' }] },
      panels: props.panels.map((p, i) => ({
        id: i + 1,
        type: 'timeseries',
        title: p.title,
        description: p.description,
        datasource,
        gridPos: { x: (i % 2) * PANEL_WIDTH, y: Math.floor(i / 2) * PANEL_HEIGHT, w: PANEL_WIDTH, h: PANEL_HEIGHT },
        fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
        targets: [{ refId: 'A', datasource, expr: p.expr, legendFormat: p.legend }],
      })),
    };
    new k8s.KubeConfigMap(this, 'Resource', {
      metadata: {
        name: this.configMapName,
        labels: { [DASHBOARD_SIDECAR_LABEL]: '1' },
        annotations: props.folder ? { grafana_folder: props.folder } : undefined,
      },
      data: { [`${this.uid}.json`]: JSON.stringify(this.model, undefined, 2) },
    });
  }
}

const PROP_CHECKS: PropChecks<GrafanaDashboardProps> = {
  uid: 'string',
  title: 'string',
  panels: arrayOf(shape<DashboardPanel>({
    title: 'string', expr: 'string', legend: 'string', unit: oneOf(PanelUnit, 'PanelUnit'), description: optional('string'),
  }, 'a panel ({ title, expr, legend, unit, description })')),
  folder: optional('string'),
};
