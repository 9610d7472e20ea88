import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { KUEUE_PREFERRED_TOPOLOGY_ANNOTATION, KUEUE_REQUIRED_TOPOLOGY_ANNOTATION, SchedulingRefs } from '../../../constructs/core/scheduling';
import { AllReduceTrainingJob, AllReduceTrainingJobProps, CollectiveFramework, TrainingApi } from '../../../constructs/training/allreduce-job';
import { GangScheduling, KueueTopologyRequest, TopologyPlacement } from '../../../constructs/training/gang-scheduling';
import { ParameterServerTrainingJob } from '../../../constructs/training/parameter-server-job';
import { Manifest, synth, testChart } from '../../helpers';

// TAS-aware gangs (issue 26): GangScheduling.kueue({ topology }) puts Kueue v0.19.2's pod-set
// annotation on the pod template of every pod set (replica spec / replicated job).

const image = ContainerImage.of('example/train:1.0');
const LEVELS = ['topology.k8s.aws/network-node-layer-1', 'topology.k8s.aws/network-node-layer-2', 'kubernetes.io/hostname'];
const h100 = NodePool.gpu({ name: 'h100', accelerator: Accelerator.NVIDIA_H100_80GB, gpusPerNode: 8, instanceType: 'p5.48xlarge', maxSize: 4, topologyLevels: LEVELS });
const l4 = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2 });
const queue = SchedulingRefs.localQueue('lq', 'team');
const kueue = (topology?: KueueTopologyRequest) => GangScheduling.kueue({ queue, topology });

/** The pod templates of every pod set of each emitted job (v1 replica specs, the runtime's replicated jobs). */
function podSetTemplates(props: Partial<AllReduceTrainingJobProps> & Pick<AllReduceTrainingJobProps, 'framework'>): Manifest[] {
  const chart = testChart('team');
  new AllReduceTrainingJob(chart, 'job', { image, pool: h100, command: ['python', 'train.py'], gpusPerWorker: 8, workers: 2, ...props });
  return templatesOf(synth(chart));
}

function templatesOf(objects: Manifest[]): Manifest[] {
  return objects.flatMap((o) => {
    if (o.kind === 'TrainingRuntime') return o.spec.template.spec.replicatedJobs.map((j: Manifest) => j.template.spec.template);
    const specs = Object.entries<Manifest>(o.spec ?? {}).find(([k]) => k.endsWith('ReplicaSpecs'))?.[1];
    return specs ? Object.values<Manifest>(specs).map((r) => r.template) : [];
  });
}

describe('TAS-aware gangs: GangScheduling.kueue({ topology })', () => {
  test.each([
    ['TrainJob torch', { framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINER_V2 }, 1],
    ['TrainJob MPI (node and launcher jobs)', { framework: CollectiveFramework.MPI_HOROVOD, output: TrainingApi.TRAINER_V2 }, 2],
    ['PyTorchJob v1 (Master and Worker)', { framework: CollectiveFramework.PYTORCH, output: TrainingApi.TRAINING_OPERATOR_V1 }, 2],
  ])('%s: the required level on every pod set\'s template', (_name, props, podSets) => {
    const templates = podSetTemplates({ ...props, scheduling: kueue({ level: 'topology.k8s.aws/network-node-layer-2' }) });
    expect(templates).toHaveLength(podSets);
    for (const t of templates) expect(t.metadata.annotations).toEqual({ [KUEUE_REQUIRED_TOPOLOGY_ANNOTATION]: 'topology.k8s.aws/network-node-layer-2' });
  });

  test('preferred: the preferred annotation only; the TrainJob itself carries none (Kueue reads the runtime\'s pod templates)', () => {
    const chart = testChart('team');
    new AllReduceTrainingJob(chart, 'job', { framework: CollectiveFramework.PYTORCH, image, pool: h100, scheduling: kueue({ level: 'kubernetes.io/hostname', placement: TopologyPlacement.PREFERRED }) });
    const objects = synth(chart);
    expect(templatesOf(objects).map((t) => t.metadata.annotations)).toEqual([{ [KUEUE_PREFERRED_TOPOLOGY_ANNOTATION]: 'kubernetes.io/hostname' }]);
    expect(objects.find((o) => o.kind === 'TrainJob')!.metadata.annotations).toBeUndefined();
  });

  test('a parameter-server TFJob (v1): PS, Worker and Chief templates each carry it', () => {
    const chart = testChart('team');
    new ParameterServerTrainingJob(chart, 'ps', { output: TrainingApi.TRAINING_OPERATOR_V1, image, pool: h100, ps: {}, chief: {}, scheduling: kueue({ level: LEVELS[0] }) });
    const templates = templatesOf(synth(chart));
    expect(templates).toHaveLength(3);
    for (const t of templates) expect(t.metadata.annotations).toEqual({ [KUEUE_REQUIRED_TOPOLOGY_ANNOTATION]: LEVELS[0] });
  });

  test('without a topology request no annotation is written', () => {
    for (const t of podSetTemplates({ framework: CollectiveFramework.PYTORCH, scheduling: kueue() })) expect(t.metadata?.annotations).toBeUndefined();
  });

  test('a level not among the pool\'s topologyLevels: the job path, the prop, the value and the levels', () => {
    expect(() => podSetTemplates({ framework: CollectiveFramework.PYTORCH, scheduling: kueue({ level: 'cloud.google.com/gce-topology-block' }) }))
      .toThrow(/AllReduceTrainingJob 'test\/job': prop 'scheduling.topology.level' is 'cloud.google.com\/gce-topology-block'; pool 'h100' has topology levels topology.k8s.aws\/network-node-layer-1, topology.k8s.aws\/network-node-layer-2, kubernetes.io\/hostname .*use one of them/);
  });

  test('a topology request on a pool without topologyLevels: the pool has no Kueue Topology', () => {
    expect(() => podSetTemplates({ framework: CollectiveFramework.PYTORCH, pool: l4, gpusPerWorker: 2, scheduling: kueue({ level: 'kubernetes.io/hostname' }) }))
      .toThrow(/'test\/job': prop 'scheduling.topology.level' is 'kubernetes.io\/hostname'; pool 'l4' declares no topologyLevels, so its ResourceFlavor names no Kueue Topology/);
  });

  test.each([
    ['volcano', () => GangScheduling.volcano({ topology: { level: 'kubernetes.io/hostname' } } as object)],
    ['coscheduling', () => GangScheduling.coscheduling({ topology: { level: 'kubernetes.io/hostname' } } as object)],
  ])('a topology request without Kueue (%s) is refused by the job, naming its path', (scheduler, gang) => {
    expect(() => podSetTemplates({ framework: CollectiveFramework.PYTORCH, scheduling: gang() }))
      .toThrow(new RegExp(`'test/job': prop 'scheduling.topology' is \\{"level":"kubernetes.io/hostname"\\}; only Kueue places a gang by topology .*not ${scheduler}; use GangScheduling.kueue\\(\\{ queue, topology \\}\\)`));
  });

  test('the level must be a node label key; placement one of TopologyPlacement', () => {
    expect(() => kueue({ level: 'not a label' })).toThrow(/GangScheduling 'kueue': prop 'topology.level' is 'not a label'; name a node label of the pool's topologyLevels/);
    expect(() => kueue({ level: 'kubernetes.io/hostname', placement: 'strict' as TopologyPlacement })).toThrow(/prop 'topology.placement' is 'strict'; .*one of TopologyPlacement \("required", "preferred"\)/);
  });
});
