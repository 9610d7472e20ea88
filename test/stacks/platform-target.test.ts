import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { NodePool } from '../../constructs/cluster/node-pool';
import { StorageProfiles } from '../../constructs/core/storage-profile';
import { parseStackConfig } from '../../stacks/config';
import { EXPORTED_METRICS } from '../../stacks/operators/exported-metrics';
import { KSERVE_CLUSTER_SERVING_RUNTIMES } from '../../stacks/operators/kserve-runtimes';
import { defaultPlatformTarget, OPERATOR_KINDS, platformTarget, SCHEDULER_PLUGINS, servedKinds, storageProfileFor } from '../../stacks/operators/platform-target';
import { defaultOperators, installOrder, OperatorName, releasesFor } from '../../stacks/operators/versions';

const CRDS = path.resolve(__dirname, '../../../shared/crds');
const table = releasesFor('1.36');
const releases = (names: readonly OperatorName[]) => installOrder(table, names);

/**
 * `group/Kind` of every CRD stored for `group` in ../shared/crds (newest upstream copies). Only the
 * head of each file is parsed (`spec.group`, `spec.names.kind` come before the schemas).
 */
function crdKinds(group: string): string[] {
  const dir = path.join(CRDS, group);
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => {
    const text = fs.readFileSync(path.join(dir, f), 'utf8');
    const head = text.slice(0, text.search(/\n {2}versions:/));
    const crd = parse(`${head}\n`);
    return `${crd.spec.group}/${crd.spec.names.kind}`;
  });
}

describe('kinds → operator table', () => {
  test.each([
    ['kubeflow.org', 'training-operator'], ['trainer.kubeflow.org', 'kubeflow-trainer'], ['jobset.x-k8s.io', 'kubeflow-trainer'],
    ['argoproj.io', 'argo-workflows'], ['serving.kserve.io', 'kserve'], ['kueue.x-k8s.io', 'kueue'], ['scheduling.volcano.sh', 'volcano'],
    ['batch.volcano.sh', 'volcano'], ['keda.sh', 'keda'], ['karpenter.sh', 'karpenter'], ['karpenter.k8s.aws', 'karpenter'],
  ] as const)('every %s CRD in ../shared/crds is served by %s', (group, operator) => {
    const stored = crdKinds(group);
    expect(stored.length).toBeGreaterThan(0);
    for (const kind of stored) expect([kind, OPERATOR_KINDS[operator]?.includes(kind)]).toEqual([kind, true]);
  });

  test('scheduler-plugins PodGroups are what coscheduling serves (installed out of band)', () => {
    expect(crdKinds('scheduling.x-k8s.io').filter((k) => k.endsWith('/PodGroup'))).toEqual(['scheduling.x-k8s.io/PodGroup']);
    expect(servedKinds([], 'scheduler-plugins').get('scheduling.x-k8s.io/PodGroup')).toBe(SCHEDULER_PLUGINS.operator);
    expect(servedKinds([], 'volcano').has('scheduling.x-k8s.io/PodGroup')).toBe(false);
  });

  test('a kind is served only when its operator is installed; KServe needs its controller, not only the CRD release', () => {
    expect(servedKinds(['kserve-crd']).has('serving.kserve.io/InferenceService')).toBe(false);
    expect(servedKinds(['kserve-crd', 'kserve']).get('serving.kserve.io/InferenceService')).toBe('kserve');
    expect(servedKinds(['training-operator']).has('trainer.kubeflow.org/TrainJob')).toBe(false);
  });

  test.each(['keda', 'kubeflow-trainer'] as const)('the CRD groups %s brings are the groups of the kinds it serves', (name) => {
    const groups = [...new Set(OPERATOR_KINDS[name]!.map((k) => k.slice(0, k.lastIndexOf('/'))))].sort();
    expect([...(table[name].crdGroups ?? [])].sort()).toEqual(groups);
  });
});

describe('platformTarget', () => {
  test.each(['local', 'eks', 'gke'] as const)('%s defaults: the operators, their kinds, the settings the stack configures', (cluster) => {
    const target = platformTarget({ cluster }, releases(defaultOperators(cluster)));
    expect(target.source).toBe(`the ${cluster} stack's config`);
    expect(target.servedKinds.get('kubeflow.org/PyTorchJob')).toBe('training-operator');
    expect(target.servedKinds.get('keda.sh/ScaledObject')).toBe('keda');
    expect(target.servedKinds.has('scheduling.volcano.sh/PodGroup')).toBe(false);
    expect(target.installableKinds?.get('scheduling.volcano.sh/PodGroup')).toBe('volcano');
    expect(target.servedKinds.get('trainer.kubeflow.org/TrainJob')).toBe('kubeflow-trainer');
    expect(target.servedKinds.get('jobset.x-k8s.io/JobSet')).toBe('kubeflow-trainer');
    expect(target.schedulers).toEqual(new Set(['default-scheduler']));
    expect(target.trainingOperator).toEqual({ gangScheduler: undefined, restrictedPyTorchInitContainer: true });
    // No pools given, so no EFA devices to leave out of quota.
    expect(target.kueue).toEqual({ frameworks: ['batch/job', 'kubeflow.org/tfjob', 'kubeflow.org/pytorchjob', 'trainer.kubeflow.org/trainjob'], fairSharing: true, excludedResourcePrefixes: [] });
    expect(target.kserve).toEqual({ defaultDeploymentMode: 'Standard', knative: false, clusterServingRuntimes: KSERVE_CLUSTER_SERVING_RUNTIMES });
    expect(target.argo).toEqual({ artifactRepository: false, controllerWritesConfigMaps: true });
    expect(target.metricsApis).toEqual({ resource: true, custom: false, external: true });
    expect(target.prometheus?.namespace).toBe('monitoring');
    expect(target.prometheus?.exportedMetrics).toEqual(expect.arrayContaining([...EXPORTED_METRICS['gpu-operator']!, ...EXPORTED_METRICS.kueue!]));
  });

  test('resource metrics: GKE serves them itself; local and EKS only with metrics-server', () => {
    expect(platformTarget({ cluster: 'gke' }, releases(['kserve'])).metricsApis.resource).toBe(true);
    expect(platformTarget({ cluster: 'eks' }, releases(['kserve'])).metricsApis.resource).toBe(false);
    expect(platformTarget({ cluster: 'local' }, releases(['metrics-server'])).metricsApis.resource).toBe(true);
  });

  test.each([
    ['volcano', ['volcano', 'training-operator'], 'volcano', ['default-scheduler', 'volcano']],
    ['scheduler-plugins', ['training-operator'], 'scheduler-plugins-scheduler', ['default-scheduler', 'scheduler-plugins-scheduler']],
  ] as const)('gang scheduler %s: the operator flag and the schedulers pods may name', (choice, names, flag, schedulers) => {
    const target = platformTarget({ cluster: 'local', gangScheduler: choice }, releases(names));
    expect(target.trainingOperator?.gangScheduler).toBe(flag);
    expect([...target.schedulers].sort()).toEqual([...schedulers].sort());
  });

  test('without Trainer v2: no Kueue integration for it and its kinds only installable', () => {
    const target = platformTarget({ cluster: 'local' }, releases(defaultOperators('local').filter((o) => o !== 'kubeflow-trainer')));
    expect(target.kueue?.frameworks).not.toContain('trainer.kubeflow.org/trainjob');
    expect(target.servedKinds.has('jobset.x-k8s.io/JobSet')).toBe(false);
    expect(target.installableKinds?.get('trainer.kubeflow.org/TrainJob')).toBe('kubeflow-trainer');
  });

  test('without the operators: no settings, no Prometheus, no external metrics', () => {
    const target = platformTarget({ cluster: 'local' }, releases(['cert-manager']));
    expect(target.trainingOperator).toBeUndefined();
    expect(target.kueue).toBeUndefined();
    expect(target.kserve).toBeUndefined();
    expect(target.prometheus).toBeUndefined();
    expect(target.metricsApis).toEqual({ resource: false, custom: false, external: false });
  });
});

describe('storage profile per cluster kind', () => {
  test.each([['local', StorageProfiles.LOCAL], ['eks', StorageProfiles.EKS], ['gke', StorageProfiles.GKE]] as const)('%s', (cluster, profile) => {
    expect(storageProfileFor({ cluster })).toEqual(profile);
    expect(profile.shared.accessModes).toContain('ReadWriteMany');
  });

  test('local with an existing shared class: that class, ReadWriteMany', () => {
    const profile = storageProfileFor({ cluster: 'local', localSharedStorageClass: 'longhorn-rwx' });
    expect(profile.shared).toMatchObject({ name: 'longhorn-rwx', accessModes: expect.arrayContaining(['ReadWriteMany']) });
    expect(profile.default).toEqual(StorageProfiles.LOCAL.default);
  });
});

describe('pools of another cloud (the pools a program passes to loadStackConfig, config without pools)', () => {
  test('on GKE an EC2 type becomes the GKE default for the pool, and the plan checks against that node size', () => {
    const given = [NodePool.cpu({ name: 'cpu', instanceType: 'm6i.4xlarge', maxSize: 4 })];
    const config = parseStackConfig({ cluster: 'gke', location: 'us-central1' }, given);
    expect(config.pools.map((p) => [p.name, p.instanceType, p.maxSize])).toEqual([['cpu', 'e2-standard-8', 4]]);
    // Not silent: the stack prints each replacement as a warning (loadStackConfig), naming the key that chooses.
    expect(config.poolNotes).toEqual(["pool 'cpu': the default instance type 'm6i.4xlarge' is not a GCP type, so the gke stack uses 'e2-standard-8' instead; set 'pools' to choose the machines"]);
    expect(parseStackConfig({ cluster: 'gke', location: 'us-central1', pools: [{ name: 'cpu' }] }, given).poolNotes).toEqual([]);
    const target = platformTarget({ cluster: 'gke', pools: config.pools }, releases(defaultOperators('gke')));
    // e2-standard-8 (8 cores, 32 GiB), not the m6i.4xlarge the charts were given (16 cores, 64 GiB).
    expect(target.nodePools?.get('cpu')).toEqual(expect.objectContaining({ cpuMillis: 7910, memoryMebibytes: 29022, maxNodes: 4 }));
  });
});

describe('defaultPlatformTarget with opt-in operators', () => {
  test('operators are added to the cluster defaults: Volcano serves its kinds and its scheduler', () => {
    expect(defaultPlatformTarget('local').servedKinds.has('scheduling.volcano.sh/PodGroup')).toBe(false);
    const target = defaultPlatformTarget('local', undefined, { operators: ['volcano'], gangScheduler: 'volcano' });
    expect(target.servedKinds.get('scheduling.volcano.sh/PodGroup')).toBe('volcano');
    expect(target.schedulers).toContain('volcano');
    expect(target.operators).toEqual(expect.arrayContaining([...defaultPlatformTarget('local').operators, 'volcano']));
  });

  test('an operator the version map does not offer is an error naming the option and the value', () => {
    expect(() => defaultPlatformTarget('local', undefined, { operators: ['volcanoo'] }))
      .toThrow(/defaultPlatformTarget 'local': prop 'options\.operators\[0\]' is 'volcanoo'; not an operator the local stack installs; use one of .*volcano/);
  });
});
