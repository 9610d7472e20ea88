/**
 * Schema validator: unknown fields are rejected, except where the schema preserves them; int-or-string and nullable.
 * CRD schemas come from ../shared/crds (or MLP_CRDS_DIR).
 */
import { registerCrd } from './validator';
import { clone, deployment, inferenceService, lines, tfjob, widget, widgetCrd, workflow } from './validator-fixtures';

// Cold runs parse multi-MB CRD YAMLs (Argo, KServe) once per worker; later runs hit .cache/validators.
jest.setTimeout(60_000);

beforeAll(() => {
  registerCrd(widgetCrd);
});

describe('unknown fields are rejected', () => {
  test('in a custom resource (TFJob spec.foo)', () => {
    const bad = clone(tfjob);
    bad.spec.foo = 1;
    expect(lines(bad)).toEqual(['/spec/foo: unknown field "foo"']);
  });

  test('deep inside a CR pod template', () => {
    const bad = clone(tfjob);
    bad.spec.tfReplicaSpecs.Worker.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(lines(bad)).toEqual([
      '/spec/tfReplicaSpecs/Worker/template/spec/containers/0/imagePullPolcy: unknown field "imagePullPolcy"',
    ]);
  });

  test('in a core kind (Deployment containers[0].imagePullPolcy)', () => {
    const bad = clone(deployment);
    bad.spec.template.spec.containers[0].imagePullPolcy = 'Always';
    expect(lines(bad)).toEqual(['/spec/template/spec/containers/0/imagePullPolcy: unknown field "imagePullPolcy"']);
  });

  test('at the top level of an object', () => {
    const bad = clone(deployment);
    bad.sepc = {};
    expect(lines(bad)).toEqual(['/sepc: unknown field "sepc"']);
  });

  test('in CR metadata (validated as ObjectMeta)', () => {
    const bad = clone(tfjob);
    bad.metadata.label = { a: 'b' };
    bad.metadata.labels.n = 1;
    expect(lines(bad)).toEqual([
      '/metadata/label: unknown field "label"',
      '/metadata/labels/n: expected string, got integer 1',
    ]);
  });

  test('in an object without properties (type: object only, no preserve-unknown-fields)', () => {
    expect(lines(widget({ size: 1, empty: { x: 1 } }))).toEqual(['/spec/empty/x: unknown field "x"']);
  });

  test('in an Argo workflow template', () => {
    const bad = clone(workflow);
    bad.spec.templates[1].container.args_ = ['x'];
    expect(lines(bad)).toEqual(['/spec/templates/1/container/args_: unknown field "args_"']);
  });

  test('in a KServe predictor', () => {
    const bad = clone(inferenceService);
    bad.spec.predictor.model.storageURI = 'gs://x';
    expect(lines(bad)).toEqual(['/spec/predictor/model/storageURI: unknown field "storageURI"']);
  });
});

describe('x-kubernetes-preserve-unknown-fields', () => {
  test('accepts anything below, but listed properties stay typed', () => {
    expect(lines(widget({ size: 1, config: { level: 2, x: { y: [1, 'z', null] } } }))).toEqual([]);
    expect(lines(widget({ size: 1, config: { level: 'high' } }))).toEqual([
      '/spec/config/level: expected integer, got string "high"',
    ]);
  });

  test('Argo withItems (untyped preserve-unknown-fields) accepts any JSON', () => {
    const ok = clone(workflow);
    ok.spec.templates[3].dag.tasks[0].withItems = [{ a: { b: [1, 2] } }, null, 7];
    expect(lines(ok)).toEqual([]);
  });
});

describe('int-or-string', () => {
  test.each([80, 'http'])('CRD x-kubernetes-int-or-string accepts %p', (port) => {
    expect(lines(widget({ size: 1, port }))).toEqual([]);
  });

  test('CRD x-kubernetes-int-or-string rejects other types', () => {
    expect(lines(widget({ size: 1, port: 1.5 }))).toEqual(['/spec/port: expected integer or string, got number 1.5']);
    expect(lines(widget({ size: 1, port: true }))).toEqual(['/spec/port: expected integer or string, got boolean true']);
  });

  test.each([
    [1, '25%'],
    ['25%', 0],
  ])('core IntOrString (maxSurge %p, maxUnavailable %p)', (maxSurge, maxUnavailable) => {
    const ok = clone(deployment);
    ok.spec.strategy.rollingUpdate = { maxSurge, maxUnavailable };
    expect(lines(ok)).toEqual([]);
  });

  test('core IntOrString rejects an array', () => {
    const bad = clone(deployment);
    bad.spec.strategy.rollingUpdate.maxSurge = [1];
    expect(lines(bad)).toEqual(['/spec/strategy/rollingUpdate/maxSurge: expected integer or string, got array [1]']);
  });

  test('quantities: numbers and valid strings pass, malformed strings fail', () => {
    const ok = clone(tfjob);
    ok.spec.tfReplicaSpecs.Worker.template.spec.containers[0].resources.limits = { cpu: 2, memory: '1.5Gi' };
    expect(lines(ok)).toEqual([]);
    const bad = clone(deployment);
    bad.spec.template.spec.containers[0].resources.limits.memory = '4GB';
    const got = lines(bad);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatch(/^\/spec\/template\/spec\/containers\/0\/resources\/limits\/memory: "4GB" does not match pattern/);
  });
});

describe('nullable', () => {
  test('nullable: true accepts null', () => {
    expect(lines(widget({ size: 1, note: null }))).toEqual([]);
  });

  test('null is rejected where the field is not nullable', () => {
    expect(lines(widget({ size: 1, mode: null }))).toEqual([
      '/spec/mode: expected string, got null null',
      '/spec/mode: unsupported value null; allowed: "Fast", "Slow"',
    ]);
    const bad = clone(deployment);
    bad.spec.replicas = null;
    expect(lines(bad)).toEqual(['/spec/replicas: expected integer, got null null']);
  });
});
