import { App, Chart, Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { Accelerator } from '../constructs/cluster/accelerator';
import { NodePool } from '../constructs/cluster/node-pool';
import { withDefaults } from '../constructs/core/defaults';
import { requireInteger } from '../constructs/core/errors';
import { BOOK_GPU_IMAGE } from '../charts/fashion-mnist-pipeline';
import { ContainerImage, Images } from '../constructs/core/image';
import { Labels } from '../constructs/core/labels';
import { RestrictedNamespace } from '../constructs/operations/restricted-namespace';
import { renderPodTemplate } from '../constructs/core/pod-template';
import { SharedVolume } from '../constructs/core/shared-volume';
import { AccessMode } from '../constructs/core/volume-types';
import { KServeInferenceService } from '../constructs/serving/inference-service';
import { ModelFormat, ModelLocation } from '../constructs/serving/model-location';
import { TensorFlowTrainingJob } from '../constructs/training/tensorflow-job';
import { TrainingApi } from '../constructs/training/trainer-v2';

/**
 * Objects a team chart emits besides its jobs and services (namespace with its default-deny and
 * DNS NetworkPolicies, volume, SA, config, gateway Deployment + Service).
 */
export const FIXED_OBJECTS_PER_TEAM = 8;

/** Properties of a generated platform. */
export interface GeneratedPlatformProps {
  /** Tenant teams; each is one chart with its own restricted namespace. */
  readonly teams: number;
  /**
   * Training jobs per team; each team also serves one InferenceService per job.
   * @default 2
   */
  readonly jobsPerTeam?: number;
}

const DEFAULTS = Object.freeze({ jobsPerTeam: 2 });

/** The pools every generated team schedules on: jobs alternate between them. */
const POOLS = {
  cpu: NodePool.cpu({ name: 'bench-cpu', maxSize: 50 }),
  gpu: NodePool.gpu({ name: 'bench-gpu-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 50 }),
};

/** A small pinned gateway image in front of a team's models (only its pod template matters here). */
const GATEWAY_IMAGE = ContainerImage.of('nginxinc/nginx-unprivileged:1.27.3-alpine');

/** Objects a team chart emits. */
export function objectsPerTeam(jobsPerTeam: number): number {
  // Per job: the TFJob and InferenceService, and the NetworkPolicy each of them declares.
  return FIXED_OBJECTS_PER_TEAM + 4 * jobsPerTeam;
}

/** Teams needed for about `objects` objects. */
export function teamsFor(objects: number, jobsPerTeam: number = DEFAULTS.jobsPerTeam): number {
  return Math.max(1, Math.round(objects / objectsPerTeam(jobsPerTeam)));
}

/**
 * One tenant of the generated platform: a restricted namespace, a model volume, a service account,
 * a config map, a gateway Deployment and Service, and `jobs` TFJobs each served by a KServe
 * InferenceService loading its model from the team volume. Built only from the project's constructs.
 */
export class GeneratedTeam extends Chart {
  constructor(scope: Construct, id: string, props: { readonly jobs: number }) {
    super(scope, id, { namespace: id, disableResourceNameHashes: true });
    new RestrictedNamespace(this, 'Namespace', { name: id, labels: { [Labels.PART_OF]: 'bench' } });
    const volume = new SharedVolume(this, 'models', { storage: Size.gibibytes(10), accessModes: [AccessMode.READ_WRITE_MANY] });
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: { name: 'trainer' }, automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this, 'Settings', { metadata: { name: 'team-settings' }, data: { team: id, jobs: String(props.jobs) } });

    const selector = { [Labels.NAME]: 'model-gateway', [Labels.INSTANCE]: id };
    new k8s.KubeDeployment(this, 'Gateway', {
      metadata: { name: 'model-gateway' },
      spec: {
        replicas: 2,
        selector: { matchLabels: selector },
        template: renderPodTemplate({
          owner: `${this.node.path}/Gateway`,
          containerName: 'gateway',
          container: { image: GATEWAY_IMAGE, resources: { cpu: Cpu.millis(100), memory: Size.mebibytes(128) } },
          pool: POOLS.cpu,
          labels: selector,
          ports: [{ containerPort: 8080, name: 'http' }],
        }),
      },
    });
    new k8s.KubeService(this, 'GatewayService', {
      metadata: { name: 'model-gateway' },
      spec: { selector, ports: [{ name: 'http', port: 80, targetPort: k8s.IntOrString.fromString('http') }] },
    });

    for (let i = 0; i < props.jobs; i++) {
      const gpu = i % 2 === 1;
      const pool = gpu ? POOLS.gpu : POOLS.cpu;
      // The benchmark's workload stays as its baselines measured it: training-operator v1 TFJobs.
      new TensorFlowTrainingJob(this, `train-${i}`, {
        output: TrainingApi.TRAINING_OPERATOR_V1,
        pool,
        workers: 2,
        volumes: [volume.mount('/models')],
        container: {
          image: gpu ? BOOK_GPU_IMAGE : Images.BOOK_MULTI_WORKER,
          command: ['python', '/multi-worker-distributed-training.py', '--saved_model_dir', `/models/${i}/`, '--checkpoint_dir', `/models/${i}-checkpoints`, '--model_type', 'cnn'],
          gpus: gpu ? 1 : 0,
          resources: { cpu: Cpu.millis(500), memory: Size.gibibytes(2) },
        },
      });
      new KServeInferenceService(this, `serve-${i}`, {
        pool,
        modelFormat: ModelFormat.TENSORFLOW,
        runtimeVersion: gpu ? `${Images.TF_SERVING_RUNTIME_VERSION}-gpu` : Images.TF_SERVING_RUNTIME_VERSION,
        model: ModelLocation.fromVolume(volume, `${i}`),
        gpus: gpu ? 1 : 0,
      });
    }
  }
}

/**
 * Adds `teams` team charts (`team-0001`, ...) to `app`: the scaling workload of the benchmark,
 * N teams x M training jobs and services, in real constructs so the numbers mean something.
 * @returns the number of objects the charts emit
 */
export function generatePlatform(app: App, props: GeneratedPlatformProps): number {
  const p = withDefaults(DEFAULTS, props);
  const teams = requireInteger('generatePlatform', 'teams', p.teams, 1);
  const jobs = requireInteger('generatePlatform', 'jobsPerTeam', p.jobsPerTeam, 1);
  const width = Math.max(4, String(teams).length);
  for (let t = 1; t <= teams; t++) new GeneratedTeam(app, `team-${String(t).padStart(width, '0')}`, { jobs });
  return teams * objectsPerTeam(jobs);
}
