/**
 * Inline fixtures of the schema validator's tests: one valid object per kind the checks cover, and
 * a small Widget CRD whose schema exercises every check (register it with registerCrd first).
 */
import { type SchemaViolation, validateObjects } from './validator';

export type Obj = Record<string, any>;
export const clone = <T>(x: T): T => structuredClone(x);
export const check = (obj: unknown, file = 'test.yaml'): SchemaViolation[] => validateObjects(file, [obj]);
/** "path: reason" lines, for readable expectations and failure output */
export const lines = (obj: unknown): string[] => check(obj).map((v) => `${v.path}: ${v.reason}`);

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

export const podSpec = () => ({
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

export const tfjob: Obj = {
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

export const workflow: Obj = {
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
          successCondition: 'status.completionTime,status.replicaStatuses.Worker.succeeded > 0',
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

export const inferenceService: Obj = {
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

export const deployment: Obj = {
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

export const indexedJob: Obj = {
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

export const networkPolicy: Obj = {
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
export const widgetCrd = {
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

export const widget = (spec: Obj): Obj => ({
  apiVersion: 'harness.test/v1',
  kind: 'Widget',
  metadata: { name: 'w', namespace: 'default' },
  spec,
});
