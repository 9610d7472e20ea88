import { problemsOf, testTarget, workflow } from './check-helpers';
import { storagePlacement } from '../../../constructs/checks/rules/storage-placement';
import { workloadSelectors } from '../../../constructs/checks/rules/workload-selectors';

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
const pvc = (accessModes: string[], storageClassName?: string) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, spec: { accessModes, storageClassName } });
const mount = { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }], containers: [{ name: 'c', image: 'i:1', volumeMounts: [{ name: 'data', mountPath: '/data' }] }] };
const tfjob = (workers: number, extra: Record<string, any> = {}) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { generateName: 't-' }, ...extra,
  spec: { tfReplicaSpecs: { Worker: { replicas: workers, template: { spec: { ...mount, nodeSelector: { 'mlpatterns.dev/node-pool': 'gpu' } } } } } },
});

describe('rule storage-placement', () => {
  test('ReadWriteOnce mounted by two workers of one job is an error', () => {
    const problems = problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), { ...tfjob(2), metadata: { name: 't', namespace: 'ns' } }]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/spec\.accessModes is 'ReadWriteOnce'; ReadWriteOnce attaches to one node, but up to 2 pods mount it at once .*t\/TFJob1\/Resource Worker.*use AccessMode\.READ_WRITE_MANY/);
  });

  test('ReadWriteMany, a single pod, and a one-node pool are fine', () => {
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteMany']), { ...tfjob(3), metadata: { name: 't', namespace: 'ns' } }])).toEqual([]);
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), { ...tfjob(1), metadata: { name: 't', namespace: 'ns' } }])).toEqual([]);
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), { ...tfjob(2), metadata: { name: 't', namespace: 'ns' } }], testTarget({ nodePools: new Map([['gpu', { maxNodes: 1, cpuMillis: 8000, memoryMebibytes: 32768, gpus: 1 }]]) }))).toEqual([]);
  });

  test('sequential workflow steps share a ReadWriteOnce claim, parallel ones do not', () => {
    const step = (name: string, depends?: string) => ({ name, container: mount.containers[0], task: depends ? { depends: `${depends}.Succeeded` } : {} });
    const wfVolumes = { volumes: mount.volumes };
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), workflow('wf', [step('a'), step('b', 'a')], wfVolumes)])).toEqual([]);
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), workflow('wf', [step('a'), step('b'), step('c', 'a && b')], wfVolumes)])[0]).toMatch(/up to 2 pods/);
  });

  test('jobs a workflow step creates count in the workflow order; their workers overlap', () => {
    const wf = workflow('wf', [{ name: 'ingest', container: mount.containers[0] }, { name: 'train', resource: { action: 'create', manifest: 'apiVersion: kubeflow.org/v1\nkind: TFJob\n' }, task: { depends: 'ingest.Succeeded' } }], { volumes: mount.volumes });
    const embedded = { ...tfjob(1), embeddedIn: 't/Workflow1', step: 'train' };
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), wf, embedded])).toEqual([]);
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce']), wf, { ...embedded, ...tfjob(2) , embeddedIn: 't/Workflow1', step: 'train' }])[0]).toMatch(/up to 2 pods/);
  });

  test('with a target, the class must exist and provide the access modes', () => {
    const target = testTarget();
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteMany'])], target)[0]).toMatch(/class 'standard' of test target does not provide ReadWriteMany .*use the shared class 'nfs'/);
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteOnce'], 'fast')], target)[0]).toMatch(/has no such StorageClass \(local: default 'standard', shared 'nfs'\)/);
    expect(problemsOf(storagePlacement, [pvc(['ReadWriteMany'], 'nfs')], target)).toEqual([]);
  });
});

describe('rule workload-selectors', () => {
  const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'ns' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i:1', ports: [{ name: 'http', containerPort: 8080 }] }] } } } };
  const service = (selector: Record<string, string>, targetPort: string | number) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'ns' }, spec: { selector, ports: [{ port: 80, targetPort }] } });

  test('a Service selecting no pods, or a port no container names, is an error', () => {
    expect(problemsOf(workloadSelectors, [ns, deployment, service({ app: 'api' }, 'http')])[0]).toMatch(/spec\.selector is 'app=api'; no pod deployed in namespace 'ns' has these labels/);
    expect(problemsOf(workloadSelectors, [ns, deployment, service({ app: 'web' }, 'grpc')])[0]).toMatch(/spec\.ports\[0\]\.targetPort is 'grpc'; no container of the selected pods/);
    expect(problemsOf(workloadSelectors, [ns, deployment, service({ app: 'web' }, 'http')])).toEqual([]);
  });

  test('PDBs must select pods; HPAs and ScaledObjects must target a workload', () => {
    const pdb = { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'ns' }, spec: { selector: { matchLabels: { app: 'other' } } } };
    const hpa = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'ns' }, spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'api' } } };
    const problems = problemsOf(workloadSelectors, [ns, deployment, pdb, hpa]);
    expect(problems[0]).toMatch(/PodDisruptionBudget ns\/p: spec\.selector is 'app=other'; no pod deployed/);
    expect(problems[1]).toMatch(/HorizontalPodAutoscaler ns\/h: spec\.scaleTargetRef is 'Deployment\/api'; no Deployment 'api'/);
  });
});
