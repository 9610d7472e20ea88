import { findingsOf, problemsOf, testTarget, workflow } from './check-helpers';
import { withExternals } from '../../../constructs/checks/declared-externals';
import { objectReferences } from '../../../constructs/checks/rules/object-references';
import { queueReferences } from '../../../constructs/checks/rules/queue-references';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const deployment = (spec: Record<string, any>) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' },
  spec: { selector: { matchLabels: { app: 'd' } }, template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: 'i:1' }], ...spec } } },
});

describe('rule object-references', () => {
  const referencing = deployment({
    serviceAccountName: 'runner', priorityClassName: 'training-high',
    volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }, { name: 'cfg', configMap: { name: 'cfg' } }],
  });

  test('a missing ConfigMap is an error; a missing ServiceAccount, claim and PriorityClass are warnings (they may be made outside the charts)', () => {
    const { errors, warnings } = findingsOf(objectReferences, [ns('ns'), referencing]);
    expect(errors).toEqual([expect.stringMatching(/volumes\[1\]\.configMap\.name is 'cfg'/)]);
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/serviceAccountName is 'runner'; pods: no ServiceAccount 'runner' is deployed in namespace 'ns', so unless it is made outside the charts/);
    expect(warnings[1]).toMatch(/volumes\[0\]\.persistentVolumeClaim\.claimName is 'data'; .*no PersistentVolumeClaim 'data'/);
    expect(warnings[2]).toMatch(/priorityClassName is 'training-high'; no PriorityClass 'training-high' is deployed with it or declared, so unless the cluster has one the pods are rejected/);
  });

  test('checking a whole deployment (a stack\'s plan), a PriorityClass none of it makes nor declares is an error', () => {
    const { errors } = findingsOf(objectReferences, [ns('ns'), referencing], testTarget({ wholeDeployment: true }));
    expect(errors).toContainEqual(expect.stringMatching(/no PriorityClass 'training-high' is deployed with it or declared/));
  });

  test('ServiceAccounts, claims and PriorityClasses declared on the target are not reported (F10: IRSA, Workload Identity)', () => {
    const target = withExternals(testTarget(), { serviceAccounts: ['ns/runner'], claims: ['ns/data'], priorityClasses: ['training-high'] });
    expect(findingsOf(objectReferences, [ns('ns'), referencing], target)).toEqual({ errors: [expect.stringMatching(/configMap\.name is 'cfg'/)], warnings: [] });
  });

  test('references deployed together, defaults and built-in priority classes pass', () => {
    expect(problemsOf(objectReferences, [
      ns('ns'),
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'runner', namespace: 'ns' } },
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' } },
      { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'training-high' } },
      deployment({ serviceAccountName: 'runner', priorityClassName: 'training-high', volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] }),
      { ...deployment({ priorityClassName: 'system-cluster-critical', volumes: [{ name: 'o', configMap: { name: 'x', optional: true } }] }), metadata: { name: 'e', namespace: 'ns' } },
    ])).toEqual([]);
  });

  test('namespaces no chart creates are not judged (operator namespaces)', () => {
    expect(problemsOf(objectReferences, [deployment({ serviceAccountName: 'runner' })])).toEqual([]);
  });

  test('workflow steps use the workflow service account and volumes', () => {
    const problems = problemsOf(objectReferences, [ns('ns'), workflow('wf', [{ name: 's', container: { image: 'i:1' } }], { serviceAccountName: 'wf', volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'models' } }] })]);
    expect(problems.map((p) => p.replace(/;.*/, ''))).toEqual([
      "[t/Workflow1/Resource] Workflow ns/wf: spec.templates[1].serviceAccountName is 'wf'",
      "[t/Workflow1/Resource] Workflow ns/wf: spec.templates[1].volumes[0].persistentVolumeClaim.claimName is 'models'",
    ]);
  });
});

const job = (labels: Record<string, string>, kind = 'PyTorchJob') => ({ apiVersion: 'kubeflow.org/v1', kind, metadata: { name: 'j', namespace: 'team', labels }, spec: {} });
const lq = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'LocalQueue', metadata: { name: 'default', namespace: 'team' }, spec: { clusterQueue: 'team' } };
const cq = (namespaceSelector?: Record<string, any>) => ({ apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'team' }, spec: { namespaceSelector } });

describe('rule queue-references', () => {
  const queued = { 'kueue.x-k8s.io/queue-name': 'default' };
  test('a job queued on a LocalQueue that does not exist: a warning, an error when the whole deployment is checked', () => {
    expect(findingsOf(queueReferences, [ns('team'), job(queued)]).warnings[0]).toMatch(/no LocalQueue 'default' is deployed in namespace 'team', so unless one exists there Kueue keeps the PyTorchJob suspended forever/);
    expect(findingsOf(queueReferences, [ns('team'), job(queued)], testTarget({ wholeDeployment: true })).errors[0]).toMatch(/no LocalQueue 'default'/);
  });

  test('the ClusterQueue must exist and select the namespace', () => {
    expect(problemsOf(queueReferences, [ns('team'), job(queued), lq])[0]).toMatch(/\[t\/LocalQueue2\/Resource\] LocalQueue team\/default: spec\.clusterQueue is 'team'; no ClusterQueue 'team'/);
    expect(problemsOf(queueReferences, [ns('team', { tier: 'a' }), job(queued), lq, cq({ matchLabels: { tier: 'b' } })])[0])
      .toMatch(/ClusterQueue 'team' \(behind LocalQueue 'default'\) does not select namespace 'team' \(labels tier=a,kubernetes\.io\/metadata\.name=team/);
    expect(problemsOf(queueReferences, [ns('team'), job(queued), lq, cq()])[0]).toMatch(/selector null/);
    expect(problemsOf(queueReferences, [ns('team', { tier: 'a' }), job(queued), lq, cq({ matchLabels: { tier: 'a' } })])).toEqual([]);
  });

  test('a kubeflow.org/v1 MPIJob cannot be queued by Kueue', () => {
    expect(problemsOf(queueReferences, [ns('team'), job(queued, 'MPIJob'), lq, cq({})])[0]).toMatch(/no integration for the training-operator's kubeflow\.org\/v1 MPIJob: its 'kubeflow\.org\/mpijob' integration manages mpi-operator's kubeflow\.org\/v2beta1 MPIJob only/);
  });

  test('workload priority classes and Volcano queues must exist', () => {
    const volcanoJob = { ...job({}), spec: { runPolicy: { schedulingPolicy: { queue: 'training' } } } };
    const problems = problemsOf(queueReferences, [ns('team'), job({ 'kueue.x-k8s.io/priority-class': 'batch-low' }), volcanoJob]);
    expect(problems[0]).toMatch(/no WorkloadPriorityClass 'batch-low'/);
    expect(problems[1]).toMatch(/no Volcano Queue 'training'/);
    expect(problemsOf(queueReferences, [{ ...job({}), spec: { runPolicy: { schedulingPolicy: { queue: 'default' } } } }])).toEqual([]);
  });

  test('pods queued through spec.podMetadata are checked too', () => {
    expect(problemsOf(queueReferences, [ns('ns'), workflow('wf', [{ name: 's', container: { image: 'i:1' } }], { podMetadata: { labels: { 'kueue.x-k8s.io/queue-name': 'q' } } })])[0])
      .toMatch(/spec\.templates\[1\] pod labels\['kueue\.x-k8s\.io\/queue-name'\] is 'q'; no LocalQueue 'q'/);
  });
});

describe('rule namespaces-exist', () => {
  const { namespacesExist } = require('../../../constructs/checks/rules/namespaces-exist') as typeof import('../../../constructs/checks/rules/namespaces-exist');
  const { testTarget } = require('./check-helpers') as typeof import('./check-helpers');
  const cm = (namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace } });
  test('an object in a namespace no deployed chart creates or the target declares is a warning, once per namespace', () => {
    const found = findingsOf(namespacesExist, [cm('vision'), { ...cm('vision'), metadata: { name: 'd', namespace: 'vision' } }], testTarget());
    expect(found).toEqual({ errors: [], warnings: [expect.stringMatching(/ConfigMap vision\/c: metadata\.namespace is 'vision'; no chart deployed with it creates namespace 'vision'/)] });
  });
  test('declared namespaces and the namespaces of installed components exist (F11: monitoring, kubeflow)', () => {
    expect(problemsOf(namespacesExist, [cm('legacy')], withExternals(testTarget(), { namespaces: ['legacy'] }))).toEqual([]);
    const installed = testTarget({ operators: ['training-operator'], prometheus: { namespace: 'monitoring', exportedMetrics: [] } });
    expect(problemsOf(namespacesExist, [cm('monitoring'), cm('kubeflow')], installed)).toEqual([]);
    expect(problemsOf(namespacesExist, [cm('kubeflow')], testTarget())).toHaveLength(1);
  });
  test('created, built-in and declared existing namespaces pass; without a target the rule does not run', () => {
    expect(problemsOf(namespacesExist, [ns('vision'), cm('vision'), cm('default'), cm('kube-system')], testTarget())).toEqual([]);
    expect(problemsOf(namespacesExist, [cm('legacy')], testTarget({ existingNamespaces: ['legacy'] }))).toEqual([]);
    expect(problemsOf(namespacesExist, [cm('vision')])).toEqual([]);
  });
});

describe('rule object-references: DeviceClasses that claims name', () => {
  const template = (deviceClassName: string) => ({
    apiVersion: 'resource.k8s.io/v1', kind: 'ResourceClaimTemplate', metadata: { name: 'gpus', namespace: 'ns' },
    spec: { spec: { devices: { requests: [{ name: 'gpus', exactly: { deviceClassName, allocationMode: 'ExactCount', count: 1 } }] } } },
  });
  const gpuCluster = { name: "the gpu-operator's DRA driver (GPUCluster)", domain: 'nvidia.com', deviceClasses: ['gpu.nvidia.com', 'mig.nvidia.com'] };

  test('a class the installed driver creates, one deployed with the claim, or one declared: nothing to say', () => {
    expect(findingsOf(objectReferences, [ns('ns'), template('gpu.nvidia.com')], testTarget({ draDriver: gpuCluster }))).toEqual({ errors: [], warnings: [] });
    const deployed = { apiVersion: 'resource.k8s.io/v1', kind: 'DeviceClass', metadata: { name: 'fpga.example.com' }, spec: {} };
    expect(findingsOf(objectReferences, [ns('ns'), deployed, template('fpga.example.com')])).toEqual({ errors: [], warnings: [] });
    expect(findingsOf(objectReferences, [ns('ns'), template('fpga.example.com')], withExternals(testTarget(), { deviceClasses: ['fpga.example.com'] }))).toEqual({ errors: [], warnings: [] });
  });

  test('a misspelt class of the installed driver is an error naming the classes it creates', () => {
    expect(findingsOf(objectReferences, [ns('ns'), template('gpus.nvidia.com')], testTarget({ draDriver: gpuCluster })).errors).toEqual([
      expect.stringMatching(/spec\.spec\.devices\.requests\[0\]\.exactly\.deviceClassName is 'gpus\.nvidia\.com'; the gpu-operator's DRA driver \(GPUCluster\) creates the DeviceClasses gpu\.nvidia\.com, mig\.nvidia\.com, not 'gpus\.nvidia\.com'/),
    ]);
  });

  test('any other unknown class is a warning: a driver installed out of band may create it', () => {
    expect(findingsOf(objectReferences, [ns('ns'), template('gpu.nvidia.com')]).warnings).toEqual([
      expect.stringMatching(/no DeviceClass 'gpu\.nvidia\.com' is deployed with it or created by a DRA driver the target installs, so unless a driver installed out of band creates it .*withExternals\(target, \{ deviceClasses: \['gpu\.nvidia\.com'\] \}\)/),
    ]);
    const firstAvailable = { ...template('x'), spec: { spec: { devices: { requests: [{ name: 'g', firstAvailable: [{ name: 'a', deviceClassName: 'a.example.com' }] }] } } } };
    expect(findingsOf(objectReferences, [ns('ns'), firstAvailable], testTarget({ draDriver: gpuCluster })).warnings[0]).toMatch(/firstAvailable\[0\]\.deviceClassName is 'a\.example\.com'/);
  });
});
