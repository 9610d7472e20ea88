/**
 * Schema validator: valid objects of every kind the checks cover pass.
 * CRD schemas come from ../shared/crds (or MLP_CRDS_DIR).
 */
import { registerCrd, validateObjects } from './validator';
import { deployment, indexedJob, inferenceService, lines, networkPolicy, Obj, tfjob, widget, widgetCrd, workflow } from './validator-fixtures';

// Cold runs parse multi-MB CRD YAMLs (Argo, KServe) once per worker; later runs hit .cache/validators.
jest.setTimeout(60_000);

beforeAll(() => {
  registerCrd(widgetCrd);
});

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
