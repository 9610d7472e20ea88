import { entriesOf, findingsOf, problemsOf } from './check-helpers';
import { ObjectIndex } from '../../../constructs/checks/object-index';
import { objectReferences } from '../../../constructs/checks/rules/object-references';
import { podSecurity } from '../../../constructs/checks/rules/pod-security';
import { strategicMerge } from '../../../constructs/checks/trainjob-templates';

// A TrainJob's pod templates are its runtime's replicated jobs as Trainer v2.3.0 builds them
// (constructs/checks/trainjob-templates.ts cites the upstream files).

const ANCESTOR = { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' };
const node = (extra: Record<string, any> = {}) => ({ name: 'node', image: 'base:1', command: ['python', '/a.py'], resources: { requests: { cpu: '1' }, limits: { cpu: '1' } }, env: [{ name: 'A', value: '1' }], ...extra });
const runtime = (kind: string, spec: Record<string, any>, namespace?: string) => ({
  apiVersion: 'trainer.kubeflow.org/v1alpha1', kind, metadata: { name: 'rt', ...(namespace ? { namespace } : {}) }, spec,
});
const torch = (ns?: string) => runtime(ns ? 'TrainingRuntime' : 'ClusterTrainingRuntime', {
  mlPolicy: { numNodes: 1, torch: {} },
  template: { spec: { replicatedJobs: [{ name: 'node', template: { metadata: { labels: ANCESTOR }, spec: { template: { spec: { containers: [node()], volumes: [{ name: 'v', emptyDir: {} }] } } } } }] } },
}, ns);
const trainJob = (spec: Record<string, any>) => ({ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'tj', namespace: 'ns' }, spec });
const templatesOf = (objects: Record<string, any>[]) => new ObjectIndex(entriesOf(objects)).podTemplates().filter((t) => t.entry.object.kind === 'TrainJob');

describe('TrainJob pod templates', () => {
  test('the runtime the ref names (kind defaults to ClusterTrainingRuntime); none when it is not in the manifests', () => {
    expect(templatesOf([torch(), trainJob({ runtimeRef: { name: 'rt' } })])).toHaveLength(1);
    expect(templatesOf([torch('ns'), trainJob({ runtimeRef: { name: 'rt' } })])).toHaveLength(0);
    expect(templatesOf([torch('ns'), trainJob({ runtimeRef: { name: 'rt', kind: 'TrainingRuntime' } })])).toHaveLength(1);
  });

  test('numNodes, resourcesPerNode, image, command, args, env and runtimePatches reach the node container', () => {
    const [t] = templatesOf([torch(), trainJob({
      runtimeRef: { name: 'rt' },
      trainer: { numNodes: 4, image: 'mine:2', command: ['torchrun'], args: ['/b.py'], env: [{ name: 'A', value: '2' }, { name: 'B', value: '3' }], resourcesPerNode: { limits: { 'nvidia.com/gpu': 1 } } },
      runtimePatches: [{ manager: 'me', trainingRuntimeSpec: { template: { spec: { replicatedJobs: [{ name: 'node', template: { spec: { template: { spec: {
        nodeSelector: { pool: 'gpu' }, volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'd' } }], containers: [{ name: 'node', volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      } } } } }] } } } }],
    })]);
    expect(t).toMatchObject({ role: 'node', maxPods: 4, minPods: 4, field: "ClusterTrainingRuntime 'rt' spec.template.spec.replicatedJobs[0].template.spec.template.spec" });
    expect(t.spec.nodeSelector).toEqual({ pool: 'gpu' });
    expect(t.spec.volumes.map((v: any) => v.name)).toEqual(['v', 'data']);
    expect(t.spec.containers[0]).toEqual({
      name: 'node', image: 'mine:2', command: ['torchrun'], args: ['/b.py'], env: [{ name: 'A', value: '2' }, { name: 'B', value: '3' }],
      resources: { requests: { cpu: '1' }, limits: { cpu: '1', 'nvidia.com/gpu': 1 } }, volumeMounts: [{ name: 'data', mountPath: '/data' }],
    });
  });

  test('MPI: numNodes sizes the node job (less the launcher with runLauncherAsNode); the launcher keeps its count', () => {
    const mpi = (launcherAsNode: boolean) => runtime('ClusterTrainingRuntime', {
      mlPolicy: { numNodes: 1, mpi: { runLauncherAsNode: launcherAsNode } },
      template: { spec: { replicatedJobs: [
        { name: 'launcher', template: { metadata: { labels: ANCESTOR }, spec: { template: { spec: { containers: [node()] } } } } },
        { name: 'node', template: { spec: { template: { spec: { containers: [node()] } } } } },
      ] } },
    });
    const pods = (launcherAsNode: boolean) => templatesOf([mpi(launcherAsNode), trainJob({ runtimeRef: { name: 'rt' }, trainer: { numNodes: 3 } })]).map((t) => [t.role, t.maxPods]);
    expect(pods(false)).toEqual([['launcher', 1], ['node', 3]]);
    expect(pods(true)).toEqual([['launcher', 1], ['node', 2]]);
  });

  test('rules judge the merged pods: a privileged container a runtime patch adds fails pod security', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
    const patched = trainJob({ runtimeRef: { name: 'rt' }, runtimePatches: [{ trainingRuntimeSpec: { template: { spec: { replicatedJobs: [{ name: 'node', template: { spec: { template: { spec: { containers: [{ name: 'node', securityContext: { privileged: true } }] } } } } }] } } } }] });
    expect(problemsOf(podSecurity, [ns, torch(), patched]).join('\n')).toMatch(/TrainJob ns\/tj: ClusterTrainingRuntime 'rt' .*privileged/);
  });

  test('a TrainJob whose runtime is not deployed with it is a warning: its pods go unchecked', () => {
    expect(findingsOf(objectReferences, [trainJob({ runtimeRef: { name: 'torch-distributed' } })]).warnings[0])
      .toMatch(/spec\.runtimeRef is 'ClusterTrainingRuntime\/torch-distributed'; no ClusterTrainingRuntime 'torch-distributed' is deployed with it, so its pods cannot be checked/);
    expect(findingsOf(objectReferences, [torch(), trainJob({ runtimeRef: { name: 'rt' } })]).warnings).toEqual([]);
  });

  test('strategic merge: lists with a merge key merge by it, other lists and scalars are replaced, null deletes', () => {
    expect(strategicMerge({ containers: [{ name: 'a', x: 1 }], tolerations: [{ key: 'k' }], s: 1, d: 2 }, { containers: [{ name: 'a', y: 2 }, { name: 'b' }], tolerations: [{ key: 'j' }], s: 3, d: null }))
      .toEqual({ containers: [{ name: 'a', x: 1, y: 2 }, { name: 'b' }], tolerations: [{ key: 'j' }], s: 3 });
  });
});
