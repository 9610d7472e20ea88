// The offline cluster verify-pulumi deploys to: the simulated cluster of verify-cluster, composed
// from its exported parts (etcd + kube-apiserver as on a real cluster, kube-controller-manager,
// kube-scheduler, kwok nodes generated from the local stack's pools, and the real
// training-operator and Kueue the stack configures, with their webhooks). So the provider's awaits
// (Deployments ready, Services with endpoints, Jobs complete, quotas computed, claims bound) and
// `destroy` (namespaces finalized) run for real.

import path from 'node:path';
import type { ApiClient } from '../core/api-client';
import { resolveBinaries, startControlPlane, WITH_CONTROLLERS } from '../core/control-plane';
import type { CrdInfo } from '../core/crd-index';
import { installCrds } from '../core/crds';
import { type KubeObject, recordsOf } from '../core/objects';
import { cleanup } from '../core/processes';
import { resolveClusterComponents, startControllerManager, startKwok, startScheduler, writeKubeconfig } from '../cluster/components';
import { ALSO_RUN_FROM_MODULE_ASSETS, CHARTED_OPERATORS } from '../cluster/charted-operators';
import { SIMULATED_OPERATORS } from '../cluster/coverage';
import { nodesFromPools, schedulerNames } from '../cluster/nodes';
import { startKueue, startTrainingOperator } from '../cluster/run-operators';
import { type ClusterInputs, loadInputs, operatorCrdInfos } from '../cluster/setup';
import { expectedClaims, profileClasses, provisionedVolumes, type StorageProfileInput } from '../cluster/storage';

const COMPONENT_TIMEOUT_S = 120;

/**
 * verify-cluster's inputs for the local stack (pools with their node names, labels and taints;
 * operators; the operator configuration the stack sets), computed from Pulumi.local.yaml.
 */
export function clusterInputs(): ClusterInputs {
  return loadInputs(undefined);
}

/**
 * The operators the simulated cluster really runs (training-operator, Kueue: the CRDs come from
 * their releases) among the stack's; the others are only represented by their CRDs. Operators
 * verify:cluster installs from their charts (Argo) are not run here.
 */
export function runningOperators(inputs: ClusterInputs): string[] {
  return inputs.operators.map((o) => o.name).filter((n) => SIMULATED_OPERATORS.has(n) && (!(CHARTED_OPERATORS as readonly string[]).includes(n) || ALSO_RUN_FROM_MODULE_ASSETS.includes(n)));
}

/**
 * Starts the cluster. `crds`: key -> CRD info of the operators the stack checks against (installed
 * before the operators start); `objects`: every object the stack may deploy (scheduler profiles).
 * Returns { client, kubeconfig, nodes, running }.
 */
export async function startCluster({
  build,
  inputs,
  crds,
  objects,
  log,
}: {
  build: boolean;
  inputs: ClusterInputs;
  crds: ReadonlyMap<string, CrdInfo>;
  objects: readonly KubeObject[];
  log: (line: string) => void;
}): Promise<{ client: ApiClient; kubeconfig: string; nodes: KubeObject[]; running: string[] }> {
  const running = runningOperators(inputs);
  const comps = resolveClusterComponents({ build }, ['kwok', ...running]);
  const bins = resolveBinaries({ build }, { withControllers: true });
  const cp = await startControlPlane({ build, apiserverPort: 0, etcdPort: 0, etcdTimeout: 30, apiserverTimeout: 120 }, bins, WITH_CONTROLLERS);
  const kubeconfig = writeKubeconfig(cp);
  await startControllerManager(cp, bins, kubeconfig, COMPONENT_TIMEOUT_S);
  await startScheduler(cp, bins, kubeconfig, schedulerNames(recordsOf(objects)), COMPONENT_TIMEOUT_S);
  // Nodes as a kind cluster has them: no pool labels or taints yet; the stack's NodePatches add them.
  const nodes = nodesFromPools(inputs.pools.map((p) => ({ ...p, nodes: p.nodes.map((n) => ({ ...n, labels: {}, taints: [] })) })));
  await startKwok(cp, comps.kwok, comps['kwok-assets'], kubeconfig, nodes, COMPONENT_TIMEOUT_S);
  // A running operator's CRDs come from its own release (Kueue's Workload etc. are not stored).
  const own = running.includes('kueue') ? operatorCrdInfos(path.join(comps['kueue-assets'], 'crds'), 'kueue') : [];
  const all = new Map<string, CrdInfo>([...crds, ...own.map((i): [string, CrdInfo] => [`${i.group}/${i.kind}`, i])]);
  log(`==> installing ${all.size} CRDs of the stack's operators (${own.length} from Kueue's release)`);
  const results = await installCrds(cp.client, all, { crdTimeout: 60 });
  const failed = [...results.values()].flatMap((r) => (r.ok ? [] : [r.message]));
  if (failed.length) throw new Error(`CRDs not installed: ${failed.join('; ')}`);
  const cfg = inputs.operatorConfig;
  if (running.includes('training-operator')) {
    await startTrainingOperator(cp, { bin: comps['training-operator'], assets: comps['training-operator-assets'], kubeconfigFile: kubeconfig, stackArgs: cfg.trainingOperatorArgs, initTemplate: cfg.pytorchInitContainerTemplate, timeoutS: COMPONENT_TIMEOUT_S });
  }
  if (running.includes('kueue')) {
    await startKueue(cp, { bin: comps.kueue, assets: comps['kueue-assets'], kubeconfigFile: kubeconfig, stackConfiguration: cfg.kueue, timeoutS: COMPONENT_TIMEOUT_S });
  }
  log(`==> cluster ready: ${nodes.length} kwok nodes (${inputs.pools.map((p) => `${p.name}×${p.nodes.length}`).join(', ')}), operators running: ${running.join(', ') || 'none'}`);
  return { client: cp.client, kubeconfig, nodes, running };
}

/**
 * Storage for the claims of `objects` as the stack's storage profile provisions it (verify-cluster's
 * own): the profile's classes, and a pre-bound volume for each claim whose class is in the profile
 * and gives every access mode it asks for. Others get none (`unbound`, with why): their claims stay
 * Pending, and the provider's await fails on them, as on the stack's cluster.
 */
export function storageFor(objects: readonly KubeObject[], profile: StorageProfileInput): { classes: KubeObject[]; volumes: KubeObject[]; unbound: string[] } {
  const { volumes, unbound } = provisionedVolumes(expectedClaims(recordsOf(objects)), profile);
  return { classes: profileClasses(profile), volumes, unbound };
}

/** Stops every process of the cluster and removes its temp dir. */
export async function stopCluster(): Promise<void> {
  await cleanup();
}

