import { ApiObject } from 'cdk8s';
import { Accelerator } from '../../../constructs/cluster/accelerator';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { SchedulingRefs } from '../../../constructs/core/scheduling';
import { RoutingKey, SHARD_ROUTER_IMAGE } from '../../../constructs/serving/shard-router';
import { ShardedModelService, ShardServerEnv } from '../../../constructs/serving/sharded-service';
import { byKindName, synth, testChart } from '../../helpers';

const cpu = NodePool.cpu({ name: 'cpu' });
const gpu = NodePool.gpu({ name: 'l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1 });
const container = { image: ContainerImage.of('tensorflow/serving:2.6.2'), command: ['tensorflow_model_server', '--model_base_path=/models/$(SHARD_ID)'] };

describe('ShardedModelService', () => {
  test('default output: StatefulSet of N shards, headless Service, router ConfigMap/Deployment/Service, two PDBs', () => {
    const chart = testChart('serve');
    const svc = new ShardedModelService(chart, 'emb', { container, pool: cpu, shards: 4 });
    const objects = synth(chart);
    expect(objects).toMatchSnapshot();
    expect(ApiObject.of(svc).kind).toBe('StatefulSet');
    const sts = byKindName(objects, 'StatefulSet', 'emb');
    expect(sts.spec).toMatchObject({ replicas: 4, serviceName: 'emb-shards', podManagementPolicy: 'Parallel' });
    const headless = byKindName(objects, 'Service', 'emb-shards');
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    const router = byKindName(objects, 'Deployment', 'emb-router');
    expect(router.spec.replicas).toBe(2);
    expect(byKindName(objects, 'Service', 'emb').spec.selector).toEqual(router.spec.selector.matchLabels);
    expect(byKindName(objects, 'PodDisruptionBudget', 'emb-shards').spec.maxUnavailable).toBe(1);
    expect(byKindName(objects, 'PodDisruptionBudget', 'emb-router').spec.maxUnavailable).toBe(1);
  });

  test('each shard learns its id from the pod-index label (listed first) and the shard count', () => {
    const chart = testChart('serve');
    new ShardedModelService(chart, 'emb', { container, pool: cpu, shards: 3 });
    const env = byKindName(synth(chart), 'StatefulSet', 'emb').spec.template.spec.containers[0].env;
    expect(env[0]).toEqual({ name: ShardServerEnv.ID, valueFrom: { fieldRef: { fieldPath: "metadata.labels['apps.kubernetes.io/pod-index']" } } });
    expect(env).toContainEqual({ name: ShardServerEnv.COUNT, value: '3' });
  });

  test('the router config addresses every shard by FQDN on the serving port and hashes the routing key', () => {
    const chart = testChart('serve');
    const svc = new ShardedModelService(chart, 'emb', { container, pool: cpu, shards: 2, port: 8501, routingKey: RoutingKey.queryParam('user'), clusterDomain: 'corp.local' });
    const conf: string = byKindName(synth(chart), 'ConfigMap', 'emb-router').data['router.conf'];
    expect(svc.shardHosts).toEqual(['emb-0.emb-shards.serve.svc.corp.local', 'emb-1.emb-shards.serve.svc.corp.local']);
    for (const host of svc.shardHosts) expect(conf).toContain(`${host};`);
    expect(conf).toContain('split_clients "$arg_user" $shard_host');
    expect(conf).toContain('proxy_pass http://$shard_host:8501;');
  });

  test('the router runs the pinned NGINX image on a read-only root with its config mounted, and restarts on config change', () => {
    const chart = testChart('serve');
    new ShardedModelService(chart, 'emb', { container, pool: cpu, shards: 2 });
    const other = testChart('serve');
    new ShardedModelService(other, 'emb', { container, pool: cpu, shards: 3 });
    const router = byKindName(synth(chart), 'Deployment', 'emb-router').spec.template;
    const c = router.spec.containers[0];
    expect(c.image).toBe(SHARD_ROUTER_IMAGE.toString());
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    expect(c.volumeMounts).toContainEqual({ name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true });
    expect(c.readinessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    const hash = (t: any) => t.metadata.annotations['mlpatterns.dev/config-hash'];
    expect(hash(router)).not.toBe(hash(byKindName(synth(other), 'Deployment', 'emb-router').spec.template));
  });

  test('GPU shards take GPUs, tolerations and selector from the pool; the router follows the pool too', () => {
    const chart = testChart('serve');
    new ShardedModelService(chart, 'emb', { container: { ...container, gpus: 1 }, pool: gpu, shards: 2, priorityClass: SchedulingRefs.priorityClass('serving', 5) });
    const objects = synth(chart);
    const shard = byKindName(objects, 'StatefulSet', 'emb').spec.template.spec;
    expect(shard.containers[0].resources.limits['nvidia.com/gpu']).toBe(1);
    expect(shard.tolerations).toEqual(gpu.tolerations());
    expect(shard.priorityClassName).toBe('serving');
    const router = byKindName(objects, 'Deployment', 'emb-router').spec.template.spec;
    expect(router.nodeSelector).toEqual(gpu.nodeSelector());
    expect(router.containers[0].resources.limits['nvidia.com/gpu']).toBeUndefined();
  });

  test('fails when shards < 1', () => {
    expect(() => new ShardedModelService(testChart('serve'), 'emb', { container, pool: cpu, shards: 0 })).toThrow(/'test\/emb': prop 'shards' is 0; use an integer from 1 to 1000/);
  });

  test('fails without a namespace to address shards in', () => {
    expect(() => new ShardedModelService(testChart(), 'emb', { container, pool: cpu, shards: 2 })).toThrow(/prop 'namespace' is undefined; set namespace/);
  });

  test('fails when routerReplicas is 0', () => {
    expect(() => new ShardedModelService(testChart('serve'), 'emb', { container, pool: cpu, shards: 2, routerReplicas: 0 })).toThrow(/prop 'routerReplicas' is 0/);
  });

  test('fails when the cluster domain is invalid', () => {
    expect(() => new ShardedModelService(testChart('serve'), 'emb', { container, pool: cpu, shards: 2, clusterDomain: 'Bad_Domain' })).toThrow(/prop 'clusterDomain' is 'Bad_Domain'/);
  });
});
