import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { NodePool } from '../constructs/cluster/node-pool';
import { ContainerImage, Images } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/core/namespace';
import { IPriorityClass } from '../constructs/core/scheduling';
import { SharedVolume } from '../constructs/core/shared-volume';
import { DisruptionBudget } from '../constructs/serving/disruption-budget';
import { EventDrivenModelService } from '../constructs/serving/event-driven-service';
import { HealthCheck } from '../constructs/serving/health-check';
import { KServeDeploymentMode, KServeInferenceService, ScaleMetric } from '../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../constructs/serving/model-location';
import { ModelServerOptions } from '../constructs/serving/model-server';
import { ReplicatedModelService } from '../constructs/serving/replicated-service';
import { ScaleTrigger } from '../constructs/serving/scale-trigger';
import { ScalingMetric } from '../constructs/serving/scaling-metric';
import { RoutingKey } from '../constructs/serving/shard-router';
import { ShardedModelService, ShardServerEnv } from '../constructs/serving/sharded-service';

/** Properties for `ServingExamples`. */
export interface ServingExamplesProps extends ChartProps {
  /** CPU nodes. */
  readonly pool: NodePool;
  /** GPU nodes for the GPU examples. */
  readonly gpuPool: NodePool;
  /** @default 'serving-examples' */
  readonly namespace?: string;
  /**
   * Serving-critical priority for every example.
   * @default - the cluster default priority
   */
  readonly priorityClass?: IPriorityClass;
}

/** TensorFlow Serving (the runtime the book's KServe examples use), pinned; REST on 8501. */
const TF_SERVING = ContainerImage.of(`tensorflow/serving:${Images.TF_SERVING_RUNTIME_VERSION}`);
const TF_SERVING_GPU = ContainerImage.of(`tensorflow/serving:${Images.TF_SERVING_RUNTIME_VERSION}-gpu`);
const REST_PORT = 8501;
const MODEL = 'fashion-mnist';

/**
 * The model-serving patterns of chapter 4 on the book's Fashion-MNIST model: replicated (Deployment
 * + HPA on CPU or a custom metric, and KServe with a canary), sharded (StatefulSet + NGINX router),
 * event-driven (KEDA scale to zero, KServe serverless) and GPU serving.
 */
export class ServingExamples extends Chart {
  public readonly replicated: ReplicatedModelService;
  public readonly replicatedCustomMetric: ReplicatedModelService;
  public readonly gpuReplicated: ReplicatedModelService;
  public readonly sharded: ShardedModelService;
  public readonly eventDriven: EventDrivenModelService;
  public readonly canary: KServeInferenceService;
  public readonly serverless: KServeInferenceService;
  public readonly gpuInference: KServeInferenceService;

  constructor(scope: Construct, id: string, props: ServingExamplesProps) {
    const namespace = props.namespace ?? 'serving-examples';
    super(scope, id, { ...props, namespace, disableResourceNameHashes: true });
    new RestrictedNamespace(this, 'Namespace', { name: namespace });
    const { pool, gpuPool, priorityClass } = props;

    const models = new SharedVolume(this, 'serving-models', { storage: Size.gibibytes(2) });
    const mount = models.mount('/models', { readOnly: true });
    // The book's training saves versions to saved_model_versions/<n>/: TF Serving's layout.
    const tfServing = (basePath: string, image = TF_SERVING) => ({
      image,
      command: ['tensorflow_model_server', `--rest_api_port=${REST_PORT}`, `--model_name=${MODEL}`, `--model_base_path=${basePath}`],
      resources: { cpu: Cpu.millis(500), cpuLimit: Cpu.units(1), memory: Size.gibibytes(1) },
    });
    const server: ModelServerOptions = {
      pool,
      priorityClass,
      port: REST_PORT,
      volumes: [mount],
      readiness: HealthCheck.http(`/v1/models/${MODEL}`, { initialDelay: Duration.seconds(5) }),
      liveness: HealthCheck.tcp({ initialDelay: Duration.seconds(30) }),
      container: tfServing('/models/saved_model_versions'),
    };

    this.replicated = new ReplicatedModelService(this, `${MODEL}-replicated`, {
      ...server,
      minReplicas: 2,
      maxReplicas: 6,
      metric: ScalingMetric.cpuUtilization(70),
    });
    this.replicatedCustomMetric = new ReplicatedModelService(this, `${MODEL}-rps`, {
      ...server,
      minReplicas: 3,
      maxReplicas: 12,
      metric: ScalingMetric.podsAverage('http_requests_per_second', 50),
      disruptionBudget: DisruptionBudget.minAvailable(2),
    });
    this.gpuReplicated = new ReplicatedModelService(this, `${MODEL}-gpu`, {
      ...server,
      pool: gpuPool,
      container: { ...tfServing('/models/saved_model_versions', TF_SERVING_GPU), gpus: 1, resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) } },
      minReplicas: 1,
      maxReplicas: 4,
    });

    // Each shard serves its own partition of the model: /models/shards/<ordinal>/<version>/.
    this.sharded = new ShardedModelService(this, `${MODEL}-sharded`, {
      ...server,
      container: tfServing(`/models/shards/$(${ShardServerEnv.ID})`),
      shards: 3,
      routingKey: RoutingKey.header('X-Shard-Key'),
    });

    this.eventDriven = new EventDrivenModelService(this, `${MODEL}-events`, {
      ...server,
      minReplicas: 0,
      maxReplicas: 8,
      cooldown: Duration.minutes(10),
      trigger: ScaleTrigger.prometheus({
        serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
        query: `sum(rate(http_requests_total{service="${MODEL}-events"}[2m]))`,
        threshold: 20,
        activationThreshold: 1,
      }),
    });

    const kserve = { pool, priorityClass, modelFormat: ModelFormat.TENSORFLOW, runtimeVersion: Images.TF_SERVING_RUNTIME_VERSION, model: ModelLocation.fromVolume(models, 'saved_model_versions') };
    this.canary = new KServeInferenceService(this, `${MODEL}-canary`, {
      ...kserve,
      deploymentMode: KServeDeploymentMode.KNATIVE,
      minReplicas: 1,
      maxReplicas: 5,
      autoscaling: { metric: ScaleMetric.CONCURRENCY, target: 10 },
      canaryTrafficPercent: 10,
    });
    this.serverless = new KServeInferenceService(this, `${MODEL}-serverless`, {
      ...kserve,
      deploymentMode: KServeDeploymentMode.KNATIVE,
      minReplicas: 0,
      maxReplicas: 3,
      autoscaling: { metric: ScaleMetric.CONCURRENCY, target: 1 },
    });
    this.gpuInference = new KServeInferenceService(this, `${MODEL}-kserve-gpu`, {
      ...kserve,
      pool: gpuPool,
      gpus: 1,
      resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) },
      minReplicas: 1,
      maxReplicas: 2,
    });
  }
}
