import { cohortChart, twoPoolQuota } from './fixtures';
import { KueueClusterQueue } from '../../../constructs/operations/cluster-queue';
import { KueueLocalQueue } from '../../../constructs/operations/local-queue';
import { ILocalQueue, KUEUE_QUEUE_LABEL } from '../../../constructs/core/scheduling';
import { byKindName, synth } from '../../helpers';

describe('KueueLocalQueue', () => {
  test('points at its ClusterQueue object and yields the queue-name label', () => {
    const { chart, cohort } = cohortChart();
    const cq = new KueueClusterQueue(chart, 'research', { cohort, quotas: twoPoolQuota(2, 1), namespaces: ['team-research'] });
    const queue: ILocalQueue = new KueueLocalQueue(chart, 'default', { namespace: 'team-research', clusterQueue: cq });
    const lq = byKindName(synth(chart), 'LocalQueue', 'default');
    expect(lq).toMatchSnapshot();
    expect(lq.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
    expect(lq.metadata.namespace).toBe(queue.namespace);
    expect(lq.spec.clusterQueue).toBe(cq.name);
    expect((queue as KueueLocalQueue).queueLabel()).toEqual({ [KUEUE_QUEUE_LABEL]: 'default' });
  });

  test('fromName refers to a queue managed elsewhere', () => {
    expect(KueueLocalQueue.fromName('q', 'ns')).toEqual({ name: 'q', namespace: 'ns' });
  });

  test('fails when the namespace is invalid', () => {
    const { chart, cohort } = cohortChart();
    const cq = new KueueClusterQueue(chart, 'cq', { cohort, quotas: twoPoolQuota(1, 0), namespaces: ['n'] });
    expect(() => new KueueLocalQueue(chart, 'q', { namespace: 'Bad NS', clusterQueue: cq })).toThrow(/'test\/q': prop 'namespace' is 'Bad NS'/);
  });
});
