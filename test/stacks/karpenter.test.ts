import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdsDir, formatViolations, registerCrd, validateObjects } from '../validation/validator';
import { installMocks, named, ofType, promiseOf, Registered, settle, urnName } from './mocks';

const POOLS = [
  { name: 'cpu', maxSize: 3 },
  { name: 'gpu-l4', accelerator: 'nvidia-l4', gpusPerNode: 1, maxSize: 4, capacityType: 'spot' },
];
jest.setTimeout(120_000);

let registered: Registered[];
let program: typeof import('../../stacks/index');

beforeAll(async () => {
  registered = installMocks({ cluster: 'eks', clusterName: 'mlp-k', subnetIds: JSON.stringify(['subnet-a', 'subnet-b']), pools: JSON.stringify(POOLS), autoscaler: 'karpenter', charts: JSON.stringify([]) }, { 'aws:region': 'us-west-2' });
  program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

const karpenterObjects = () => named(registered, 'charts-platform-karpenter').inputs.objs as Record<string, any>[];

test('Karpenter is installed from its OCI chart at the pinned version; cluster-autoscaler is not', () => {
  const release = named(registered, 'operators-karpenter-release').inputs;
  expect(release).toMatchObject({ chart: 'oci://public.ecr.aws/karpenter/karpenter', version: '1.14.1', namespace: 'kube-system' });
  expect(release.values.settings.clusterName).toBe('mlp-k');
  expect(registered.some((r) => r.name.startsWith('operators-cluster-autoscaler'))).toBe(false);
  expect(named(registered, 'operators-karpenter').dependencies.map(urnName)).toEqual(expect.arrayContaining(['mlp-k-system', 'mlp-k-autoscaler-association', 'mlp-k-autoscaler-node-access']));
});

test('pools become Karpenter capacity, not managed node groups', () => {
  expect(ofType(registered, 'aws:eks/nodeGroup:NodeGroup').map((r) => r.name)).toEqual(['mlp-k-system']);
  expect(ofType(registered, 'aws:eks/accessEntry:AccessEntry')[0].inputs).toMatchObject({ type: 'EC2_LINUX' });
  expect(named(registered, 'mlp-k-autoscaler-node-role').inputs.name).toBe('mlp-k-karpenter-node');
});

test('registered NodePool/EC2NodeClass objects equal the ones derived from the pool model', () => {
  const { karpenterNodePoolFor } = require('../../stacks/platform/karpenter-node-pools');
  const { parseStackConfig } = require('../../stacks/config');
  const pools = parseStackConfig({ cluster: 'eks', subnetIds: ['subnet-a', 'subnet-b'], pools: POOLS }, [], { awsRegion: 'us-west-2' }).pools;
  const objs = karpenterObjects();
  for (const pool of pools) {
    const expected = karpenterNodePoolFor(pool, { clusterName: 'mlp-k', subnetIds: ['subnet-a', 'subnet-b'], nodeRoleName: 'mlp-k-karpenter-node' });
    for (const e of [expected.nodePool, expected.nodeClass]) {
      const got = objs.find((o) => o.kind === e.kind && o.metadata.name === pool.name)!;
      expect(got.spec).toEqual(e.spec);
      expect(got.apiVersion).toBe(e.apiVersion);
    }
  }
  expect(objs).toHaveLength(4);
  // Deployed after the operators (Karpenter's CRDs) like every chart.
  expect(named(registered, 'charts-platform-karpenter').dependencies.map(urnName)).toContain('operators-karpenter-release');
});

test('the objects are valid against the karpenter CRD schemas (main, then the v1.14.1 release)', () => {
  expect(formatViolations(validateObjects('karpenter', karpenterObjects()))).toBe('');
  for (const f of ['karpenter.sh/nodepools.yaml', 'karpenter.k8s.aws/ec2nodeclasses.yaml']) {
    registerCrd(parseAllDocuments(fs.readFileSync(path.join(crdsDir(), '_released', f), 'utf8'))[0].toJSON());
  }
  expect(formatViolations(validateObjects('karpenter@v1.14.1', karpenterObjects()))).toBe('');
});
