import { ServingExamples } from '../../charts/serving-examples';
import { examplePools } from '../../charts';
import { exampleFeatures } from '../../charts/example-features';
import { synthChart } from '../../constructs/app/chart-manifests';
import { PlatformApp } from '../../constructs/app/platform-app';
import { SchedulingRefs } from '../../constructs/core/scheduling';
import { byKindName, containersOf, Manifest, ofKind } from '../helpers';
import { formatViolations, validateObjects } from '../validation/validator';

const critical = SchedulingRefs.priorityClass('serving-critical', 1_000_000);

/** The examples for a cluster with every optional serving operator (Knative, KEDA, a custom-metrics adapter). */
const everything = { ...exampleFeatures(undefined), knative: true, keda: true, customMetrics: true };

function build(features = everything): { chart: ServingExamples; objects: Manifest[] } {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const chart = new ServingExamples(app, 'serving-examples', { pool: examplePools.cpu, gpuPool: examplePools.gpu, priorityClass: critical, features });
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

  test('every object validates strictly against its schema (KServe, KEDA CRDs; Kubernetes 1.36)', () => {
    expect(formatViolations(validateObjects('serving-examples', objects))).toBe('');
  });

  test('emits every serving pattern', () => {
    const kinds = new Set(objects.map((o) => o.kind));
    for (const kind of ['Namespace', 'Deployment', 'StatefulSet', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'ConfigMap', 'ScaledObject', 'InferenceService']) {
      expect(kinds).toContain(kind);
    }
    expect(byKindName(objects, 'Service', 'flowers-sharded-shards').spec.clusterIP).toBe('None');
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
    expect(byKindName(objects, 'ScaledObject', 'flowers-events').spec.minReplicaCount).toBe(0);
    expect(objects.some((o) => o.kind === 'PodDisruptionBudget' && o.metadata.name === 'flowers-events')).toBe(false);
    expect(byKindName(objects, 'InferenceService', 'flowers-serverless').spec.predictor.minReplicas).toBe(0);
    expect(byKindName(objects, 'InferenceService', 'flowers-canary').spec.predictor.canaryTrafficPercent).toBe(10);
  });

  test('the router config names every shard of the StatefulSet', () => {
    const sts = byKindName(objects, 'StatefulSet', 'flowers-sharded');
    const conf: string = byKindName(objects, 'ConfigMap', 'flowers-sharded-router').data['router.conf'];
    for (let i = 0; i < sts.spec.replicas; i++) expect(conf).toContain(`flowers-sharded-${i}.flowers-sharded-shards.serving-examples.svc.cluster.local;`);
  });

  test('the model is fetched once into a shared read-only claim that every server mounts', () => {
    const pvc = byKindName(objects, 'PersistentVolumeClaim', 'serving-models');
    expect(pvc.spec).toMatchObject({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs' });
    const fill = byKindName(objects, 'Job', 'serving-models-warm-up').spec.template.spec.initContainers[0];
    expect(fill.image).toBe('kserve/storage-initializer:v0.20.0');
    expect(fill.command.join(' ')).toContain('initializer-entrypoint gs://kfserving-examples/models/tensorflow/flowers "$DIR/flowers"');
    for (const d of [...ofKind(objects, 'Deployment').filter((x) => x.metadata.name !== 'flowers-sharded-router'), ...ofKind(objects, 'StatefulSet')]) {
      expect(d.spec.template.spec.volumes).toContainEqual({ name: 'serving-models', persistentVolumeClaim: { claimName: 'serving-models', readOnly: true } });
    }
    expect(byKindName(objects, 'InferenceService', 'flowers-kserve').spec.predictor.model.storageUri).toBe('pvc://serving-models/flowers');
  });

  test('TF Serving exports its metrics, Prometheus scrapes them and the KEDA trigger queries one of them', () => {
    const events = byKindName(objects, 'Deployment', 'flowers-events').spec.template.spec.containers[0];
    expect(events.command).toContain('--monitoring_config_file=/etc/tf-serving/monitoring.config');
    expect(byKindName(objects, 'ConfigMap', 'tf-serving-monitoring').data['monitoring.config']).toContain('prometheus_config { enable: true, path: "/monitoring/prometheus/metrics" }');
    const monitor = byKindName(objects, 'PodMonitor', 'flowers-events');
    expect(monitor.spec.podMetricsEndpoints).toEqual([expect.objectContaining({ port: 'http', path: '/monitoring/prometheus/metrics' })]);
    expect(byKindName(objects, 'ScaledObject', 'flowers-events').spec.triggers[0].metadata.query).toContain(':tensorflow:serving:request_count{namespace="serving-examples"');
  });

  test('on the default platform: no Knative, no custom-metrics HPA; KServe in Standard mode on cpu', () => {
    const plain = build({ ...everything, knative: false, customMetrics: false }).objects;
    expect(ofKind(plain, 'InferenceService').map((i) => i.metadata.name)).toEqual(['flowers-kserve', 'flowers-kserve-gpu']);
    expect(plain.some((o) => o.metadata.name === 'flowers-rps')).toBe(false);
    expect(byKindName(plain, 'InferenceService', 'flowers-kserve').metadata.annotations).toEqual({ 'serving.kserve.io/deploymentMode': 'Standard', 'serving.kserve.io/autoscalerClass': 'hpa' });
    expect(byKindName(plain, 'InferenceService', 'flowers-kserve-gpu').spec.predictor.model.runtimeVersion).toBe('2.6.2-gpu');
  });
});
