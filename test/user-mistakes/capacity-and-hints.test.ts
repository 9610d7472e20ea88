import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { expectMistake, pools, STEP, synthOk, teamChart, teams } from './harness';
import type { PlatformApp } from '../../constructs/app/platform-app';
import { BatchProcessingJob } from '../../constructs/ingestion/batch-job';

// Node sizes and the hints of capacity mistakes (issue 23: F14 and the misleading hints).

describe('capacity: node sizes as the cloud computes them, hints that name the real cause', () => {
  const bigJob = (memoryGiB: number) => (app: PlatformApp) => {
    new BatchProcessingJob(teamChart(app, 'jobs', teams(app).a), 'etl', { pool: pools.cpu, container: { ...STEP, resources: { cpu: Cpu.units(8), memory: Size.gibibytes(memoryGiB) } } });
  };

  test('F14: a pod that fits EKS allocatable of an m6i.4xlarge (64 GiB - (11 x 234 + 255) MiB - 100 MiB) synthesizes', () => {
    // 60 GiB is above what the GKE formula leaves (59 824 MiB), below what the EKS AMI leaves (62 607 MiB).
    expect(pools.cpu.memoryPerNode.toMebibytes()).toBe(65536 - (11 * 234 + 255) - 100);
    expect(synthOk(bigJob(60))).toContain('jobs.k8s.yaml');
  });

  test('F14 twin: a pod above EKS allocatable is still an error naming both sides', () => {
    expectMistake(bigJob(62), { path: 'jobs/etl', prop: 'resources', value: 'memory 63488Mi' });
  });
});
