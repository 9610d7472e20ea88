import { examplePools } from '../../charts';
import { CONFIG_KEYS, parseStackConfig, StackConfigError } from '../../stacks/config';

const parse = (raw: Record<string, unknown>) => parseStackConfig(raw, Object.values(examplePools), { awsRegion: 'us-west-2' });
const EKS = { cluster: 'eks', subnetIds: ['subnet-a', 'subnet-b'] };

describe('gangScheduler', () => {
  test.each([
    [{}, 'none'],
    [{ gangScheduler: 'scheduler-plugins' }, 'scheduler-plugins'],
    [{ gangScheduler: 'volcano', operators: ['training-operator', 'volcano'] }, 'volcano'],
  ])('%j → %s', (raw, choice) => expect(parse(raw).gangScheduler).toBe(choice));

  test.each([
    ['an unknown scheduler', { gangScheduler: 'kueue' }, /gangScheduler' is 'kueue'; use one of none, volcano, scheduler-plugins/],
    ['Volcano that the stack does not install', { gangScheduler: 'volcano' }, /gangScheduler' is 'volcano'; needs the 'volcano' operator/],
  ])('%s is a config error naming the key', (_label, raw, message) => {
    expect(() => parse(raw)).toThrow(StackConfigError);
    expect(() => parse(raw)).toThrow(message);
  });
});

describe('default operators follow the cluster kind', () => {
  test.each([
    ['local', ['metrics-server', 'nfs-provisioner', 'keda', 'kubeflow-trainer'], ['volcano']],
    ['eks', ['metrics-server', 'keda'], ['nfs-provisioner', 'volcano']],
    ['gke', ['keda'], ['metrics-server', 'nfs-provisioner']],
  ] as const)('%s installs %j and not %j', (cluster, present, absent) => {
    const config = parse(cluster === 'eks' ? EKS : cluster === 'gke' ? { cluster, location: 'us-central1' } : {});
    expect(config.operators).toEqual(expect.arrayContaining([...present]));
    for (const o of absent) expect(config.operators).not.toContain(o);
  });
});

describe('localSharedStorageClass', () => {
  test('an existing ReadWriteMany class replaces the NFS provisioner', () => {
    const config = parse({ localSharedStorageClass: 'longhorn-rwx' });
    expect(config.localSharedStorageClass).toBe('longhorn-rwx');
    expect(config.operators).not.toContain('nfs-provisioner');
    expect(parse({}).localSharedStorageClass).toBeUndefined();
  });

  test.each([
    ['on EKS', { ...EKS, localSharedStorageClass: 'x' }, /localSharedStorageClass' is 'x'; only the local stack takes a shared class/],
    ['beside the NFS provisioner', { localSharedStorageClass: 'x', operators: ['nfs-provisioner'] }, /localSharedStorageClass' is 'x'; 'operators' also lists 'nfs-provisioner'/],
    ['not a class name', { localSharedStorageClass: 'Not_A_Name' }, /localSharedStorageClass' is 'Not_A_Name'; use a StorageClass name/],
  ])('%s is a config error naming the key', (_label, raw, message) => {
    expect(() => parse(raw)).toThrow(message);
  });
});

test('both keys are documented', () => {
  expect(CONFIG_KEYS.gangScheduler).toMatch(/volcano.*scheduler-plugins/);
  expect(CONFIG_KEYS.localSharedStorageClass).toMatch(/ReadWriteMany/);
});

describe('pool node sizes in config', () => {
  const { parseStackConfig } = require('../../stacks/config') as typeof import('../../stacks/config');
  test('EKS: a GPU count no EC2 type carries is an error naming the counts there are', () => {
    expect(() => parseStackConfig({ cluster: 'eks', subnetIds: ['a', 'b'], pools: [{ name: 'l4', accelerator: 'nvidia-l4', gpusPerNode: 2 }] }, [], { awsRegion: 'us-west-2' }))
      .toThrow(/pools\[0\]\.gpusPerNode' is 2; EC2 instances carry 1 \(g6\.xlarge\), 1 \(g6\.2xlarge\), 1 \(g6\.4xlarge\), 4 \(g6\.12xlarge\), 8 \(g6\.48xlarge\) x nvidia-l4/);
  });
  test('an instance type the table does not know needs cpuPerNode and memoryPerNode, which set the node size', () => {
    expect(() => parseStackConfig({ pools: [{ name: 'cpu', instanceType: 'z9.huge' }] })).toThrow(/pools\[0\]\.cpuPerNode' is undefined; .*instance type 'z9\.huge' is not in the instance-type table/);
    const [pool] = parseStackConfig({ pools: [{ name: 'cpu', instanceType: 'z9.huge', cpuPerNode: 30, memoryPerNode: 120 }] }).pools;
    expect([pool.cpuPerNode, pool.memoryPerNode.toGibibytes()]).toEqual([30, 120]);
  });
});
