import { DATASOURCE_VARIABLE, GrafanaDashboard, PanelUnit } from '../../../constructs/operations/grafana-dashboard';
import { byKindName, synth, testChart } from '../../helpers';

const panel = (title: string) => ({ title, expr: 'up', legend: '{{job}}', unit: PanelUnit.COUNT });

describe('GrafanaDashboard', () => {
  test('default output', () => {
    const chart = testChart('ops');
    const d = new GrafanaDashboard(chart, 'd', { uid: 'jobs', title: 'Jobs', panels: [panel('Up')] });
    const cm = byKindName(synth(chart), 'ConfigMap', d.configMapName);
    expect(cm).toMatchSnapshot();
    expect(JSON.parse(cm.data['jobs.json'])).toEqual(d.model);
    expect(cm.metadata.annotations).toBeUndefined();
  });

  test('panels get a datasource variable, units and a two-column grid', () => {
    const chart = testChart('ops');
    const d = new GrafanaDashboard(chart, 'd', { uid: 'jobs', title: 'Jobs', folder: 'ML', panels: [panel('A'), panel('B'), panel('C')] });
    const panels = d.model.panels as any[];
    expect(panels.map((p) => [p.gridPos.x, p.gridPos.y])).toEqual([[0, 0], [12, 0], [0, 8]]);
    expect(panels[0].targets[0]).toEqual({ refId: 'A', datasource: { type: 'prometheus', uid: DATASOURCE_VARIABLE }, expr: 'up', legendFormat: '{{job}}' });
    expect(panels[0].fieldConfig.defaults.unit).toBe('short');
    expect(byKindName(synth(chart), 'ConfigMap', 'jobs-dashboard').metadata.annotations).toEqual({ grafana_folder: 'ML' });
  });

  test('fails when two panels share a title', () => {
    expect(() => new GrafanaDashboard(testChart(), 'd', { uid: 'x', title: 'X', panels: [panel('A'), panel('A')] })).toThrow(/'test\/d': prop 'panels' is 'A'; two panels share this title/);
  });

  test('fails when the uid is not a DNS label', () => {
    expect(() => new GrafanaDashboard(testChart(), 'd', { uid: 'ML Platform', title: 'X', panels: [panel('A')] })).toThrow(/prop 'uid' is 'ML Platform'/);
  });
});
