import { parse } from 'yaml';
import { Accelerator } from '../../constructs/cluster/accelerator';
import { GpuAllocation } from '../../constructs/cluster/gpu-features';
import { NodePool } from '../../constructs/cluster/node-pool';
import {
  gangSchedulerName, kueueConfiguration, kueueConfigurationYaml, kueueFrameworks, PYTORCH_INIT_TEMPLATE, pytorchInitContainerTemplate,
  pytorchInitContainerTemplateYaml, TRAINING_OPERATOR_IMAGES, trainingOperatorArgs,
} from '../../stacks/operators/operator-config';
import type { ValuesContext } from '../../stacks/operators/values-context';
import { DEFAULT_OPERATORS } from '../../stacks/operators/versions';

const ctx = (o: Partial<ValuesContext> = {}): ValuesContext => ({
  cluster: 'local', pools: [NodePool.cpu({ name: 'cpu' })], operators: [...DEFAULT_OPERATORS], domain: 'example.com', ...o,
});

describe('training-operator flags', () => {
  test('every injected image is pinned, and the init-container template file is the mounted one', () => {
    const args = trainingOperatorArgs(ctx());
    expect(args).toEqual([
      `--pytorch-init-container-image=${TRAINING_OPERATOR_IMAGES.pytorchInit}`,
      '--pytorch-init-container-template-file=/etc/restricted-pytorch-init-container/initContainer.yaml',
      `--mpi-kubectl-delivery-image=${TRAINING_OPERATOR_IMAGES.kubectlDelivery}`,
    ]);
    for (const a of args.filter((x) => x.includes('-image='))) expect(a).not.toMatch(/:latest$|alpine:3\.10/);
  });

  test('kubectl-delivery is the training-operator v1.9.4 build: same ghcr.io/kubeflow/training-v1 path and v1-<commit> tag as the operator', () => {
    expect(String(TRAINING_OPERATOR_IMAGES.kubectlDelivery)).toBe('ghcr.io/kubeflow/training-v1/kubectl-delivery:v1-93c5489');
    const tagOf = (i: unknown) => String(i).split(':').pop();
    expect(tagOf(TRAINING_OPERATOR_IMAGES.kubectlDelivery)).toBe(tagOf(TRAINING_OPERATOR_IMAGES.operator));
    expect(String(TRAINING_OPERATOR_IMAGES.kubectlDelivery)).not.toMatch(/^mpioperator\//);
  });

  test.each([
    [undefined, undefined],
    ['none', undefined],
    ['volcano', 'volcano'],
    // Any other value makes the operator create scheduler-plugins PodGroups and stamp it as schedulerName.
    ['scheduler-plugins', 'scheduler-plugins-scheduler'],
  ] as const)('gang scheduler %s → --gang-scheduler-name %s', (choice, flag) => {
    expect(gangSchedulerName(choice)).toBe(flag);
    const args = trainingOperatorArgs(ctx({ gangScheduler: choice }));
    expect(args.filter((a) => a.startsWith('--gang-scheduler-name'))).toEqual(flag ? [`--gang-scheduler-name=${flag}`] : []);
  });
});

describe('init-pytorch template', () => {
  const c = pytorchInitContainerTemplate() as Record<string, any>;

  test('passes Pod Security restricted on its own (container-level controls, non-root UID)', () => {
    expect(c.securityContext).toMatchObject({
      allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(c.securityContext.runAsUser).toBeGreaterThan(0);
    expect(c.securityContext.privileged).toBeUndefined();
  });

  test('keeps the operator\'s template fields and waits on the master name with a resolver that honours search domains', () => {
    expect(c.name).toBe('init-pytorch');
    expect(c.image).toBe(TRAINING_OPERATOR_IMAGES.pytorchInit.toString());
    const script = c.command.join(' ');
    for (const field of ['{{.MasterAddr}}', '{{.MaxTries}}']) expect(script).toContain(field);
    expect(script).toMatch(/getent hosts \{\{\.MasterAddr\}\}/);
    expect(script).toMatch(/exit \$err$/);
  });

  test('the file is a YAML list of that one container (the shape the operator unmarshals)', () => {
    expect(parse(pytorchInitContainerTemplateYaml())).toEqual([c]);
    expect(PYTORCH_INIT_TEMPLATE.key).toBe('initContainer.yaml');
  });
});

describe('Kueue configuration', () => {
  test.each([
    ['the default operators', [...DEFAULT_OPERATORS], ['batch/job', 'kubeflow.org/tfjob', 'kubeflow.org/pytorchjob', 'trainer.kubeflow.org/trainjob']],
    ['no training-operator', ['kueue', 'cert-manager'], ['batch/job']],
    ['no Trainer v2', DEFAULT_OPERATORS.filter((o) => o !== 'kubeflow-trainer'), ['batch/job', 'kubeflow.org/tfjob', 'kubeflow.org/pytorchjob']],
  ] as const)('frameworks with %s: exactly what the platform queues', (_label, operators, frameworks) => {
    expect(kueueFrameworks({ operators: operators as any })).toEqual(frameworks);
  });

  test('never the training-operator MPIJob (Kueue\'s mpijob is mpi-operator v2beta1) nor bare pods', () => {
    const frameworks = kueueFrameworks({ operators: [...DEFAULT_OPERATORS, 'kubeflow-trainer' as any] });
    expect(frameworks).not.toContain('kubeflow.org/mpijob');
    expect(frameworks).not.toContain('pod');
  });

  test('v1beta2 Configuration with fair sharing and explicit waitForPodsReady', () => {
    const config = kueueConfiguration(ctx()) as Record<string, any>;
    expect(config.apiVersion).toBe('config.kueue.x-k8s.io/v1beta2');
    expect(config.kind).toBe('Configuration');
    expect(config.fairSharing).toEqual({ preemptionStrategies: ['LessThanOrEqualToFinalShare', 'LessThanInitialShare'] });
    expect(config.fairSharing.enable).toBeUndefined(); // no such field in v1beta2
    expect(config.waitForPodsReady.timeout).toBe('20m');
    expect(config.manageJobsWithoutQueueName).toBe(false);
  });

  test('cert-manager issues the webhook certificate: Kueue\'s own rotation is off; without it the chart turns it on', () => {
    expect((kueueConfiguration(ctx()) as any).internalCertManagement).toEqual({ enable: false });
    expect((kueueConfiguration(ctx({ operators: ['kueue'] })) as any).internalCertManagement).toBeUndefined();
  });

  test('the chart value is that object as YAML', () => {
    expect(parse(kueueConfigurationYaml(ctx()))).toEqual(kueueConfiguration(ctx()));
  });

  test('DRA pools: resources.deviceClassMappings, one entry per DeviceClass, named as the ClusterQueues quota it; none without DRA', () => {
    const gpu = (name: string, allocation?: GpuAllocation) => NodePool.gpu({ name, accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, allocation });
    const pools = [NodePool.cpu({ name: 'cpu' }), gpu('l4'), gpu('l4-dra', GpuAllocation.dra()), gpu('l4-dra-b', GpuAllocation.dra()), gpu('l4-mig', GpuAllocation.dra('mig.nvidia.com'))];
    expect((kueueConfiguration(ctx({ pools })) as any).resources).toEqual({
      deviceClassMappings: [
        { name: 'dra.mlpatterns.dev/gpu.nvidia.com', deviceClassNames: ['gpu.nvidia.com'] },
        { name: 'dra.mlpatterns.dev/mig.nvidia.com', deviceClassNames: ['mig.nvidia.com'] },
      ],
    });
    expect((kueueConfiguration(ctx({ pools: pools.slice(0, 2) })) as any).resources).toBeUndefined();
    expect(parse(kueueConfigurationYaml(ctx({ pools })))).toEqual(kueueConfiguration(ctx({ pools })));
  });
});
