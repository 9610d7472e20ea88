import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { DisruptionBudget } from '../../../constructs/serving/disruption-budget';

describe('DisruptionBudget', () => {
  test('maxUnavailable and minAvailable render into the PDB spec', () => {
    expect(k8s.toJson_PodDisruptionBudgetSpec(DisruptionBudget.maxUnavailable(2).toSpec({ app: 'a' }))).toEqual({ selector: { matchLabels: { app: 'a' } }, maxUnavailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(DisruptionBudget.minAvailable(1).toSpec({ app: 'a' }).minAvailable?.value).toBe(1);
  });

  test('maxUnavailable is compatible with scale to zero', () => {
    expect(() => DisruptionBudget.maxUnavailable(1).check('o', 0)).not.toThrow();
  });

  test('fails when a minAvailable budget meets scale to zero', () => {
    expect(() => DisruptionBudget.minAvailable(1).check('chart/s', 0)).toThrow(/'chart\/s': prop 'disruptionBudget' is 'minAvailable 1'; it would block scale to zero/);
  });

  test('fails when minAvailable is not below minReplicas', () => {
    expect(() => DisruptionBudget.minAvailable(3).check('o', 3)).toThrow(/with minReplicas 3 no pod could ever be evicted/);
  });

  test('fails when the count is 0', () => {
    expect(() => DisruptionBudget.maxUnavailable(0)).toThrow(/prop 'count' is 0; use an integer >= 1/);
  });
});
