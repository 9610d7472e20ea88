import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { stackDefaultPools } from '../../charts';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { GpuAllocation, GpuSharing } from '../../constructs/cluster/gpu-features';
import { NodePool } from '../../constructs/cluster/node-pool';
import { CONFIG_NAMESPACE, parseStackConfig } from '../../stacks/config';
import { gpuDraValues } from '../../stacks/operators/gpu-dra-values';
import { efaNotes, gpuAllocationNotes } from '../../stacks/operators/gpu-stack-notes';

const cpu = NodePool.cpu({ name: 'cpu' });
const draPool = (name: string) => NodePool.gpu({ name, accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, allocation: GpuAllocation.dra() });
const plugin = NodePool.gpu({ name: 'a100-mig', accelerator: Accelerator.NVIDIA_A100_80GB, gpusPerNode: 8, sharing: GpuSharing.mig('3g.40gb') });

describe('gpu-operator and DRA pools (v26.7.0: one GPU stack per cluster)', () => {
  test('every GPU pool on DRA: the DRA stack (GPUCluster) instead of the device plugin (ClusterPolicy)', () => {
    expect(gpuDraValues([cpu, draPool('l4-a'), draPool('l4-b')], false)).toEqual({ clusterPolicy: { deployCR: false }, gpuCluster: { deployCR: true } });
    // Where the operator installs the driver container (local), a GPUCluster needs the NVIDIADriver CRD (templates/validations.yaml).
    expect(gpuDraValues([draPool('l4')], true)).toEqual({ clusterPolicy: { deployCR: false }, gpuCluster: { deployCR: true }, driver: { enabled: true, nvidiaDriverCRD: { enabled: true } } });
    expect(gpuAllocationNotes([cpu, draPool('l4')], true)).toEqual([]);
  });

  test('no DRA pool, or DRA next to device-plugin pools: the device plugin stays, and the missing DRA driver is a warning naming both kinds', () => {
    expect(gpuDraValues([cpu, plugin], false)).toEqual({});
    expect(gpuDraValues([draPool('l4'), plugin], false)).toEqual({});
    expect(gpuAllocationNotes([draPool('l4'), plugin], true)).toEqual([expect.stringMatching(/^DRA pools \(l4\) next to device-plugin pools \(a100-mig\): the gpu-operator deploys one GPU stack per cluster .* installed out of band; give every GPU pool 'allocation: dra'/)]);
    // Without the gpu-operator the stack installs no GPU stack at all: nothing to say here.
    expect(gpuAllocationNotes([draPool('l4'), plugin], false)).toEqual([]);
  });

  test('the EKS GPU example stack mixes both: parsing it says what the stack leaves to the operator of the cluster', () => {
    const config = parse(fs.readFileSync(path.resolve(__dirname, '../../Pulumi.eks-gpu.yaml'), 'utf8')).config;
    const prefix = `${CONFIG_NAMESPACE}:`;
    const raw = Object.fromEntries(Object.entries(config).filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]));
    const parsed = parseStackConfig(raw, stackDefaultPools, { awsRegion: config['aws:region'] as string });
    expect(parsed.operators).toContain('gpu-operator');
    // It says the DRA driver is installed out of band (draDriver: external): only the EFA plugin is left to say.
    expect(parsed.draDriver).toBe('external');
    expect(parsed.poolNotes).toEqual([expect.stringMatching(/^EFA pools \(h100-efa, h100-block\): their GPU pods request vpc\.amazonaws\.com\/efa, which only the EFA device plugin/)]);
    const { draDriver: _, ...undeclared } = raw;
    expect(parseStackConfig(undeclared, stackDefaultPools, { awsRegion: config['aws:region'] as string }).poolNotes).toEqual([
      expect.stringMatching(/^DRA pools \(l4-dra\) next to device-plugin pools \(a100-mig, h100-efa, h100-block\)/),
      expect.stringMatching(/^EFA pools/),
    ]);
    expect(efaNotes([cpu, plugin])).toEqual([]);
  });
});

describe('the target knows the DRA driver the stack installs', () => {
  const { platformTarget } = require('../../stacks/operators/platform-target') as typeof import('../../stacks/operators/platform-target');
  const { planReleases } = require('../../stacks/program') as typeof import('../../stacks/program');
  const target = (pools: NodePool[]) => {
    const config = parseStackConfig({ cluster: 'local' }, pools);
    return platformTarget({ ...config, pools }, planReleases({ ...config, operators: [...config.operators, 'gpu-operator'] }));
  };
  test('every GPU pool on DRA: the GPUCluster driver and its DeviceClasses; next to device-plugin pools: none', () => {
    expect(target([cpu, draPool('l4')]).draDriver?.deviceClasses).toEqual(expect.arrayContaining(['gpu.nvidia.com', 'mig.nvidia.com']));
    expect(target([cpu, draPool('l4'), plugin]).draDriver).toBeUndefined();
  });
});
