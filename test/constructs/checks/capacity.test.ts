import { problemsOf, testTarget } from './check-helpers';
import { capacityFeasibility } from '../../../constructs/checks/rules/capacity-feasibility';

const POOL = 'mlpatterns.dev/node-pool';
const pod = (cpu: string, memory: string, gpus = 0) => ({
  nodeSelector: { [POOL]: 'a100' },
  containers: [{ name: 'c', image: 'i:1', resources: { requests: { cpu, memory, ...(gpus ? { 'nvidia.com/gpu': gpus } : {}) }, limits: { cpu, memory, ...(gpus ? { 'nvidia.com/gpu': gpus } : {}) } } }],
});
const job = (workers: number, spec: Record<string, any>, labels: Record<string, string> = { 'kueue.x-k8s.io/queue-name': 'default' }) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'ddp', namespace: 'team', labels },
  spec: { pytorchReplicaSpecs: { Worker: { replicas: workers, template: { spec } } } },
});
const flavor = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'a100' }, spec: { nodeLabels: { [POOL]: 'a100' } } };
const lq = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'default', namespace: 'team' }, spec: { clusterQueue: 'team' } };
const cq = (name: string, nominal: Record<string, any>, extra: Record<string, any> = {}) => ({
  apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name },
  spec: { cohortName: 'ml', resourceGroups: [{ coveredResources: ['cpu', 'memory', 'nvidia.com/gpu'], flavors: [{ name: 'a100', resources: Object.entries(nominal).map(([r, q]) => ({ name: r, nominalQuota: q, ...(extra[r] ?? {}) })) }] }] },
});
const node = { maxNodes: 4, cpuMillis: 95_000, memoryMebibytes: 1_100_000, gpus: 8 };

describe('rule capacity-feasibility', () => {
  test('a pod bigger than one node of its pool never schedules', () => {
    const problems = problemsOf(capacityFeasibility, [job(2, pod('100', '64Gi', 8), {})], testTarget({ nodePools: new Map([['a100', node]]) }));
    expect(problems[0]).toMatch(/one pod needs more than a node of pool 'a100' has \(cpu 100000m > 95000m\), so it never schedules/);
    expect(problemsOf(capacityFeasibility, [job(2, pod('32', '256Gi', 8), {})], testTarget({ nodePools: new Map([['a100', node]]) }))).toEqual([]);
  });

  test('a container above its namespace\'s LimitRange max is rejected at admission', () => {
    const lr = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'team' }, spec: { limits: [{ type: 'Container', max: { cpu: '8', memory: '32Gi' } }] } };
    expect(problemsOf(capacityFeasibility, [lr, job(1, pod('32', '256Gi'), {})])[0]).toMatch(/allows at most cpu 8000m, memory 32768Mi per container \(cpu 32000m > 8000m, memory 262144Mi > 32768Mi\), so admission rejects the pod/);
  });

  test('a gang above what its ClusterQueue can ever get is never admitted, naming both sides', () => {
    const objects = [flavor, lq, cq('team', { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': 4 }), job(2, pod('32', '256Gi', 8))];
    expect(problemsOf(capacityFeasibility, objects)[0])
      .toMatch(/the whole gang needs cpu 64000m, memory 524288Mi, nvidia.com\/gpu 16 on flavor 'a100', but ClusterQueue 'team' can get at most cpu 64000m, memory 524288Mi, nvidia.com\/gpu 4 there .*nvidia.com\/gpu 16 > 4, so Kueue never admits it/);
  });

  test('what other queues of the cohort lend counts, up to the borrowing limit', () => {
    const other = cq('other', { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': 12 });
    const base = [flavor, lq, other, job(2, pod('32', '256Gi', 8))];
    expect(problemsOf(capacityFeasibility, [...base, cq('team', { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': 4 })])).toEqual([]);
    expect(problemsOf(capacityFeasibility, [...base, cq('team', { cpu: '64', memory: '512Gi', 'nvidia.com/gpu': 4 }, { 'nvidia.com/gpu': { borrowingLimit: 4 } })])[0]).toMatch(/nvidia.com\/gpu 16 > 8/);
  });

  test('a queue without a flavor for the gang\'s pool, and a ResourceQuota below the gang, are errors', () => {
    const quota = { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'team' }, spec: { hard: { 'requests.cpu': '32', 'requests.memory': '1Ti', 'requests.nvidia.com/gpu': '16' } } };
    const problems = problemsOf(capacityFeasibility, [lq, quota, cq('team', { cpu: '64' }), job(2, pod('32', '256Gi', 8))]);
    expect(problems[0]).toMatch(/more than the ResourceQuota of namespace 'team' allows \(cpu 64000m > 32000m\)/);
    expect(problems[1]).toMatch(/ClusterQueue 'team' has no flavor for that pool \(flavors: a100\)|has no flavor for that pool/);
  });
});

describe('rule capacity-feasibility: sharing a pool', () => {
  const small = { maxNodes: 2, cpuMillis: 8000, memoryMebibytes: 32768, gpus: 1 };
  const serving = (replicas: number, gpus = 1) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'srv', namespace: 'team' },
    spec: { replicas, template: { spec: pod('1', '4Gi', gpus) } },
  });
  test('Kueue booking a pool whole while unqueued pods also use it is an error (admitted gangs would start partially)', () => {
    const objects = [flavor, lq, cq('team', { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 2 }), serving(1)];
    const problems = problemsOf(capacityFeasibility, objects, testTarget({ nodePools: new Map([['a100', small]]) }));
    expect(problems[0]).toMatch(/ResourceFlavor a100: .*Kueue books .*nvidia.com\/gpu 2 of pool 'a100' .*pods it does not admit can take .*nvidia.com\/gpu 1 .*nvidia.com\/gpu 3 > 2/);
    expect(problemsOf(capacityFeasibility, objects.slice(0, 3), testTarget({ nodePools: new Map([['a100', small]]) }))).toEqual([]);
  });
  test("KServe serving beside a booked pool: the hint caps serving, never 'queue those workloads' (Kueue admits no InferenceService; issue 23 hints)", () => {
    const isvc = {
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'team' },
      spec: { predictor: { minReplicas: 1, maxReplicas: 1, nodeSelector: { [POOL]: 'a100' }, model: { modelFormat: { name: 'tensorflow' }, storageUri: 'pvc://models/m', resources: pod('1', '4Gi', 1).containers[0].resources } } },
    };
    const problems = problemsOf(capacityFeasibility, [flavor, lq, cq('team', { cpu: '8', memory: '32Gi', 'nvidia.com/gpu': 2 }), isvc], testTarget({ nodePools: new Map([['a100', small]]) }));
    expect(problems).toEqual([
      "[t/ResourceFlavor0/Resource] ResourceFlavor a100: spec.nodeLabels['mlpatterns.dev/node-pool'] is 'a100'; Kueue books cpu 8000m, memory 32768Mi, nvidia.com/gpu 2 of pool 'a100' (its ClusterQueues' nominal quotas) while pods it does not admit can take cpu 1000m, memory 4096Mi, nvidia.com/gpu 1 at once (t/InferenceService3/Resource predictor (cpu 1000m, memory 4096Mi, nvidia.com/gpu 1)), together more than the pool's 2 nodes hold (nvidia.com/gpu 3 > 2): Kueue admits by quota, so admitted gangs could start partially; lower the queues' quotas, move those workloads to another pool, or cap them (fewer serving maxReplicas; Kueue queues only the job kinds it integrates, never an InferenceService or a Deployment)",
    ]);
    expect(problems[0]).not.toMatch(/queue those workloads/);
  });
  test('a job without gang scheduling that cannot fit beside the pool\'s serving pods is an error', () => {
    const objects = [serving(1), job(2, pod('1', '4Gi', 1), {})];
    expect(problemsOf(capacityFeasibility, objects, testTarget({ nodePools: new Map([['a100', small]]) }))[0])
      .toMatch(/PyTorchJob team\/ddp: spec\.runPolicy is 'no gang scheduling'; its replicas start one by one and need .*nvidia.com\/gpu 2 together, but pool 'a100' keeps only .*nvidia.com\/gpu 1 beside the serving pods it always runs \(at their minimum replicas: .*Deployment/);
    expect(problemsOf(capacityFeasibility, [job(2, pod('1', '4Gi', 1), {})], testTarget({ nodePools: new Map([['a100', small]]) }))).toEqual([]);
  });
  test('serving an autoscaler may scale down to one replica only delays the job: not an error', () => {
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'srv', namespace: 'team' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'srv' }, minReplicas: 1, maxReplicas: 2 } };
    const target = testTarget({ nodePools: new Map([['a100', { ...small, maxNodes: 3 }]]) });
    expect(problemsOf(capacityFeasibility, [serving(1), hpa, job(2, pod('1', '4Gi', 1), {})], target)).toEqual([]);
    expect(problemsOf(capacityFeasibility, [serving(2), job(2, pod('1', '4Gi', 1), {})], target)[0]).toMatch(/nvidia.com\/gpu 2 > 1/);
  });
  test('a flavor no queue gives quota books nothing, whatever runs on its pool', () => {
    const objects = [flavor, serving(3)];
    expect(problemsOf(capacityFeasibility, objects, testTarget({ nodePools: new Map([['a100', small]]) }))).toEqual([]);
  });
  test('pods and flavors selecting a pool the cluster does not have are errors', () => {
    const problems = problemsOf(capacityFeasibility, [flavor, serving(1)], testTarget({ nodePools: new Map([['cpu', small]]) }));
    expect(problems).toEqual([
      expect.stringMatching(/Deployment team\/srv: spec\.template\.spec\.nodeSelector\['mlpatterns\.dev\/node-pool'\] is 'a100'; pods: the cluster has no node pool 'a100' \(its pools: cpu\), so no node matches/),
      expect.stringMatching(/ResourceFlavor a100: spec\.nodeLabels\['mlpatterns\.dev\/node-pool'\] is 'a100'; the cluster has no node pool 'a100'/),
    ]);
  });
});
