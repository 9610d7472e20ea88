import { DRA_DRIVER, DRA_NAMESPACE, draInputs, STAND_IN_DEVICE_CLASSES } from '../../../scripts/verify/cluster/dra-inputs';
import { allocationProblems, allocationsOf, resourceSlices } from '../../../scripts/verify/cluster/dra-proof';

const { dra, canary } = draInputs('verify-canaries');
const byKind = (objects: Record<string, any>[], kind: string) => objects.filter((o) => o.kind === kind);

describe('the DRA proof\'s inputs (built with the constructs)', () => {
  test('a pool of two nodes without nvidia.com/gpu (DRA nodes run no device plugin), two GPUs each, published as slices', () => {
    expect(dra.pool.nodes.map((n) => n.name)).toEqual(['verify-dra-0', 'verify-dra-1']);
    expect(dra.pool.allocatable['nvidia.com/gpu']).toBeUndefined();
    expect(dra.pool.draDevicesPerNode).toBe(2);
    const slices = resourceSlices(dra.pool);
    expect(slices.map((s) => [s.spec.nodeName, s.spec.pool.name, s.spec.driver, s.spec.devices.length])).toEqual([['verify-dra-0', 'verify-dra-0', DRA_DRIVER, 2], ['verify-dra-1', 'verify-dra-1', DRA_DRIVER, 2]]);
    expect(STAND_IN_DEVICE_CLASSES.map((c) => c.spec.selectors[0].cel.expression)).toEqual([
      "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'gpu'",
      "device.driver == 'gpu.nvidia.com' && device.attributes['gpu.nvidia.com'].type == 'mig'",
    ]);
  });

  test('the TrainJob\'s pods claim one GPU each from the pool\'s ResourceClaimTemplate, held running so the claims can be read', () => {
    expect(dra.proof.workload).toEqual({ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', name: 'dra-gpus' });
    const [template] = byKind(dra.proof.objects, 'ResourceClaimTemplate');
    expect(template.metadata).toMatchObject({ name: 'verify-dra-gpus-1', namespace: DRA_NAMESPACE });
    expect(template.spec.spec.devices.requests).toEqual([{ name: 'gpus', exactly: { deviceClassName: 'gpu.nvidia.com', allocationMode: 'ExactCount', count: 1 } }]);
    const pod = byKind(dra.proof.objects, 'TrainingRuntime')[0].spec.template.spec.replicatedJobs[0].template.spec.template;
    expect(pod.spec.resourceClaims).toEqual([{ name: 'gpus', resourceClaimTemplateName: 'verify-dra-gpus-1' }]);
    expect(pod.spec.containers[0].resources.claims).toEqual([{ name: 'gpus' }]);
    expect(pod.spec.containers[0].resources.limits?.['nvidia.com/gpu']).toBeUndefined();
    expect(pod.metadata.annotations['pod-complete.stage.kwok.x-k8s.io/delay']).toBe('20s');
    // Its construct put it on the DRA pool; its GPUs are claims, not nvidia.com/gpu requests.
    expect(dra.proof.intent?.pods).toEqual([{ pool: 'verify-dra', gpus: 0 }]);
  });

  test('the canary\'s pool asks for MIG devices on the same nodes', () => {
    expect(canary).toMatchObject({ name: 'dra-claim-without-device', namespace: 'verify-canaries', workload: { kind: 'TrainJob', name: 'dra-no-device' } });
    expect(byKind(canary.objects, 'ResourceClaimTemplate')[0].spec.spec.devices.requests[0].exactly.deviceClassName).toBe('mig.nvidia.com');
  });
});

describe('allocation verdict', () => {
  const pod = (name: string, node: string, claim = `${name}-gpus-x`) => ({ metadata: { name }, spec: { nodeName: node }, status: { resourceClaimStatuses: [{ name: 'gpus', resourceClaimName: claim }] } });
  const claim = (name: string, results?: Record<string, string>[]) => ({ metadata: { name }, status: results ? { allocation: { devices: { results } } } : {} });
  const gpu = (node: string, device = 'gpu-0') => ({ request: 'gpus', driver: DRA_DRIVER, pool: node, device });

  test('each pod holding one of its own node\'s GPUs: the proof holds', () => {
    const seen = allocationsOf([pod('a', 'verify-dra-0'), pod('b', 'verify-dra-1')], [claim('a-gpus-x', [gpu('verify-dra-0')]), claim('b-gpus-x', [gpu('verify-dra-1')])]);
    expect(allocationProblems(seen, dra, ['a', 'b'])).toEqual([]);
  });

  test('a claim never allocated, a device of another node, two devices, no pod at all: each named', () => {
    expect(allocationProblems(allocationsOf([pod('a', 'verify-dra-0')], [claim('a-gpus-x')]), dra, ['a'])).toEqual([
      'dra: pod a ran with claim(s) a-gpus-x never seen allocated', 'dra: pod a was allocated 0 device(s), its construct asked for 1',
    ]);
    expect(allocationProblems(allocationsOf([pod('a', 'verify-dra-0')], [claim('a-gpus-x', [gpu('verify-dra-1')])]), dra, ['a'])[0])
      .toBe('dra: pod a on node verify-dra-0 got device gpu.nvidia.com/verify-dra-1/gpu-0, not one of its node\'s gpu.nvidia.com devices');
    expect(allocationProblems(allocationsOf([pod('a', 'verify-dra-0')], [claim('a-gpus-x', [gpu('verify-dra-0'), gpu('verify-dra-0', 'gpu-1')])]), dra, ['a']))
      .toEqual(['dra: pod a was allocated 2 device(s), its construct asked for 1']);
    expect(allocationProblems(new Map(), dra, [])).toEqual(['dra: no pod of the proof was created']);
    expect(allocationProblems(new Map(), dra, ['a'])).toEqual(['dra: pod a was never seen placed']);
  });
});
