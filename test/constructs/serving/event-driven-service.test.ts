import { ApiObject, Duration } from 'cdk8s';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { DisruptionBudget } from '../../../constructs/serving/disruption-budget';
import { EventDrivenModelService } from '../../../constructs/serving/event-driven-service';
import { ScaleTrigger } from '../../../constructs/serving/scale-trigger';
import { byKindName, ofKind, synth, testChart } from '../../helpers';
import { formatViolations, validateObjects } from '../../validation/validator';

const pool = NodePool.cpu({ name: 'cpu' });
const container = { image: ContainerImage.of('tensorflow/serving:2.6.2') };
const trigger = ScaleTrigger.redisListLength({ address: 'redis.queue.svc:6379', listName: 'requests', listLength: 5 });

describe('EventDrivenModelService', () => {
  test('default output: Deployment without replicas, Service, ScaledObject 0..10, no PDB', () => {
    const chart = testChart('serve');
    const svc = new EventDrivenModelService(chart, 'worker', { container, pool, trigger });
    const objects = synth(chart);
    expect(objects).toMatchSnapshot();
    expect(ApiObject.of(svc).kind).toBe('Deployment');
    expect(byKindName(objects, 'Deployment', 'worker').spec.replicas).toBeUndefined();
    const so = byKindName(objects, 'ScaledObject', 'worker');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.spec).toMatchObject({ minReplicaCount: 0, maxReplicaCount: 10, cooldownPeriod: 300, pollingInterval: 30, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'worker' } });
    expect(so.spec.triggers).toEqual([{ type: 'redis', metadata: { address: 'redis.queue.svc:6379', listName: 'requests', listLength: '5', activationListLength: '0' } }]);
    expect(ofKind(objects, 'PodDisruptionBudget')).toEqual([]);
    expect(formatViolations(validateObjects('event-driven', objects))).toBe('');
  });

  test('Prometheus trigger, replicas, cooldown and polling reach the ScaledObject', () => {
    const chart = testChart();
    new EventDrivenModelService(chart, 'w', {
      container, pool, minReplicas: 1, maxReplicas: 4, cooldown: Duration.minutes(1), pollingInterval: Duration.seconds(15),
      trigger: ScaleTrigger.prometheus({ serverAddress: 'http://prom:9090', query: 'sum(queue_depth)', threshold: 10, activationThreshold: 2 }),
    });
    const objects = synth(chart);
    const so = byKindName(objects, 'ScaledObject', 'w').spec;
    expect(so).toMatchObject({ minReplicaCount: 1, maxReplicaCount: 4, cooldownPeriod: 60, pollingInterval: 15 });
    expect(so.triggers[0]).toEqual({ type: 'prometheus', metadata: { serverAddress: 'http://prom:9090', query: 'sum(queue_depth)', threshold: '10', activationThreshold: '2' } });
    // Not scaling to zero: a PDB keeps drains to one pod at a time.
    expect(byKindName(objects, 'PodDisruptionBudget', 'w').spec.maxUnavailable).toBe(1);
  });

  test('priority class is set by object', () => {
    const chart = testChart();
    new EventDrivenModelService(chart, 'w', { container, pool, trigger, priorityClass: SchedulingRefs.priorityClass('serving', 10) });
    expect(byKindName(synth(chart), 'Deployment', 'w').spec.template.spec.priorityClassName).toBe('serving');
  });

  test('fails when scale to zero is combined with a PDB that would block it', () => {
    expect(() => new EventDrivenModelService(testChart(), 'w', { container, pool, trigger, disruptionBudget: DisruptionBudget.minAvailable(1) }))
      .toThrow(/'test\/w': prop 'disruptionBudget' is 'minAvailable 1'; it would block scale to zero/);
  });

  test('fails when minReplicas exceeds maxReplicas', () => {
    expect(() => new EventDrivenModelService(testChart(), 'w', { container, pool, trigger, minReplicas: 5, maxReplicas: 3 })).toThrow(/prop 'minReplicas' is 5; it exceeds maxReplicas 3/);
  });

  test('fails when cooldown is below one second', () => {
    expect(() => new EventDrivenModelService(testChart(), 'w', { container, pool, trigger, cooldown: Duration.millis(500) })).toThrow(/prop 'cooldown' is '0.5s'/);
  });

  test('fails when pollingInterval is zero', () => {
    expect(() => new EventDrivenModelService(testChart(), 'w', { container, pool, trigger, pollingInterval: Duration.seconds(0) })).toThrow(/prop 'pollingInterval' is '0s'/);
  });
});
