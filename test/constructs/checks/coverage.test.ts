import { problemsOf, testTarget } from './check-helpers';
import { operatorCoverage } from '../../../constructs/checks/rules/operator-coverage';
import { podSecurity } from '../../../constructs/checks/rules/pod-security';

const served = (...kinds: string[]) => new Map(kinds.map((k) => [k, 'op'] as const));
const tfjob = (meta: Record<string, any> = {}, runPolicy: Record<string, any> = {}, schedulerName?: string) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 't', namespace: 'ns', ...meta },
  spec: { runPolicy, tfReplicaSpecs: { Worker: { replicas: 2, template: { spec: { schedulerName, containers: [{ name: 'tensorflow', image: 'i:1' }] } } } } },
});
const isvc = (annotations: Record<string, string>, scaleMetric?: string) => ({ apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'ns', annotations }, spec: { predictor: { scaleMetric } } });

describe('rule operator-coverage', () => {
  test('needs a target: skipped without one', () => {
    expect(problemsOf(operatorCoverage, [tfjob()])).toEqual([]);
  });

  test('a custom resource no installed operator serves is an error, with the operator to add', () => {
    const target = testTarget({ installableKinds: new Map([['kubeflow.org/TFJob', 'training-operator']]) });
    expect(problemsOf(operatorCoverage, [tfjob()], target)[0]).toMatch(/kind is 'kubeflow\.org\/TFJob'; no operator on test target serves it.*add 'training-operator' to the operators/);
    expect(problemsOf(operatorCoverage, [tfjob()], testTarget({ servedKinds: served('kubeflow.org/TFJob') }))).toEqual([]);
  });

  test('a queued job needs Kueue with its integration enabled; a suspended job needs a queue', () => {
    const queued = tfjob({ labels: { 'kueue.x-k8s.io/queue-name': 'q' } }, { suspend: true });
    const base = { servedKinds: served('kubeflow.org/TFJob') };
    expect(problemsOf(operatorCoverage, [queued], testTarget(base))[0]).toMatch(/does not install Kueue, so the queue label does nothing and the suspended job never starts/);
    expect(problemsOf(operatorCoverage, [queued], testTarget({ ...base, kueue: { frameworks: ['batch/job'], fairSharing: true } }))[0])
      .toMatch(/does not enable the 'kubeflow\.org\/tfjob' integration \(enabled: batch\/job\)/);
    expect(problemsOf(operatorCoverage, [queued], testTarget({ ...base, kueue: { frameworks: ['kubeflow.org/tfjob'], fairSharing: true } }))).toEqual([]);
    expect(problemsOf(operatorCoverage, [tfjob({}, { suspend: true })], testTarget(base))[0]).toMatch(/created suspended but has no Kueue queue label/);
  });

  test("an integration Kueue does not enable: the hint names the stack's key (kueueFrameworks), not a vague 'Kueue configuration' (issue 23 hints)", () => {
    const queued = tfjob({ labels: { 'kueue.x-k8s.io/queue-name': 'q' } });
    const problems = problemsOf(operatorCoverage, [queued], testTarget({ servedKinds: served('kubeflow.org/TFJob'), kueue: { frameworks: ['batch/job', 'trainer.kubeflow.org/trainjob'], fairSharing: true } }));
    expect(problems).toEqual([
      "[t/TFJob0/Resource] TFJob ns/t: metadata.labels['kueue.x-k8s.io/queue-name'] is 'q'; Kueue on test target does not enable the 'kubeflow.org/tfjob' integration (enabled: batch/job, trainer.kubeflow.org/trainjob), so it never admits this TFJob; the stacks derive integrations.frameworks from the installed operators (kueueFrameworks in stacks/operators/operator-config.ts: batch/job, the training-operator's tfjob and pytorchjob, kubeflow-trainer's trainjob), so queue one of those kinds or gang-schedule this one without Kueue",
    ]);
    expect(problems[0]).not.toMatch(/enable it in the stack's Kueue configuration/);
  });

  test('fair-sharing weights need fair sharing in the Kueue configuration', () => {
    const cq = { apiVersion: 'kueue.x-k8s.io/v1beta2', kind: 'ClusterQueue', metadata: { name: 'a' }, spec: { fairSharing: { weight: 2 } } };
    const target = testTarget({ servedKinds: served('kueue.x-k8s.io/ClusterQueue'), kueue: { frameworks: [], fairSharing: false } });
    expect(problemsOf(operatorCoverage, [cq], target)[0]).toMatch(/weight is ignored/);
  });

  test('gang scheduling: the operator flag decides, one scheduler per cluster, scheduler names exist', () => {
    const volcanoJob = tfjob({}, { schedulingPolicy: { minAvailable: 2 } }, 'volcano');
    const base = { servedKinds: served('kubeflow.org/TFJob'), schedulers: new Set(['default-scheduler', 'volcano']) };
    expect(problemsOf(operatorCoverage, [volcanoJob], testTarget({ ...base, trainingOperator: { restrictedPyTorchInitContainer: true } }))[0]).toMatch(/runs without --gang-scheduler-name, so it ignores schedulingPolicy/);
    expect(problemsOf(operatorCoverage, [volcanoJob], testTarget({ ...base, trainingOperator: { gangScheduler: 'scheduler-plugins-scheduler', restrictedPyTorchInitContainer: true } }))[0])
      .toMatch(/gang-schedules with 'scheduler-plugins-scheduler' only \(one gang scheduler per cluster\)/);
    expect(problemsOf(operatorCoverage, [volcanoJob], testTarget({ ...base, trainingOperator: { gangScheduler: 'volcano', restrictedPyTorchInitContainer: true } }))).toEqual([]);
    expect(problemsOf(operatorCoverage, [volcanoJob], testTarget({ servedKinds: served('kubeflow.org/TFJob') }))[0]).toMatch(/runs no scheduler of that name \(it has default-scheduler\)/);
  });

  test('KServe: Knative mode needs Knative; scale metrics must suit the mode', () => {
    const base = { servedKinds: served('serving.kserve.io/InferenceService'), kserve: { defaultDeploymentMode: 'Standard' as const, knative: false, clusterServingRuntimes: [] } };
    const target = testTarget(base);
    expect(problemsOf(operatorCoverage, [isvc({ 'serving.kserve.io/deploymentMode': 'Knative' })], target)[0]).toMatch(/has no Knative Serving/);
    // F2: KServe's defaulter stamps a Standard default mode before validation (inference_service_defaults.go).
    expect(problemsOf(operatorCoverage, [isvc({}, 'cpu')], target)).toEqual([]);
    expect(problemsOf(operatorCoverage, [isvc({}, 'cpu')], testTarget({ ...base, kserve: { ...base.kserve, defaultDeploymentMode: 'Knative', knative: true } }))[0])
      .toMatch(/Knative mode \(no 'serving\.kserve\.io\/deploymentMode' annotation, and the default mode of KServe on test target is Knative, which its webhook does not stamp\) scales on concurrency or rps, not 'cpu'/);
    expect(problemsOf(operatorCoverage, [isvc({ 'serving.kserve.io/deploymentMode': 'Standard' }, 'concurrency')], target)[0]).toMatch(/Standard mode scales the predictor with an HPA on cpu or memory/);
    expect(problemsOf(operatorCoverage, [isvc({ 'serving.kserve.io/deploymentMode': 'Standard' }, 'cpu')], target)).toEqual([]);
    expect(problemsOf(operatorCoverage, [isvc({ 'serving.kserve.io/deploymentMode': 'Standard' }, 'cpu')], testTarget({ ...base, metricsApis: { resource: false, custom: false, external: false } }))[0]).toMatch(/no metrics-server/);
  });
});

const restrictedNs = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } };
const secure = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
const deployment = (container: Record<string, any>, pod: Record<string, any> = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } }) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns' }, spec: { template: { spec: { securityContext: pod, containers: [{ name: 'c', image: 'i:1', ...container }] } } },
});

describe('rule pod-security', () => {
  test('restricted pods pass; each missing control is an error naming the container', () => {
    expect(problemsOf(podSecurity, [restrictedNs, deployment({ securityContext: secure })])).toEqual([]);
    const problems = problemsOf(podSecurity, [restrictedNs, deployment({ securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] } } }, {})]);
    expect(problems.map((p) => p.match(/securityContext\.[a-zA-Z.]+/)?.[0])).toEqual([
      'securityContext.privileged', 'securityContext.allowPrivilegeEscalation', 'securityContext.capabilities.drop',
      'securityContext.capabilities.add', 'securityContext.runAsNonRoot', 'securityContext.seccompProfile.type',
    ]);
    expect(problems[0]).toMatch(/container 'c' is privileged, which Pod Security 'restricted' rejects/);
  });

  test('pod templates inside custom resources are judged too (the operator creates those pods)', () => {
    const job = { apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 't', namespace: 'ns' }, spec: { tfReplicaSpecs: { Worker: { template: { spec: { containers: [{ name: 'tensorflow', image: 'i:1' }] } } } } } };
    expect(problemsOf(podSecurity, [restrictedNs, job])[0]).toMatch(/spec\.tfReplicaSpecs\.Worker\.template\.spec\.containers\['tensorflow'\]/);
  });

  test('an MPIJob v1 in a restricted namespace is an error; in a baseline namespace it is not', () => {
    const mpi = { apiVersion: 'kubeflow.org/v1', kind: 'MPIJob', metadata: { name: 'h', namespace: 'ns' }, spec: {} };
    expect(problemsOf(podSecurity, [restrictedNs, mpi])[0]).toMatch(/'kubectl-delivery' init container with no securityContext/);
    expect(problemsOf(podSecurity, [{ ...restrictedNs, metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } }, mpi])).toEqual([]);
  });

  test('a baseline namespace is judged at its level: what restricted alone asks passes, what baseline forbids fails', () => {
    const baselineNs = { ...restrictedNs, metadata: { name: 'ns', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } };
    // Root, no seccomp, no dropped capabilities, an added CHOWN: baseline admits it.
    expect(problemsOf(podSecurity, [baselineNs, deployment({ securityContext: { capabilities: { add: ['CHOWN'] } } }, {})])).toEqual([]);
    const problems = problemsOf(podSecurity, [baselineNs, { ...deployment({ securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN'] }, procMount: 'Unmasked' }, ports: [{ containerPort: 80, hostPort: 80 }] }, { seccompProfile: { type: 'Unconfined' } }) }]);
    expect(problems.map((p) => p.match(/: (spec\.template\.spec\.[^ ]+) is/)?.[1])).toEqual([
      'spec.template.spec.securityContext.seccompProfile.type', "spec.template.spec.containers['c'].securityContext.privileged",
      "spec.template.spec.containers['c'].securityContext.capabilities.add", "spec.template.spec.containers['c'].securityContext.procMount",
      "spec.template.spec.containers['c'].ports[0].hostPort",
    ]);
    expect(problems[1]).toMatch(/container 'c' is privileged, which Pod Security 'baseline' rejects/);
  });

  test('a PyTorchJob with Master and Worker needs the restricted init-pytorch template', () => {
    const job = { apiVersion: 'kubeflow.org/v1', kind: 'PyTorchJob', metadata: { name: 'p', namespace: 'ns' }, spec: { pytorchReplicaSpecs: { Master: {}, Worker: {} } } };
    expect(problemsOf(podSecurity, [restrictedNs, job], testTarget({ trainingOperator: { restrictedPyTorchInitContainer: false } }))[0]).toMatch(/injects 'init-pytorch' into Worker pods/);
    expect(problemsOf(podSecurity, [restrictedNs, job], testTarget({ trainingOperator: { restrictedPyTorchInitContainer: true } }))).toEqual([]);
  });
});

describe('rule operator-coverage: Argo artifacts', () => {
  test('artifacts through the default repository need one configured', () => {
    const wf = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'w', namespace: 'ns' }, spec: { templates: [{ name: 'fetch', container: { image: 'i:1' }, outputs: { artifacts: [{ name: 'data', path: '/tmp/d' }] } }] } };
    const base = { servedKinds: served('argoproj.io/Workflow') };
    expect(problemsOf(operatorCoverage, [wf], testTarget({ ...base, argo: { artifactRepository: false, controllerWritesConfigMaps: true } }))[0]).toMatch(/step 'fetch' passes artifacts through the default artifact repository/);
    expect(problemsOf(operatorCoverage, [wf], testTarget({ ...base, argo: { artifactRepository: true, controllerWritesConfigMaps: true } }))).toEqual([]);
  });
});

describe('rule operator-coverage: Argo memoization', () => {
  const memoized = { name: 'ingest', container: { image: 'i:1' }, memoize: { key: '{{inputs.parameters.dataset}}', maxAge: '1h', cache: { configMap: { name: 'w-memo-cache' } } } };
  const argo = (controllerWritesConfigMaps: boolean) => testTarget({ servedKinds: served('argoproj.io/Workflow', 'argoproj.io/CronWorkflow'), argo: { artifactRepository: true, controllerWritesConfigMaps } });
  const wf = { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'w', namespace: 'ns' }, spec: { templates: [memoized] } };

  test('a memoized step needs a controller that may write ConfigMaps', () => {
    expect(problemsOf(operatorCoverage, [wf], argo(false))).toEqual([
      "[t/Workflow0/Resource] Workflow ns/w: spec.templates[0].memoize.cache.configMap.name is 'w-memo-cache'; step 'ingest' is memoized, and Argo's workflow-controller saves its outputs in ConfigMap 'w-memo-cache' with its own service account, which on test target may not create or update ConfigMaps (argo-helm controller.rbac.writeConfigMaps is off), so the step that succeeded ends in Error (\"Failed to save node outputs to cache\"); install Argo with controller.rbac.writeConfigMaps: true, or drop memoize",
    ]);
    expect(problemsOf(operatorCoverage, [wf], argo(true))).toEqual([]);
  });

  test('CronWorkflows (workflowSpec) and workflows embedded in a step are judged too', () => {
    const cron = { apiVersion: 'argoproj.io/v1alpha1', kind: 'CronWorkflow', metadata: { name: 'c', namespace: 'ns' }, spec: { workflowSpec: { templates: [memoized] } } };
    const embedded = { ...wf, embeddedIn: 't/outer', step: 'run' };
    const problems = problemsOf(operatorCoverage, [cron, embedded], argo(false));
    expect(problems.map((p) => p.split(';')[0])).toEqual([
      "[t/CronWorkflow0/Resource] CronWorkflow ns/c: spec.workflowSpec.templates[0].memoize.cache.configMap.name is 'w-memo-cache'",
      "[t/Workflow1/Resource] Workflow ns/w (created by a step of workflow 't/outer'): spec.templates[0].memoize.cache.configMap.name is 'w-memo-cache'",
    ]);
  });
});
