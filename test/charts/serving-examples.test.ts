import { ServingExamples } from '../../charts/serving-examples';
import { examplePools } from '../../charts';
import { PlatformApp, synthChart } from '../../constructs/core/platform-app';
import { SchedulingRefs } from '../../constructs/core/scheduling';
import { byKindName, containersOf, Manifest, ofKind } from '../helpers';
import { formatViolations, validateObjects } from '../validation/validator';

const critical = SchedulingRefs.priorityClass('serving-critical', 1_000_000);

function build(): { chart: ServingExamples; objects: Manifest[] } {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const chart = new ServingExamples(app, 'serving-examples', { pool: examplePools.cpu, gpuPool: examplePools.gpu, priorityClass: critical });
  return { chart, objects: synthChart(chart) };
}

/** Every pod spec: workloads' templates and KServe predictors. */
function podSpecs(objects: Manifest[]): Manifest[] {
  return objects.flatMap((o) => {
    if (['Deployment', 'StatefulSet'].includes(o.kind)) return [o.spec.template.spec];
    if (o.kind === 'InferenceService') return [{ ...o.spec.predictor, containers: [o.spec.predictor.model] }];
    return [];
  });
}

describe('ServingExamples', () => {
  const { objects } = build();

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object validates strictly against its schema (KServe, KEDA CRDs; Kubernetes 1.34)', () => {
    expect(formatViolations(validateObjects('serving-examples', objects))).toBe('');
  });

  test('emits every serving pattern', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'Deployment', 'StatefulSet', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'ScaledObject', 'InferenceService']) {
      expect(kinds).toContain(kind);
    }
    expect(byKindName(objects, 'Service', 'fashion-mnist-sharded-shards').spec.clusterIP).toBe('None');
  });

  test('every object lives in the dedicated namespace, which enforces restricted', () => {
    expect(byKindName(objects, 'Namespace', 'serving-examples').metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted');
    expect(objects.filter((o) => o.kind !== 'Namespace').every((o) => o.metadata.namespace === 'serving-examples')).toBe(true);
  });

  test('every container is pinned, has requests and limits and a restricted context', () => {
    const containers = podSpecs(objects).flatMap(containersOf);
    expect(containers.length).toBeGreaterThan(6);
    for (const c of containers) {
      if (c.image !== undefined) expect(c.image).toMatch(/:[\w][\w.-]*$/);
      expect(c.image ?? '').not.toMatch(/:latest$/);
      expect(c.resources.requests.cpu).toBeDefined();
      expect(c.resources.limits.memory).toBeDefined();
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    }
  });

  test('every serving pod carries the priority class given by object', () => {
    for (const spec of podSpecs(objects)) expect(spec.priorityClassName).toBe(critical.name);
  });

  test('GPU examples derive GPU limits, tolerations and selector from the GPU pool', () => {
    const gpuPods = podSpecs(objects).filter((s) => s.nodeSelector?.['mlpatterns.dev/node-pool'] === examplePools.gpu.name);
    expect(gpuPods).toHaveLength(2);
    for (const spec of gpuPods) {
      expect(spec.tolerations).toEqual(examplePools.gpu.tolerations());
      expect(spec.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    }
  });

  test('no Deployment owned by an autoscaler (HPA or KEDA) sets replicas', () => {
    const owned = [...ofKind(objects, 'HorizontalPodAutoscaler'), ...ofKind(objects, 'ScaledObject')].map((a) => a.spec.scaleTargetRef.name);
    expect(owned.length).toBeGreaterThanOrEqual(4);
    for (const name of owned) expect(byKindName(objects, 'Deployment', name).spec.replicas).toBeUndefined();
  });

  test('the event-driven example scales to zero without a PDB, the KServe serverless one too', () => {
    expect(byKindName(objects, 'ScaledObject', 'fashion-mnist-events').spec.minReplicaCount).toBe(0);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'fashion-mnist-events')).toBe(false);
    expect(byKindName(objects, 'InferenceService', 'fashion-mnist-serverless').spec.predictor.minReplicas).toBe(0);
    expect(byKindName(objects, 'InferenceService', 'fashion-mnist-canary').spec.predictor.canaryTrafficPercent).toBe(10);
  });

  test('the router config names every shard of the StatefulSet', () => {
    const sts = byKindName(objects, 'StatefulSet', 'fashion-mnist-sharded');
    const conf: string = byKindName(objects, 'ConfigMap', 'fashion-mnist-sharded-router').data['router.conf'];
    for (let i = 0; i < sts.spec.replicas; i++) expect(conf).toContain(`fashion-mnist-sharded-${i}.fashion-mnist-sharded-shards.serving-examples.svc.cluster.local;`);
  });
});
