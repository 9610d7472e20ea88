import { ContainerImage, IMAGE_FACTS, imageFactsOf, Images } from '../../../constructs/core/image';

describe('ContainerImage', () => {
  test.each([
    ['kubeflow/multi-worker-strategy:v0.1', 'kubeflow/multi-worker-strategy', 'v0.1'],
    ['registry.example:5000/team/train:2.1.0-gpu', 'registry.example:5000/team/train', '2.1.0-gpu'],
  ])('parses %s', (ref, repository, tag) => {
    const image = ContainerImage.of(ref);
    expect(image.repository).toBe(repository);
    expect(image.tag).toBe(tag);
    expect(image.toString()).toBe(ref);
  });

  test('accepts a digest', () => {
    const ref = `busybox@sha256:${'a'.repeat(64)}`;
    expect(ContainerImage.of(ref).digest).toBe(`sha256:${'a'.repeat(64)}`);
  });

  test('fails when the image is :latest', () => {
    expect(() => ContainerImage.of('tensorflow/tensorflow:latest', 'chart/step')).toThrow(/'chart\/step': prop 'image' is 'tensorflow\/tensorflow:latest'; pin the image/);
  });

  test('fails when the image is untagged', () => {
    expect(() => ContainerImage.of('tensorflow/tensorflow')).toThrow(/prop 'image' is 'tensorflow\/tensorflow'; pin the image to a tag or digest/);
  });

  test('fails when the reference is malformed', () => {
    expect(() => ContainerImage.of('Not An Image')).toThrow(/prop 'image' is 'Not An Image'; use an image reference/);
  });

  test('facts of the pinned images are found by the reference a manifest carries', () => {
    expect(Images.BOOK_MULTI_WORKER.facts?.files).toContain('/multi-worker-distributed-training.py');
    expect(Images.BOOK_MULTI_WORKER.facts?.cuda).toBe(false);
    expect(imageFactsOf('docker.io/library/busybox:1.36.1')).toBe(IMAGE_FACTS['busybox:1.36.1']);
    expect(imageFactsOf('tensorflow/serving:2.6.2-gpu')?.cuda).toBe(true);
    expect(imageFactsOf('tensorflow/serving:2.6.3')).toBeUndefined();
  });

  test('withFacts registers an image once; different facts for the same reference are an error', () => {
    const image = ContainerImage.of('example.org/train:1.0').withFacts({ cuda: true, files: ['/train.py'], source: 'example Dockerfile' });
    expect(imageFactsOf('example.org/train:1.0')?.files).toEqual(['/train.py']);
    expect(image.facts?.cuda).toBe(true);
    expect(() => ContainerImage.of('example.org/train:1.0').withFacts({ cuda: false, source: 'other' })).toThrow(/ContainerImage 'example.org\/train:1.0': prop 'facts' is 'other'; other facts are already known/);
    expect(() => ContainerImage.of('busybox:1.36.1').withFacts({ cuda: true, source: 'wrong' })).toThrow(/already known/);
  });
});
