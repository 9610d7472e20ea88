import { VolcanoQueue } from '../../../constructs/operations/volcano-queue';
import { IVolcanoQueue } from '../../../constructs/core/scheduling';
import { byKindName, synth, testChart } from '../../helpers';

describe('VolcanoQueue', () => {
  test('default output: weight 1, reclaimable, cluster-scoped', () => {
    const chart = testChart('ns');
    const q: IVolcanoQueue = new VolcanoQueue(chart, 'research');
    const obj = byKindName(synth(chart), 'Queue', q.name);
    expect(obj).toMatchSnapshot();
    expect(obj.apiVersion).toBe('scheduling.volcano.sh/v1beta1');
    expect(obj.metadata.namespace).toBeUndefined();
    expect(obj.spec).toEqual({ weight: 1, reclaimable: true });
  });

  test('capability and deserved render as quantities', () => {
    const chart = testChart();
    new VolcanoQueue(chart, 'q', { weight: 2, reclaimable: false, capability: { cpuMillis: 2500, memoryMebibytes: 512, gpus: 1 }, deserved: { cpuMillis: 1000, memoryMebibytes: 2048, gpus: 0 } });
    expect(byKindName(synth(chart), 'Queue', 'q').spec).toEqual({
      weight: 2, reclaimable: false,
      capability: { cpu: '2500m', memory: '512Mi', 'nvidia.com/gpu': '1' },
      deserved: { cpu: '1', memory: '2Gi', 'nvidia.com/gpu': '0' },
    });
  });

  test('fromName refers to a queue managed elsewhere', () => {
    expect(VolcanoQueue.fromName('default')).toEqual({ name: 'default' });
  });

  test('fails when the weight is 0', () => {
    expect(() => new VolcanoQueue(testChart(), 'q', { weight: 0 })).toThrow(/'test\/q': prop 'weight' is 0; use an integer from 1 to 65535/);
  });
});
