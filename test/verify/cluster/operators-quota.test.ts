// Unit tests for the cluster rung's operators.ts, webhooks.ts and quota.ts (no cluster needed).
import * as ops from '../../../scripts/verify/cluster/operators';
import * as webhooks from '../../../scripts/verify/cluster/webhooks';
import * as quota from '../../../scripts/verify/cluster/quota';

describe('verify-cluster operators, webhooks and quota', () => {

  test('kueueRuntimeConfiguration keeps the stack policy and replaces only process fields', () => {
    const stack = {
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      integrations: { frameworks: ['batch/job', 'kubeflow.org/pytorchjob'] },
      fairSharing: { preemptionStrategies: ['LessThanOrEqualToFinalShare'] },
      webhook: { port: 9443 },
      leaderElection: { leaderElect: true },
    };
    const { configuration, replaced } = ops.kueueRuntimeConfiguration(stack, { healthPort: 21000, webhookPort: 21001, certDir: '/c' });
    expect(configuration.integrations).toEqual(stack.integrations);
    expect(configuration.fairSharing).toEqual(stack.fairSharing);
    expect(configuration.webhook).toEqual({ host: '127.0.0.1', port: 21001, certDir: '/c' });
    expect(configuration.leaderElection).toEqual({ leaderElect: false });
    expect(configuration.internalCertManagement).toEqual({ enable: false });
    expect(configuration.metrics).toEqual({ bindAddress: '0' });
    expect(configuration.namespace).toBe('kueue-system');
    expect(replaced).toEqual(['webhook', 'leaderElection']);
    expect(stack.webhook).toEqual({ port: 9443 }); // input untouched
    expect(() => ops.kueueRuntimeConfiguration({ apiVersion: 'config.kueue.x-k8s.io/v1beta1' }, { healthPort: 1, webhookPort: 2, certDir: '/c' })).toThrow(/v1beta1 is not supported/);
  });

  test('kueueFrameworkOf names Kueue integrations; the training-operator v1 MPIJob has none', () => {
    expect(ops.kueueFrameworkOf('batch', 'v1', 'Job')).toBe('batch/job');
    expect(ops.kueueFrameworkOf('kubeflow.org', 'v1', 'PyTorchJob')).toBe('kubeflow.org/pytorchjob');
    expect(ops.kueueFrameworkOf('kubeflow.org', 'v1', 'MPIJob')).toBeUndefined();
    expect(ops.kueueFrameworkOf('kubeflow.org', 'v2beta1', 'MPIJob')).toBe('kubeflow.org/mpijob');
    expect(ops.kueueFrameworkOf('trainer.kubeflow.org', 'v1alpha1', 'TrainJob')).toBe('trainer.kubeflow.org/trainjob');
    expect(ops.kueueFrameworkOf('serving.kserve.io', 'v1beta1', 'InferenceService')).toBeUndefined();
  });

  test('trainingOperatorCommandLine: harness flags first, then the stack flags; the template file flag points at the harness copy', () => {
    const stack = ['--gang-scheduler-name=volcano', '--pytorch-init-container-template-file=/etc/restricted-pytorch-init-container/initContainer.yaml'];
    const args = ops.trainingOperatorCommandLine(stack, { healthPort: 1, webhookPort: 2, initTemplateFile: '/tmp/t.yaml' });
    expect(args).toEqual([
      '--metrics-bind-address=0', '--health-probe-bind-address=127.0.0.1:1', '--webhook-server-port=2', '--leader-elect=false',
      '--gang-scheduler-name=volcano', '--pytorch-init-container-template-file=/tmp/t.yaml',
    ]);
    expect(ops.trainingOperatorCommandLine([], { healthPort: 1, webhookPort: 2, initTemplateFile: '/tmp/t.yaml' })).toHaveLength(4);
    expect(() => ops.trainingOperatorCommandLine(stack, { healthPort: 1, webhookPort: 2 })).toThrow(/no pytorchInitContainerTemplate/);
    expect(() => ops.trainingOperatorCommandLine(['--webhook-server-port=9443'], { healthPort: 1, webhookPort: 2 })).toThrow(/--webhook-server-port from the stack/);
    expect(ops.gangSchedulerName(['--gang-scheduler-name=volcano'])).toBe('volcano');
    expect(ops.gangSchedulerName(['--gang-scheduler-name', 'scheduler-plugins'])).toBe('scheduler-plugins');
    expect(ops.gangSchedulerName([])).toBeUndefined();
  });

  const upstreamWebhooks = [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'mutating-webhook-configuration' },
      webhooks: [
        { name: 'mjob.kb.io', clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/mutate-batch-v1-job' } }, rules: [{ apiGroups: ['batch'], resources: ['jobs'] }] },
        { name: 'mclusterqueue.kb.io', clientConfig: { service: { name: 'webhook-service', namespace: 'system', path: '/mutate-kueue-x-k8s-io-v1beta2-clusterqueue' } }, rules: [{ apiGroups: ['kueue.x-k8s.io'], resources: ['clusterqueues'] }] },
      ],
    },
    { apiVersion: 'v1', kind: 'Service', metadata: { name: 'webhook-service' } },
  ];

  test('kueueWebhooks: 127.0.0.1 URLs with the CA, kueue- names, namespace selector on workload kinds only', () => {
    const out = webhooks.kueueWebhooks(upstreamWebhooks, 21001, 'PEM');
    expect(out).toHaveLength(1);
    expect(out[0].metadata).toEqual({ name: 'kueue-mutating-webhook-configuration' });
    const [job, cq] = out[0].webhooks;
    expect(job.clientConfig).toEqual({ url: 'https://127.0.0.1:21001/mutate-batch-v1-job', caBundle: Buffer.from('PEM').toString('base64') });
    expect(job.namespaceSelector).toEqual(webhooks.KUEUE_WORKLOAD_NAMESPACE_SELECTOR);
    expect(cq.namespaceSelector).toBeUndefined();
    expect(upstreamWebhooks[0].webhooks?.[0].clientConfig.service).toBeDefined(); // input untouched
  });

  test('trainingOperatorWebhooks uses the name the cert rotator injects into; a webhook without a path is an error', () => {
    const doc = { kind: 'ValidatingWebhookConfiguration', metadata: { name: 'validating-webhook-configuration' }, webhooks: [{ name: 'v', clientConfig: { service: { path: '/validate-kubeflow-org-v1-tfjob' } } }] };
    expect(webhooks.trainingOperatorWebhooks([doc], 5, 'x')[0].metadata.name).toBe('validator.training-operator.kubeflow.org');
    expect(() => webhooks.trainingOperatorWebhooks([{ ...doc, webhooks: [{ name: 'v', clientConfig: {} }] }], 5, 'x')).toThrow(/no clientConfig.service.path/);
    expect(() => webhooks.trainingOperatorWebhooks([{ kind: 'Service' }], 5, 'x')).toThrow(/no ValidatingWebhookConfiguration/);
  });

  const cq = (name: string, resources: any[], cohortName = 'ml-teams') => ({
    metadata: { name },
    spec: { cohortName, resourceGroups: [{ coveredResources: ['cpu', 'memory'], flavors: [{ name: 'cpu', resources }] }] },
  });

  test('parseQuantity', () => {
    expect(quota.parseQuantity('500m')).toBeCloseTo(0.5);
    expect(quota.parseQuantity('8')).toBe(8);
    expect(quota.parseQuantity('32Gi')).toBe(32 * 1024 ** 3);
    expect(() => quota.parseQuantity('lots')).toThrow(/not a quantity/);
  });

  test('admissibleCapacity: nominal plus what the cohort lends, capped by the borrowing limit', () => {
    const research = cq('research', [{ name: 'cpu', nominalQuota: '8' }]);
    const recsys = cq('recsys', [{ name: 'cpu', nominalQuota: '12' }]);
    expect(quota.admissibleCapacity([research, recsys], 'research', 'cpu', 'cpu')).toBe(20);
    const lending = cq('recsys', [{ name: 'cpu', nominalQuota: '12', lendingLimit: '6' }]);
    expect(quota.admissibleCapacity([research, lending], 'research', 'cpu', 'cpu')).toBe(14);
    const capped = cq('research', [{ name: 'cpu', nominalQuota: '8', borrowingLimit: '2' }]);
    expect(quota.admissibleCapacity([capped, recsys], 'research', 'cpu', 'cpu')).toBe(10);
    const alone = cq('research', [{ name: 'cpu', nominalQuota: '8' }], undefined as any);
    expect(quota.admissibleCapacity([alone, cq('other', [{ name: 'cpu', nominalQuota: '12' }], 'x')], 'research', 'cpu', 'cpu')).toBe(8);
    expect(() => quota.admissibleCapacity([research], 'nope', 'cpu', 'cpu')).toThrow(/ClusterQueue nope not found/);
  });

  test('podsToFill: the largest pod count every resource admits; sizeProbeJob holds the pods', () => {
    const research = cq('research', [{ name: 'cpu', nominalQuota: '8' }, { name: 'memory', nominalQuota: '1Gi' }]);
    expect(quota.podsToFill([research], 'research', 'cpu', { cpu: '1', memory: '256Mi' })).toMatchObject({ pods: 4, limitedBy: 'memory' });
    expect(() => quota.podsToFill([research], 'research', 'cpu', { cpu: '9' })).toThrow(/admits no pod/);
    const job = { spec: { parallelism: 1, template: { spec: {} } } };
    const sized = quota.sizeProbeJob(job, 4);
    expect(sized.spec).toMatchObject({ parallelism: 4, completions: 4 });
    expect(sized.spec.template.metadata.annotations[quota.HOLD_ANNOTATION]).toBe('1h');
    expect(quota.flavorForPool([{ metadata: { name: 'gpu' }, spec: { nodeLabels: { p: 'gpu-l4' } } }], 'p', 'gpu-l4')).toBe('gpu');
  });
});
