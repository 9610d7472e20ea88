/**
 * Schema validator: how violations are reported, how dist/ is loaded and how CRDs are discovered.
 * CRD schemas come from ../shared/crds (or MLP_CRDS_DIR).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { crdsDir, formatViolations, knownKinds, loadDist, precompile, registerCrd, validateFiles, validateObjects } from './validator';
import { clone, deployment, lines, tfjob, widgetCrd, workflow } from './validator-fixtures';

// Cold runs parse multi-MB CRD YAMLs (Argo, KServe) once per worker; later runs hit .cache/validators.
jest.setTimeout(60_000);

// knownKinds must list the registered Widget CRD.
beforeAll(() => {
  registerCrd(widgetCrd);
});

describe('reporting', () => {
  test('formatViolations names file, object, JSON path and reason', () => {
    const bad = clone(tfjob);
    bad.spec.tfReplicaSpecs.Worker.replicas = 'two';
    const v = validateObjects('dist/training.k8s.yaml', [bad]);
    expect(v).toEqual([
      {
        file: 'dist/training.k8s.yaml',
        object: 'TFJob default/cnn',
        path: '/spec/tfReplicaSpecs/Worker/replicas',
        reason: 'expected integer, got string "two"',
      },
    ]);
    expect(formatViolations(v)).toBe(
      'dist/training.k8s.yaml: TFJob default/cnn: /spec/tfReplicaSpecs/Worker/replicas: expected integer, got string "two"',
    );
  });

  test('one line per violation; cluster-scoped and generateName objects', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml' }, spec: { finalizer: [] } };
    const wf = clone(workflow);
    wf.spec.entrypoint = 1;
    const out = formatViolations(validateObjects('a.yaml', [ns, wf])).split('\n');
    expect(out).toEqual([
      'a.yaml: Namespace ml: /spec/finalizer: unknown field "finalizer"',
      'a.yaml: Workflow kubeflow/tfjob-wf-*: /spec/entrypoint: expected string, got integer 1',
    ]);
  });

  test('field names with "/" are escaped in the JSON pointer', () => {
    const bad = clone(deployment);
    bad.spec.template.spec['example.com/x'] = 1;
    expect(lines(bad)).toEqual(['/spec/template/spec/example.com~1x: unknown field "example.com/x"']);
  });
});

describe('loadDist / validateFiles', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'validator-test-'));
    fs.writeFileSync(
      path.join(dir, 'a.k8s.yaml'),
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n' +
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\ndata:\n  k: 1\n---\n',
    );
    fs.writeFileSync(path.join(dir, 'b.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ml\n');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'ignored');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads every yaml file, multi-document, skipping empty documents', () => {
    const files = loadDist(dir);
    expect(files.map((f) => [f.file, f.objects.length])).toEqual([
      ['a.k8s.yaml', 2],
      ['b.yaml', 1],
    ]);
    expect(formatViolations(validateFiles(files))).toBe('a.k8s.yaml: ConfigMap b: /data/k: expected string, got integer 1');
  });
});

describe('discovery', () => {
  test('knownKinds lists core kinds and served CRD versions', () => {
    const kinds = knownKinds();
    for (const k of [
      'v1/Pod',
      'apps/v1/Deployment',
      'batch/v1/Job',
      'networking.k8s.io/v1/NetworkPolicy',
      'kubeflow.org/v1/TFJob',
      'argoproj.io/v1alpha1/Workflow',
      'serving.kserve.io/v1beta1/InferenceService',
      'kueue.x-k8s.io/v1beta1/LocalQueue',
      'kueue.x-k8s.io/v1beta2/LocalQueue',
      'karpenter.sh/v1/NodePool',
      'harness.test/v1/Widget',
    ]) {
      expect(kinds).toContain(k);
    }
    expect(kinds).not.toContain('harness.test/v1alpha1/Widget');
    expect(kinds).toEqual([...kinds].sort());
  });

  test('CRDs come only from <group>/*.yaml of the CRD dir (not book/, _released/, jsonschema/)', () => {
    expect(fs.existsSync(path.join(crdsDir(), 'kubeflow.org', 'tfjobs.yaml'))).toBe(true);
    // book/ has MXJob, which is not in the primary CRDs
    expect(knownKinds()).not.toContain('kubeflow.org/v1/MXJob');
    expect(lines({ apiVersion: 'kubeflow.org/v1', kind: 'MXJob', metadata: { name: 'm' } })).toEqual([
      ': no schema for apiVersion kubeflow.org/v1 kind MXJob',
    ]);
  });

  test('validators are compiled once and cached', () => {
    precompile('apps/v1', 'Deployment');
    expect(precompile('apps/v1', 'Deployment')?.cached).toBe(true);
    expect(precompile('example.com/v1', 'Nope')).toBeUndefined();
  });
});
