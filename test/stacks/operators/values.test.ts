import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool, TaintEffect } from '../../../constructs/cluster/node-pool';
import { installKind } from '../../../stacks/operators/operator-install';
import { parse } from 'yaml';
import { kueueConfiguration } from '../../../stacks/operators/operator-config';
import { gpuPoolTolerations, operatorValues, sortKeys } from '../../../stacks/operators/values';
import { OPERATOR_NAMES, releasesFor } from '../../../stacks/operators/versions';

const l4 = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, taints: [{ key: 'team', value: 'a', effect: TaintEffect.NO_SCHEDULE }] });
const t4 = NodePool.gpu({ name: 't4', accelerator: Accelerator.NVIDIA_T4, gpusPerNode: 1 });
const cpu = NodePool.cpu({ name: 'cpu' });
const ctx = { cluster: 'eks' as const, pools: [cpu, l4, t4], operators: [...OPERATOR_NAMES], domain: 'ml.example.com', clusterName: 'mlp', awsRegion: 'us-west-2' };

test('GPU operator tolerations are the union of the GPU pools\' tolerations, without duplicates', () => {
  expect(gpuPoolTolerations([cpu, l4, t4])).toEqual([
    { key: 'nvidia.com/gpu', operator: 'Equal', value: 'present', effect: 'NoSchedule' },
    { key: 'team', operator: 'Equal', value: 'a', effect: 'NoSchedule' },
  ]);
});

test.each(OPERATOR_NAMES.filter((n) => n !== 'training-operator'))('%s values serialize with sorted keys', (name) => {
  const values = operatorValues(name, ctx)!;
  expect(JSON.stringify(values)).toBe(JSON.stringify(sortKeys(values)));
});

test('kserve values: Standard (raw Deployment + HPA) is the default mode; the stack installs no Knative', () => {
  expect(operatorValues('kserve', ctx)).toEqual({ kserve: { controller: { deploymentMode: 'Standard', gateway: { domain: 'ml.example.com' } } } });
});

test('kueue values: cert-manager certificate, ServiceMonitor in the monitoring namespace, the stack\'s whole Configuration', () => {
  const values = operatorValues('kueue', ctx) as Record<string, any>;
  expect(values).toMatchObject({ enableCertManager: true, enablePrometheus: true, metrics: { prometheusNamespace: 'monitoring' } });
  expect(parse(values.managerConfig.controllerManagerConfigYaml)).toEqual(kueueConfiguration(ctx));
  expect((operatorValues('kueue', { ...ctx, operators: ['kueue'] }) as any).enablePrometheus).toBe(false);
});

test('DCGM exporter: the GPU operator\'s own ServiceMonitor (honorLabels) only when monitoring is installed', () => {
  expect((operatorValues('gpu-operator', ctx) as any).dcgmExporter.serviceMonitor).toEqual({ enabled: true, honorLabels: true });
  expect((operatorValues('gpu-operator', { ...ctx, operators: ['gpu-operator'] }) as any).dcgmExporter.serviceMonitor.enabled).toBe(false);
});

test('Argo controller metrics Service and ServiceMonitor only when monitoring is installed', () => {
  expect((operatorValues('argo-workflows', ctx) as any).controller).toMatchObject({ metricsConfig: { enabled: true }, serviceMonitor: { enabled: true } });
  expect((operatorValues('argo-workflows', { ...ctx, operators: ['argo-workflows'] }) as any).controller).toMatchObject({ metricsConfig: { enabled: false }, serviceMonitor: { enabled: false } });
});

test.each([
  ['cert-manager', 'release'], ['kserve', 'chart'], ['kserve-crd', 'release'], ['training-operator', 'kustomize'],
  ['metrics-server', 'chart'], ['nfs-provisioner', 'release'], ['keda', 'release'], ['kubeflow-trainer', 'release'],
] as const)('%s is installed as a %s (hooks, CRDs or a namespace of its own need a Release)', (name, kind) => {
  expect(installKind(releasesFor('1.36')[name])).toBe(kind);
});

/** Every container-level control of Pod Security `restricted` (v1.36), checked field by field. */
function restrictedProblems(sc: Record<string, any> | undefined): string[] {
  const problems: string[] = [];
  if (sc?.runAsNonRoot !== true) problems.push('runAsNonRoot must be true');
  if (!(Number.isInteger(sc?.runAsUser) && sc!.runAsUser > 0)) problems.push('runAsUser must be a non-zero UID');
  if (sc?.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation must be false');
  if (JSON.stringify(sc?.capabilities) !== JSON.stringify({ drop: ['ALL'] })) problems.push('capabilities must drop ALL and add nothing');
  if (sc?.seccompProfile?.type !== 'RuntimeDefault') problems.push('seccompProfile must be RuntimeDefault');
  if (sc?.privileged) problems.push('privileged must not be set');
  return problems;
}

describe('argo-workflows values', () => {
  const values = operatorValues('argo-workflows', ctx) as Record<string, any>;

  test('the executor injected into every workflow pod (init + wait) runs restricted, as Argo\'s UID 8737', () => {
    expect(values.executor.securityContext).toEqual({
      runAsNonRoot: true, runAsUser: 8737, runAsGroup: 8737, allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(restrictedProblems(values.executor.securityContext)).toEqual([]);
  });

  test.each(['controller', 'server'])('the %s pod and container are restricted too', (component) => {
    expect(restrictedProblems(values[component].securityContext)).toEqual([]);
    expect(values[component].securityContext.readOnlyRootFilesystem).toBe(true);
    expect(values[component].podSecurityContext).toEqual({ runAsNonRoot: true, runAsUser: 8737, runAsGroup: 8737, seccompProfile: { type: 'RuntimeDefault' } });
  });

  test('images are pinned to the release, CRDs kept, the UI uses the caller\'s token behind a ClusterIP', () => {
    expect(values).toMatchObject({ crds: { install: true, keep: true }, images: { tag: 'v4.1.2' }, server: { authModes: ['client'], serviceType: 'ClusterIP' } });
  });

  test('the checker rejects the chart\'s own executor default ({}) and a context without seccomp', () => {
    expect(restrictedProblems({})).toHaveLength(5);
    expect(restrictedProblems({ ...values.executor.securityContext, seccompProfile: undefined })).toEqual(['seccompProfile must be RuntimeDefault']);
  });
});
