import { ApiObject } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { IWorkflowResource } from '../core/workflow-resource';
import { DisruptionBudget } from './disruption-budget';
import { MODEL_SERVER_CHECKS, ModelServerOptions, renderServerPod, SERVER_DEFAULTS, serverLabels, serviceSpec } from './model-server';
import { podGpuClaim, typedWorkload } from '../core/pod-template';
import { ScalingMetric } from './scaling-metric';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { instanceOf, optional, PropChecks, requireProps } from '../core/required-props';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { modelServerNeeds } from '../operations/network/workload-traffic';

/** Properties for `ReplicatedModelService`. */
export interface ReplicatedModelServiceProps extends ModelServerOptions {
  /**
   * Fewest replicas; at least 1 (scale to zero is `EventDrivenModelService` or KServe serverless).
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * Most replicas. Equal to `minReplicas` means a fixed size: no HorizontalPodAutoscaler.
   * @default - 3 × minReplicas
   */
  readonly maxReplicas?: number;
  /**
   * What the HorizontalPodAutoscaler scales on.
   * @default ScalingMetric.cpuUtilization(70)
   */
  readonly metric?: ScalingMetric;
  /** @default DisruptionBudget.maxUnavailable(1) */
  readonly disruptionBudget?: DisruptionBudget;
  /**
   * Port of the Service.
   * @default 80
   */
  readonly servicePort?: number;
}

const DEFAULTS = Object.freeze({
  minReplicas: 2,
  metric: ScalingMetric.cpuUtilization(70),
  disruptionBudget: DisruptionBudget.maxUnavailable(1),
  servicePort: 80,
});

const PROP_CHECKS: PropChecks<ReplicatedModelServiceProps> = {
  ...MODEL_SERVER_CHECKS,
  minReplicas: optional('number'),
  maxReplicas: optional('number'),
  metric: optional(instanceOf(ScalingMetric, 'ScalingMetric.cpuUtilization(70), ...')),
  disruptionBudget: optional(instanceOf(DisruptionBudget, 'DisruptionBudget.maxUnavailable(1) or DisruptionBudget.minAvailable(n)')),
  servicePort: optional('number'),
};

/**
 * Replicated services (book chapter 4): stateless model-server replicas behind one Service,
 * autoscaled by a HorizontalPodAutoscaler, protected by a PodDisruptionBudget, probed for
 * readiness and liveness, and spread across nodes so one node failure takes out one replica.
 * The Deployment leaves `replicas` unset when the HPA owns it (server-side apply would fight it).
 */
export class ReplicatedModelService extends Construct implements IWorkflowResource {
  /** The Deployment. */
  public readonly apiObject: ApiObject;
  /**
   * As a workflow step: done once the Deployment has its minimum of available replicas (the
   * Service, HPA and PDB are applied with it, apps/v1 DeploymentStatus.availableReplicas).
   */
  public readonly successCondition: string;
  public readonly name: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly service: k8s.KubeService;
  /** Undefined when min = max replicas. */
  public readonly autoscaler: k8s.KubeHorizontalPodAutoscalerV2 | undefined;
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget;

  constructor(scope: Construct, id: string, props: ReplicatedModelServiceProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    this.minReplicas = requireInteger(this, 'minReplicas', p.minReplicas, 1);
    this.maxReplicas = requireInteger(this, 'maxReplicas', props.maxReplicas ?? this.minReplicas * 3, 1);
    if (this.minReplicas > this.maxReplicas) {
      throw propError(this, 'minReplicas', this.minReplicas, `it exceeds maxReplicas ${this.maxReplicas}; use minReplicas <= maxReplicas`);
    }
    if (props.metric && this.minReplicas === this.maxReplicas) {
      throw propError(this, 'metric', props.metric.toString(), `minReplicas = maxReplicas = ${this.minReplicas} leaves nothing to autoscale; raise maxReplicas or remove metric`);
    }
    this.successCondition = `status.availableReplicas > ${this.minReplicas - 1}`;
    const servicePort = requireInteger(this, 'servicePort', p.servicePort, 1, 65535);
    p.disruptionBudget.check(this, this.minReplicas);

    const labels = serverLabels(this.name, 'model-server');
    const autoscaled = this.maxReplicas > this.minReplicas;
    const claim = podGpuClaim(this.node.path, props.pool, props.container.gpus);
    const deployment: k8s.KubeDeploymentProps = {
      metadata: { name: this.name },
      spec: {
        replicas: autoscaled ? undefined : this.minReplicas,
        selector: { matchLabels: labels },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: k8s.IntOrString.fromNumber(0), maxSurge: k8s.IntOrString.fromNumber(1) } },
        template: renderServerPod(this.node.path, props, labels, { containerName: 'model-server', claim }),
      },
    };
    this.apiObject = typedWorkload(this, k8s.KubeDeployment.GVK, k8s.toJson_KubeDeploymentProps(deployment), claim, ['spec', 'template', 'spec'], () => new k8s.KubeDeployment(this, 'Resource', deployment));
    this.service = new k8s.KubeService(this, 'Service', { metadata: { name: this.name }, spec: serviceSpec(labels, servicePort) });
    // The Service's clients (gateways, `clients`) reach the serving port; the replicas need nothing else.
    NamespaceNetwork.of(this).group(this, modelServerNeeds(this.name, 'model-server', props.port ?? SERVER_DEFAULTS.port, props.clients));
    this.autoscaler = autoscaled ? new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata: { name: this.name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicas: this.minReplicas,
        maxReplicas: this.maxReplicas,
        metrics: [p.metric.spec],
      },
    }) : undefined;
    this.disruptionBudget = new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.name },
      spec: p.disruptionBudget.toSpec(labels),
    });
  }
}
