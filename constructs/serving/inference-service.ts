import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { ModelFormat, ModelLocation } from './model-location';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { ContainerResources } from '../core/compute';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { CONTAINER_RESOURCES, PRIORITY_CLASS } from '../core/prop-checks';
import { instanceOf, oneOf, optional, PropChecks, requireProps, shape } from '../core/required-props';
import { IPriorityClass } from '../core/scheduling';
import { restrictedContainerSecurityContext, restrictedPodSecurityContext } from '../core/security';
import { emitClaimTemplate, gpuContainerFields, podGpuClaim, renderEnv } from '../core/pod-template';
import { IWorkflowResource } from '../core/workflow-resource';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { InferenceService, InferenceServiceSpecPredictorScaleMetric } from '../imports/serving.kserve.io';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { downloadPortsFor, HTTPS_PORT, kservePredictorNeeds } from '../operations/network/workload-traffic';

/** Metric KServe scales the predictor on. */
export { InferenceServiceSpecPredictorScaleMetric as ScaleMetric };

/**
 * How KServe deploys the predictor (`serving.kserve.io/deploymentMode` annotation). KServe 0.17
 * renamed the modes (Serverless → Knative, RawDeployment → Standard); the pinned v0.20 accepts
 * the old names only for compatibility, so the new ones are emitted.
 */
export enum KServeDeploymentMode {
  /** Knative revisions: scale to zero, canary traffic split (formerly `Serverless`). */
  KNATIVE = 'Knative',
  /** A plain Deployment + HPA: no Knative needed, but no scale to zero (formerly `RawDeployment`). */
  STANDARD = 'Standard',
}

/** Annotation selecting the deployment mode. */
export const DEPLOYMENT_MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
/** Annotation selecting the autoscaler of Standard mode (`hpa`, `keda`, `external`, `none`). */
export const AUTOSCALER_CLASS_ANNOTATION = 'serving.kserve.io/autoscalerClass';

/** Autoscaling of the predictor: the metric and its per-replica target. */
export interface ServingAutoscaling {
  readonly metric: InferenceServiceSpecPredictorScaleMetric;
  /** Target per replica (concurrent requests, requests/s, or % utilization for cpu/memory). */
  readonly target: number;
}

/** Properties for `KServeInferenceService`. */
export interface KServeInferenceServiceProps {
  /** @default - the construct id */
  readonly name?: string;
  readonly modelFormat: ModelFormat;
  /** Where the model is stored. */
  readonly model: ModelLocation;
  /** Nodes the predictor runs on. */
  readonly pool: NodePool;
  /**
   * Version of the runtime image (e.g. the tensorflow/serving tag), pinned so upgrades are explicit.
   * @default - the ServingRuntime's own default for this KServe release
   */
  readonly runtimeVersion?: string;
  /** @default - DEFAULT_RESOURCES */
  readonly resources?: ContainerResources;
  /** @default 0 */
  readonly gpus?: number;
  /**
   * Minimum replicas; 0 lets the serverless predictor scale to zero.
   * @default 1
   */
  readonly minReplicas?: number;
  /** @default - equal to minReplicas, or 3 when autoscaling is set */
  readonly maxReplicas?: number;
  /** @default - KServe's default (concurrency, 100 per replica in Knative) */
  readonly autoscaling?: ServingAutoscaling;
  /**
   * Percent of traffic sent to the latest revision (canary rollout); the rest stays on the last good one.
   * @default - all traffic to the latest revision
   */
  readonly canaryTrafficPercent?: number;
  /**
   * Priority of the predictor pods (serving-critical classes preempt batch work).
   * @default - the cluster default priority
   */
  readonly priorityClass?: IPriorityClass;
  /**
   * Deployment mode, always written as the annotation so the mode never depends on the
   * installation's default (KServe validates scaling by the annotation, not the default). Scale
   * to zero (`minReplicas: 0`), canary traffic and concurrency/rps scaling need KNATIVE.
   * @default KServeDeploymentMode.STANDARD
   */
  readonly deploymentMode?: KServeDeploymentMode;
  /**
   * Internet egress of the predictor pods (HTTPS; HTTP for http:// URIs): the storage-initializer
   * downloads a remote model. `false` with a remote `model` is an error (the model could not load).
   * @default - true for a remote model URI, false for a volume (mounted, nothing to download)
   */
  readonly internetEgress?: boolean;
}

// KServe names the model's container `kserve-container` itself; a name of ours is refused by its
// validating webhook ("the 'name' field is not allowed in standard predictor",
// pkg/apis/serving/v1beta1/inference_service_validation.go validatePredictor, v0.20.0).
const MODEL_CONTAINER = 'kserve-container';

const PROP_CHECKS: PropChecks<KServeInferenceServiceProps> = {
  name: optional('string'),
  modelFormat: instanceOf(ModelFormat, 'ModelFormat.TENSORFLOW, ModelFormat.PYTORCH, ... or ModelFormat.custom(name)'),
  model: instanceOf(ModelLocation, "ModelLocation.fromVolume(volume, path) or ModelLocation.fromUri('s3://...')"),
  pool: NODE_POOL,
  runtimeVersion: optional('string'),
  resources: optional(CONTAINER_RESOURCES),
  gpus: optional('number'),
  minReplicas: optional('number'),
  maxReplicas: optional('number'),
  autoscaling: optional(shape<ServingAutoscaling>({ metric: oneOf(InferenceServiceSpecPredictorScaleMetric, 'ScaleMetric'), target: 'number' }, 'autoscaling ({ metric, target })')),
  canaryTrafficPercent: optional('number'),
  priorityClass: optional(PRIORITY_CLASS),
  deploymentMode: optional(oneOf(KServeDeploymentMode, 'KServeDeploymentMode')),
  internetEgress: optional('boolean'),
};

/**
 * Replicated model serving with KServe: an InferenceService whose predictor loads the model from a
 * shared volume or object store, runs on the given pool and scales between min and max replicas.
 */
export class KServeInferenceService extends Construct implements IWorkflowResource {
  public readonly apiObject: ApiObject;
  public readonly name: string;
  public readonly minReplicas: number;
  public readonly maxReplicas: number;
  public readonly deploymentMode: KServeDeploymentMode;
  /**
   * Ready once the model is loaded and no newer spec is rolling out; failed when loading is
   * blocked or the spec is invalid. KServe v0.20 InferenceService status (CRD in ../shared/crds):
   * `status.modelStatus.transitionStatus` (UpToDate | InProgress | BlockedByFailedLoad | InvalidSpec)
   * and `status.modelStatus.states.activeModelState` (Pending | Standby | Loading | Loaded | FailedToLoad).
   */
  public readonly successCondition = 'status.modelStatus.transitionStatus = UpToDate, status.modelStatus.states.activeModelState = Loaded';
  public readonly failureCondition = 'status.modelStatus.transitionStatus in (BlockedByFailedLoad, InvalidSpec)';

  constructor(scope: Construct, id: string, props: KServeInferenceServiceProps) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    // The name becomes a Knative service and DNS host name: RFC 1035 label.
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_1035_LABEL);
    this.minReplicas = requireInteger(this, 'minReplicas', props.minReplicas ?? 1, 0);
    this.maxReplicas = requireInteger(this, 'maxReplicas', props.maxReplicas ?? (props.autoscaling ? Math.max(3, this.minReplicas) : Math.max(1, this.minReplicas)), 1);
    if (this.minReplicas > this.maxReplicas) {
      throw propError(this, 'minReplicas', this.minReplicas, `it exceeds maxReplicas ${this.maxReplicas}; use minReplicas <= maxReplicas`);
    }
    if (props.canaryTrafficPercent !== undefined) requireInteger(this, 'canaryTrafficPercent', props.canaryTrafficPercent, 0, 100);
    this.deploymentMode = props.deploymentMode ?? KServeDeploymentMode.STANDARD;
    const metric = props.autoscaling?.metric;
    // KServe v0.20 inference_service_validation.go: Standard mode scales with an HPA on cpu or
    // memory (autoscalerClass hpa); Knative's autoscaler on concurrency or rps.
    const hpaMetric = metric === InferenceServiceSpecPredictorScaleMetric.CPU || metric === InferenceServiceSpecPredictorScaleMetric.MEMORY;
    if (this.deploymentMode === KServeDeploymentMode.STANDARD) {
      if (this.minReplicas === 0) {
        throw propError(this, 'minReplicas', 0, `deploymentMode '${this.deploymentMode}' cannot scale to zero; use KServeDeploymentMode.KNATIVE or minReplicas >= 1`);
      }
      if (props.canaryTrafficPercent !== undefined) {
        throw propError(this, 'canaryTrafficPercent', props.canaryTrafficPercent, `traffic splitting needs Knative revisions, not deploymentMode '${this.deploymentMode}'; use KServeDeploymentMode.KNATIVE`);
      }
      if (metric && !hpaMetric) {
        throw propError(this, 'autoscaling.metric', metric, `deploymentMode '${this.deploymentMode}' scales with an HPA on cpu or memory; use ScaleMetric.CPU/MEMORY, or KServeDeploymentMode.KNATIVE for ${metric}`);
      }
    } else if (hpaMetric) {
      throw propError(this, 'autoscaling.metric', metric, `Knative's autoscaler scales on concurrency or rps; use ScaleMetric.CONCURRENCY/RPS, or KServeDeploymentMode.STANDARD for ${metric}`);
    }
    if (hpaMetric && metric === InferenceServiceSpecPredictorScaleMetric.CPU && !(props.autoscaling!.target <= 100)) {
      throw propError(this, 'autoscaling.target', props.autoscaling!.target, 'a cpu target is a utilization percentage from 1 to 100');
    }
    if (props.autoscaling && !(props.autoscaling.target > 0)) {
      throw propError(this, 'autoscaling.target', props.autoscaling.target, 'use a positive target per replica');
    }
    const gpus = props.gpus ?? 0;
    // A DRA pool's GPUs are a claim from its ResourceClaimTemplate (KServe copies the predictor's pod
    // fields, resourceClaims included, into the Deployment it makes).
    const claim = podGpuClaim(this.node.path, props.pool, gpus);
    if (claim) emitClaimTemplate(this, claim);
    const gpuFields = gpuContainerFields(this.node.path, props.pool, gpus, claim, { resources: props.resources });
    // The TensorFlow runtime's image is tensorflow/serving:<runtimeVersion>; only the -gpu tags are
    // CUDA builds (kserve config/runtimes/kserve-tensorflow-serving.yaml; tensorflow/serving Dockerfiles).
    if (gpus > 0 && props.modelFormat === ModelFormat.TENSORFLOW && !props.runtimeVersion?.endsWith('-gpu')) {
      throw propError(this, 'runtimeVersion', props.runtimeVersion, 'GPUs need a CUDA build of TensorFlow Serving; use a -gpu runtime version (e.g. 2.6.2-gpu)');
    }
    const tolerations = props.pool.tolerations();
    const downloads = downloadPortsFor(props.model.uri);
    if (props.internetEgress === false && downloads.length) {
      throw propError(this, 'internetEgress', false, `the model at '${props.model.uri}' is downloaded by KServe's storage-initializer in the predictor pod; allow internet egress (omit the prop) or serve it from a volume`);
    }
    const internet = props.internetEgress === undefined ? downloads : props.internetEgress ? (downloads.length ? downloads : [HTTPS_PORT]) : [];
    // Requests only from the gateways of the mode, Prometheus on the user metrics, internet only to download.
    const network = NamespaceNetwork.of(this).group(this, kservePredictorNeeds(this.name, this.deploymentMode, internet));
    const model: k8s.Container = {
      name: MODEL_CONTAINER,
      resources: gpuFields.resources,
      env: renderEnv(gpuFields.env),
      securityContext: restrictedContainerSecurityContext(),
    };
    this.apiObject = new InferenceService(this, 'Resource', {
      metadata: {
        name: this.name,
        annotations: { [DEPLOYMENT_MODE_ANNOTATION]: this.deploymentMode, ...(hpaMetric ? { [AUTOSCALER_CLASS_ANNOTATION]: 'hpa' } : {}) },
      },
      spec: {
        predictor: {
          // KServe puts the component's `labels` on its pods (ComponentExtensionSpec.labels).
          labels: { ...network.podLabels },
          priorityClassName: props.priorityClass?.name,
          minReplicas: this.minReplicas,
          maxReplicas: this.maxReplicas,
          scaleMetric: props.autoscaling?.metric,
          scaleTarget: props.autoscaling?.target,
          canaryTrafficPercent: props.canaryTrafficPercent,
          nodeSelector: props.pool.nodeSelector(),
          resourceClaims: claim ? [{ name: claim.name, resourceClaimTemplateName: claim.templateName }] : undefined,
          tolerations: tolerations.length ? tolerations.map((t) => ({ ...t })) : undefined,
          securityContext: k8s.toJson_PodSecurityContext(restrictedPodSecurityContext()),
          model: {
            ...withoutName(k8s.toJson_Container(model) ?? {}),
            modelFormat: { name: props.modelFormat.name, version: props.modelFormat.version },
            runtimeVersion: props.runtimeVersion,
            storageUri: props.model.uri,
          },
        },
      },
    });
  }
}

/** A container's JSON without `name` (the typed k8s.Container requires one; the predictor's model may not have one). */
function withoutName({ name: _name, ...rest }: Record<string, unknown>): Record<string, unknown> {
  return rest;
}
