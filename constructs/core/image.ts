import { propError, Where } from './errors';

const REFERENCE = /^(?<repository>[a-z0-9]+(?:[._-][a-z0-9]+)*(?::[0-9]+)?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*)(?::(?<tag>[\w][\w.-]{0,127}))?(?:@(?<digest>sha256:[a-f0-9]{64}))?$/;

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

  /** The reference as it goes into `image:`. */
  public toString(): string {
    return `${this.repository}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }
}

/** Pinned images the constructs use by default: the one place their versions live. */
export const Images = {
  /** The book's training/ingestion/selection image (TensorFlow 2.1, Fashion-MNIST scripts). */
  BOOK_MULTI_WORKER: ContainerImage.of('kubeflow/multi-worker-strategy:v0.1'),
  /** Helper that fills and checks dataset caches (copy, marker files). */
  CACHE_HELPER: ContainerImage.of('busybox:1.36.1'),
  /** Key-hash router in front of sharded model servers (NGINX, runs unprivileged on port 8080). */
  SHARD_ROUTER: ContainerImage.of('nginxinc/nginx-unprivileged:1.27.4-alpine'),
  /** TensorFlow Serving runtime version for KServe's tensorflow runtime (tag of tensorflow/serving). */
  TF_SERVING_RUNTIME_VERSION: '2.6.2',
} as const;
