import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { RendezvousBackend, renderElasticPolicy } from '../../../constructs/training/elastic-policy';

describe('renderElasticPolicy', () => {
  test.each([
    ['defaults', { minReplicas: 1, maxReplicas: 4 }, 2, { minReplicas: 1, maxReplicas: 4, rdzvBackend: 'c10d', maxRestarts: 3 }],
    ['min = max = workers', { minReplicas: 3, maxReplicas: 3 }, 3, { minReplicas: 3, maxReplicas: 3, rdzvBackend: 'c10d', maxRestarts: 3 }],
    ['etcd-v2, no restarts', { minReplicas: 2, maxReplicas: 8, rendezvousBackend: RendezvousBackend.ETCD_V2, maxRestarts: 0 }, 8, { minReplicas: 2, maxReplicas: 8, rdzvBackend: 'etcd-v2', maxRestarts: 0 }],
  ])('%s', (_name, options, workers, expected) => {
    expect(JSON.parse(JSON.stringify(renderElasticPolicy('x', options, workers)))).toEqual(expected);
  });

  test('metrics are rendered as autoscaling/v2 MetricSpecs', () => {
    const out = renderElasticPolicy('x', {
      minReplicas: 1,
      maxReplicas: 2,
      metrics: [{ type: 'Pods', pods: { metric: { name: 'samples_per_second' }, target: { type: 'AverageValue', averageValue: k8s.Quantity.fromString('100') } } }],
    }, 1);
    expect((out.metrics as unknown[])[0]).toMatchObject({ type: 'Pods', pods: { metric: { name: 'samples_per_second' }, target: { type: 'AverageValue', averageValue: '100' } } });
  });

  test('fails when min exceeds max', () => {
    expect(() => renderElasticPolicy('job', { minReplicas: 3, maxReplicas: 1 }, 2)).toThrow(/prop 'elastic.minReplicas' is 3; it exceeds elastic.maxReplicas 1/);
  });
  test('fails when minReplicas is zero', () => {
    expect(() => renderElasticPolicy('job', { minReplicas: 0, maxReplicas: 1 }, 1)).toThrow(/prop 'elastic.minReplicas' is 0; use an integer >= 1/);
  });
  test('fails when workers fall outside min..max', () => {
    expect(() => renderElasticPolicy('job', { minReplicas: 2, maxReplicas: 3 }, 1)).toThrow(/prop 'workers' is 1; .*use a value from 2 to 3/);
  });
});
