import { amounts, cpuPool, gpuPool } from './fixtures';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { GpuAllocation } from '../../../constructs/cluster/gpu-features';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { gpuQuotaResource, gpuResourceQuotaKey, kueueDeviceClassMappings } from '../../../constructs/operations/kueue-gpu-resources';
import { Team } from '../../../constructs/operations/team';
import { byKindName, synth, testChart } from '../../helpers';

/** 2 nodes x 1 L4 claimed through DRA (DeviceClass gpu.nvidia.com). */
const draPool = NodePool.gpu({ name: 'l4-dra', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 2, instanceType: 'g6.2xlarge', allocation: GpuAllocation.dra() });

function teams() {
  const chart = testChart('platform');
  const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml-teams', pools: [cpuPool, gpuPool, draPool] });
  new Team(chart, 'mixed', { group: 'g', cohort, quotas: [{ pool: cpuPool, nominal: amounts(4, 16) }, { pool: draPool, nominal: amounts(6, 24, 2), borrowingLimit: amounts(0, 0, 0) }, { pool: gpuPool, nominal: amounts(6, 24, 1) }] });
  new Team(chart, 'cpu-only', { group: 'g', cohort, quotas: [{ pool: cpuPool, nominal: amounts(4, 16) }] });
  return synth(chart);
}

describe('GPUs of a DRA pool in Kueue and ResourceQuota', () => {
  test('the quota resource follows the pool allocation: nvidia.com/gpu, or the DeviceClass mapping name', () => {
    expect(gpuQuotaResource(gpuPool)).toBe('nvidia.com/gpu');
    expect(gpuQuotaResource(draPool)).toBe('dra.mlpatterns.dev/gpu.nvidia.com');
    expect(gpuResourceQuotaKey(gpuPool)).toBe('requests.nvidia.com/gpu');
    expect(gpuResourceQuotaKey(draPool)).toBe('gpu.nvidia.com.deviceclass.resource.k8s.io/devices');
    expect(kueueDeviceClassMappings([cpuPool, gpuPool, draPool])).toEqual([{ name: 'dra.mlpatterns.dev/gpu.nvidia.com', deviceClassNames: ['gpu.nvidia.com'] }]);
    expect(kueueDeviceClassMappings([cpuPool, gpuPool])).toEqual([]);
  });

  test('a ClusterQueue over device-plugin and DRA pools covers both GPU resources, each 0 on the other pools\' flavors', () => {
    const [group] = byKindName(teams(), 'ClusterQueue', 'mixed').spec.resourceGroups;
    expect(group.coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu', 'dra.mlpatterns.dev/gpu.nvidia.com']);
    const quota = (flavor: string) => Object.fromEntries(group.flavors.find((f: any) => f.name === flavor).resources.map((r: any) => [r.name, r.nominalQuota]));
    expect(quota('l4-dra')).toEqual({ 'cpu': '6', 'memory': '24Gi', 'nvidia.com/gpu': '0', 'dra.mlpatterns.dev/gpu.nvidia.com': '2' });
    expect(quota('gpu-l4')).toEqual({ 'cpu': '6', 'memory': '24Gi', 'nvidia.com/gpu': '1', 'dra.mlpatterns.dev/gpu.nvidia.com': '0' });
    expect(quota('cpu')).toEqual({ 'cpu': '4', 'memory': '16Gi', 'nvidia.com/gpu': '0', 'dra.mlpatterns.dev/gpu.nvidia.com': '0' });
    const dra = group.flavors.find((f: any) => f.name === 'l4-dra').resources.find((r: any) => r.name === 'dra.mlpatterns.dev/gpu.nvidia.com');
    expect(dra.borrowingLimit).toBe('0');
  });

  test('a CPU-only queue covers no GPU resource', () => {
    expect(byKindName(teams(), 'ClusterQueue', 'cpu-only').spec.resourceGroups[0].coveredResources).toEqual(['cpu', 'memory']);
  });

  test('the team ResourceQuota counts DRA devices per DeviceClass and keeps nvidia.com/gpu for the device plugin', () => {
    const objects = teams();
    const quotaOf = (ns: string) => objects.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === ns)!;
    expect(quotaOf('mixed').spec.hard).toMatchObject({ 'requests.nvidia.com/gpu': '4', 'gpu.nvidia.com.deviceclass.resource.k8s.io/devices': '2' });
    const cpuOnly = quotaOf('cpu-only').spec.hard;
    expect(cpuOnly['requests.nvidia.com/gpu']).toBe('0');
    expect(Object.keys(cpuOnly).filter((k) => k.includes('deviceclass'))).toEqual([]);
  });

  test('quota errors on a DRA pool name its resource', () => {
    const chart = testChart('platform');
    const cohort = new FairShareCohort(chart, 'Cohort', { name: 'c', pools: [draPool] });
    expect(() => new Team(chart, 't', { group: 'g', cohort, quotas: [{ pool: draPool, nominal: amounts(4, 16, 3) }] }))
      .toThrow(/"dra.mlpatterns.dev\/gpu.nvidia.com":"3".*exceeds its capacity at maxSize 2 \(gpus 3 > 2\)/);
  });

  test('a DeviceClass name too long to name a Kueue resource is refused', () => {
    expect(() => GpuAllocation.dra(`${'a'.repeat(60)}.example.com`)).toThrow(/at most 63 characters/);
  });
});
