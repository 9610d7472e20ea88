// The plan step of verify-pulumi (pure): the configs it runs through the engine must plan cleanly,
// or the run fails before the engine starts (as it did once the GPU pools' update shrank the nodes).
import { exampleGpuPools, examplePools, localExamplePools } from '../../../charts';
import { examplePoolsConfig, planStack, updatedPoolsConfig, UPDATED_ACCELERATOR } from '../../../scripts/verify/pulumi/plan-entry';

/** One node per unit of maxSize, as verify-cluster simulates the local stack's pools. */
const nodes = Object.fromEntries(localExamplePools().map((p) => [p.name, Array.from({ length: p.maxSize }, (_, i) => `${p.name}-${i}`)]));

test('the base config and the config update both plan every chart without problems', () => {
  const pools = examplePoolsConfig(nodes);
  const base = planStack({ operatorInstall: 'external', pools, draDriver: 'external' });
  expect(base.manifests.length).toBeGreaterThan(5);
  const updated = planStack({ operatorInstall: 'external', pools: updatedPoolsConfig(pools), draDriver: 'external' });
  expect(updated.manifests.map((m) => m.name)).toEqual(base.manifests.map((m) => m.name));
  const gpuLabels = updated.nodePatches.filter((n) => n.metadata.name.startsWith('train-l4-')).map((n) => JSON.stringify(n.metadata.labels));
  expect(gpuLabels.length).toBe(examplePools.trainGpu.maxSize);
  for (const l of gpuLabels) expect(l).toContain(UPDATED_ACCELERATOR);
});

test('the update only relabels the GPU pools: CPU pools keep their config', () => {
  const pools = examplePoolsConfig(nodes);
  const updated = updatedPoolsConfig(pools);
  expect(updated.filter((p) => !p.accelerator)).toEqual(pools.filter((p) => !p.accelerator));
  const names = (ps: readonly { name: string }[]) => ps.map((p) => p.name);
  expect(names(updated.filter((p) => p.instanceType === 'g5.2xlarge'))).toEqual([examplePools.gpu.name, examplePools.trainGpu.name]);
  // The GPU examples' pools keep their accelerators (an A10G has no MIG, a g5.2xlarge no 8 GPUs).
  const gpuExamples = new Set(names(Object.values(exampleGpuPools)));
  expect(updated.filter((p) => gpuExamples.has(p.name))).toEqual(pools.filter((p) => gpuExamples.has(p.name)));
});
