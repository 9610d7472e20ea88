import { Chart, ChartProps, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExampleFeatures, exampleFeatures } from './example-features';
import { NodePool } from '../constructs/cluster/node-pool';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { CoschedulingPodGroup } from '../constructs/operations/coscheduling-pod-group';
import { KueueClusterQueue } from '../constructs/operations/cluster-queue';
import { FairShareCohort } from '../constructs/operations/fair-share-cohort';
import { PlatformMonitoring } from '../constructs/operations/platform-monitoring';
import { PlatformPriorities } from '../constructs/operations/platform-priorities';
import { PriorityTier } from '../constructs/operations/priority-tier';
import { Team } from '../constructs/operations/team';
import { VolcanoPodGroup } from '../constructs/operations/volcano-pod-group';

export interface MlPlatformOperationsProps extends ChartProps {
  /** The shared CPU pool. */
  readonly cpuPool: NodePool;
  /** The shared GPU pool. */
  readonly gpuPool: NodePool;
  /**
   * Namespace of the platform team's objects (monitors, rules, dashboard).
   * @default 'ml-platform-ops'
   */
  readonly namespace?: string;
  /**
   * Namespaces of the example charts whose jobs Kueue admits through the `ml-examples`
   * ClusterQueue (each creates its own LocalQueue on `examplesQueue`).
   * @default - none
   */
  readonly exampleNamespaces?: readonly string[];
  /** @default - exampleFeatures(undefined): the local stack's defaults */
  readonly features?: ExampleFeatures;
  /** Workload namespaces of other charts to scrape and alert on, besides the teams'. @default - none */
  readonly monitoredNamespaces?: readonly string[];
  /**
   * The platform's priority tiers, when another chart defines them (so charts deployed without
   * this one can still refer to them).
   * @default - defined in this chart
   */
  readonly priorities?: PlatformPriorities;
}

/**
 * The book's operations chapter as one chart: two teams share one CPU and one GPU pool through a
 * Kueue cohort (fair-share weights, borrowing and lending limits, preemption), a three-tier
 * priority ladder, Volcano queues and PodGroups for gang scheduling, and the platform's monitors,
 * alerts and dashboard. Everything is derived from the two pools and the two Team objects.
 */
export class MlPlatformOperations extends Chart {
  public readonly cohort: FairShareCohort;
  public readonly priorities: PlatformPriorities;
  public readonly research: Team;
  public readonly recsys: Team;
  public readonly monitoring: PlatformMonitoring;
  /** The ClusterQueue the example charts' LocalQueues admit through (a member of the cohort), when they are given. */
  public readonly examplesQueue?: KueueClusterQueue;

  constructor(scope: Construct, id: string, props: MlPlatformOperationsProps) {
    const namespace = props.namespace ?? 'ml-platform-ops';
    super(scope, id, { ...props, namespace, disableResourceNameHashes: true });
    const { cpuPool, gpuPool } = props;
    const features = props.features ?? exampleFeatures(undefined);
    new RestrictedNamespace(this, 'Namespace', { name: namespace });

    this.cohort = new FairShareCohort(this, 'Cohort', { name: 'ml-teams', pools: [cpuPool, gpuPool] });
    this.priorities = props.priorities ?? new PlatformPriorities(this, 'Priorities');

    // Research trains large models: a bigger fair share and may borrow the other team's idle GPUs.
    this.research = new Team(this, 'research', {
      namespace: 'team-research',
      group: 'ml-research',
      cohort: this.cohort,
      fairSharingWeight: 2,
      quotas: [
        { pool: cpuPool, nominal: { cpu: Cpu.units(7), memory: Size.gibibytes(26) } },
        {
          pool: gpuPool,
          nominal: { cpu: Cpu.units(8), memory: Size.gibibytes(32), gpus: 1 },
          borrowingLimit: { cpu: Cpu.units(8), memory: Size.gibibytes(32), gpus: 1 },
        },
      ],
    });
    // Recommendations serve models: it keeps one GPU it never lends, so serving has headroom.
    this.recsys = new Team(this, 'recsys', {
      namespace: 'team-recsys',
      group: 'ml-recsys',
      cohort: this.cohort,
      quotas: [
        { pool: cpuPool, nominal: { cpu: Cpu.units(9), memory: Size.gibibytes(34) } },
        {
          pool: gpuPool,
          nominal: { cpu: Cpu.units(8), memory: Size.gibibytes(32), gpus: 1 },
          lendingLimit: { cpu: Cpu.units(4), memory: Size.gibibytes(16), gpus: 0 },
        },
      ],
    });
    // The example charts' distributed jobs: enough nominal quota for their largest gang on each
    // pool (see charts/training-examples.ts), borrowing the teams' idle quota beyond it.
    if (props.exampleNamespaces?.length) {
      this.examplesQueue = new KueueClusterQueue(this, 'examples', {
        name: 'ml-examples',
        cohort: this.cohort,
        namespaces: props.exampleNamespaces,
        quotas: [
          { pool: cpuPool, nominal: { cpu: Cpu.units(6), memory: Size.gibibytes(24) } },
          { pool: gpuPool, nominal: { cpu: Cpu.units(8), memory: Size.gibibytes(32), gpus: 2 }, borrowingLimit: { cpu: Cpu.units(8), memory: Size.gibibytes(32), gpus: 1 } },
        ],
      });
    }

    // Gang scheduling outside Kueue, where the cluster runs those schedulers: research's all-reduce
    // job under Volcano, recsys' embedding job under coscheduling. Built in the team's scope so they
    // carry the team's metadata.
    if (features.volcano) {
      const researchQueue = this.research.addVolcanoQueue();
      new VolcanoPodGroup(this.research, 'allreduce-gang', {
        namespace: this.research.namespace,
        queue: researchQueue,
        priorityClass: this.priorities.priorityClass(PriorityTier.TRAINING_HIGH),
        minMember: 2,
        memberResources: { pool: gpuPool, gpus: 1, resources: { cpu: Cpu.units(4), memory: Size.gibibytes(16) } },
      });
    }
    if (features.coscheduling) {
      new CoschedulingPodGroup(this.recsys, 'embedding-gang', {
        namespace: this.recsys.namespace,
        minMember: 3,
        memberResources: { pool: cpuPool, resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) } },
      });
    }

    this.monitoring = new PlatformMonitoring(this, 'Monitoring', {
      teams: [this.research, this.recsys],
      namespaces: props.monitoredNamespaces,
      knative: features.knative,
    });
  }
}
