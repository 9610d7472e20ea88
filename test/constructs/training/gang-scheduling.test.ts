import { Duration } from 'cdk8s';
import { KUEUE_PRIORITY_LABEL, KUEUE_QUEUE_LABEL, SchedulingRefs } from '../../../constructs/core/scheduling';
import { COSCHEDULING_SCHEDULER_NAME, GangScheduler, GangScheduling } from '../../../constructs/training/gang-scheduling';

describe('GangScheduling', () => {
  test.each([
    ['volcano()', GangScheduling.volcano(), GangScheduler.VOLCANO, 'volcano', { schedulingPolicy: { minAvailable: 4 } }],
    ['volcano(queue, priority)', GangScheduling.volcano({ queue: SchedulingRefs.volcanoQueue('q'), priorityClass: SchedulingRefs.priorityClass('p', 1) }), GangScheduler.VOLCANO, 'volcano',
      { schedulingPolicy: { minAvailable: 4, queue: 'q', priorityClass: 'p' } }],
    ['coscheduling()', GangScheduling.coscheduling(), GangScheduler.COSCHEDULING, COSCHEDULING_SCHEDULER_NAME, { schedulingPolicy: { minAvailable: 4 } }],
    ['coscheduling(timeout, scheduler)', GangScheduling.coscheduling({ scheduleTimeout: Duration.minutes(2), schedulerName: 'gang' }), GangScheduler.COSCHEDULING, 'gang',
      { schedulingPolicy: { minAvailable: 4, scheduleTimeoutSeconds: 120 } }],
    ['kueue(queue)', GangScheduling.kueue({ queue: SchedulingRefs.localQueue('lq', 'ns') }), GangScheduler.KUEUE, undefined, { suspend: true }],
  ])('%s', (_name, gang, scheduler, schedulerName, runPolicy) => {
    expect(gang.scheduler).toBe(scheduler);
    expect(gang.schedulerName).toBe(schedulerName);
    // undefined fields are dropped at synth; compare what is defined
    expect(JSON.parse(JSON.stringify(gang.runPolicy(4)))).toEqual(runPolicy);
  });

  test('coscheduling priority goes to pods only (scheduler-plugins PodGroups have no priority)', () => {
    const gang = GangScheduling.coscheduling({ priorityClass: SchedulingRefs.priorityClass('p', 1) });
    expect(gang.podPriorityClass?.name).toBe('p');
    expect(gang.runPolicy(2).schedulingPolicy?.priorityClass).toBeUndefined();
  });

  test('Kueue labels come from the LocalQueue and WorkloadPriorityClass objects', () => {
    const gang = GangScheduling.kueue({ queue: SchedulingRefs.localQueue('lq', 'ns'), priorityClass: SchedulingRefs.workloadPriorityClass('hi', 9) });
    expect(gang.jobLabels()).toEqual({ [KUEUE_QUEUE_LABEL]: 'lq', [KUEUE_PRIORITY_LABEL]: 'hi' });
    expect(GangScheduling.volcano().jobLabels()).toEqual({});
  });

  test('the Kueue namespace check accepts the queue\'s namespace', () => {
    const gang = GangScheduling.kueue({ queue: SchedulingRefs.localQueue('lq', 'default') });
    expect(() => gang.checkNamespace('x', undefined)).not.toThrow();
    expect(() => GangScheduling.volcano().checkNamespace('x', 'any')).not.toThrow();
  });

  test('fails when the Kueue queue is in another namespace', () => {
    expect(() => GangScheduling.kueue({ queue: SchedulingRefs.localQueue('lq', 'a') }).checkNamespace('chart/job', 'b'))
      .toThrow(/'chart\/job': prop 'scheduling' is 'kueue:a\/lq'; the LocalQueue is in namespace 'a' but the job is in 'b'/);
  });

  test('fails when the coscheduling timeout is below one second', () => {
    expect(() => GangScheduling.coscheduling({ scheduleTimeout: Duration.millis(500) }))
      .toThrow(/GangScheduling 'coscheduling': prop 'scheduleTimeout' is '0.5s'; use a whole number of seconds >= 1/);
  });

  test.each(['volcano', 'default-scheduler', ''])('fails when the coscheduling scheduler is %p', (schedulerName) => {
    expect(() => GangScheduling.coscheduling({ schedulerName })).toThrow(new RegExp(`prop 'schedulerName' is '${schedulerName}'; name the scheduler that runs the coscheduling plugin`));
  });
});
