import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { crdsDir, formatViolations, registerCrd, validateObjects } from '../validation/validator';
import { chartObjects, installMocks, named, ofType, promiseOf, Registered, settle, stackFileMocks } from './mocks';

jest.setTimeout(120_000);

/** Pulumi.eks-gpu.yaml run whole against the mocks: what `pulumi up` would register for its GPU pools. */
let registered: Registered[];

beforeAll(async () => {
  const { config, otherNamespaces } = stackFileMocks('eks-gpu');
  // The file's placeholders (subnet-REPLACE-ME-a) fail the EC2NodeClass subnet id pattern, as they should.
  registered = installMocks({ ...config, subnetIds: JSON.stringify(['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1']) }, otherNamespaces);
  const program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

const karpenter = (kind: string, name: string) => {
  const objs = named(registered, 'charts-platform-karpenter').inputs.objs as Record<string, any>[];
  const found = objs.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name}; have ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
};
const requirement = (pool: string, key: string) => karpenter('NodePool', pool).spec.template.spec.requirements.find((r: any) => r.key === key);

test('every pool is Karpenter capacity: no managed node group but the system one', () => {
  expect(ofType(registered, 'aws:eks/nodeGroup:NodeGroup').map((r) => r.name)).toEqual(['mlp-eks-gpu-system']);
  for (const pool of ['cpu', 'l4-dra', 'a100-mig', 'h100-efa', 'h100-block']) expect(karpenter('EC2NodeClass', pool).spec.role).toBe('mlp-eks-gpu-karpenter-node');
});

test('the DRA pool: nodes labelled so the gpu-operator runs no device plugin on them', () => {
  expect(karpenter('NodePool', 'l4-dra').spec.template.metadata.labels['nvidia.com/gpu.deploy.device-plugin']).toBe('false');
});

test('the MIG pool: the MIG manager layout label, and a limit in physical GPUs', () => {
  const pool = karpenter('NodePool', 'a100-mig');
  expect(pool.spec.template.metadata.labels['nvidia.com/mig.config']).toBe('all-3g.40gb');
  expect(pool.spec.limits['nvidia.com/gpu']).toBe('16');
  expect(requirement('a100-mig', 'karpenter.k8s.aws/instance-gpu-count')?.values).toEqual(['8']);
});

test('the EFA pool: 8 x H100 nodes (p5.48xlarge in the table), 500 GiB root volume, local NVMe as RAID0, on-demand', () => {
  expect(requirement('h100-efa', 'karpenter.k8s.aws/instance-gpu-name')?.values).toEqual(['h100']);
  expect(requirement('h100-efa', 'karpenter.k8s.aws/instance-gpu-count')?.values).toEqual(['8']);
  const nodeClass = karpenter('EC2NodeClass', 'h100-efa').spec;
  expect(nodeClass.blockDeviceMappings[0].ebs.volumeSize).toBe('500Gi');
  expect(nodeClass.instanceStorePolicy).toBe('RAID0');
  expect(nodeClass.capacityReservationSelectorTerms).toBeUndefined();
  expect(requirement('h100-efa', 'karpenter.sh/capacity-type')?.values).toEqual(['on-demand']);
});

test('the Capacity Block pool: capacity type reserved, selected by its reservation id', () => {
  expect(karpenter('EC2NodeClass', 'h100-block').spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }]);
  expect(requirement('h100-block', 'karpenter.sh/capacity-type')?.values).toEqual(['reserved']);
});

test('the gpu-operator: MIG strategy single and a default device plugin config; no time-slicing entry', () => {
  const values = named(registered, 'operators-gpu-operator-release').inputs.values;
  expect(values.mig).toEqual({ strategy: 'single' });
  expect(Object.keys(values.devicePlugin.config.data)).toEqual(['default']);
});

test('the GPU examples\' ClusterQueue books the MIG pool whole, in slices: 32 nvidia.com/gpu from 2 nodes', () => {
  const queue = chartObjects(registered, 'gpu-examples').find((o) => o.kind === 'ClusterQueue' && o.metadata.name === 'gpu-examples')!;
  const flavor = queue.spec.resourceGroups.flatMap((g: any) => g.flavors).find((f: any) => f.name === 'a100-mig');
  expect(flavor.resources.find((r: any) => r.name === 'nvidia.com/gpu').nominalQuota).toBe('32');
});

describe('Kueue over the GPU pools (the GPU examples\' ClusterQueue)', () => {
  const teamsObjects = () => chartObjects(registered, 'gpu-examples');
  const find = (kind: string, name: string) => teamsObjects().find((o) => o.kind === kind && o.metadata.name === name)!;

  test('Kueue\'s Configuration maps the DRA pool\'s DeviceClass to the resource the ClusterQueue quotas', () => {
    const config = parse(named(registered, 'operators-kueue-release').inputs.values.managerConfig.controllerManagerConfigYaml);
    // The EFA devices are left out of quota: no ClusterQueue covers them.
    expect(config.resources).toEqual({ excludeResourcePrefixes: ['vpc.amazonaws.com/efa'], deviceClassMappings: [{ name: 'dra.mlpatterns.dev/gpu.nvidia.com', deviceClassNames: ['gpu.nvidia.com'] }] });
    const [group] = find('ClusterQueue', 'gpu-examples').spec.resourceGroups;
    expect(group.coveredResources).toEqual(['cpu', 'memory', 'nvidia.com/gpu', 'dra.mlpatterns.dev/gpu.nvidia.com']);
    const gpus = (flavor: string) => Object.fromEntries(group.flavors.find((f: any) => f.name === flavor).resources.filter((r: any) => r.name.includes('gpu')).map((r: any) => [r.name, r.nominalQuota]));
    // The DRA pool's fourth node serves a model outside Kueue (the examples' InferenceService).
    expect(gpus('l4-dra')).toEqual({ 'nvidia.com/gpu': '0', 'dra.mlpatterns.dev/gpu.nvidia.com': '3' });
    expect(gpus('a100-mig')).toEqual({ 'nvidia.com/gpu': '32', 'dra.mlpatterns.dev/gpu.nvidia.com': '0' });
    // The whole pools but the DRA server's node: 2 x 16 MIG slices + 4 x 8 H100 (EFA) + 2 x 8 H100 (Capacity Block).
    expect(gpus('h100-efa')['nvidia.com/gpu']).toBe('32');
    expect(gpus('h100-block')['nvidia.com/gpu']).toBe('16');
  });

  test('the EFA pool\'s topology levels: one Kueue Topology, named by its TAS ResourceFlavor', () => {
    const name = 'network-node-layer-1.network-node-layer-2.network-node-layer-3.hostname';
    expect(teamsObjects().filter((o) => o.kind === 'Topology')).toEqual([{
      apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'Topology', metadata: expect.objectContaining({ name }),
      spec: { levels: ['topology.k8s.aws/network-node-layer-1', 'topology.k8s.aws/network-node-layer-2', 'topology.k8s.aws/network-node-layer-3', 'kubernetes.io/hostname'].map((nodeLabel) => ({ nodeLabel })) },
    }]);
    expect(find('Topology', name).metadata.namespace).toBeUndefined();
    expect(find('ResourceFlavor', 'h100-efa').spec.topologyName).toBe(name);
    expect(find('ResourceFlavor', 'h100-block').spec.topologyName).toBeUndefined();
  });
});

test('the NodePools and EC2NodeClasses are valid against the karpenter v1.14.1 CRD schemas (reservation terms, RAID0 included)', () => {
  for (const f of ['karpenter.sh/nodepools.yaml', 'karpenter.k8s.aws/ec2nodeclasses.yaml']) {
    registerCrd(parseAllDocuments(fs.readFileSync(path.join(crdsDir(), '_released', f), 'utf8'))[0].toJSON());
  }
  expect(formatViolations(validateObjects('karpenter@v1.14.1', named(registered, 'charts-platform-karpenter').inputs.objs))).toBe('');
});
