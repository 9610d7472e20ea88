import { Duration } from 'cdk8s';
import { SharedVolume } from '../../../constructs/core/shared-volume';
import { CleanPodPolicy, renderCheckpoint, renderFaultTolerance, ReplicaRestartPolicy } from '../../../constructs/training/policies';
import { testChart } from '../../helpers';

describe('renderFaultTolerance', () => {
  test.each([
    ['defaults', {}, { cleanPodPolicy: 'None' }],
    ['deadline and TTL in seconds', { activeDeadline: Duration.minutes(2), ttlAfterFinished: Duration.hours(1) }, { cleanPodPolicy: 'None', activeDeadlineSeconds: 120, ttlSecondsAfterFinished: 3600 }],
    ['backoffLimit with OnFailure', { restartPolicy: ReplicaRestartPolicy.ON_FAILURE, backoffLimit: 0 }, { cleanPodPolicy: 'None', backoffLimit: 0 }],
    ['backoffLimit with Always', { restartPolicy: ReplicaRestartPolicy.ALWAYS, backoffLimit: 5, cleanPodPolicy: CleanPodPolicy.ALL }, { cleanPodPolicy: 'All', backoffLimit: 5 }],
  ])('%s', (_name, options, expected) => {
    expect(JSON.parse(JSON.stringify(renderFaultTolerance('x', options)))).toEqual(expected);
  });

  test.each([ReplicaRestartPolicy.NEVER, ReplicaRestartPolicy.EXIT_CODE])('fails when backoffLimit is used with %s', (restartPolicy) => {
    expect(() => renderFaultTolerance('job', { restartPolicy, backoffLimit: 2 }))
      .toThrow(new RegExp(`'job': prop 'backoffLimit' is 2; restartPolicy is '${restartPolicy}'`));
  });

  test('fails when backoffLimit is negative', () => {
    expect(() => renderFaultTolerance('job', { restartPolicy: ReplicaRestartPolicy.ON_FAILURE, backoffLimit: -1 })).toThrow(/prop 'backoffLimit' is -1; use an integer >= 0/);
  });

  test('fails when ttlAfterFinished is zero', () => {
    expect(() => renderFaultTolerance('job', { ttlAfterFinished: Duration.seconds(0) })).toThrow(/prop 'ttlAfterFinished' is '0s'/);
  });
});

describe('renderCheckpoint', () => {
  test('no checkpoint: nothing mounted', () => {
    expect(renderCheckpoint('x', undefined)).toEqual({ volumes: [], env: {} });
  });

  test('mounts the claim at /checkpoints and exports CHECKPOINT_DIR by default', () => {
    const volume = new SharedVolume(testChart(), 'ckpt');
    const { volumes, env } = renderCheckpoint('x', { volume });
    expect(volumes.map((v) => v.mount)).toEqual([{ name: 'ckpt', mountPath: '/checkpoints' }]);
    expect(env).toEqual({ CHECKPOINT_DIR: '/checkpoints' });
  });

  test('fails when the env var is not a C identifier', () => {
    const volume = new SharedVolume(testChart(), 'ckpt');
    expect(() => renderCheckpoint('job', { volume, envVar: 'CKPT-DIR' })).toThrow(/prop 'checkpoint.envVar' is 'CKPT-DIR'; use a C identifier/);
  });

  test('fails when the mount path is relative', () => {
    const volume = new SharedVolume(testChart(), 'ckpt');
    expect(() => renderCheckpoint('job', { volume, mountPath: 'ckpt' })).toThrow(/prop 'mountPath' is 'ckpt'; use an absolute path/);
  });
});
