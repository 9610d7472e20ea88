import { propError, Where } from './errors';
import { ProgramFacts } from './program-facts';
import { arrayOf, optional, recordOf, requireValue, shape } from './required-props';

const REFERENCE = /^(?<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

/**
 * What an image holds, as its upstream Dockerfile says. The semantic checks read it: a GPU request
 * needs a CUDA build, and a command that runs a script needs the script in the image (or on a
 * volume). Facts are knowledge about a pinned reference, so they live with the reference.
 */
export interface ImageFacts {
  /** Built on a CUDA base (an `nvidia/cuda` image or CUDA wheels), so it can use `nvidia.com/gpu`. */
  readonly cuda: boolean;
  /**
   * Absolute paths of the scripts and programs the image carries that a command may run. A path
   * ending in `/` stands for everything under that directory.
   * @default - none
   */
  readonly files?: readonly string[];
  /**
   * Working directory of the image (Dockerfile `WORKDIR`): where a relative script path points.
   * @default '/'
   */
  readonly workdir?: string;
  /**
   * UIDs that may write in `workdir` (its owner: a `USER` before the `WORKDIR`, or a `chown`). A
   * program writing relative paths there as another non-root UID gets "Permission denied".
   * @default - root only (a `WORKDIR` the build creates, and `/`, belong to root)
   */
  readonly workdirWritableBy?: readonly number[];
  /** Metrics the image's server exports, and the flag that turns them on. */
  readonly metrics?: ImageMetrics;
  /** The contract of the programs in `files` (flags, environment, reads, writes), by absolute path. @default - unknown */
  readonly programs?: Readonly<Record<string, ProgramFacts>>;
  /** TensorFlow version the image installs (`2.15.0`): from 2.16 `tf.keras` is Keras 3. @default - unknown or none */
  readonly tensorflow?: string;
  /** `tf_keras` (Keras 2) is installed and `TF_USE_LEGACY_KERAS=1` set, so `tf.keras` stays Keras 2 on TF >= 2.16. @default false */
  readonly legacyKeras?: boolean;
  /** Where the facts come from: the Dockerfile (repository, path, version) they were read from. */
  readonly source: string;
}

/** Prometheus metrics an image's server exports. */
export interface ImageMetrics {
  /** Metric names; a name ending in `*` stands for every name with that prefix. */
  readonly names: readonly string[];
  /**
   * A command-line flag (prefix) without which the server exports nothing, e.g. TF Serving's
   * `--monitoring_config_file`.
   * @default - always exported
   */
  readonly enabledBy?: string;
}

/** The shape image facts must have (a prop check). */
export const IMAGE_FACTS_CHECK = shape<ImageFacts>({
  cuda: 'boolean',
  files: optional(arrayOf('string')),
  workdir: optional('string'),
  workdirWritableBy: optional(arrayOf('number')),
  metrics: optional(shape<ImageMetrics>({ names: arrayOf('string'), enabledBy: optional('string') }, 'image metrics ({ names, enabledBy })')),
  programs: optional(recordOf('object')),
  tensorflow: optional('string'),
  legacyKeras: optional('boolean'),
  source: 'string',
}, 'image facts ({ cuda, files, workdir, workdirWritableBy, metrics, programs, tensorflow, legacyKeras, source })');

/** Facts registered with `withFacts`, by reference. */
const registered = new Map<string, ImageFacts>();

/**
 * A container image pinned to a tag or a digest. Never `:latest`, never untagged: a moving tag
 * makes two runs of the same pipeline train on different code.
 */
export class ContainerImage {
  /**
   * Parses `repository:tag` or `repository@sha256:...`.
   * @throws when the reference is malformed, untagged or `:latest`.
   */
  public static of(reference: string, scope: Where = 'ContainerImage', prop = 'image'): ContainerImage {
    requireValue(scope, prop, reference, 'string');
    const m = REFERENCE.exec(reference);
    if (!m?.groups) throw propError(scope, prop, reference, 'use an image reference like "repository:tag" or "repository@sha256:<digest>"');
    const { repository, tag, digest } = m.groups;
    if (!tag && !digest) throw propError(scope, prop, reference, 'pin the image to a tag or digest (an untagged image means :latest)');
    if (tag === 'latest' && !digest) throw propError(scope, prop, reference, 'pin the image to a version tag or digest, never :latest');
    return new ContainerImage(repository, tag, digest);
  }

  private constructor(
    public readonly repository: string,
    public readonly tag: string | undefined,
    public readonly digest: string | undefined,
  ) {}

  /**
   * The same image, with what its Dockerfile says about it (registered by reference so the
   * semantic checks find it in the synthesized manifests). Two teams may describe one image: the
   * same facts twice are fine, whatever their `source` notes say.
   * @throws when other facts were already given for the same reference.
   */
  public withFacts(facts: ImageFacts): ContainerImage {
    const ref = this.toString();
    requireValue({ kind: 'ContainerImage', path: ref }, 'facts', facts, IMAGE_FACTS_CHECK);
    const known = imageFactsOf(ref);
    if (known && !sameImageFacts(known, facts)) {
      throw propError({ kind: 'ContainerImage', path: ref }, 'facts', facts.source, `other facts are already known for this image (from ${known.source}); describe each reference once`);
    }
    registered.set(canonical(ref), facts);
    return this;
  }

  /** What is known about the image (`withFacts`, or `IMAGE_FACTS` for the pinned images). */
  public get facts(): ImageFacts | undefined {
    return imageFactsOf(this.toString());
  }

  /** The reference as it goes into `image:`. */
  public toString(): string {
    return `${this.repository}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }
}

/** True when two descriptions say the same about an image (`source` is only a note on where from). */
export function sameImageFacts(a: ImageFacts, b: ImageFacts): boolean {
  const { source: _a, ...restA } = a;
  const { source: _b, ...restB } = b;
  return sortedJson(restA) === sortedJson(restB);
}

/** JSON with object keys sorted: the same facts written in another key order compare equal. */
const sortedJson = (value: unknown) => JSON.stringify(value, (_key, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));

/** Pinned images the constructs use by default: the one place their versions live. */
export const Images = {
  /**
   * The book's image (built by the user from the book repository's Dockerfile): TensorFlow 2.11 on
   * python:3.9 with the pipeline's scripts at `/`.
   */
  BOOK_MULTI_WORKER: ContainerImage.of('kubeflow/multi-worker-strategy:v0.1'),
  /** Helper that fills and checks dataset caches (copy, marker files). */
  CACHE_HELPER: ContainerImage.of('busybox:1.36.1'),
  /** Key-hash router in front of sharded model servers (NGINX, runs unprivileged on port 8080). */
  SHARD_ROUTER: ContainerImage.of('nginxinc/nginx-unprivileged:1.27.4-alpine'),
  /** TensorFlow Serving runtime version for KServe's tensorflow runtime (tag of tensorflow/serving). */
  TF_SERVING_RUNTIME_VERSION: '2.6.2',
  /**
   * KServe's model downloader of the pinned KServe release (v0.20.0): fetches s3://, gs://, https://
   * models (kserve python/storage-initializer.Dockerfile: ENTRYPOINT
   * /storage-initializer/scripts/initializer-entrypoint <uri> <dest>; runs as UID 1000).
   */
  KSERVE_STORAGE_INITIALIZER: ContainerImage.of('kserve/storage-initializer:v0.20.0'),
} as const;

/**
 * What the book's scripts expect (terrytangyuan/distributed-ml-patterns code/project/code @ 5e71ac85):
 * - multi-worker-distributed-training.py: argparse with required --saved_model_dir, --checkpoint_dir,
 *   --model_type; reads `TF_CONFIG['task']['index']` at start (a KeyError without a TFJob's TF_CONFIG);
 *   `model.fit` runs `tf.keras.callbacks.TensorBoard(log_dir='./logs')`, so it writes `logs/` in its
 *   working directory (checkpoints and the SavedModel go to the absolute paths its flags name);
 * - data-ingestion.py: no argparse (arguments are ignored); tfds downloads into $HOME/tensorflow_datasets;
 * - model-selection.py: no argparse; loads `trained_model/saved_model_versions/1..3` relative to its
 *   working directory and copies the best to `trained_model/saved_model_versions/4` there;
 * - predict-service.py: loads `trained_model/saved_model_versions` relative to its working directory.
 */
export function bookPrograms(): Readonly<Record<string, ProgramFacts>> {
  return {
    '/multi-worker-distributed-training.py': { requiredArgs: ['--saved_model_dir', '--checkpoint_dir', '--model_type'], optionalArgs: [], requiredEnv: ['TF_CONFIG'], writes: ['logs/'] },
    '/data-ingestion.py': {},
    '/model-selection.py': { reads: ['trained_model/saved_model_versions/'], writes: ['trained_model/saved_model_versions/4/'] },
    '/predict-service.py': { reads: ['trained_model/saved_model_versions/'] },
  };
}

/** TensorFlow Serving's metrics, exported only with a monitoring config enabling Prometheus. */
const TF_SERVING_METRICS: ImageMetrics = {
  // tensorflow_serving/servables/tensorflow/util.cc names them `/tensorflow/serving/...`; the
  // Prometheus exporter turns `/` into `:` (`:tensorflow:serving:request_count`, ...).
  names: [':tensorflow:serving:*', ':tensorflow:core:*'],
  // --monitoring_config_file with `prometheus_config { enable: true }` (monitoring_config.proto).
  enabledBy: '--monitoring_config_file',
};

/**
 * Facts about every image the project pins, from their upstream Dockerfiles (stored copies; where
 * the copy read is not the pinned tag, it says so). Keyed by the exact reference the manifests carry.
 */
export const IMAGE_FACTS: Readonly<Record<string, ImageFacts>> = {
  'kubeflow/multi-worker-strategy:v0.1': {
    cuda: false,
    files: ['/data-ingestion.py', '/predict-service.py', '/model-selection.py', '/multi-worker-distributed-training.py'],
    programs: bookPrograms(),
    source: 'terrytangyuan/distributed-ml-patterns code/project/code/Dockerfile @ b9f6286e: FROM python:3.9, pip tensorflow==2.11.0 (no CUDA libraries), COPY of the four scripts to /; no USER and no WORKDIR, so the working directory is / (root-owned)',
  },
  'busybox:1.36.1': { cuda: false, source: 'busybox official image (BusyBox on scratch; Dockerfile not read: UNCONFIRMED beyond "no CUDA")' },
  'nginxinc/nginx-unprivileged:1.27.4-alpine': { cuda: false, source: 'nginxinc/docker-nginx-unprivileged alpine variant (Dockerfile not read: UNCONFIRMED beyond "no CUDA")' },
  'tensorflow/serving:2.6.2': {
    cuda: false,
    files: ['/usr/bin/tensorflow_model_server', '/usr/bin/tf_serving_entrypoint.sh'],
    metrics: TF_SERVING_METRICS,
    source: 'tensorflow/serving tensorflow_serving/tools/docker/Dockerfile (stored @ 01f29cbe, not the 2.6.2 tag): FROM ubuntu:18.04',
  },
  'tensorflow/serving:2.6.2-gpu': {
    cuda: true,
    files: ['/usr/bin/tensorflow_model_server', '/usr/bin/tf_serving_entrypoint.sh'],
    metrics: TF_SERVING_METRICS,
    source: 'tensorflow/serving tensorflow_serving/tools/docker/Dockerfile.gpu (stored @ 0428980e): FROM nvidia/cuda:11.2.1-base-ubuntu18.04',
  },
  'tensorflow/tensorflow:2.16.1': {
    cuda: false,
    tensorflow: '2.16.1',
    source: 'tensorflow/docs site/en/install/docker.md: `<version>` tags are the CPU build, `<version>-gpu` the CUDA build; the tag is the TensorFlow version',
  },
  'tensorflow/tensorflow:2.15.0': {
    cuda: false,
    tensorflow: '2.15.0',
    source: 'tensorflow/docs site/en/install/docker.md: `<version>` tags are the CPU build, `<version>-gpu` the CUDA build; the tag is the TensorFlow version (2.15: tf.keras is still Keras 2)',
  },
  'pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime': {
    cuda: true,
    workdir: '/workspace',
    source: 'pytorch/pytorch Dockerfile (stored @ 01343dcd) `official` stage: torch wheels from the CUDA_VERSION index (12.6 per the tag), WORKDIR /workspace',
  },
  'horovod/horovod:0.28.1': {
    cuda: true,
    files: ['/horovod/examples/'],
    workdir: '/horovod/examples',
    source: 'horovod/horovod docker/horovod/Dockerfile (stored @ 05d6f7a7, not the v0.28.1 tag): FROM nvidia/cuda (CUDA_DOCKER_VERSION build arg), COPY . /horovod, WORKDIR /horovod/examples',
  },
};

/** `docker.io/library/x` and `x` are the same image. */
function canonical(reference: string): string {
  return reference.replace(/^(docker\.io|index\.docker\.io)\//, '').replace(/^library\//, '');
}

/** Facts about an image reference as written in a manifest, or undefined when nothing is known. */
export function imageFactsOf(reference: string): ImageFacts | undefined {
  const ref = canonical(reference);
  return registered.get(ref) ?? IMAGE_FACTS[ref];
}
