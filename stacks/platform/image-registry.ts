/**
 * The project's own images (built from this repository's Dockerfiles, pushed nowhere public) and
 * the `imageRegistry` config key that points the pods at the registry they were pushed to. A
 * cluster pulls `kubeflow/multi-worker-strategy:v0.1` from Docker Hub, where it does not exist:
 * only a local cluster that loaded the built image runs it as is.
 */
import { ApiObject, App, JsonPatch } from 'cdk8s';
import { BOOK_GPU_IMAGE } from '../../charts/fashion-mnist-pipeline';
import { TrainingImages } from '../../charts/training-examples';
import { ContainerImage, Images, imageFactsOf } from '../../constructs/core/image';

/** Images only this project builds (images/: the book's Dockerfile, the Horovod MPI runtime): what `imageRegistry` moves. */
export const PROJECT_IMAGES: readonly ContainerImage[] = [Images.BOOK_MULTI_WORKER, BOOK_GPU_IMAGE, TrainingImages.HOROVOD_MPI_RUNTIME];

/** `image` moved to `registry`: its last path segment, tag and digest kept (`<registry>/multi-worker-strategy:v0.1`). */
export function inRegistry(image: ContainerImage, registry: string): ContainerImage {
  const name = image.repository.split('/').pop()!;
  const moved = ContainerImage.of(`${registry}/${name}${image.tag ? `:${image.tag}` : ''}${image.digest ? `@${image.digest}` : ''}`, 'imageRegistry', 'imageRegistry');
  // The same image under another name: the semantic checks judge it by the same facts.
  const facts = imageFactsOf(image.toString());
  return facts ? moved.withFacts(facts) : moved;
}

/** [JSON pointer, reference] of every `image` string in `value` that is a key of `from`. */
function imagePointers(value: unknown, from: ReadonlyMap<string, string>, at = ''): [string, string][] {
  if (Array.isArray(value)) return value.flatMap((v, i) => imagePointers(v, from, `${at}/${i}`));
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]): [string, string][] => {
    const here = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
    return k === 'image' && typeof v === 'string' && from.has(v) ? [[here, v]] : imagePointers(v, from, here);
  });
}

/**
 * Points every pod of `app` that runs a project image at `registry`: a JSON patch on each object
 * (workflow steps' embedded objects included, so their `manifest` text follows). Idempotent: a
 * moved reference is no project image any more. Returns how many references moved.
 */
export function useImageRegistry(app: App, registry: string): number {
  const moves = new Map(PROJECT_IMAGES.map((i) => [i.toString(), inRegistry(i, registry).toString()]));
  let moved = 0;
  for (const o of app.node.findAll()) {
    if (!(o instanceof ApiObject)) continue;
    for (const [pointer, old] of imagePointers(o.toJson(), moves)) {
      o.addJsonPatch(JsonPatch.replace(pointer, moves.get(old)!));
      moved++;
    }
  }
  return moved;
}
