import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { DisruptionBudget } from './disruption-budget';
import { HealthCheck } from './health-check';
import { MODEL_SERVER_CHECKS, ModelServerOptions, renderServerPod, serverLabels, serviceSpec, SERVER_DEFAULTS } from './model-server';
import { podGpuClaim, typedWorkload } from '../core/pod-template';
import { MAX_ROUTED_SHARDS, renderShardRouterConfig, ROUTER_PORT, RoutingKey, SHARD_ROUTER_IMAGE } from './shard-router';
import { ContainerResources } from '../core/compute';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { ContainerImage } from '../core/image';
import { LABEL_DOMAIN } from '../core/labels';
import { NameRule, validateName } from '../core/names';
import { CONTAINER_IMAGE, CONTAINER_RESOURCES } from '../core/prop-checks';
import { instanceOf, optional, PropChecks, requireProps } from '../core/required-props';
import { restrictedContainerSecurityContext } from '../core/security';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { NetworkPeer } from '../operations/network/pod-groups-and-peers';
import { modelServerNeeds } from '../operations/network/workload-traffic';

/** Env vars every shard gets. */
export const ShardServerEnv = {
  /** The shard's ordinal (0 to SHARD_COUNT-1), from the `apps.kubernetes.io/pod-index` label. */
  ID: 'SHARD_ID',
  COUNT: 'SHARD_COUNT',
} as const;

/** Properties for `ShardedModelService`. */
export interface ShardedModelServiceProps extends ModelServerOptions {
  /** Number of shards (StatefulSet replicas); each serves one model partition. */
  readonly shards: number;
  /**
   * Where the router reads the shard key.
   * @default RoutingKey.header('X-Shard-Key')
   */
  readonly routingKey?: RoutingKey;
  /** @default 2 */
  readonly routerReplicas?: number;
  /** @default - 100m CPU (limit 500m), 128 MiB */
  readonly routerResources?: ContainerResources;
  /** @default SHARD_ROUTER_IMAGE (NGINX unprivileged, pinned) */
  readonly routerImage?: ContainerImage;
  /**
   * Namespace the shards run in (the router addresses them by fully qualified name).
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /** @default 'cluster.local' */
  readonly clusterDomain?: string;
  /**
   * DNS server the router resolves shard names with.
   * @default 'kube-dns.kube-system.svc.cluster.local' (the cluster DNS Service on EKS, GKE, AKS, kubeadm)
   */
  readonly dnsResolver?: string;
  /** @default 80 */
  readonly servicePort?: number;
}

const DEFAULTS = Object.freeze({
  routingKey: RoutingKey.header('X-Shard-Key'),
  routerReplicas: 2,
  routerResources: { cpu: Cpu.millis(100), cpuLimit: Cpu.millis(500), memory: Size.mebibytes(128) },
  routerImage: SHARD_ROUTER_IMAGE,
  clusterDomain: 'cluster.local',
  dnsResolver: 'kube-dns.kube-system.svc.cluster.local',
  servicePort: 80,
});

/** Label the StatefulSet controller puts on each pod: its ordinal (GA in Kubernetes 1.32). */
const PROP_CHECKS: PropChecks<ShardedModelServiceProps> = {
  ...MODEL_SERVER_CHECKS,
  shards: 'number',
  routingKey: optional(instanceOf(RoutingKey, "RoutingKey.header('X-Shard-Key') or RoutingKey.queryParam(name)")),
  routerReplicas: optional('number'),
  routerResources: optional(CONTAINER_RESOURCES),
  routerImage: optional(CONTAINER_IMAGE),
  namespace: optional('string'),
  clusterDomain: optional('string'),
  dnsResolver: optional('string'),
  servicePort: optional('number'),
};

const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
const ROUTER_CONFIG_FILE = 'router.conf';

/**
 * Sharded services (book chapter 4): a model too large for one server is split into partitions,
 * each served by one StatefulSet pod that learns its shard from its ordinal. A headless Service
 * gives every shard a stable DNS name; an NGINX router (ConfigMap + Deployment + Service, the entry
 * point) hashes the request key to the shard that holds its partition. Both tiers get a PDB
 * allowing one pod down at a time.
 */
export class ShardedModelService extends Construct {
  /** The shards' StatefulSet. */
  public readonly apiObject: ApiObject;
  public readonly name: string;
  public readonly shards: number;
  /** Headless Service behind the per-shard DNS names. */
  public readonly shardService: k8s.KubeService;
  /** The router's Service: what clients call. */
  public readonly service: k8s.KubeService;
  public readonly routerConfig: k8s.KubeConfigMap;
  public readonly router: k8s.KubeDeployment;
  /** Fully qualified host name of every shard, in shard order. */
  public readonly shardHosts: readonly string[];

  constructor(scope: Construct, id: string, props: ShardedModelServiceProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    this.shards = requireInteger(this, 'shards', props.shards, 1, MAX_ROUTED_SHARDS);
    const routerReplicas = requireInteger(this, 'routerReplicas', p.routerReplicas, 1);
    const servicePort = requireInteger(this, 'servicePort', p.servicePort, 1, 65535);
    const port = props.port ?? SERVER_DEFAULTS.port;
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (!namespace) throw propError(this, 'namespace', namespace, 'set namespace (or give the chart one): the router addresses shards by fully qualified name');
    validateName(this, 'namespace', namespace, NameRule.DNS_LABEL);
    validateName(this, 'clusterDomain', p.clusterDomain);

    const shardLabels = serverLabels(this.name, 'model-shard');
    const headless = validateName(this, 'name', `${this.name}-shards`, NameRule.DNS_1035_LABEL);
    this.shardService = new k8s.KubeService(this, 'ShardService', {
      metadata: { name: headless },
      spec: { ...serviceSpec(shardLabels, port), type: undefined, clusterIp: 'None' },
    });
    const claim = podGpuClaim(this.node.path, props.pool, props.container.gpus);
    const statefulSet: k8s.KubeStatefulSetProps = {
      metadata: { name: this.name },
      spec: {
        replicas: this.shards,
        serviceName: headless,
        // Shards are independent: start and replace them all at once, not one by one.
        podManagementPolicy: 'Parallel',
        selector: { matchLabels: shardLabels },
        template: renderServerPod(this.node.path, {
          ...props,
          container: { ...props.container, env: { ...props.container.env, [ShardServerEnv.COUNT]: String(this.shards) } },
        }, shardLabels, {
          containerName: 'model-shard',
          fieldEnv: { [ShardServerEnv.ID]: `metadata.labels['${POD_INDEX_LABEL}']` },
          revisionLabel: 'controller-revision-hash',
          claim,
        }),
      },
    };
    this.apiObject = typedWorkload(this, k8s.KubeStatefulSet.GVK, k8s.toJson_KubeStatefulSetProps(statefulSet), claim, ['spec', 'template', 'spec'], () => new k8s.KubeStatefulSet(this, 'Resource', statefulSet));
    new k8s.KubePodDisruptionBudget(this, 'ShardDisruptionBudget', {
      metadata: { name: headless },
      spec: DisruptionBudget.maxUnavailable(1).toSpec(shardLabels),
    });

    this.shardHosts = Array.from({ length: this.shards }, (_, i) => `${this.name}-${i}.${headless}.${namespace}.svc.${p.clusterDomain}`);
    const routerName = `${this.name}-router`;
    validateName(this, 'name', routerName, NameRule.DNS_1035_LABEL);
    const config = renderShardRouterConfig({ owner: this, shardHosts: this.shardHosts, shardPort: port, key: p.routingKey, resolver: p.dnsResolver });
    this.routerConfig = new k8s.KubeConfigMap(this, 'RouterConfig', { metadata: { name: routerName }, data: { [ROUTER_CONFIG_FILE]: config } });
    const routerLabels = serverLabels(this.name, 'shard-router');
    // Clients reach the router only; the shards only from the router (which gets the egress derived).
    const network = NamespaceNetwork.of(this);
    const routerGroup = network.group(this, modelServerNeeds(this.name, 'shard-router', ROUTER_PORT, props.clients));
    network.group(this, { name: this.name, component: 'model-shard', clients: [{ from: NetworkPeer.group(routerGroup), ports: [port] }] });
    const emptyDir = (name: string, mountPath: string) => ({ volume: { name, emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } }, mount: { name, mountPath } });
    const routerPod = renderServerPod(`${this.node.path}/Router`, {
      pool: props.pool,
      priorityClass: props.priorityClass,
      spread: props.spread,
      port: ROUTER_PORT,
      readiness: HealthCheck.http('/healthz', { initialDelay: Duration.seconds(0) }),
      liveness: HealthCheck.http('/healthz'),
      container: {
        image: p.routerImage,
        // Run NGINX directly: the image's entrypoint scripts try to rewrite files in /etc/nginx.
        command: ['nginx', '-g', 'daemon off;'],
        resources: p.routerResources,
      },
      volumes: [
        { volume: { name: 'config', configMap: { name: routerName } }, mount: { name: 'config', mountPath: '/etc/nginx/conf.d', readOnly: true } },
        emptyDir('tmp', '/tmp'),
        emptyDir('cache', '/var/cache/nginx'),
      ],
    }, routerLabels, {
      containerName: 'router',
      securityContext: restrictedContainerSecurityContext({ readOnlyRootFilesystem: true }),
    });
    this.router = new k8s.KubeDeployment(this, 'Router', {
      metadata: { name: routerName },
      spec: {
        replicas: routerReplicas,
        selector: { matchLabels: routerLabels },
        template: {
          ...routerPod,
          // Restart the router when its config changes (a ConfigMap update alone does not).
          metadata: { ...routerPod.metadata, annotations: { [`${LABEL_DOMAIN}/config-hash`]: configHash(config) } },
        },
      },
    });
    this.service = new k8s.KubeService(this, 'Service', { metadata: { name: this.name }, spec: serviceSpec(routerLabels, servicePort) });
    new k8s.KubePodDisruptionBudget(this, 'RouterDisruptionBudget', {
      metadata: { name: routerName },
      spec: DisruptionBudget.maxUnavailable(1).toSpec(routerLabels),
    });
  }
}

/** A short stable hash (FNV-1a, 32 bit) of the config text. */
function configHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
