/**
 * Schema validator: required fields, types, enums, bounds, formats and list rules each fail; objects without a schema are violations.
 * CRD schemas come from ../shared/crds (or MLP_CRDS_DIR).
 */
import { registerCrd, validateObjects } from './validator';
import { check, clone, deployment, indexedJob, lines, tfjob, widget, widgetCrd, workflow } from './validator-fixtures';

// Cold runs parse multi-MB CRD YAMLs (Argo, KServe) once per worker; later runs hit .cache/validators.
jest.setTimeout(60_000);

beforeAll(() => {
  registerCrd(widgetCrd);
});

describe('required, types, enums, bounds, formats, lists', () => {
  test('missing required field in a CR', () => {
    expect(lines(widget({ mode: 'Fast' }))).toEqual(['/spec/size: missing required field "size"']);
    const bad = clone(tfjob);
    delete bad.spec.tfReplicaSpecs.Worker.template.spec.containers[0].name;
    expect(lines(bad)).toEqual(['/spec/tfReplicaSpecs/Worker/template/spec/containers/0/name: missing required field "name"']);
  });

  test('missing required field in a core kind (Deployment spec.selector)', () => {
    const bad = clone(deployment);
    delete bad.spec.selector;
    expect(lines(bad)).toEqual(['/spec/selector: missing required field "selector"']);
  });

  test('wrong type', () => {
    const bad = clone(tfjob);
    bad.spec.tfReplicaSpecs.Worker.replicas = '2';
    expect(lines(bad)).toEqual(['/spec/tfReplicaSpecs/Worker/replicas: expected integer, got string "2"']);
    const bad2 = clone(indexedJob);
    bad2.spec.completions = 2.5;
    bad2.spec.template.spec.containers[0].command = 'echo';
    expect(lines(bad2)).toEqual([
      '/spec/completions: expected integer, got number 2.5',
      '/spec/template/spec/containers/0/command: expected array, got string "echo"',
    ]);
  });

  test('enum lists the allowed values', () => {
    const bad = clone(workflow);
    bad.spec.podGC.strategy = 'Sometimes';
    expect(lines(bad)).toEqual([
      '/spec/podGC/strategy: unsupported value "Sometimes"; allowed: "", "OnPodCompletion", "OnPodSuccess", "OnWorkflowCompletion", "OnWorkflowSuccess"',
    ]);
    expect(lines(widget({ size: 1, mode: 'fast' }))).toEqual(['/spec/mode: unsupported value "fast"; allowed: "Fast", "Slow"']);
  });

  test('minimum / exclusiveMaximum (OpenAPI v3.0 boolean form)', () => {
    expect(lines(widget({ size: 0 }))).toEqual(['/spec/size: must be >= 1, got 0']);
    expect(lines(widget({ size: 10 }))).toEqual(['/spec/size: must be < 10, got 10']);
  });

  test('date-time and byte formats', () => {
    expect(lines(widget({ size: 1, since: 'yesterday' }))).toEqual(['/spec/since: "yesterday" is not a valid date-time']);
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { k: 'not base64!' } };
    expect(lines(secret)).toEqual(['/data/k: "not base64!" is not a valid byte']);
  });

  test('list-type map keys and list-type set must be unique', () => {
    expect(lines(widget({ size: 1, items: [{ name: 'a' }, { name: 'a' }], tags: ['x', 'x'] }))).toEqual([
      '/spec/items/1: duplicate list entry (name="a") also at index 0; keys: name',
      '/spec/tags: duplicate items at indexes 0 and 1 (list-type set)',
    ]);
  });

  test('duplicate container names in a CR pod template (list-map-keys with defaults)', () => {
    const bad = clone(tfjob);
    const c = bad.spec.tfReplicaSpecs.Worker.template.spec.containers[0];
    // ports are keyed by containerPort + protocol (protocol defaults to TCP)
    c.ports = [{ containerPort: 2222 }, { containerPort: 2222, protocol: 'TCP' }];
    expect(lines(bad)).toEqual([
      '/spec/tfReplicaSpecs/Worker/template/spec/containers/0/ports/1: duplicate list entry (containerPort=2222, protocol="TCP") also at index 0; keys: containerPort, protocol',
    ]);
  });

  test('CEL rules (x-kubernetes-validations) are not evaluated', () => {
    // size > 0 is also enforced by `minimum`; CEL itself is ignored, so a CEL-only rule cannot fail
    expect(lines(widget({ size: 5 }))).toEqual([]);
  });

  test('embedded resources accept apiVersion/kind/metadata and check metadata as ObjectMeta', () => {
    expect(lines(widget({ size: 1, template: { apiVersion: 'v1', kind: 'Pod', metadata: { nmae: 'x' } } }))).toEqual([
      '/spec/template/metadata/nmae: unknown field "nmae"',
    ]);
  });
});

describe('objects without a schema are violations', () => {
  test('unknown group', () => {
    expect(check({ apiVersion: 'example.com/v1', kind: 'Foo', metadata: { name: 'f' } })).toEqual([
      { file: 'test.yaml', object: 'Foo f', path: '', reason: 'no schema for apiVersion example.com/v1 kind Foo' },
    ]);
  });

  test('kind that does not exist in a core group version', () => {
    expect(lines({ apiVersion: 'apps/v1', kind: 'Job', metadata: { name: 'j' } })).toEqual([
      ': no schema for apiVersion apps/v1 kind Job',
    ]);
  });

  test('CRD version that is not served', () => {
    const bad = { ...clone(tfjob), apiVersion: 'kubeflow.org/v2' };
    expect(lines(bad)).toEqual([': no schema for apiVersion kubeflow.org/v2 kind TFJob (CRD TFJob.kubeflow.org serves: v1)']);
    expect(lines({ ...widget({ size: 1 }), apiVersion: 'harness.test/v1alpha1' })).toEqual([
      ': no schema for apiVersion harness.test/v1alpha1 kind Widget (CRD Widget.harness.test serves: v1)',
    ]);
  });

  test('missing apiVersion / kind, and non-objects', () => {
    expect(validateObjects('x.yaml', [{ kind: 'Pod' }, { apiVersion: 'v1' }, 'text', [1]])).toEqual([
      { file: 'x.yaml', object: 'Pod <no name>', path: '/apiVersion', reason: 'missing apiVersion' },
      { file: 'x.yaml', object: '<no kind> <no name>', path: '/kind', reason: 'missing kind' },
      { file: 'x.yaml', object: '<document 3>', path: '', reason: 'not a Kubernetes object (got string)' },
      { file: 'x.yaml', object: '<document 4>', path: '', reason: 'not a Kubernetes object (got array)' },
    ]);
  });
});
