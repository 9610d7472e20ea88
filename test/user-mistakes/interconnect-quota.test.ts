import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, PYTORCH, synthOk } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { Interconnect } from '../../constructs/cluster/gpu-features';
import { NodePool } from '../../constructs/cluster/node-pool';
import { FairShareCohort } from '../../constructs/operations/fair-share-cohort';
import { Team } from '../../constructs/operations/team';
import { AllReduceTrainingJob, CollectiveFramework } from '../../constructs/training/allreduce-job';
import { GangScheduling } from '../../constructs/training/gang-scheduling';
import { defaultPlatformTarget } from '../../stacks/operators/platform-target';

// A queued gang on an EFA pool requests vpc.amazonaws.com/efa besides its GPUs. No ClusterQueue
// covers it, so Kueue must leave it out of quota (resources.excludeResourcePrefixes, which the
// stacks derive from the pools); a Kueue configured without that never admits the gang (seen by
// verify:cluster with v0.19.2: "resource vpc.amazonaws.com/efa unavailable in ClusterQueue").

const h100 = NodePool.gpu({ name: 'h100-efa', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', maxSize: 2, interconnect: Interconnect.efa() });
const stackTarget = () => defaultPlatformTarget('local', [pools.cpu, h100]);
/** The same cluster with a Kueue whose Configuration excludes nothing (installed by hand, say). */
const excludingNothing = () => {
  const t = stackTarget();
  return { ...t, kueue: { ...t.kueue!, excludedResourcePrefixes: [] } };
};

const gang = (app: PlatformApp) => {
  const chart = new Chart(app, 'teams', { disableResourceNameHashes: true });
  const cohort = new FairShareCohort(chart, 'Cohort', { name: 'ml', pools: [h100] });
  const team = new Team(chart, 'team-a', { group: 'ml-team-a', cohort, quotas: [{ pool: h100, nominal: { cpu: Cpu.units(96), memory: Size.gibibytes(1024), gpus: 16 } }] });
  new AllReduceTrainingJob(new Chart(app, 'jobs', { namespace: team.namespace, disableResourceNameHashes: true }), 'ddp', {
    framework: CollectiveFramework.PYTORCH, image: PYTORCH, pool: h100, workers: 2, gpusPerWorker: 8,
    command: ['python', '-c', 'import torch'], resources: { cpu: Cpu.units(16), memory: Size.gibibytes(128) },
    scheduling: GangScheduling.kueue({ queue: team.queue }),
  });
};

describe('user mistakes: a queued pod requests a resource its ClusterQueue does not cover', () => {
  test('the stacks\' Kueue excludes the EFA devices: the gang passes', () => {
    expect(stackTarget().kueue?.excludedResourcePrefixes).toEqual(['vpc.amazonaws.com/efa']);
    expect(synthOk(gang, { target: stackTarget() })).toContain('jobs.k8s.yaml');
  });

  test('a Kueue that does not exclude them: synth fails naming the resource, the ClusterQueue and both ways out', () => {
    const message = expectMistake(gang, { path: '[jobs/ddp/Resource]', prop: "resources.requests['vpc.amazonaws.com/efa']", value: 'is 32' }, { target: excludingNothing() });
    expect(message).toMatch(/ClusterQueue 'team-a' does not cover \(coveredResources: cpu, memory, nvidia\.com\/gpu\) and Kueue does not exclude \(excludeResourcePrefixes: none\), so Kueue never admits the workload.*quota it in the ClusterQueue, or exclude it in Kueue's Configuration \(rule queue-references\)/);
  });
});
