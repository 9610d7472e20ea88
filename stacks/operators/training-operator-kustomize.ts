/**
 * The training-operator install: the pinned upstream overlay (kubeflow/trainer tag v1.9.4,
 * `manifests/overlays/standalone`: namespace `kubeflow`, CRDs, RBAC, webhook, Deployment
 * `training-operator` running `/manager` without args) plus what the platform needs of it, as a
 * kustomization the stack generates: the flags of `trainingOperatorArgs`, the restricted
 * `init-pytorch` template as a ConfigMap mounted where the flag points, and the operator image.
 * The same layering Kubeflow's manifests apply with kubectl patches (kubeflow/manifests
 * `tests/training_operator_install.sh`), done declaratively.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { stringify } from 'yaml';
import {
  PYTORCH_INIT_TEMPLATE, pytorchInitContainerTemplateYaml, TRAINING_OPERATOR_CONTAINER, TRAINING_OPERATOR_IMAGES, trainingOperatorArgs,
} from './operator-config';
import type { ValuesContext } from './values-context';
import { OperatorRelease } from './versions';

/** File name → content of a kustomization directory. */
export type KustomizationFiles = Readonly<Record<string, string>>;

/**
 * Link name → absolute directory, made symlinks beside the files: kustomize refuses an absolute
 * path as a resource ("new root cannot be absolute"), so a local base is named through a link.
 */
export type KustomizationLinks = Readonly<Record<string, string>>;

/** The link the stack's kustomization names a local copy of the pinned overlay by (`chartsDir`). */
export const LOCAL_BASE_LINK = 'upstream';

/** Name of the upstream Deployment (v1.9 `manifests/base/deployment.yaml`). */
export const TRAINING_OPERATOR_DEPLOYMENT = 'training-operator';

/** Strategic-merge patch of the Deployment: containers merge by name, mounts by path, volumes by name. */
export function trainingOperatorDeploymentPatch(ctx: ValuesContext): Record<string, unknown> {
  const volume = PYTORCH_INIT_TEMPLATE.configMap;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: TRAINING_OPERATOR_DEPLOYMENT },
    spec: {
      template: {
        spec: {
          containers: [{
            name: TRAINING_OPERATOR_CONTAINER,
            args: trainingOperatorArgs(ctx),
            volumeMounts: [{ name: volume, mountPath: PYTORCH_INIT_TEMPLATE.mountPath, readOnly: true }],
          }],
          volumes: [{ name: volume, configMap: { name: PYTORCH_INIT_TEMPLATE.configMap } }],
        },
      },
    },
  };
}

/**
 * The kustomization's files, over the pinned overlay: its remote target, or with `localBase` a local
 * copy of it, named through the link `LOCAL_BASE_LINK` (write it with that link). The ConfigMap keeps kustomize's content-hash suffix: kustomize
 * rewrites the Deployment's reference to it, so a changed template rolls the operator out.
 */
export function trainingOperatorKustomization(release: OperatorRelease, ctx: ValuesContext, localBase = false): KustomizationFiles {
  if (release.source.kind !== 'kustomize') throw new Error(`${release.name} is not installed from a kustomization`);
  const image = TRAINING_OPERATOR_IMAGES.operator;
  const kustomization = {
    apiVersion: 'kustomize.config.k8s.io/v1beta1',
    kind: 'Kustomization',
    namespace: release.namespace,
    resources: [localBase ? LOCAL_BASE_LINK : release.source.remote],
    images: [{ name: image.repository, newTag: image.tag, ...(image.digest ? { digest: image.digest } : {}) }],
    configMapGenerator: [{ name: PYTORCH_INIT_TEMPLATE.configMap, files: [PYTORCH_INIT_TEMPLATE.key] }],
    patches: [{ path: 'deployment-patch.yaml', target: { group: 'apps', version: 'v1', kind: 'Deployment', name: TRAINING_OPERATOR_DEPLOYMENT } }],
  };
  return {
    'kustomization.yaml': stringify(kustomization, { lineWidth: 0 }),
    'deployment-patch.yaml': stringify(trainingOperatorDeploymentPatch(ctx), { lineWidth: 0 }),
    [PYTORCH_INIT_TEMPLATE.key]: pytorchInitContainerTemplateYaml(),
  };
}

/**
 * Writes `files` (and `links`) to a directory named by their content hash (under the OS temp dir
 * unless `root` is given) and returns its path: the same content always gives the same path, so the
 * kustomize.v2.Directory input does not change between runs that render the same install.
 */
export function writeKustomization(name: string, files: KustomizationFiles, root: string = path.join(os.tmpdir(), 'mlp-kustomize'), links: KustomizationLinks = {}): string {
  const hash = createHash('sha256');
  for (const file of Object.keys(files).sort()) hash.update(`${file}\0${files[file]}\0`);
  for (const link of Object.keys(links).sort()) hash.update(`link\0${link}\0${links[link]}\0`);
  const dir = path.join(root, `${name}-${hash.digest('hex').slice(0, 16)}`);
  fs.mkdirSync(dir, { recursive: true });
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target) || fs.readFileSync(target, 'utf8') !== content) fs.writeFileSync(target, content);
  }
  for (const [link, target] of Object.entries(links)) {
    const at = path.join(dir, link);
    if (fs.lstatSync(at, { throwIfNoEntry: false })?.isSymbolicLink() && fs.readlinkSync(at) === target) continue;
    fs.rmSync(at, { recursive: true, force: true });
    fs.symlinkSync(target, at, 'dir');
  }
  return dir;
}
