import { Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { SERVING_PORT_NAME, HealthCheck } from './health-check';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { requireInteger } from '../core/errors';
import { Labels } from '../core/labels';
import { ContainerSpec, renderPodTemplate } from '../core/pod-template';
import type { GpuClaim } from '../core/pod-placement';
import { CONTAINER_SPEC, PRIORITY_CLASS, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { arrayOf, instanceOf, oneOf, optional, PropChecks } from '../core/required-props';
import { IPriorityClass } from '../core/scheduling';
import { VolumeAttachment } from '../core/volume-types';
import { NetworkPeer } from '../operations/network/pod-groups-and-peers';

/** How strictly replicas are spread across nodes (`topologySpreadConstraints`). */
export enum NodeSpread {
  /** Prefer one replica per node; schedule anyway when nodes run out (`ScheduleAnyway`). */
  PREFERRED = 'ScheduleAnyway',
  /** Never put two more replicas on one node than on another (`DoNotSchedule`). */
  REQUIRED = 'DoNotSchedule',
  /** No constraint. */
  NONE = 'None',
}

/** What every model-server construct takes: the container, where it runs, how it is probed. */
export interface ModelServerOptions {
  /**
   * Object name (Deployment/StatefulSet and Service).
   * @default - the construct id
   */
  readonly name?: string;
  /** The model server: pinned image, command, resources and GPUs (from `pool`). */
  readonly container: ContainerSpec;
  /** Nodes the replicas run on: nodeSelector, tolerations and the GPU resource come from it. */
  readonly pool: NodePool;
  /**
   * Port the server listens on (named `http`).
   * @default 8080
   */
  readonly port?: number;
  /**
   * Readiness probe: traffic reaches a replica only once this passes.
   * @default HealthCheck.tcp()
   */
  readonly readiness?: HealthCheck;
  /**
   * Liveness probe: the replica restarts when this keeps failing.
   * @default HealthCheck.tcp({ initialDelay: Duration.seconds(30) })
   */
  readonly liveness?: HealthCheck;
  /** @default - none */
  readonly volumes?: readonly VolumeAttachment[];
  /**
   * Priority of the serving pods (serving-critical classes preempt batch work).
   * @default - the cluster default priority
   */
  readonly priorityClass?: IPriorityClass;
  /** @default NodeSpread.PREFERRED */
  readonly spread?: NodeSpread;
  /**
   * Who else may call the serving port, besides the platform's inference gateways (e.g.
   * `NetworkPeer.group(workflow.network)`, `NetworkPeer.namespace('team-a')`).
   * @default - the gateways only
   */
  readonly clients?: readonly NetworkPeer[];
}

export const SERVER_DEFAULTS = Object.freeze({ port: 8080, spread: NodeSpread.PREFERRED });

const HEALTH_CHECK = instanceOf(HealthCheck, "HealthCheck.http('/path') or HealthCheck.tcp()");

/** Run-time checks of the props every model server shares (spread into each construct's table). */
export const MODEL_SERVER_CHECKS: PropChecks<ModelServerOptions> = {
  name: optional('string'),
  container: CONTAINER_SPEC,
  pool: NODE_POOL,
  port: optional('number'),
  readiness: optional(HEALTH_CHECK),
  liveness: optional(HEALTH_CHECK),
  volumes: optional(VOLUME_ATTACHMENTS),
  priorityClass: optional(PRIORITY_CLASS),
  spread: optional(oneOf(NodeSpread, 'NodeSpread')),
  clients: optional(arrayOf(instanceOf(NetworkPeer, "NetworkPeer.group(...), NetworkPeer.namespace('team-a'), ..."))),
};

/** Selector labels of a server's pods. */
export function serverLabels(name: string, component: string): Record<string, string> {
  return { [Labels.NAME]: name, [Labels.COMPONENT]: component };
}

/** Extra pod-spec inputs a particular construct adds. */
export interface ServerPodExtras {
  readonly containerName: string;
  /** Env vars from the downward API (field paths), listed first so others can use `$(NAME)`. */
  readonly fieldEnv?: Readonly<Record<string, string>>;
  /** Container security context override (e.g. a read-only root file system). */
  readonly securityContext?: k8s.SecurityContext;
  /** The pod's DRA claim for its GPUs (`podGpuClaim`); the object gets it from `typedWorkload`. */
  readonly claim?: GpuClaim;
  /**
   * Label holding the pod's revision, for spread counting.
   * @default 'pod-template-hash' (Deployments; StatefulSets use 'controller-revision-hash')
   */
  readonly revisionLabel?: string;
}

/** A server pod: named port, probes, priority, node spread, restricted context, pool placement. */
export function renderServerPod(owner: string, options: ModelServerOptions, labels: Record<string, string>, extras: ServerPodExtras): k8s.PodTemplateSpec {
  const port = requireInteger(owner, 'port', options.port ?? SERVER_DEFAULTS.port, 1, 65535);
  const readiness = (options.readiness ?? HealthCheck.tcp()).toProbe(owner, 'readiness');
  const liveness = (options.liveness ?? HealthCheck.tcp({ initialDelay: Duration.seconds(30) })).toProbe(owner, 'liveness');
  const template = renderPodTemplate({
    owner,
    containerName: extras.containerName,
    container: options.container,
    pool: options.pool,
    volumes: options.volumes,
    labels,
    ports: [{ name: SERVING_PORT_NAME, containerPort: port, protocol: 'TCP' }],
    readinessProbe: readiness,
    livenessProbe: liveness,
  }, extras.claim);
  const spec = template.spec!;
  const [main] = spec.containers;
  const fieldEnv: k8s.EnvVar[] = Object.entries(extras.fieldEnv ?? {}).map(([name, fieldPath]) => ({ name, valueFrom: { fieldRef: { fieldPath } } }));
  const env = [...fieldEnv, ...(main.env ?? [])];
  const spread = options.spread ?? SERVER_DEFAULTS.spread;
  return {
    metadata: template.metadata,
    spec: {
      ...spec,
      priorityClassName: options.priorityClass?.name,
      topologySpreadConstraints: spread === NodeSpread.NONE ? undefined : [{
        maxSkew: 1,
        topologyKey: 'kubernetes.io/hostname',
        whenUnsatisfiable: spread,
        labelSelector: { matchLabels: { ...labels } },
        // Count only pods of the same revision, so a rollout is not skewed by the old ReplicaSet.
        matchLabelKeys: [extras.revisionLabel ?? 'pod-template-hash'],
      }],
      containers: [{ ...main, env: env.length ? env : undefined, securityContext: extras.securityContext ?? main.securityContext }],
    },
  };
}

/** A ClusterIP Service on port `servicePort` forwarding to the pods' `http` port. */
export function serviceSpec(labels: Record<string, string>, servicePort: number): k8s.ServiceSpec {
  return {
    type: 'ClusterIP',
    selector: { ...labels },
    ports: [{ name: SERVING_PORT_NAME, port: servicePort, targetPort: k8s.IntOrString.fromString(SERVING_PORT_NAME), protocol: 'TCP' }],
  };
}
