import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool, TaintEffect } from '../../../constructs/cluster/node-pool';
import { installKind } from '../../../stacks/operators/operator-install';
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

test.each([
  ['kserve', { kserve: { controller: { deploymentMode: 'Standard', gateway: { domain: 'ml.example.com' } } } }],
  ['kueue', { enableCertManager: true, enablePrometheus: true }],
  ['argo-workflows', { crds: { install: true, keep: true }, images: { tag: 'v4.1.2' }, server: { authModes: ['client'], serviceType: 'ClusterIP' } }],
] as const)('%s values', (name, expected) => expect(operatorValues(name, ctx)).toEqual(expected));

test('DCGM exporter gets a ServiceMonitor only when monitoring is installed', () => {
  expect((operatorValues('gpu-operator', ctx) as any).dcgmExporter.serviceMonitor.enabled).toBe(true);
  expect((operatorValues('gpu-operator', { ...ctx, operators: ['gpu-operator'] }) as any).dcgmExporter.serviceMonitor.enabled).toBe(false);
});

test.each([
  ['cert-manager', 'release'], ['kserve', 'chart'], ['kserve-crd', 'release'], ['training-operator', 'kustomize'],
] as const)('%s is installed as a %s (hooks or CRDs need a Release)', (name, kind) => {
  expect(installKind(releasesFor('1.34')[name])).toBe(kind);
});
