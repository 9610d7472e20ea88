import { findingsOf, testTarget } from './check-helpers';
import { topologyDomains } from '../../../constructs/checks/rules/topology-domains';

const POOL = 'mlpatterns.dev/node-pool';
const REQUIRED = 'kueue.x-k8s.io/podset-required-topology';
const PREFERRED = 'kueue.x-k8s.io/podset-preferred-topology';
const HOST = 'kubernetes.io/hostname';
const RACK = 'example.com/rack';
const pod = (gpus: number) => ({
  nodeSelector: { [POOL]: 'h100' },
  containers: [{ name: 'c', image: 'i:1', resources: { requests: { cpu: '8', memory: '64Gi', 'nvidia.com/gpu': gpus }, limits: { 'nvidia.com/gpu': gpus } } }],
});
const queued = { 'kueue.x-k8s.io/queue-name': 'default' };
const pytorchJob = (workers: number, gpus: number, annotations: Record<string, string>, labels: Record<string, string> = queued) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'ddp', namespace: 'team', labels },
  spec: { pytorchReplicaSpecs: { Worker: { replicas: workers, template: { metadata: { annotations }, spec: pod(gpus) } } } },
});
const runtime = (nodes: number, annotations: Record<string, string>) => ({
  apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainingRuntime', metadata: { name: 'ddp', namespace: 'team' },
  spec: { mlPolicy: { numNodes: nodes, torch: {} }, template: { spec: { replicatedJobs: [{ name: 'node', template: { metadata: { labels: { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' } }, spec: { template: { metadata: { annotations }, spec: pod(4) } } } }] } } },
});
const trainJob = (nodes: number) => ({
  apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'ddp', namespace: 'team', labels: queued },
  spec: { runtimeRef: { apiGroup: 'trainer.kubeflow.org', kind: 'TrainingRuntime', name: 'ddp' }, trainer: { numNodes: nodes } },
});
const flavor = (topologyName?: string) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ResourceFlavor', metadata: { name: 'h100' }, spec: { nodeLabels: { [POOL]: 'h100' }, topologyName } });
const topology = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'Topology', metadata: { name: 'rack.hostname' }, spec: { levels: [{ nodeLabel: RACK }, { nodeLabel: HOST }] } };
const target = testTarget({ nodePools: new Map([['h100', { maxNodes: 4, cpuMillis: 190_000, memoryMebibytes: 1_900_000, gpus: 8 }]]) });

describe('rule topology-domains', () => {
  test('a pod set requiring one node (kubernetes.io/hostname) but needing two: never admitted, naming the annotation and both sides', () => {
    const { errors } = findingsOf(topologyDomains, [pytorchJob(2, 8, { [REQUIRED]: HOST })], target);
    expect(errors).toEqual([expect.stringMatching(
      /PyTorchJob team\/ddp: spec\.pytorchReplicaSpecs\.Worker\.template\.metadata\.annotations\['kueue\.x-k8s\.io\/podset-required-topology'\] is 'kubernetes\.io\/hostname'; Worker: its 2 pods must all run on one node .*pool 'h100' has \(nvidia\.com\/gpu 16 > 8; one node fits 1\), so Kueue never admits the job/)]);
  });

  test('the twin: two pods that share one node, a preferred request, or a wider level are not reported', () => {
    for (const job of [pytorchJob(2, 4, { [REQUIRED]: HOST }), pytorchJob(4, 8, { [PREFERRED]: HOST }), pytorchJob(4, 8, { [REQUIRED]: RACK })]) {
      expect(findingsOf(topologyDomains, [job], target)).toEqual({ errors: [], warnings: [] });
    }
  });

  test('a TrainJob: the runtime\'s replicated job with the TrainJob\'s numNodes', () => {
    expect(findingsOf(topologyDomains, [runtime(1, { [REQUIRED]: HOST }), trainJob(2)], target)).toEqual({ errors: [], warnings: [] });
    const { errors } = findingsOf(topologyDomains, [runtime(1, { [REQUIRED]: HOST }), trainJob(3)], target);
    expect(errors).toEqual([expect.stringMatching(/TrainJob team\/ddp: TrainingRuntime 'ddp' spec\.template\.spec\.replicatedJobs\[0\]\.template\.spec\.template\.metadata\.annotations\['kueue\.x-k8s\.io\/podset-required-topology'\] is 'kubernetes\.io\/hostname'; node: its 3 pods .*nvidia\.com\/gpu 12 > 8; one node fits 2/)]);
  });

  test("the pool's flavor must name a Topology that has the level (when both are among the manifests)", () => {
    expect(findingsOf(topologyDomains, [flavor(), pytorchJob(1, 8, { [REQUIRED]: RACK })]).errors)
      .toEqual([expect.stringMatching(/the ResourceFlavor\(s\) of pool 'h100' \(h100\) name no Kueue Topology, so Kueue never admits .*does not support TopologyAwareScheduling/)]);
    expect(findingsOf(topologyDomains, [flavor('rack.hostname'), topology, pytorchJob(1, 8, { [PREFERRED]: 'example.com/block' })]).errors)
      .toEqual([expect.stringMatching(/is 'example\.com\/block'; Worker: pool 'h100' has Kueue Topology 'rack\.hostname' \[example\.com\/rack, kubernetes\.io\/hostname\], without this level/)]);
    expect(findingsOf(topologyDomains, [flavor('rack.hostname'), topology, pytorchJob(1, 8, { [REQUIRED]: RACK })])).toEqual({ errors: [], warnings: [] });
    // A Topology made outside the manifests may have the level: nothing certain.
    expect(findingsOf(topologyDomains, [flavor('elsewhere'), pytorchJob(1, 8, { [REQUIRED]: 'example.com/block' })])).toEqual({ errors: [], warnings: [] });
  });

  test('an annotated job no Kueue queue admits: a warning (nothing reads it)', () => {
    const { errors, warnings } = findingsOf(topologyDomains, [pytorchJob(2, 8, { [REQUIRED]: HOST }, {})], target);
    expect(errors).toEqual([]);
    expect(warnings).toEqual([expect.stringMatching(/has no 'kueue\.x-k8s\.io\/queue-name' label, so Kueue never manages it and nothing reads this topology request/)]);
  });
});
