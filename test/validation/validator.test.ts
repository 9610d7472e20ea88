/**
 * Tests of the schema validation harness itself: every check must be able to fail.
 * Fixtures are inline; CRD schemas come from ../shared/crds (or MLP_CRDS_DIR).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  type SchemaViolation,
  crdsDir,
  formatViolations,
  knownKinds,
  loadDist,
  precompile,
  registerCrd,
  validateFiles,
  validateObjects,
} from './validator';

// Cold runs parse multi-MB CRD YAMLs (Argo, KServe) once per worker; later runs hit .cache/validators.
jest.setTimeout(60_000);

type Obj = Record<string, any>;
const clone = <T>(x: T): T => structuredClone(x);
const check = (obj: unknown, file = 'test.yaml'): SchemaViolation[] => validateObjects(file, [obj]);
/** "path: reason" lines, for readable expectations and failure output */
const lines = (obj: unknown): string[] => check(obj).map((v) => `${v.path}: ${v.reason}`);

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

const podSpec = () => ({
  containers: [
    {
      name: 'tensorflow',
      image: 'kubeflow/multi-worker-strategy:v0.1',
      command: ['python', '/multi-worker-distributed-training.py', '--saved_model_dir', '/trained_model/2/'],
      imagePullPolicy: 'IfNotPresent',
      ports: [{ containerPort: 2222, name: 'tfjob-port' }],
      resources: { limits: { cpu: 1, memory: '2Gi' }, requests: { cpu: '500m' } },
      volumeMounts: [{ mountPath: '/trained_model', name: 'training' }],
    },
  ],
  volumes: [{ name: 'training', persistentVolumeClaim: { claimName: 'strategy-volume' } }],
});

const tfjob: Obj = {
  apiVersion: 'kubeflow.org/v1',
  kind: 'TFJob',
  metadata: { name: 'cnn', namespace: 'default', labels: { app: 'cnn' } },
  spec: {
    runPolicy: { cleanPodPolicy: 'None', backoffLimit: 3 },
    tfReplicaSpecs: {
      Worker: {
        replicas: 2,
        restartPolicy: 'OnFailure',
        template: {
          metadata: { labels: { app: 'cnn' }, annotations: { 'sidecar.istio.io/inject': 'false' } },
          spec: podSpec(),
        },
      },
    },
  },
};

const workflow: Obj = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { generateName: 'tfjob-wf-', namespace: 'kubeflow' },
  spec: {
    entrypoint: 'tfjob-wf',
    podGC: { strategy: 'OnPodSuccess' },
    volumes: [{ name: 'model', persistentVolumeClaim: { claimName: 'strategy-volume' } }],
    arguments: { parameters: [{ name: 'epochs', value: '10' }] },
    templates: [
      {
        name: 'tfjob-wf',
        steps: [[{ name: 'data-ingestion-step', template: 'data-ingestion-step' }], [{ name: 'train', template: 'train' }]],
      },
      {
        name: 'data-ingestion-step',
        serviceAccountName: 'argo',
        memoize: { key: 'step-cache', maxAge: '1h', cache: { configMap: { name: 'my-config' } } },
        container: {
          image: 'kubeflow/multi-worker-strategy:v0.1',
          imagePullPolicy: 'IfNotPresent',
          command: ['python', '/data-ingestion.py'],
        },
      },
      {
        name: 'train',
        resource: {
          action: 'create',
          setOwnerReference: true,
          successCondition: 'status.replicaStatuses.Worker.succeeded = 2',
          manifest: 'apiVersion: kubeflow.org/v1\nkind: TFJob\n',
        },
      },
      {
        name: 'fan-out',
        // withItems is x-kubernetes-preserve-unknown-fields without a type: anything goes
        dag: { tasks: [{ name: 'a', template: 'train', withItems: [1, 'two', { three: [3] }] }] },
      },
    ],
  },
};

const inferenceService: Obj = {
  apiVersion: 'serving.kserve.io/v1beta1',
  kind: 'InferenceService',
  metadata: {
    name: 'flower-sample',
    namespace: 'kubeflow',
    annotations: { 'serving.kserve.io/deploymentMode': 'RawDeployment' },
  },
  spec: {
    predictor: {
      minReplicas: 1,
      maxReplicas: 3,
      scaleMetric: 'cpu',
      scaleTarget: 80,
      model: {
        modelFormat: { name: 'tensorflow' },
        storageUri: 'pvc://strategy-volume/saved_model_versions',
        resources: { limits: { cpu: '1', memory: '2Gi' } },
      },
    },
  },
};

const deployment: Obj = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx:1.27',
            imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 8080, name: 'http' }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '1Gi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
            livenessProbe: { tcpSocket: { port: 8080 } },
            securityContext: { runAsNonRoot: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    },
  },
};

const indexedJob: Obj = {
  apiVersion: 'batch/v1',
  kind: 'Job',
  metadata: { name: 'shards', namespace: 'default' },
  spec: {
    completionMode: 'Indexed',
    completions: 4,
    parallelism: 2,
    backoffLimitPerIndex: 1,
    ttlSecondsAfterFinished: 600,
    template: {
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'worker', image: 'busybox:1.36', command: ['sh', '-c', 'echo $JOB_COMPLETION_INDEX'] }],
      },
    },
  },
};

const networkPolicy: Obj = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'allow-ingress', namespace: 'default' },
  spec: {
    podSelector: { matchLabels: { app: 'web' } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [
      {
        from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kubeflow' } } }],
        ports: [{ protocol: 'TCP', port: 8080 }],
      },
    ],
    egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 'dns', protocol: 'UDP' }] }],
  },
};

/** A synthetic CRD exercising nullable / preserve-unknown / int-or-string / embedded resources. */
const widgetCrd = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'widgets.harness.test' },
  spec: {
    group: 'harness.test',
    names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
    scope: 'Namespaced',
    versions: [
      { name: 'v1alpha1', served: false, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              apiVersion: { type: 'string' },
              kind: { type: 'string' },
              metadata: { type: 'object' },
              spec: {
                type: 'object',
                required: ['size'],
                'x-kubernetes-validations': [{ rule: 'self.size > 0', message: 'CEL is not evaluated' }],
                properties: {
                  size: { type: 'integer', format: 'int32', minimum: 1, exclusiveMaximum: true, maximum: 10 },
                  mode: { type: 'string', enum: ['Fast', 'Slow'] },
                  note: { type: 'string', nullable: true },
                  port: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
                  config: {
                    type: 'object',
                    'x-kubernetes-preserve-unknown-fields': true,
                    properties: { level: { type: 'integer' } },
                  },
                  template: {
                    type: 'object',
                    'x-kubernetes-embedded-resource': true,
                    'x-kubernetes-preserve-unknown-fields': true,
                  },
                  items: {
                    type: 'array',
                    'x-kubernetes-list-type': 'map',
                    'x-kubernetes-list-map-keys': ['name'],
                    items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
                  },
                  tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
                  since: { type: 'string', format: 'date-time' },
                  empty: { type: 'object' },
                },
              },
            },
          },
        },
      },
    ],
  },
};

const widget = (spec: Obj): Obj => ({
  apiVersion: 'harness.test/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'default' },
  spec,
});

beforeAll(() => {
  registerCrd(widgetCrd);
});

// ---------------------------------------------------------------------------------------------
// Valid objects pass
// ---------------------------------------------------------------------------------------------

describe('valid objects pass', () => {
  test.each([
    ['TFJob', tfjob],
    ['Argo Workflow', workflow],
    ['KServe InferenceService', inferenceService],
    ['Deployment', deployment],
    ['Job (Indexed)', indexedJob],
    ['NetworkPolicy', networkPolicy],
  ])('%s', (_name, obj) => {
    expect(lines(obj)).toEqual([]);
  });

  test('a synthetic CRD with every special construct', () => {
    const ok = widget({
      size: 9,
      mode: 'Fast',
      note: null,
      port: 'http',
      config: { level: 3, anything: { goes: ['here', 1, true] } },
      template: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 'b' } },
      items: [{ name: 'a' }, { name: 'b' }],
      tags: ['x', 'y'],
      since: '2024-01-02T03:04:05Z',
      empty: {},
    });
    expect(lines(ok)).toEqual([]);
  });

  test('core kinds of the platform validate', () => {
    const objs: Obj[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ml', labels: { team: 'ml' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'argo', namespace: 'ml' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'ml' }, data: { a: 'b' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'ml' }, type: 'Opaque', data: { k: 'dmFsdWU=' } },
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'svc', namespace: 'ml' },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      },
      {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'strategy-volume', namespace: 'ml' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'r', namespace: 'ml' },
        rules: [{ apiGroups: ['kubeflow.org'], resources: ['tfjobs'], verbs: ['create', 'get'] }],
      },
      {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'pdb', namespace: 'ml' },
        spec: { minAvailable: '50%', selector: { matchLabels: { app: 'web' } } },
      },
      {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'hpa', namespace: 'ml' },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 5,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
        },
      },
    ];
    expect(validateObjects('core.yaml', objs)).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------
// Each check can fail
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Reporting and loading
// ---------------------------------------------------------------------------------------------

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
