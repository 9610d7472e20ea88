import { ApiObject, Duration } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { DisruptionBudget } from './disruption-budget';
import { MODEL_SERVER_CHECKS, ModelServerOptions, renderServerPod, SERVER_DEFAULTS, serverLabels, serviceSpec } from './model-server';
import { podGpuClaim, typedWorkload } from '../core/pod-template';
import { ScaleTrigger } from './scale-trigger';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { DURATION } from '../core/prop-checks';
import { instanceOf, optional, PropChecks, requireProps } from '../core/required-props';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { modelServerNeeds } from '../operations/network/workload-traffic';
import { ScaledObject } from '../imports/keda.sh';

/** Properties for `EventDrivenModelService`. */
export interface EventDrivenModelServiceProps extends ModelServerOptions {
  /** The event source (queue length, Prometheus query) the replicas follow. */
  readonly trigger: ScaleTrigger;
  /**
   * Replicas when idle; 0 scales to zero.
   * @default 0
   */
  readonly minReplicas?: number;
  /** @default 10 */
  readonly maxReplicas?: number;
  /**
   * Idle time before scaling back to `minReplicas` when it is 0 (`cooldownPeriod`).
   * @default Duration.minutes(5)
   */
  readonly cooldown?: Duration;
  /**
   * How often KEDA reads the trigger (`pollingInterval`).
   * @default Duration.seconds(30)
   */
  readonly pollingInterval?: Duration;
  /**
   * PodDisruptionBudget; a `minAvailable` budget contradicts scale to zero and is refused then.
   * @default - none when minReplicas is 0, else DisruptionBudget.maxUnavailable(1)
   */
  readonly disruptionBudget?: DisruptionBudget;
  /** @default 80 */
  readonly servicePort?: number;
}

const DEFAULTS = Object.freeze({
  minReplicas: 0,
  maxReplicas: 10,
  cooldown: Duration.minutes(5),
  pollingInterval: Duration.seconds(30),
  servicePort: 80,
});

const PROP_CHECKS: PropChecks<EventDrivenModelServiceProps> = {
  ...MODEL_SERVER_CHECKS,
  trigger: instanceOf(ScaleTrigger, 'ScaleTrigger.prometheus({ ... }) or ScaleTrigger.redisListLength({ ... })'),
  minReplicas: optional('number'),
  maxReplicas: optional('number'),
  cooldown: optional(DURATION),
  pollingInterval: optional(DURATION),
  disruptionBudget: optional(instanceOf(DisruptionBudget, 'DisruptionBudget.maxUnavailable(1) or DisruptionBudget.minAvailable(n)')),
  servicePort: optional('number'),
};

/**
 * Event-driven processing (book chapter 4): a model server that runs only while there is work. A
 * KEDA ScaledObject (keda.sh/v1alpha1) owns the Deployment's replica count: it wakes the service
 * from zero when the trigger passes its activation threshold and scales it back after `cooldown`.
 * The Deployment never sets `replicas` (KEDA's HPA owns it).
 */
export class EventDrivenModelService extends Construct {
  /** The Deployment. */
  public readonly apiObject: ApiObject;
  public readonly name: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly service: k8s.KubeService;
  public readonly scaledObject: ScaledObject;
  public readonly disruptionBudget: k8s.KubePodDisruptionBudget | undefined;

  constructor(scope: Construct, id: string, props: EventDrivenModelServiceProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    const p = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    this.minReplicas = requireInteger(this, 'minReplicas', p.minReplicas, 0);
    this.maxReplicas = requireInteger(this, 'maxReplicas', p.maxReplicas, 1);
    if (this.minReplicas > this.maxReplicas) {
      throw propError(this, 'minReplicas', this.minReplicas, `it exceeds maxReplicas ${this.maxReplicas}; use minReplicas <= maxReplicas`);
    }
    const cooldown = p.cooldown.toSeconds({ integral: false });
    if (!Number.isInteger(cooldown) || cooldown < 1) throw propError(this, 'cooldown', `${cooldown}s`, 'use a whole number of seconds >= 1');
    const polling = p.pollingInterval.toSeconds({ integral: false });
    if (!Number.isInteger(polling) || polling < 1) throw propError(this, 'pollingInterval', `${polling}s`, 'use a whole number of seconds >= 1');
    const servicePort = requireInteger(this, 'servicePort', p.servicePort, 1, 65535);
    const budget = props.disruptionBudget ?? (this.minReplicas > 0 ? DisruptionBudget.maxUnavailable(1) : undefined);
    budget?.check(this, this.minReplicas);

    const labels = serverLabels(this.name, 'event-driven-server');
    const claim = podGpuClaim(this.node.path, props.pool, props.container.gpus);
    const deployment: k8s.KubeDeploymentProps = {
      metadata: { name: this.name },
      spec: {
        selector: { matchLabels: labels },
        template: renderServerPod(this.node.path, props, labels, { containerName: 'model-server', claim }),
      },
    };
    this.apiObject = typedWorkload(this, k8s.KubeDeployment.GVK, k8s.toJson_KubeDeploymentProps(deployment), claim, ['spec', 'template', 'spec'], () => new k8s.KubeDeployment(this, 'Resource', deployment));
    this.service = new k8s.KubeService(this, 'Service', { metadata: { name: this.name }, spec: serviceSpec(labels, servicePort) });
    // The Service's clients (gateways, `clients`) reach the serving port; the replicas need nothing else.
    NamespaceNetwork.of(this).group(this, modelServerNeeds(this.name, 'event-driven-server', props.port ?? SERVER_DEFAULTS.port, props.clients));
    this.scaledObject = new ScaledObject(this, 'ScaledObject', {
      metadata: { name: this.name },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.name },
        minReplicaCount: this.minReplicas,
        maxReplicaCount: this.maxReplicas,
        cooldownPeriod: cooldown,
        pollingInterval: polling,
        triggers: [p.trigger.toSpec()],
      },
    });
    this.disruptionBudget = budget ? new k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata: { name: this.name },
      spec: budget.toSpec(labels),
    }) : undefined;
  }
}
