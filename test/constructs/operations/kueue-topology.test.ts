import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { amounts, cpuPool } from './fixtures';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../../constructs/operations/fair-share-cohort';
import { topologyNameOf } from '../../../constructs/operations/kueue-topology';
import { Team } from '../../../constructs/operations/team';
import { formatViolations, registerCrd, validateObjects } from '../../validation/validator';
import { byKindName, synth, testChart } from '../../helpers';

const AWS_LEVELS = ['topology.k8s.aws/network-node-layer-1', 'topology.k8s.aws/network-node-layer-2', 'topology.k8s.aws/network-node-layer-3', 'kubernetes.io/hostname'];
const h100 = (name: string, topologyLevels?: string[]) => NodePool.gpu({ name, accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', maxSize: 4, topologyLevels });

function cohortOver(...pools: NodePool[]) {
  const chart = testChart('platform');
  const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml-teams', pools: [cpuPool, ...pools] });
  return { chart, cohort };
}

describe('Kueue Topology Aware Scheduling from pools', () => {
  test('a pool with topologyLevels yields a v1beta2 Topology, and its ResourceFlavor names it', () => {
    const { chart } = cohortOver(h100('h100-efa', AWS_LEVELS));
    const objects = synth(chart);
    const name = 'network-node-layer-1.network-node-layer-2.network-node-layer-3.hostname';
    expect(byKindName(objects, 'Topology', name)).toEqual({
      apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'Topology', metadata: { name },
      spec: { levels: AWS_LEVELS.map((nodeLabel) => ({ nodeLabel })) },
    });
    expect(byKindName(objects, 'ResourceFlavor', 'h100-efa').spec.topologyName).toBe(name);
    expect(byKindName(objects, 'ResourceFlavor', 'cpu').spec.topologyName).toBeUndefined();
  });

  test('one Topology per distinct level list; none without levels', () => {
    const gke = ['cloud.google.com/gce-topology-block', 'cloud.google.com/gce-topology-subblock', 'kubernetes.io/hostname'];
    const { chart, cohort } = cohortOver(h100('a', AWS_LEVELS), h100('b', AWS_LEVELS), h100('c', gke), h100('d'));
    expect(cohort.topologies.map((t) => t.name)).toEqual([topologyNameOf(AWS_LEVELS), 'gce-topology-block.gce-topology-subblock.hostname']);
    expect(synth(chart).filter((o) => o.kind === 'Topology')).toHaveLength(2);
    expect(cohortOver(h100('d')).cohort.topologies).toEqual([]);
  });

  test('two different level lists that derive one name are refused, naming both pools', () => {
    expect(() => cohortOver(h100('a', ['example.com/rack', 'kubernetes.io/hostname']), h100('b', ['example.org/rack', 'kubernetes.io/hostname'])))
      .toThrow(/pools' is 'b'; its topologyLevels \[example.org\/rack, kubernetes.io\/hostname\] and those of pool 'a' \[example.com\/rack, kubernetes.io\/hostname\] both name Kueue Topology 'rack.hostname'/);
  });

  test('levels as the Topology CRD allows: kubernetes.io/hostname only last, at most 16', () => {
    expect(() => h100('x', ['kubernetes.io/hostname', 'topology.k8s.aws/network-node-layer-1'])).toThrow(/kubernetes.io\/hostname can only be the last/);
    expect(() => h100('x', Array.from({ length: 17 }, (_, i) => `example.com/l${i}`))).toThrow(/at most 16 levels/);
  });

  test('a team on the pool gets quota on the TAS flavor as on any other', () => {
    const pool = h100('h100-efa', AWS_LEVELS);
    const { chart, cohort } = cohortOver(pool);
    new Team(chart, 't', { group: 'g', cohort, quotas: [{ pool, nominal: amounts(100, 1000, 16) }] });
    const flavors = byKindName(synth(chart), 'ClusterQueue', 't').spec.resourceGroups[0].flavors;
    expect(flavors.map((f: any) => f.name)).toEqual(['h100-efa']);
  });

  const CRD = path.resolve(__dirname, '../../../../shared/charts/kueue-0.19.2/templates/crd/kueue.x-k8s.io_topologies.yaml');
  const withCrd = fs.existsSync(CRD) ? test : test.skip;
  withCrd('Topology and ResourceFlavor are valid against the Kueue v0.19.2 CRDs (the chart\'s Topology CRD, Helm lines dropped)', () => {
    const text = fs.readFileSync(CRD, 'utf8').replace(/\{\{-? \/\*[\s\S]*?\*\/ -?\}\}/g, '').split('\n').filter((l) => !l.includes('{{')).join('\n');
    registerCrd(parse(text));
    const { chart } = cohortOver(h100('h100-efa', AWS_LEVELS));
    const objects = synth(chart).filter((o) => o.kind === 'Topology' || o.kind === 'ResourceFlavor');
    expect(objects.filter((o) => o.kind === 'Topology')).toHaveLength(1);
    expect(formatViolations(validateObjects('kueue@v0.19.2', objects))).toBe('');
  });
});
