import { KUBERNETES_MINOR } from '../../../constructs/core/versions';
import {
  checkCompatibility, compatibilityProblems, DEFAULT_OPERATORS, installOrder, kubernetesMinorOf, OPERATOR_NAMES, OPERATOR_VERSIONS, releasesFor,
} from '../../../stacks/operators/versions';

const pinned = releasesFor(KUBERNETES_MINOR);

test.each([
  ['cert-manager', 'v1.19.2'], ['argo-workflows', 'v4.1.2'], ['kserve', 'v0.20.0'], ['kserve-crd', 'v0.20.0'],
  ['kueue', 'v0.19.2'], ['training-operator', 'v1.9.4'], ['volcano', 'v1.15.1'], ['kube-prometheus-stack', 'v0.93.0'],
] as const)('%s runs %s, the version the constructs CRDs come from', (name, appVersion) => {
  expect(pinned[name].appVersion).toBe(appVersion);
});

test('every pinned release supports each Kubernetes minor it is listed under', () => {
  for (const [minor, table] of Object.entries(OPERATOR_VERSIONS)) {
    expect(compatibilityProblems(minor, OPERATOR_NAMES.map((n) => table[n]))).toEqual([]);
  }
});

test('no version is a range or a floating tag', () => {
  for (const r of Object.values(pinned)) expect(r.source.version).toMatch(/^v?\d+\.\d+\.\d+$/);
});

test.each([
  ['1.34.4', '1.34'], ['v1.33', '1.33'], ['1.9', '1.9'],
])('kubernetesMinorOf(%s) is %s', (v, minor) => expect(kubernetesMinorOf(v)).toBe(minor));

test('install order puts requirements first: cert-manager and KServe CRDs before KServe, monitoring before the GPU operator', () => {
  const order = installOrder(pinned, ['kserve', 'gpu-operator', 'kserve-crd', 'kube-prometheus-stack', 'cert-manager']).map((r) => r.name);
  expect(order.indexOf('cert-manager')).toBeLessThan(order.indexOf('kserve'));
  expect(order.indexOf('kserve-crd')).toBeLessThan(order.indexOf('kserve'));
  expect(order.indexOf('kube-prometheus-stack')).toBeLessThan(order.indexOf('gpu-operator'));
});

test('fails when an operator does not support the Kubernetes minor', () => {
  const old = { ...pinned['volcano'], kubernetes: { min: '1.28', max: '1.33' } };
  expect(() => checkCompatibility('1.34', [old])).toThrow(/volcano v1.15.1 supports Kubernetes 1.28 to 1.33, not 1.34/);
});

test('fails when a required companion is missing', () => {
  expect(compatibilityProblems('1.34', [pinned.kserve])).toEqual([
    "kserve requires cert-manager; add 'cert-manager' to the operators list",
    "kserve requires kserve-crd; add 'kserve-crd' to the operators list",
  ]);
});

test('fails when no operators are pinned for the Kubernetes minor', () => {
  expect(() => releasesFor('1.29')).toThrow(/no pinned operator versions for Kubernetes 1.29; supported: 1.33, 1.34/);
});

test('the default selection is complete (every requirement selected)', () => {
  expect(compatibilityProblems(KUBERNETES_MINOR, DEFAULT_OPERATORS.map((n) => pinned[n]))).toEqual([]);
});
