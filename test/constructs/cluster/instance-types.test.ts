import { Size } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { allocatable, instanceType, instanceTypeFor, knownInstanceTypes } from '../../../constructs/cluster/instance-types';
import { NodePool } from '../../../constructs/cluster/node-pool';

describe('instance-type table', () => {
  test('EKS allocatable: nodeadm kube-reserved from maxPods (11 * maxPods + 255 MiB), CPU tiers, 100Mi eviction', () => {
    // m6i.2xlarge: maxPods 58; 8 cores: 60m + 10m + 10m + 10m; 32 GiB - (11 * 58 + 255) MiB - 100 MiB.
    expect(instanceType('m6i.2xlarge')!.maxPods).toBe(58);
    expect(allocatable(instanceType('m6i.2xlarge')!)).toEqual({ cpu: 7.91, memory: Size.mebibytes(32768 - 893 - 100) });
    // p4de.24xlarge: maxPods 737; 96 cores: 60 + 10 + 10 + 230 millicores.
    expect(allocatable(instanceType('p4de.24xlarge')!)).toEqual({ cpu: 95.69, memory: Size.mebibytes(1152 * 1024 - (11 * 737 + 255) - 100) });
    // A type nodeadm does not know: its default maxPods, 110.
    expect(allocatable({ cloud: 'aws', vcpus: 4, memory: Size.gibibytes(16) }).memory.toMebibytes()).toBe(16384 - (11 * 110 + 255) - 100);
  });

  test('GKE allocatable: the GKE reservation formula', () => {
    // e2-standard-8, 32 GiB: 1024 + 819.2 + 819.2 + 983.04 MiB + 100 MiB eviction.
    expect(allocatable(instanceType('e2-standard-8')!)).toEqual({ cpu: 7.91, memory: Size.mebibytes(29022) });
    expect(allocatable({ vcpus: 8, memory: Size.gibibytes(32) })).toEqual({ cpu: 7.91, memory: Size.mebibytes(29022) });
  });

  test('every AWS type of the table has its EKS maxPods', () => {
    expect(knownInstanceTypes().filter((t) => t.cloud === 'aws' && !t.maxPods).map((t) => t.name)).toEqual([]);
  });

  test('the smallest shape per cloud with exactly that many GPUs of an accelerator', () => {
    expect(instanceTypeFor('aws', 'nvidia-l4', 1)?.name).toBe('g6.xlarge');
    expect(instanceTypeFor('aws', 'nvidia-l4', 2)).toBeUndefined();
    expect(instanceTypeFor('gcp', 'nvidia-l4', 2)?.name).toBe('g2-standard-24');
    expect(instanceTypeFor('gcp', 'nvidia-a100-80gb', 8)?.name).toBe('a2-ultragpu-8g');
  });
});

describe('NodePool sizes from the table', () => {
  test('an 8 x A100 pool gets its node size from the instance type, not a generic default', () => {
    const pool = NodePool.gpu({ name: 'a100', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8 });
    expect(pool.instanceType).toBe('p4de.24xlarge');
    expect(pool.cpuPerNode).toBeCloseTo(95.69, 2);
    expect(pool.memoryPerNode.toMebibytes()).toBe(1152 * 1024 - 8362 - 100);
  });

  test('no AWS shape with that GPU count: the GCP one', () => {
    expect(NodePool.gpu({ name: 'l4x2', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2 }).instanceType).toBe('g2-standard-24');
  });

  test('an explicit type whose GPUs disagree with gpusPerNode is an error listing the types that fit', () => {
    expect(() => NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 4, instanceType: 'g6.2xlarge' }))
      .toThrow(/NodePool 'l4': prop 'instanceType' is 'g6\.2xlarge'; g6\.2xlarge has 1 x nvidia-l4, but the pool has 4 x nvidia-l4 per node; types with nvidia-l4: .*g6\.12xlarge \(4\)/);
  });

  test('an unknown type needs explicit sizes; explicit sizes always win', () => {
    expect(() => NodePool.cpu({ name: 'big', instanceType: 'z9.huge' })).toThrow(/prop 'cpuPerNode' is undefined; instance type 'z9\.huge' is not in the instance-type table/);
    const pool = NodePool.cpu({ name: 'big', instanceType: 'z9.huge', cpuPerNode: 60, memoryPerNode: Size.gibibytes(240) });
    expect([pool.cpuPerNode, pool.memoryPerNode.toGibibytes()]).toEqual([60, 240]);
    expect(NodePool.cpu({ name: 'c', cpuPerNode: 4 , memoryPerNode: Size.gibibytes(8) }).cpuPerNode).toBe(4);
  });
});
