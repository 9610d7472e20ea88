import { installMocks, named, promiseOf, Registered, settle } from './mocks';

// EKS with `operatorInstall: external`: the listed operators are out of band, but the cluster's
// own node autoscaler (wired to its IAM role) is part of the cluster and still installed.
jest.setTimeout(60_000);

let registered: Registered[];

beforeAll(async () => {
  registered = installMocks({
    cluster: 'eks', clusterName: 'mlp-eks', subnetIds: JSON.stringify(['subnet-a', 'subnet-b']), operatorInstall: 'external', charts: JSON.stringify(['book-pipeline-gpu']),
  }, { 'aws:region': 'us-west-2' });
  const program = require('../../stacks/index');
  await promiseOf(program.kubeconfig);
  await settle();
});

test('only the cluster-autoscaler is installed of all operators', () => {
  const installs = registered.filter((r) => r.type === 'mlp:operators:OperatorInstall' || /^operators-.*-(release|chart|kustomize)$/.test(r.name));
  expect(installs.length).toBeGreaterThan(0);
  expect(installs.every((r) => r.name.startsWith('operators-cluster-autoscaler'))).toBe(true);
  expect(named(registered, 'operators-cluster-autoscaler-chart').inputs.version).toBeDefined();
});
