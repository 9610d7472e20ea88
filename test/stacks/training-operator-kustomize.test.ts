import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { NodePool } from '../../constructs/cluster/node-pool';
import { PYTORCH_INIT_TEMPLATE, pytorchInitContainerTemplate, TRAINING_OPERATOR_IMAGES, trainingOperatorArgs } from '../../stacks/operators/operator-config';
import { kustomizeDirectory } from '../../stacks/operators/platform-operators';
import { trainingOperatorKustomization, writeKustomization } from '../../stacks/operators/training-operator-kustomize';
import type { ValuesContext } from '../../stacks/operators/values-context';
import { releasesFor } from '../../stacks/operators/versions';

const release = releasesFor('1.36')['training-operator'];
const ctx: ValuesContext = { cluster: 'local', pools: [NodePool.cpu({ name: 'cpu' })], operators: ['training-operator', 'volcano'], domain: 'example.com', gangScheduler: 'volcano' };
const files = trainingOperatorKustomization(release, ctx);
const kustomization = parse(files['kustomization.yaml']);
const patch = parse(files['deployment-patch.yaml']);

test('builds on the pinned upstream overlay (same tag as the browsable source), in its namespace', () => {
  expect(release.source.kind).toBe('kustomize');
  const source = release.source as { url: string; remote: string; version: string };
  expect(kustomization.resources).toEqual([source.remote]);
  expect(source.remote).toMatch(new RegExp(`^https://github\\.com/kubeflow/trainer//manifests/overlays/standalone\\?ref=${source.version}$`));
  expect(source.url).toContain(`/tree/${source.version}/manifests/overlays/standalone`);
  expect(kustomization.namespace).toBe(release.namespace);
});

test('pins the operator image to the tag of the v1.9.4 overlay', () => {
  expect(kustomization.images).toEqual([{ name: 'ghcr.io/kubeflow/training-v1/training-operator', newTag: TRAINING_OPERATOR_IMAGES.operator.tag }]);
});

test('the Deployment patch sets exactly the stack\'s flags on the operator container', () => {
  expect(kustomization.patches).toEqual([{ path: 'deployment-patch.yaml', target: { group: 'apps', version: 'v1', kind: 'Deployment', name: 'training-operator' } }]);
  const [container] = patch.spec.template.spec.containers;
  expect(container.name).toBe('training-operator');
  expect(container.args).toEqual(trainingOperatorArgs(ctx));
  expect(container.args).toContain('--gang-scheduler-name=volcano');
});

test('the template file the flag names is the generated ConfigMap, mounted read-only where the flag points', () => {
  const [container] = patch.spec.template.spec.containers;
  const flag = container.args.find((a: string) => a.startsWith('--pytorch-init-container-template-file='))!.split('=')[1];
  const mount = container.volumeMounts.find((m: any) => flag.startsWith(`${m.mountPath}/`));
  expect(mount).toMatchObject({ readOnly: true });
  const volume = patch.spec.template.spec.volumes.find((v: any) => v.name === mount.name);
  expect(kustomization.configMapGenerator).toEqual([{ name: volume.configMap.name, files: [path.basename(flag)] }]);
  expect(parse(files[path.basename(flag)])).toEqual([pytorchInitContainerTemplate()]);
  expect(PYTORCH_INIT_TEMPLATE.key).toBe(path.basename(flag));
});

describe('writeKustomization', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlp-kustomize-test-'));
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

  test('same content, same directory (stable Pulumi input); different content, another one', () => {
    const a = writeKustomization('training-operator', files, root);
    expect(writeKustomization('training-operator', files, root)).toBe(a);
    for (const [file, content] of Object.entries(files)) expect(fs.readFileSync(path.join(a, file), 'utf8')).toBe(content);
    const other = writeKustomization('training-operator', trainingOperatorKustomization(release, { ...ctx, gangScheduler: 'none' }), root);
    expect(other).not.toBe(a);
    expect(path.basename(other)).toMatch(/^training-operator-[0-9a-f]{16}$/);
  });

  test('the operators component writes it only for the training-operator', () => {
    const dir = kustomizeDirectory(release, ctx)!;
    expect(fs.readFileSync(path.join(dir, 'kustomization.yaml'), 'utf8')).toBe(files['kustomization.yaml']);
    expect(kustomizeDirectory(releasesFor('1.36').kueue, ctx)).toBeUndefined();
  });
});
