import { Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { parse } from 'yaml';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { PlatformApp } from '../../../constructs/app/platform-app';
import { FairShareCohort, PoolQuota } from '../../../constructs/operations/fair-share-cohort';
import { metadataConventionProblems } from '../../../constructs/operations/metadata-convention';
import { Manifest, testChart } from '../../helpers';

/** 3 nodes x (8 cores, 32 GiB): 24 cores, 96 GiB. */
export const cpuPool = NodePool.cpu({ name: 'cpu', maxSize: 3 });
/** 4 nodes x (1 L4, 8 cores, 32 GiB): 4 GPUs, 32 cores, 128 GiB. */
export const gpuPool = NodePool.gpu({ name: 'gpu-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 4, instanceType: 'g6.2xlarge' });

/** A test chart holding a cohort over both pools. */
export function cohortChart(namespace?: string): { chart: Chart; cohort: FairShareCohort } {
  const chart = testChart(namespace);
  return { chart, cohort: new FairShareCohort(chart, 'Cohort', { name: 'ml-teams', pools: [cpuPool, gpuPool] }) };
}

/** `cores` CPU and `gib` GiB (and `gpus`) as a quota. */
export const amounts = (cores: number, gib: number, gpus?: number) => ({ cpu: Cpu.units(cores), memory: Size.gibibytes(gib), gpus });

/** A two-pool quota: `cpuCores` on the CPU pool, `gpus` (with 6 cores and 24 GiB each) on the GPU pool. */
export function twoPoolQuota(cpuCores: number, gpus: number): PoolQuota[] {
  return [
    { pool: cpuPool, nominal: amounts(cpuCores, cpuCores * 4) },
    { pool: gpuPool, nominal: amounts(gpus * 6, gpus * 24, gpus) },
  ];
}

/** Objects that Argo resource steps create at run time (embedded YAML in the templates). */
function embedded(objects: readonly Manifest[]): Manifest[] {
  return objects.flatMap((o) => (o.apiVersion?.startsWith('argoproj.io/') ? (o.kind === 'CronWorkflow' ? o.spec?.workflowSpec : o.spec)?.templates ?? [] : [])
    .filter((t: Manifest) => typeof t.resource?.manifest === 'string')
    .map((t: Manifest) => parse(t.resource.manifest) as Manifest));
}

/**
 * Every violation of the metadata convention in the whole app: all emitted charts plus the
 * objects embedded in workflow steps. Empty when every object carries the convention.
 */
export function appConventionProblems(app: PlatformApp): string[] {
  return app.synthManifests().flatMap((m) => metadataConventionProblems([...m.objects, ...embedded(m.objects)]).map((p) => `${m.name}: ${p}`));
}
