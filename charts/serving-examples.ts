import { Chart, ChartProps, Duration, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ExampleFeatures, exampleFeatures } from './example-features';
import { NodePool } from '../constructs/cluster/node-pool';
import { ContainerImage, Images } from '../constructs/core/image';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { IPriorityClass } from '../constructs/core/scheduling';
import { AccessMode } from '../constructs/core/volume-types';
import { DatasetCache } from '../constructs/ingestion/dataset-cache';
import { Labels } from '../constructs/core/labels';
import { ScriptBundle } from '../constructs/core/script-bundle';
import { MetricsScrape } from '../constructs/operations/metrics-scrape';
import { Discovery, ScrapeTarget, TargetNamespaces } from '../constructs/operations/scrape-target';
import { SERVING_PORT_NAME } from '../constructs/serving/health-check';
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
  /** @default - exampleFeatures(undefined): the local stack's defaults */
  readonly features?: ExampleFeatures;
}

/** TensorFlow Serving (the runtime the book's KServe examples use), pinned; REST on 8501. */
const TF_SERVING = ContainerImage.of(`tensorflow/serving:${Images.TF_SERVING_RUNTIME_VERSION}`);
const TF_SERVING_GPU = ContainerImage.of(`tensorflow/serving:${Images.TF_SERVING_RUNTIME_VERSION}-gpu`);
const REST_PORT = 8501;
/**
 * The model every example serves: KServe's TensorFlow sample (a SavedModel with version `0001`, the
 * layout TF Serving loads), public in the `kfserving-examples` bucket (KServe docs, "Deploy
 * Tensorflow Model with InferenceService"). Nothing else in this namespace trains a model, so the
 * examples fetch this one instead of waiting for a volume nothing fills.
 */
const MODEL = 'flowers';
const MODEL_URI = 'gs://kfserving-examples/models/tensorflow/flowers';
const MODEL_DIR = '/models';
/** Where the TF Serving monitoring config is mounted, and the metrics path it enables. */
const MONITORING_DIR = '/etc/tf-serving';
const TF_SERVING_METRICS_PATH = '/monitoring/prometheus/metrics';
/** Partitions of the sharded example: the warm-up lays the sample model out under shards/<ordinal>. */
const SHARDS = 3;

/**
 * The model-serving patterns of chapter 4: replicated (Deployment + HPA on CPU, a custom-metric
 * HPA where the cluster serves custom metrics, and KServe), sharded (StatefulSet + NGINX router),
 * event-driven (KEDA, scale to zero) and GPU serving; KServe canary and serverless where the cluster
 * runs Knative. A warm-up Job fetches the model once into a shared, read-only cache.
 */
export class ServingExamples extends Chart {
  public readonly models: DatasetCache;
  public readonly replicated: ReplicatedModelService;
  public readonly replicatedCustomMetric?: ReplicatedModelService;
  public readonly gpuReplicated: ReplicatedModelService;
  public readonly sharded: ShardedModelService;
  public readonly eventDriven?: EventDrivenModelService;
  public readonly kserve: KServeInferenceService;
  public readonly canary?: KServeInferenceService;
  public readonly serverless?: KServeInferenceService;
  public readonly gpuInference: KServeInferenceService;

  constructor(scope: Construct, id: string, props: ServingExamplesProps) {
    const namespace = props.namespace ?? 'serving-examples';
    super(scope, id, { ...props, namespace, disableResourceNameHashes: true });
    new RestrictedNamespace(this, 'Namespace', { name: namespace });
    const { pool, gpuPool, priorityClass } = props;
    const features = props.features ?? exampleFeatures(undefined);

    // Replicas on several nodes read the model at once: the cluster's shared class. KServe's own
    // storage-initializer image downloads it (anonymous GCS), as it would for an InferenceService.
    const shardCopies = Array.from({ length: SHARDS }, (_, i) => `mkdir -p "$DIR/shards/${i}" && cp -r "$DIR/${MODEL}/." "$DIR/shards/${i}/"`).join(' && ');
    this.models = new DatasetCache(this, 'serving-models', {
      pool,
      size: Size.gibibytes(2),
      accessMode: AccessMode.READ_WRITE_MANY,
      storageClassName: features.storage.shared.name,
      mountPath: MODEL_DIR,
      warmUp: {
        image: Images.KSERVE_STORAGE_INITIALIZER,
        command: ['sh', '-c', `DIR="$DATASET_CACHE_DIR" && /storage-initializer/scripts/initializer-entrypoint ${MODEL_URI} "$DIR/${MODEL}" && ${shardCopies}`],
        resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(1) },
      },
      internetEgress: true,
    });
    const mount = this.models.volume.mount(MODEL_DIR, { readOnly: true });
    // TF Serving exports Prometheus metrics (:tensorflow:serving:request_count, ...) only with a
    // monitoring config enabling them (tensorflow_serving/config/monitoring_config.proto).
    const monitoring = new ScriptBundle(this, 'tf-serving-monitoring', { files: { 'monitoring.config': `prometheus_config { enable: true, path: "${TF_SERVING_METRICS_PATH}" }\n` } });
    const tfServing = (basePath: string, image = TF_SERVING) => ({
      image,
      command: [
        'tensorflow_model_server', `--rest_api_port=${REST_PORT}`, `--model_name=${MODEL}`, `--model_base_path=${basePath}`,
        `--monitoring_config_file=${monitoring.path(MONITORING_DIR, 'monitoring.config')}`,
      ],
      resources: { cpu: Cpu.millis(500), cpuLimit: Cpu.units(1), memory: Size.gibibytes(1) },
    });
    const server: ModelServerOptions = {
      pool,
      priorityClass,
      port: REST_PORT,
      volumes: [mount, monitoring.mount(MONITORING_DIR)],
      readiness: HealthCheck.http(`/v1/models/${MODEL}`, { initialDelay: Duration.seconds(5) }),
      liveness: HealthCheck.tcp({ initialDelay: Duration.seconds(30) }),
      container: tfServing(`${MODEL_DIR}/${MODEL}`),
    };

    this.replicated = new ReplicatedModelService(this, `${MODEL}-replicated`, {
      ...server,
      minReplicas: 2,
      maxReplicas: 6,
      metric: ScalingMetric.cpuUtilization(70),
    });
    if (features.customMetrics) {
      this.replicatedCustomMetric = new ReplicatedModelService(this, `${MODEL}-rps`, {
        ...server,
        minReplicas: 3,
        maxReplicas: 12,
        metric: ScalingMetric.podsAverage('http_requests_per_second', 50),
        disruptionBudget: DisruptionBudget.minAvailable(2),
      });
    }
    this.gpuReplicated = new ReplicatedModelService(this, `${MODEL}-gpu`, {
      ...server,
      pool: gpuPool,
      container: { ...tfServing(`${MODEL_DIR}/${MODEL}`, TF_SERVING_GPU), gpus: 1, resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) } },
      minReplicas: 1,
      maxReplicas: 2,
    });

    // Each shard serves its own partition: shards/<ordinal>/<version>/.
    this.sharded = new ShardedModelService(this, `${MODEL}-sharded`, {
      ...server,
      container: tfServing(`${MODEL_DIR}/shards/$(${ShardServerEnv.ID})`),
      shards: SHARDS,
      routingKey: RoutingKey.header('X-Shard-Key'),
    });

    if (features.keda) {
      this.eventDriven = new EventDrivenModelService(this, `${MODEL}-events`, {
        ...server,
        minReplicas: 0,
        maxReplicas: 8,
        cooldown: Duration.minutes(10),
        trigger: ScaleTrigger.prometheus({
          serverAddress: 'http://prometheus-operated.monitoring.svc:9090',
          // Requests/s over the service's pods, from TF Serving's own counter.
          query: `sum(rate(:tensorflow:serving:request_count{namespace="${namespace}", pod=~"${MODEL}-events-.*"}[2m]))`,
          threshold: 20,
          activationThreshold: 1,
        }),
      });
      // Prometheus scrapes the servers' metrics, which the trigger's query reads.
      new MetricsScrape(this, 'events-metrics', {
        target: ScrapeTarget.custom({
          name: `${MODEL}-events`, discovery: Discovery.POD, namespaces: TargetNamespaces.OWN, namespace,
          selector: { [Labels.NAME]: this.eventDriven.name }, port: SERVING_PORT_NAME, path: TF_SERVING_METRICS_PATH,
        }),
      });
    }

    const kserve = { pool, priorityClass, modelFormat: ModelFormat.TENSORFLOW, runtimeVersion: Images.TF_SERVING_RUNTIME_VERSION, model: ModelLocation.fromVolume(this.models.volume, MODEL) };
    this.kserve = new KServeInferenceService(this, `${MODEL}-kserve`, {
      ...kserve,
      minReplicas: 1,
      maxReplicas: 3,
      autoscaling: { metric: ScaleMetric.CPU, target: 70 },
    });
    if (features.knative) {
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
    }
    this.gpuInference = new KServeInferenceService(this, `${MODEL}-kserve-gpu`, {
      ...kserve,
      runtimeVersion: `${Images.TF_SERVING_RUNTIME_VERSION}-gpu`,
      pool: gpuPool,
      gpus: 1,
      resources: { cpu: Cpu.units(2), memory: Size.gibibytes(8) },
      minReplicas: 1,
      maxReplicas: 1,
    });
  }
}
