import { Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { cpuPool } from './fixtures';
import { COSCHEDULING_GROUP_LABEL, CoschedulingPodGroup } from '../../../constructs/operations/coscheduling-pod-group';
import { GangSchedulerName } from '../../../constructs/operations/gang-scheduling';
import { byKindName, synth, testChart } from '../../helpers';

describe('CoschedulingPodGroup', () => {
  test('default output: 5-minute timeout, pods join by label', () => {
    const chart = testChart('team-b');
    const pg = new CoschedulingPodGroup(chart, 'gang', { minMember: 3 });
    const obj = byKindName(synth(chart), 'PodGroup', 'gang');
    expect(obj).toMatchSnapshot();
    expect(obj.apiVersion).toBe('scheduling.x-k8s.io/v1alpha1');
    expect(obj.spec).toEqual({ minMember: 3, scheduleTimeoutSeconds: Duration.minutes(5).toSeconds() });
    expect(pg.podLabels()).toEqual({ [COSCHEDULING_GROUP_LABEL]: 'gang' });
    expect(pg.schedulerName).toBe(GangSchedulerName.SCHEDULER_PLUGINS);
  });

  test('minResources derives from the member resources; CPU-only gangs omit GPUs', () => {
    const chart = testChart('team-b');
    new CoschedulingPodGroup(chart, 'gang', { minMember: 3, scheduleTimeout: Duration.minutes(2), memberResources: { pool: cpuPool, resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) } } });
    const spec = byKindName(synth(chart), 'PodGroup', 'gang').spec;
    expect(spec.minResources).toEqual({ cpu: '6', memory: '24Gi' });
    expect(spec.scheduleTimeoutSeconds).toBe(120);
  });

  test('fails when the timeout is below one second', () => {
    expect(() => new CoschedulingPodGroup(testChart('n'), 'gang', { minMember: 2, scheduleTimeout: Duration.millis(10) })).toThrow(/'test\/gang': prop 'scheduleTimeout' is '0.01s'; use a whole number of seconds >= 1/);
  });

  test('fails when the name is invalid', () => {
    expect(() => new CoschedulingPodGroup(testChart('n'), 'gang', { name: 'Gang_1', minMember: 2 })).toThrow(/prop 'name' is 'Gang_1'/);
  });
});
