import { findingsOf, problemsOf, workflow } from './check-helpers';
import { podSecurity } from '../../../constructs/checks/rules/pod-security';
import { programContract } from '../../../constructs/checks/rules/program-contract';
import { workloadSelectors } from '../../../constructs/checks/rules/workload-selectors';

/** Sound manifests the rules used to reject (issue 23's F-classes), each beside a twin that must still fail. */
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
const restrictedNs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
const service = (selector: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'ns' }, spec: { selector, ports: [{ port: 80 }] } });
const pytorchJob = {
  apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'train', namespace: 'ns' },
  spec: { pytorchReplicaSpecs: { Master: { replicas: 1, template: { spec: { containers: [{ name: 'pytorch', image: 'i:1' }] } } } } },
};
const statefulSet = {
  apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { name: 'db', namespace: 'ns' },
  spec: { replicas: 3, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'i:1' }] } } },
};
const isvc = (model: Record<string, any>, predictor: Record<string, any> = {}) => ({
  apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'ns' },
  spec: { predictor: { model: { modelFormat: { name: 'triton' }, storageUri: 's3://b/m', ...model }, ...predictor } },
});

describe('F4: Services and PDBs on labels the operators and controllers add', () => {
  test.each([
    ['a StatefulSet pod by name', statefulSet, { 'statefulset.kubernetes.io/pod-name': 'db-0' }],
    ['a training job by job-name', pytorchJob, { 'training.kubeflow.org/job-name': 'train', 'training.kubeflow.org/replica-type': 'master' }],
    ['a KServe predictor', isvc({}), { 'serving.kserve.io/inferenceservice': 'm' }],
  ])('%s is selected', (_what, workload, selector) => {
    expect(problemsOf(workloadSelectors, [ns, workload, service(selector)])).toEqual([]);
  });

  test('another job\'s name, or a label nobody adds, still selects nothing', () => {
    expect(problemsOf(workloadSelectors, [ns, pytorchJob, service({ 'training.kubeflow.org/job-name': 'other' })])[0]).toMatch(/no pod deployed in namespace 'ns' has these labels/);
    expect(problemsOf(workloadSelectors, [ns, statefulSet, service({ 'statefulset.kubernetes.io/pod-name': 'db-0', app: 'web' })])).toHaveLength(1);
  });
});

describe('F5: autoscalers on the Deployment KServe makes for a predictor', () => {
  const scaledObject = (name: string) => ({ apiVersion: 'keda.sh/v1alpha1', kind: 'ScaledObject', metadata: { name: 'so', namespace: 'ns' }, spec: { scaleTargetRef: { name } } });
  test('<isvc>-predictor is a target; another name is not', () => {
    expect(problemsOf(workloadSelectors, [ns, isvc({}), scaledObject('m-predictor')])).toEqual([]);
    expect(problemsOf(workloadSelectors, [ns, isvc({}), scaledObject('x-predictor')])[0]).toMatch(/no Deployment 'x-predictor' is deployed in namespace 'ns'/);
  });
});

describe('F3: a predictor model container inherits the runtime container\'s securityContext', () => {
  const seccomp = { securityContext: { seccompProfile: { type: 'RuntimeDefault' } } };
  test('with a shipped runtime only seccomp must come from the InferenceService', () => {
    expect(problemsOf(podSecurity, [restrictedNs, isvc({}, seccomp)])).toEqual([]);
    expect(problemsOf(podSecurity, [restrictedNs, isvc({})])).toEqual([expect.stringMatching(/containers\['kserve-container'\]\.securityContext\.seccompProfile\.type is undefined/)]);
  });

  test('a ServingRuntime of the charts gives what its container sets, no more', () => {
    const runtime = (securityContext: Record<string, any>) => ({
      apiVersion: 'serving.kserve.io/v1alpha1', kind: 'ServingRuntime', metadata: { name: 'own', namespace: 'ns' },
      spec: { containers: [{ name: 'kserve-container', image: 'i:1', securityContext }] },
    });
    const model = isvc({ runtime: 'own' }, seccomp);
    expect(problemsOf(podSecurity, [restrictedNs, runtime({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } }), model])).toEqual([]);
    expect(problemsOf(podSecurity, [restrictedNs, runtime({}), model]).map((p) => /securityContext\.(\w+)/.exec(p)?.[1])).toEqual(['allowPrivilegeEscalation', 'capabilities', 'runAsNonRoot']);
  });
});

describe('F9: commands the program contract used to refuse', () => {
  const BOOK = 'kubeflow/multi-worker-strategy:v0.1';
  const TRAIN = ['python', '/multi-worker-distributed-training.py'];
  const tfjob = (command: string[], container: Record<string, any> = {}) => ({
    apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 't', namespace: 'ns' },
    spec: { tfReplicaSpecs: { Worker: { template: { spec: { containers: [{ name: 'tensorflow', image: BOOK, command, ...container }] } } } } },
  });

  test('argparse accepts a unique prefix of a flag; an ambiguous or unknown one still fails', () => {
    expect(problemsOf(programContract, [ns, tfjob([...TRAIN, '--saved_model', '/m/1', '--checkpoint', '/m/c', '--model_type', 'cnn'])])).toEqual([]);
    expect(problemsOf(programContract, [ns, tfjob([...TRAIN, '--saved_model_dir', '/m/1', '--checkpoint_dir', '/m/c', '--model_type', 'cnn', '--learning_rate', '1'])])[0])
      .toMatch(/does not accept --learning_rate/);
  });

  test('env a container\'s envFrom may hold: a deployed ConfigMap\'s keys count, an unknown source makes it a warning', () => {
    const step = (envFrom: Record<string, any>[]) => workflow('wf', [{ name: 'train', container: { name: 'main', image: BOOK, command: [...TRAIN, '--saved_model_dir', '/m/1', '--checkpoint_dir', '/m/c', '--model_type', 'cnn'], envFrom } }]);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'tf', namespace: 'ns' }, data: { TF_CONFIG: '{}' } };
    expect(problemsOf(programContract, [ns, cm, step([{ configMapRef: { name: 'tf' } }])])).toEqual([]);
    expect(findingsOf(programContract, [ns, step([{ secretRef: { name: 'tf' } }])])).toEqual({
      errors: [], warnings: [expect.stringMatching(/fails without TF_CONFIG, which neither the container \(unless its envFrom Secret 'tf' has it\)/)],
    });
    expect(findingsOf(programContract, [ns, step([])]).errors).toEqual([expect.stringMatching(/fails without TF_CONFIG/)]);
  });
});

describe('F7: a ReadWriteOnce claim shared by pods a required podAffinity keeps on one node', () => {
  const { storagePlacement } = require('../../../constructs/checks/rules/storage-placement') as typeof import('../../../constructs/checks/rules/storage-placement');
  const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, spec: { accessModes: ['ReadWriteOnce'] } };
  const affinity = (app: string) => ({ podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } }] } });
  const deployment = (name: string, replicas: number, spec: Record<string, any> = {}) => ({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'ns' },
    spec: { replicas, template: { metadata: { labels: { app: name } }, spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }], containers: [{ name: 'c', image: 'i:1', volumeMounts: [{ name: 'd', mountPath: '/d' }] }], ...spec } } },
  });
  test('a writer and a reader held beside it share the claim', () => {
    expect(problemsOf(storagePlacement, [ns, pvc, deployment('writer', 1, { affinity: affinity('writer') }), deployment('reader', 2, { affinity: affinity('writer') })])).toEqual([]);
  });
  test('without the affinity, or with it on the zone, they may land on two nodes', () => {
    expect(problemsOf(storagePlacement, [ns, pvc, deployment('writer', 1), deployment('reader', 2, { affinity: affinity('writer') })])[0]).toMatch(/ReadWriteOnce attaches to one node/);
    const zone = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ ...affinity('writer').podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0], topologyKey: 'topology.kubernetes.io/zone' }] } };
    expect(problemsOf(storagePlacement, [ns, pvc, deployment('writer', 1, { affinity: zone }), deployment('reader', 2, { affinity: zone })])).toHaveLength(1);
  });
});
