import { buildPlatform } from '../../charts';
import { embeddedObjects } from '../helpers';
import { formatViolations, validateObjects } from './validator';

describe('every synthesized object validates strictly against its schema', () => {
  const manifests = buildPlatform({ outdir: '/nonexistent' }).synthManifests();

  test.each(manifests.map((m) => [m.name, m.objects] as const))('%s', (name, objects) => {
    expect(objects.length).toBeGreaterThan(0);
    expect(formatViolations(validateObjects(`${name}.k8s.yaml`, objects))).toBe('');
  });

  test.each(manifests.map((m) => [m.name, m.objects] as const))('%s: objects embedded in workflow steps', (name, objects) => {
    const embedded = embeddedObjects(objects);
    expect(formatViolations(validateObjects(`${name}.k8s.yaml (embedded)`, embedded))).toBe('');
  });

  test('the embedded-object finder sees the book pipeline TrainJobs (with their runtimes and launcher ConfigMaps) and InferenceService', () => {
    const book = manifests.find((m) => m.name === 'book-pipeline')!;
    const kinds = ['ConfigMap', 'InferenceService', 'TrainJob', 'TrainingRuntime'];
    expect(embeddedObjects(book.objects).map((o) => o.kind).sort()).toEqual(kinds.flatMap((k) => (k === 'InferenceService' ? [k] : [k, k, k])));
  });

  test('a broken object is reported with file, object, path and reason', () => {
    const book = manifests.find((m) => m.name === 'book-pipeline')!;
    const wf = structuredClone(book.objects.find((o) => o.kind === 'Workflow')!);
    wf.spec.entrypointt = 'typo';
    expect(formatViolations(validateObjects('book-pipeline.k8s.yaml', [wf]))).toMatch(/book-pipeline\.k8s\.yaml: Workflow fashion-mnist\/fashion-mnist: \/spec\/entrypointt: unknown field "entrypointt"/);
  });
});
