import { matchStepObjects } from '../../../scripts/verify/cluster/step-objects';
import type { ObjectRecord } from '../../../scripts/verify/core/objects';

const PATH = 'book-pipeline/fashion-mnist/Manifests/train-cnn/Resource';
const record: ObjectRecord = {
  chart: 'book-pipeline.k8s.yaml', index: 9, apiVersion: 'trainer.kubeflow.org/v1alpha1', group: 'trainer.kubeflow.org', version: 'v1alpha1', kind: 'TrainJob',
  generateName: 'train-cnn-', namespace: 'fashion-mnist', body: { metadata: { generateName: 'train-cnn-', annotations: { 'mlpatterns.dev/construct-path': PATH } } },
  embeddedIn: { kind: 'Workflow', name: 'fashion-mnist', namespace: 'fashion-mnist', template: 'train-cnn', field: 'spec.templates[3].resource.manifest' },
};
const live = (name: string, path = PATH) => ({ metadata: { name, namespace: 'fashion-mnist', annotations: { 'mlpatterns.dev/construct-path': path } } });
const res = { plural: 'trainjobs', namespaced: true } as never;
const byGvk = new Map([['trainer.kubeflow.org/v1alpha1/TrainJob', res]]);
const intent = { group: 'trainer.kubeflow.org', kind: 'TrainJob', namespace: 'fashion-mnist', name: 'train-cnn', construct: 'book-pipeline/fashion-mnist/Manifests/train-cnn', path: PATH, pods: [{ pool: 'cpu', gpus: 0 }] };

describe('matchStepObjects: what workflow steps created, by the construct path of their manifest', () => {
  test('every live object of the manifest (a re-run makes another), with its step as origin and its construct\'s intent', () => {
    const listed = new Map([['trainer.kubeflow.org/v1alpha1/TrainJob|fashion-mnist', [live('train-cnn-abc12'), live('train-cnn-def34'), live('other', 'book-pipeline/x/Resource')]]]);
    const found = matchStepObjects([record], listed, byGvk, new Map([[PATH, intent]]));
    expect(found.map((w) => [w.name, w.origin, w.intent?.pods])).toEqual([
      ['train-cnn-abc12', 'created by Workflow fashion-mnist step train-cnn', [{ pool: 'cpu', gpus: 0 }]],
      ['train-cnn-def34', 'created by Workflow fashion-mnist step train-cnn', [{ pool: 'cpu', gpus: 0 }]],
    ]);
    expect(found[0]).toMatchObject({ key: 'step|trainer.kubeflow.org/TrainJob|fashion-mnist/train-cnn-abc12', res, liveName: 'train-cnn-abc12' });
  });

  test('a manifest without its construct path, or nothing live, finds nothing', () => {
    const listed = new Map([['trainer.kubeflow.org/v1alpha1/TrainJob|fashion-mnist', [live('train-cnn-abc12')]]]);
    expect(matchStepObjects([{ ...record, body: { metadata: {} } }], listed, byGvk, new Map())).toEqual([]);
    expect(matchStepObjects([record], new Map(), byGvk, new Map())).toEqual([]);
  });
});
