import { KUBERNETES_MINOR } from '../../../constructs/core/versions';
import {
  checkCompatibility, compatibilityProblems, DEFAULT_OPERATORS, installOrder, kubernetesMinorOf, OPERATOR_NAMES, OPERATOR_VERSIONS, releasesFor,
  supportedKubernetesMinors,
} from '../../../stacks/operators/versions';

const pinned = releasesFor(KUBERNETES_MINOR);

test.each([
  ['argo-workflows', 'v4.1.2'], ['kserve', 'v0.20.0'], ['kserve-crd', 'v0.20.0'],
  ['kueue', 'v0.19.2'], ['training-operator', 'v1.9.4'], ['volcano', 'v1.15.1'], ['kube-prometheus-stack', 'v0.93.0'],
] as const)('%s runs %s, the version the constructs CRDs come from', (name, appVersion) => {
  expect(pinned[name].appVersion).toBe(appVersion);
});

test.each([
  ['cert-manager', 'v1.21.1'], ['gpu-operator', 'v26.7.0'], ['keda', 'v2.21.0'], ['karpenter', '1.14.1'], ['cluster-autoscaler', '1.36.1'],
] as const)('%s runs %s on the 1.36 target (a release whose stated range includes 1.36)', (name, appVersion) => {
  expect(pinned[name].appVersion).toBe(appVersion);
  expect(compatibilityProblems('1.36', [pinned[name]])).toEqual([]);
});

test('the map pins 1.35 to 1.37 only: 1.33 and 1.34 left EKS standard support', () => {
  expect(supportedKubernetesMinors()).toEqual(['1.35', '1.36', '1.37']);
});

test.each(['1.35', '1.36'])('every pinned release supports Kubernetes %s, the minor it is listed under', (minor) => {
  expect(compatibilityProblems(minor, OPERATOR_NAMES.map((n) => OPERATOR_VERSIONS[minor][n]))).toEqual([]);
});

test('on 1.37 the checks name exactly the operators whose range ends before it', () => {
  const problems = compatibilityProblems('1.37', OPERATOR_NAMES.map((n) => OPERATOR_VERSIONS['1.37'][n]));
  expect(problems).toEqual([
    'cert-manager v1.21.1 supports Kubernetes 1.33 to 1.36, not 1.37',
    'gpu-operator v26.7.0 supports Kubernetes 1.16 to 1.36, not 1.37',
    'training-operator v1.9.4 supports Kubernetes 1.27 to 1.36, not 1.37',
    'keda v2.21.0 supports Kubernetes 1.34 to 1.36, not 1.37',
    'cluster-autoscaler 1.36.1 supports Kubernetes 1.36 to 1.36, not 1.37',
    'karpenter 1.14.1 supports Kubernetes 1.26 to 1.36, not 1.37',
  ]);
  // A selection without them is accepted on 1.37.
  expect(compatibilityProblems('1.37', [OPERATOR_VERSIONS['1.37']['kube-prometheus-stack'], OPERATOR_VERSIONS['1.37']['argo-workflows']])).toEqual([]);
});

test('KEDA 2.20 (tested on 1.33-1.35) would be refused on the 1.36 target, naming it', () => {
  const keda220 = { ...pinned.keda, appVersion: 'v2.20.2', kubernetes: { min: '1.33', max: '1.35' } };
  expect(compatibilityProblems('1.36', [keda220, pinned['cert-manager']])).toEqual(['keda v2.20.2 supports Kubernetes 1.33 to 1.35, not 1.36']);
});

test('no version is a range or a floating tag', () => {
  for (const r of Object.values(pinned)) expect(r.source.version).toMatch(/^v?\d+\.\d+\.\d+$/);
});

test.each([
  ['1.36.3', '1.36'], ['v1.35', '1.35'], ['1.9', '1.9'],
])('kubernetesMinorOf(%s) is %s', (v, minor) => expect(kubernetesMinorOf(v)).toBe(minor));

test('install order puts requirements first: cert-manager and KServe CRDs before KServe, monitoring before the GPU operator', () => {
  const order = installOrder(pinned, ['kserve', 'gpu-operator', 'kserve-crd', 'kube-prometheus-stack', 'cert-manager']).map((r) => r.name);
  expect(order.indexOf('cert-manager')).toBeLessThan(order.indexOf('kserve'));
  expect(order.indexOf('kserve-crd')).toBeLessThan(order.indexOf('kserve'));
  expect(order.indexOf('kube-prometheus-stack')).toBeLessThan(order.indexOf('gpu-operator'));
});

test('fails when an operator does not support the Kubernetes minor', () => {
  const old = { ...pinned['volcano'], kubernetes: { min: '1.28', max: '1.35' } };
  expect(() => checkCompatibility('1.36', [old])).toThrow(/volcano v1.15.1 supports Kubernetes 1.28 to 1.35, not 1.36/);
});

test('fails when a required companion is missing', () => {
  expect(compatibilityProblems('1.36', [pinned.kserve])).toEqual([
    "kserve requires cert-manager; add 'cert-manager' to the operators list",
    "kserve requires kserve-crd; add 'kserve-crd' to the operators list",
  ]);
});

test.each([
  ['1.34', /Kubernetes 1.34 is no longer supported \(EKS standard support ended 2026-12-02\); supported: 1.35, 1.36, 1.37/],
  ['1.33.9', /Kubernetes 1.33 is no longer supported \(EKS standard support ended 2026-07-29\); supported: 1.35, 1.36, 1.37/],
  ['1.29', /Kubernetes 1.29 is no longer supported \(older than every supported minor, past EKS standard support\); supported: 1.35, 1.36, 1.37/],
  ['1.38', /no pinned operator versions for Kubernetes 1.38; supported: 1.35, 1.36, 1.37/],
])('refuses Kubernetes %s, saying what is supported', (version, message) => {
  expect(() => releasesFor(version)).toThrow(message);
});

test('the default selection is complete (every requirement selected)', () => {
  expect(compatibilityProblems(KUBERNETES_MINOR, DEFAULT_OPERATORS.map((n) => pinned[n]))).toEqual([]);
});
