import { ApiObject, Chart } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { appConventionProblems, cpuPool, gpuPool } from './fixtures';
import { buildPlatform } from '../../../charts';
import { FashionMnistPipeline } from '../../../charts/fashion-mnist-pipeline';
import { MlPlatformOperations } from '../../../charts/operations-example';
import { Labels, MANAGED_BY_VALUE } from '../../../constructs/core/labels';
import { PlatformApp } from '../../../constructs/app/platform-app';
import {
  applyMetadataConvention, MetadataLabels, metadataConventionProblems, metadataTagsOf, PART_OF_VALUE, SOURCE_ANNOTATION, tagMetadata,
} from '../../../constructs/operations/metadata-convention';
import { byKindName } from '../../helpers';

function smallApp() {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const chart = new Chart(app, 'pipelines', { namespace: 'ml', disableResourceNameHashes: true });
  return { app, chart };
}

describe('metadata convention', () => {
  test('every object of the whole platform app carries it (including workflow-embedded objects)', () => {
    expect(appConventionProblems(buildPlatform({ outdir: '/nonexistent' }))).toEqual([]);
  });

  test('the checker sees emitted and workflow-embedded objects that lack it', () => {
    const app = new PlatformApp({ outdir: '/nonexistent' });
    new FashionMnistPipeline(app, 'book-pipeline', { namespace: 'fashion-mnist', pool: cpuPool });
    new MlPlatformOperations(app, 'ml-platform-operations', { cpuPool, gpuPool });
    const before = appConventionProblems(app);
    expect(before.some((p) => p.startsWith('ml-platform-operations: '))).toBe(true);
    expect(before.some((p) => /^book-pipeline: TrainJob /.test(p))).toBe(true);
    applyMetadataConvention(app);
    expect(appConventionProblems(app)).toEqual([]);
  });

  test('required labels, managed-by value and the construct-path annotation', () => {
    const { app, chart } = smallApp();
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm' } });
    applyMetadataConvention(app);
    const [m] = app.synthManifests().filter((x) => x.name === 'pipelines');
    const cm = byKindName(m.objects, 'ConfigMap', 'cm');
    expect(cm.metadata.labels).toEqual({ [Labels.MANAGED_BY]: MANAGED_BY_VALUE, [Labels.PART_OF]: PART_OF_VALUE, [Labels.INSTANCE]: 'pipelines' });
    expect(cm.metadata.annotations).toEqual({ [SOURCE_ANNOTATION]: 'pipelines/cm' });
  });

  test('tags are inherited from scopes, inner scopes win, and the object keeps its own labels', () => {
    const { app, chart } = smallApp();
    tagMetadata(chart, { pipeline: 'fashion-mnist', experiment: 'exp-7' });
    const model = new Chart(chart, 'model', { disableResourceNameHashes: true });
    tagMetadata(model, { model: 'cnn', modelVersion: 'v3', experiment: 'exp-8' });
    const obj = new k8s.KubeConfigMap(model, 'cm', { metadata: { name: 'cm', labels: { [Labels.PART_OF]: 'book' } } });
    expect(metadataTagsOf(obj)).toEqual({
      [MetadataLabels.PIPELINE]: 'fashion-mnist', [MetadataLabels.EXPERIMENT]: 'exp-8', [MetadataLabels.MODEL]: 'cnn', [MetadataLabels.MODEL_VERSION]: 'v3',
    });
    applyMetadataConvention(app);
    expect(obj.metadata.getLabel(Labels.PART_OF)).toBe('book');
    expect(obj.metadata.getLabel(MetadataLabels.MODEL_VERSION)).toBe('v3');
  });

  test('managed-by is always the project value', () => {
    const { app, chart } = smallApp();
    const obj = new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm', labels: { [Labels.MANAGED_BY]: 'Helm' } } });
    applyMetadataConvention(app);
    expect(obj.metadata.getLabel(Labels.MANAGED_BY)).toBe(MANAGED_BY_VALUE);
  });

  test('applying twice is harmless', () => {
    const { app, chart } = smallApp();
    new k8s.KubeConfigMap(chart, 'cm', { metadata: { name: 'cm' } });
    applyMetadataConvention(app);
    applyMetadataConvention(app);
    expect(appConventionProblems(app)).toEqual([]);
  });

  test('the checker reports missing and invalid labels', () => {
    const problems = metadataConventionProblems([
      { kind: 'ConfigMap', metadata: { name: 'a', namespace: 'n', labels: { [Labels.MANAGED_BY]: 'helm', bad: '-x-' } } },
    ]);
    expect(problems).toEqual(expect.arrayContaining([
      "ConfigMap n/a: label 'app.kubernetes.io/part-of' is missing",
      `ConfigMap n/a: label 'app.kubernetes.io/managed-by' is 'helm', expected '${MANAGED_BY_VALUE}'`,
      expect.stringMatching(/label value '-x-' of 'bad'/),
      `ConfigMap n/a: annotation '${SOURCE_ANNOTATION}' is missing`,
    ]));
  });

  test('fails when a tag is not a valid label value', () => {
    const { chart } = smallApp();
    expect(() => tagMetadata(chart, { model: 'ResNet 50' })).toThrow(/Chart 'pipelines': prop 'model' is 'ResNet 50'; label value 'ResNet 50'/);
  });

  test('fails at synth when an object is added after the convention was applied', () => {
    const { app, chart } = smallApp();
    applyMetadataConvention(app);
    new ApiObject(chart, 'late', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } });
    expect(() => app.synthManifests()).toThrow(/ConfigMap 'pipelines\/late' was created after applyMetadataConvention\(app\)/);
  });

  test('fails when partOf is not a valid label value', () => {
    expect(() => applyMetadataConvention(smallApp().app, { partOf: 'ML platform' })).toThrow(/prop 'partOf' is 'ML platform'/);
  });
});
