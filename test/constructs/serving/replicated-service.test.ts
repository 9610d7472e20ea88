import { ApiObject, JsonPatch, Size } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { DisruptionBudget } from '../../../constructs/serving/disruption-budget';
import { HealthCheck } from '../../../constructs/serving/health-check';
import { NodeSpread } from '../../../constructs/serving/model-server';
import { ReplicatedModelService } from '../../../constructs/serving/replicated-service';
import { ScalingMetric } from '../../../constructs/serving/scaling-metric';
import { byKindName, ofKind, synth, testChart } from '../../helpers';

const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 2 });
const container = { image: ContainerImage.of('tensorflow/serving:2.6.2') };

describe('ReplicatedModelService', () => {
  test('default output: Deployment without replicas, Service, CPU HPA 2..6, PDB maxUnavailable 1', () => {
    const chart = testChart('serve');
    const svc = new ReplicatedModelService(chart, 'mnist', { container, pool: cpu });
    const objects = synth(chart);
    expect(objects).toMatchSnapshot();
    expect(ApiObject.of(svc).kind).toBe('Deployment');
    const deploy = byKindName(objects, 'Deployment', 'mnist');
    expect(deploy.spec.replicas).toBeUndefined();
    const hpa = byKindName(objects, 'HorizontalPodAutoscaler', 'mnist');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: 'Deployment', name: 'mnist' } });
    expect(hpa.spec.metrics).toEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }]);
    expect(byKindName(objects, 'PodDisruptionBudget', 'mnist').spec.maxUnavailable).toBe(1);
    const service = byKindName(objects, 'Service', 'mnist');
    expect(service.spec.selector).toEqual(deploy.spec.selector.matchLabels);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
  });

  test('probes, port and node spread are rendered on the pod', () => {
    const chart = testChart();
    new ReplicatedModelService(chart, 'm', { container, pool: cpu, port: 8501, readiness: HealthCheck.http('/v1/models/m'), spread: NodeSpread.REQUIRED });
    const pod = byKindName(synth(chart), 'Deployment', 'm').spec.template.spec;
    const c = pod.containers[0];
    expect(c.ports).toEqual([{ name: 'http', containerPort: 8501, protocol: 'TCP' }]);
    expect(c.readinessProbe.httpGet).toEqual({ path: '/v1/models/m', port: 'http' });
    expect(c.livenessProbe).toMatchObject({ tcpSocket: { port: 'http' }, initialDelaySeconds: 30 });
    expect(pod.topologySpreadConstraints).toEqual([{ maxSkew: 1, topologyKey: 'kubernetes.io/hostname', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { 'app.kubernetes.io/name': 'm', 'app.kubernetes.io/component': 'model-server' } }, matchLabelKeys: ['pod-template-hash'] }]);
  });

  test('NodeSpread.NONE drops the spread constraint', () => {
    const chart = testChart();
    new ReplicatedModelService(chart, 'm', { container, pool: cpu, spread: NodeSpread.NONE });
    expect(byKindName(synth(chart), 'Deployment', 'm').spec.template.spec.topologySpreadConstraints).toBeUndefined();
  });

  test('min = max gives a fixed replica count and no HPA', () => {
    const chart = testChart();
    const svc = new ReplicatedModelService(chart, 'm', { container, pool: cpu, minReplicas: 3, maxReplicas: 3 });
    const objects = synth(chart);
    expect(byKindName(objects, 'Deployment', 'm').spec.replicas).toBe(3);
    expect(ofKind(objects, 'HorizontalPodAutoscaler')).toEqual([]);
    expect(svc.autoscaler).toBeUndefined();
  });

  test('a custom per-pod metric and a minAvailable budget reach HPA and PDB', () => {
    const chart = testChart();
    new ReplicatedModelService(chart, 'm', { container, pool: cpu, minReplicas: 3, maxReplicas: 9, metric: ScalingMetric.podsAverage('http_requests_per_second', 50), disruptionBudget: DisruptionBudget.minAvailable(2), servicePort: 8080 });
    const objects = synth(chart);
    expect(byKindName(objects, 'HorizontalPodAutoscaler', 'm').spec.metrics).toEqual([{ type: 'Pods', pods: { metric: { name: 'http_requests_per_second' }, target: { type: 'AverageValue', averageValue: '50' } } }]);
    expect(byKindName(objects, 'PodDisruptionBudget', 'm').spec).toMatchObject({ minAvailable: 2, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    expect(byKindName(objects, 'Service', 'm').spec.ports[0].port).toBe(8080);
  });

  test('GPU serving: requests, tolerations and nodeSelector come from the GPU pool', () => {
    const chart = testChart();
    new ReplicatedModelService(chart, 'm', { container: { ...container, gpus: 2, resources: { memory: Size.gibibytes(8) } }, pool: gpu, minReplicas: 1 });
    const pod = byKindName(synth(chart), 'Deployment', 'm').spec.template.spec;
    expect(pod.nodeSelector).toEqual(gpu.nodeSelector());
    expect(pod.tolerations).toEqual(gpu.tolerations());
    expect(pod.containers[0].resources.limits['nvidia.com/gpu']).toBe(2);
    expect(pod.containers[0].resources.requests['nvidia.com/gpu']).toBe(2);
  });

  test('priority class is set by object', () => {
    const chart = testChart();
    new ReplicatedModelService(chart, 'm', { container, pool: cpu, priorityClass: SchedulingRefs.priorityClass('serving-critical', 1000000) });
    expect(byKindName(synth(chart), 'Deployment', 'm').spec.template.spec.priorityClassName).toBe('serving-critical');
  });

  test('escape hatch: a JSON patch on the default child reaches the Deployment', () => {
    const chart = testChart();
    const svc = new ReplicatedModelService(chart, 'm', { container, pool: cpu });
    // e.g. hold a new replica out of the Service for 10s after it turns ready.
    ApiObject.of(svc).addJsonPatch(JsonPatch.add('/spec/minReadySeconds', 10));
    expect(byKindName(synth(chart), 'Deployment', 'm').spec.minReadySeconds).toBe(10);
  });

  test('fails when minReplicas exceeds maxReplicas', () => {
    expect(() => new ReplicatedModelService(testChart(), 'm', { container, pool: cpu, minReplicas: 4, maxReplicas: 2 })).toThrow(/'test\/m': prop 'minReplicas' is 4; it exceeds maxReplicas 2/);
  });

  test('fails when minReplicas is 0 (scale to zero belongs to the event-driven constructs)', () => {
    expect(() => new ReplicatedModelService(testChart(), 'm', { container, pool: cpu, minReplicas: 0 })).toThrow(/prop 'minReplicas' is 0; use an integer >= 1/);
  });

  test('fails when a metric is given but min = max', () => {
    expect(() => new ReplicatedModelService(testChart(), 'm', { container, pool: cpu, minReplicas: 2, maxReplicas: 2, metric: ScalingMetric.cpuUtilization(50) })).toThrow(/prop 'metric' is 'cpu 50%'; minReplicas = maxReplicas = 2/);
  });

  test('fails when a minAvailable budget would block every eviction', () => {
    expect(() => new ReplicatedModelService(testChart(), 'm', { container, pool: cpu, minReplicas: 2, disruptionBudget: DisruptionBudget.minAvailable(2) })).toThrow(/prop 'disruptionBudget' is 'minAvailable 2'; with minReplicas 2 no pod could ever be evicted/);
  });

  test('fails when GPUs are requested on a CPU pool', () => {
    expect(() => new ReplicatedModelService(testChart(), 'm', { container: { ...container, gpus: 1 }, pool: cpu })).toThrow(/prop 'gpus' is 1; pool 'cpu' has no GPUs/);
  });

  test('fails when the port is out of range', () => {
    expect(() => new ReplicatedModelService(testChart(), 'm', { container, pool: cpu, port: 70000 })).toThrow(/prop 'port' is 70000; use an integer from 1 to 65535/);
  });

  test('fails when the name is not a DNS-1035 label', () => {
    expect(() => new ReplicatedModelService(testChart(), '1m', { container, pool: cpu })).toThrow(/prop 'name' is '1m'/);
  });
});
