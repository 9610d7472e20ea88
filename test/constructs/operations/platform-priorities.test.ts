import { PlatformPriorities } from '../../../constructs/operations/platform-priorities';
import { PodPriorityClass } from '../../../constructs/operations/priority-class';
import { PodPreemption, PriorityTier } from '../../../constructs/operations/priority-tier';
import { KueueWorkloadPriorityClass } from '../../../constructs/operations/workload-priority-class';
import { IPriorityClass, IWorkloadPriorityClass, KUEUE_PRIORITY_LABEL } from '../../../constructs/core/scheduling';
import { byKindName, ofKind, synth, testChart } from '../../helpers';

describe('PlatformPriorities', () => {
  test('default output: one PriorityClass and one WorkloadPriorityClass per preset tier', () => {
    const chart = testChart();
    new PlatformPriorities(chart, 'p');
    const objects = synth(chart);
    expect(objects).toMatchSnapshot();
    expect(ofKind(objects, 'PriorityClass').map((o) => o.metadata.name)).toEqual(PriorityTier.presets().map((t) => t.name));
    expect(ofKind(objects, 'WorkloadPriorityClass').map((o) => o.metadata.name)).toEqual(PriorityTier.presets().map((t) => t.name));
  });

  test.each(PriorityTier.presets().map((t) => [t.name, t] as const))('%s: both classes share name and value', (name, tier) => {
    const chart = testChart();
    const ladder = new PlatformPriorities(chart, 'p');
    const objects = synth(chart);
    const pc = byKindName(objects, 'PriorityClass', name);
    const wpc = byKindName(objects, 'WorkloadPriorityClass', name);
    expect([pc.value, wpc.value]).toEqual([tier.value, tier.value]);
    expect(pc.preemptionPolicy).toBe(tier.preemption);
    expect(pc.globalDefault).toBe(false);
    expect(wpc.apiVersion).toBe('kueue.x-k8s.io/v1beta2');
    const ref: IPriorityClass = ladder.priorityClass(tier);
    const wref: IWorkloadPriorityClass = ladder.workloadPriorityClass(tier);
    expect([ref.name, ref.value, wref.name, wref.value]).toEqual([name, tier.value, name, tier.value]);
  });

  test('the ladder orders serving over training over batch, and batch never preempts', () => {
    const [serving, training, batch] = [PriorityTier.SERVING_CRITICAL, PriorityTier.TRAINING_HIGH, PriorityTier.BATCH_LOW];
    expect(serving.value).toBeGreaterThan(training.value);
    expect(training.value).toBeGreaterThan(batch.value);
    expect(batch.preemption).toBe(PodPreemption.NEVER);
  });

  test('the workload priority class yields the Kueue priority label', () => {
    const chart = testChart();
    const ladder = new PlatformPriorities(chart, 'p');
    expect(ladder.workloadPriorityClass(PriorityTier.BATCH_LOW).priorityLabel()).toEqual({ [KUEUE_PRIORITY_LABEL]: 'batch-low' });
  });

  test('custom tiers and imported classes', () => {
    const chart = testChart();
    const nightly = PriorityTier.custom('nightly-eval', 500, PodPreemption.NEVER, 'Nightly evaluation');
    const ladder = new PlatformPriorities(chart, 'p', { tiers: [nightly] });
    expect(byKindName(synth(chart), 'PriorityClass', 'nightly-eval').value).toBe(500);
    expect(ladder.tiers).toEqual([nightly]);
    expect(PodPriorityClass.fromName('x', 5)).toEqual({ name: 'x', value: 5 });
    expect(KueueWorkloadPriorityClass.fromName('y', 6)).toEqual({ name: 'y', value: 6 });
  });

  test('fails when two tiers share a value', () => {
    const twin = PriorityTier.custom('also-training', PriorityTier.TRAINING_HIGH.value, PodPreemption.NEVER, 'dup');
    expect(() => new PlatformPriorities(testChart(), 'p', { tiers: [PriorityTier.TRAINING_HIGH, twin] })).toThrow(/'test\/p': prop 'tiers' is 100000; tier '.*' has the same value/);
  });

  test('fails when a tier is not in the ladder', () => {
    const ladder = new PlatformPriorities(testChart(), 'p', { tiers: [PriorityTier.BATCH_LOW] });
    expect(() => ladder.priorityClass(PriorityTier.SERVING_CRITICAL)).toThrow(/prop 'tier' is 'serving-critical'; it is not one of this ladder's tiers \('batch-low'\)/);
  });

  test('fails when a custom tier uses the system- prefix or a value above the user range', () => {
    expect(() => PriorityTier.custom('system-x', 1, PodPreemption.NEVER, 'd')).toThrow(/PriorityTier 'system-x': prop 'name' is 'system-x'; the 'system-' prefix is reserved/);
    expect(() => PriorityTier.custom('huge', 2_000_000_000, PodPreemption.NEVER, 'd')).toThrow(/prop 'value' is 2000000000; use an integer from -1000000000 to 1000000000/);
  });
});
