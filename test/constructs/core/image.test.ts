import { ContainerImage } from '../../../constructs/core/image';

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
});
