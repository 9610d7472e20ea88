import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { cpuPool, gpuPool } from './fixtures';
import { GangSchedulerName } from '../../../constructs/operations/gang-scheduling';
import { PodPriorityClass } from '../../../constructs/operations/priority-class';
import { VOLCANO_GROUP_ANNOTATION, VolcanoPodGroup } from '../../../constructs/operations/volcano-pod-group';
import { VolcanoQueue } from '../../../constructs/operations/volcano-queue';
import { byKindName, synth, testChart } from '../../helpers';

describe('VolcanoPodGroup', () => {
  test('default output: queue by object, namespace from the chart', () => {
    const chart = testChart('team-a');
    const queue = new VolcanoQueue(chart, 'team-a-queue');
    const pg = new VolcanoPodGroup(chart, 'gang', { queue, minMember: 3 });
    const obj = byKindName(synth(chart), 'PodGroup', 'gang');
    expect(obj).toMatchSnapshot();
    expect(obj.apiVersion).toBe('scheduling.volcano.sh/v1beta1');
    expect(obj.metadata.namespace).toBe('team-a');
    expect(obj.spec).toEqual({ minMember: 3, queue: queue.name });
    expect(pg.schedulerName).toBe(GangSchedulerName.VOLCANO);
    expect(pg.podAnnotations()).toEqual({ [VOLCANO_GROUP_ANNOTATION]: 'gang' });
    expect(pg.podLabels()).toEqual({});
  });

  test('minResources = minMember x one member, GPUs included', () => {
    const chart = testChart('team-a');
    new VolcanoPodGroup(chart, 'gang', {
      queue: VolcanoQueue.fromName('q'),
      priorityClass: PodPriorityClass.fromName('training-high', 100000),
      minMember: 4,
      memberResources: { pool: gpuPool, gpus: 1, resources: { cpu: Cpu.millis(1500), memory: Size.gibibytes(6) } },
    });
    const spec = byKindName(synth(chart), 'PodGroup', 'gang').spec;
    expect(spec.minResources).toEqual({ cpu: '6', memory: '24Gi', 'nvidia.com/gpu': '4' });
    expect(spec.priorityClassName).toBe('training-high');
  });

  test('fails when a member asks for more GPUs than a node of the pool has', () => {
    expect(() => new VolcanoPodGroup(testChart('n'), 'gang', { queue: VolcanoQueue.fromName('q'), minMember: 2, memberResources: { pool: gpuPool, gpus: 2 } }))
      .toThrow(/'test\/gang': prop 'memberResources.gpus' is 2; pool 'gpu-l4' has 1 GPUs per node/);
  });

  test('fails when a member asks for GPUs on a CPU pool', () => {
    expect(() => new VolcanoPodGroup(testChart('n'), 'gang', { queue: VolcanoQueue.fromName('q'), minMember: 2, memberResources: { pool: cpuPool, gpus: 1 } }))
      .toThrow(/prop 'memberResources.gpus' is 1; pool 'cpu' has no GPUs/);
  });

  test('fails when minMember is 0', () => {
    expect(() => new VolcanoPodGroup(testChart('n'), 'gang', { queue: VolcanoQueue.fromName('q'), minMember: 0 })).toThrow(/prop 'minMember' is 0; use an integer from 1 to 10000/);
  });
});
