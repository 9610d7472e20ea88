import { exampleGpuPools, examplePools } from '../../../charts';
import { poolAllocatable, poolInput, topologyLabels } from '../../../scripts/verify/cluster/harness-objects';
import { resourceSlices } from '../../../scripts/verify/cluster/dra-proof';

describe('pools as kwok nodes (what the kubelet, device plugins and the cloud would advertise)', () => {
  test('a device-plugin pool offers one nvidia.com/gpu per GPU, a CPU pool none', () => {
    expect(poolAllocatable(examplePools.gpu)).toEqual({ cpu: String(examplePools.gpu.cpuPerNode), memory: `${examplePools.gpu.memoryPerNode.toMebibytes()}Mi`, 'nvidia.com/gpu': '1' });
    expect(poolAllocatable(examplePools.cpu)['nvidia.com/gpu']).toBeUndefined();
  });

  test('a MIG pool offers one nvidia.com/gpu per slice: 8 A100s cut in two', () => {
    expect(poolAllocatable(exampleGpuPools.shared)['nvidia.com/gpu']).toBe('16');
  });

  test('a DRA pool offers no nvidia.com/gpu; its GPUs are devices of one ResourceSlice per node', () => {
    const input = poolInput(exampleGpuPools.dra);
    expect(input.allocatable['nvidia.com/gpu']).toBeUndefined();
    expect(input.draDevicesPerNode).toBe(1);
    expect(resourceSlices(input).map((s) => [s.spec.nodeName, s.spec.devices.length])).toEqual([['l4-dra-0', 1], ['l4-dra-1', 1], ['l4-dra-2', 1]]);
    expect(poolInput(examplePools.gpu).draDevicesPerNode).toBeUndefined();
  });

  test('an EFA pool offers its interfaces as vpc.amazonaws.com/efa (p5.48xlarge: 32)', () => {
    expect(poolAllocatable(exampleGpuPools.multiNode)['vpc.amazonaws.com/efa']).toBe('32');
    expect(poolAllocatable(examplePools.gpu)['vpc.amazonaws.com/efa']).toBeUndefined();
  });

  test('topology levels: the lowest level above the node pairs nodes, each level up doubles, hostname is left to kwok', () => {
    const pool = exampleGpuPools.multiNode;
    const labels = [0, 1, 2, 3].map((i) => topologyLabels(pool, i));
    const layer3 = labels.map((l) => l['topology.k8s.aws/network-node-layer-3']);
    expect(layer3[0]).toBe(layer3[1]);
    expect(layer3[1]).not.toBe(layer3[2]);
    expect(new Set(labels.map((l) => l['topology.k8s.aws/network-node-layer-2'])).size).toBe(1);
    expect(labels[0]['kubernetes.io/hostname']).toBeUndefined();
    expect(poolInput(pool).nodes[2].labels).toMatchObject({ 'mlpatterns.dev/node-pool': 'h100-efa', 'topology.k8s.aws/network-node-layer-3': layer3[2] });
    expect(topologyLabels(examplePools.gpu, 0)).toEqual({});
  });

  test('listed nodes keep their names and say where their count came from', () => {
    const input = poolInput(examplePools.cpu, ['kind-worker'], 'Pulumi.local.yaml pools[].nodes');
    expect(input.nodes.map((n) => n.name)).toEqual(['kind-worker']);
    expect(input.nodeCountFrom).toBe('Pulumi.local.yaml pools[].nodes');
  });
});
