import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, PYTORCH, synthOk } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { NodePool } from '../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../constructs/operations/fair-share-cohort';
import { Team } from '../../constructs/operations/team';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling, KueueTopologyRequest } from '../../constructs/training/gang-scheduling';
import { defaultPlatformTarget } from '../../stacks/operators/platform-target';

// TAS-aware gangs (issue 26): a gang asking Kueue for a topology level, on an H100 pool whose
// topologyLevels make the cohort's Kueue Topology.

const LEVELS = ['topology.k8s.aws/network-node-layer-1', 'topology.k8s.aws/network-node-layer-2', 'kubernetes.io/hostname'];
const h100 = NodePool.gpu({ name: 'h100', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', maxSize: 4, topologyLevels: LEVELS });
const target = () => defaultPlatformTarget('local', [pools.cpu, h100]);

const gang = (topology: KueueTopologyRequest, gpusPerWorker: number, pool: NodePool = h100) => (app: PlatformApp) => {
  const chart = new Chart(app, 'teams', { disableResourceNameHashes: true });
  const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml', pools: [pools.cpu, h100] });
  const team = new Team(chart, 'team-a', { group: 'ml-team-a', cohort, quotas: [
    { pool: pools.cpu, nominal: { cpu: Cpu.units(16), memory: Size.gibibytes(64) } },
    { pool: h100, nominal: { cpu: Cpu.units(96), memory: Size.gibibytes(1024), gpus: 16 } },
  ] });
  new AllReduceTrainingJob(new Chart(app, 'jobs', { namespace: team.namespace, disableResourceNameHashes: true }), 'ddp', {
    framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool, workers: 2, gpusPerWorker,
    command: ['python', '-c', 'import torch'], resources: { cpu: Cpu.units(16), memory: Size.gibibytes(128) },
    scheduling: GangScheduling.kueue({ queue: team.queue, topology }),
  });
};

describe('user mistakes: a gang larger than its topology domain', () => {
  test('two 8-GPU nodes required on one node (kubernetes.io/hostname): synth fails naming the annotation, the level and both sides', () => {
    const message = expectMistake(gang({ level: 'kubernetes.io/hostname' }, 8), {
      path: '[jobs/ddp/Resource]', prop: "metadata.annotations['kueue.x-k8s.io/podset-required-topology']", value: 'kubernetes.io/hostname',
    }, { target: target() });
    expect(message).toMatch(/node: its 2 pods must all run on one node .*pool 'h100' has \(nvidia\.com\/gpu 16 > 8; one node fits 1\), so Kueue never admits the job .*\(rule topology-domains\)/);
  });

  test('the passing twins: two 4-GPU pods on one node, or the 8-GPU pods within one network-node-layer-2 domain', () => {
    expect(synthOk(gang({ level: 'kubernetes.io/hostname' }, 4), { target: target() })).toContain('jobs.k8s.yaml');
    expect(synthOk(gang({ level: 'topology.k8s.aws/network-node-layer-2' }, 8), { target: target() })).toContain('jobs.k8s.yaml');
  });

  test('a level the pool does not have: refused by the job, naming its path, the prop and the value', () => {
    expectMistake(gang({ level: 'cloud.google.com/gce-topology-block' }, 8), {
      path: "AllReduceTrainingJob 'jobs/ddp'", prop: "prop 'scheduling.topology.level'", value: "is 'cloud.google.com/gce-topology-block'; pool 'h100' has topology levels",
    }, { target: target() });
  });
});
