import { Size } from 'cdk8s';
import { Cpu } from 'cdk8s-plus-27';
import { examplePools } from '../../charts';
import { exampleFeatures } from '../../charts/example-features';
import { MlPlatformOperations } from '../../charts/operations-example';
import { NodePool } from '../../constructs/cluster/node-pool';
import { PlatformApp } from '../../constructs/app/platform-app';
import { applyMetadataConvention, metadataConventionProblems } from '../../constructs/operations/metadata-convention';
import { addAmounts, Amounts, cpuText, memoryText, poolCapacity, ZERO } from '../../constructs/operations/resource-amounts';
import { resourceFlavorName } from '../../constructs/operations/resource-flavor';
import { Team } from '../../constructs/operations/team';
import { TEAM_POLICY_NAMES } from '../../constructs/operations/team-network-policies';
import { byKindName, Manifest, ofKind } from '../helpers';
import { formatViolations, validateObjects } from '../validation/validator';

const ID = 'ml-platform-operations';
// The pools the platform builds the chart with: the training pools, which Kueue books whole.
const pools = { cpuPool: examplePools.trainCpu, gpuPool: examplePools.trainGpu };
/** A cluster running Volcano and scheduler-plugins: the chart's optional gang-scheduling parts. */
const features = { ...exampleFeatures(undefined), volcano: true, coscheduling: true };

function build() {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  const chart = new MlPlatformOperations(app, ID, { ...pools, features, exampleNamespaces: ['training-examples'] });
  return { app, chart };
}

const { app, chart } = build();
applyMetadataConvention(app);
const objects = app.synthManifests().find((m) => m.name === ID)!.objects;

/** A ClusterQueue flavor's nominal quota as amounts. */
function nominalOf(flavor: Manifest): Amounts {
  const r = Object.fromEntries(flavor.resources.map((x: Manifest) => [x.name, x.nominalQuota]));
  return {
    cpuMillis: Number(r.cpu) * 1000,
    memoryMebibytes: Number(String(r.memory).replace('Gi', '')) * 1024,
    gpus: Number(r['nvidia.com/gpu'] ?? 0),
  };
}

describe('MlPlatformOperations chart', () => {

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object validates strictly (Kueue, Volcano, scheduler-plugins, prometheus-operator, core)', () => {
    expect(new Set(objects.map((o) => o.apiVersion))).toEqual(new Set([
      'v1', 'scheduling.k8s.io/v1', 'rbac.authorization.k8s.io/v1', 'networking.k8s.io/v1', 'kueue.x-k8s.io/v1beta2',
      'scheduling.volcano.sh/v1beta1', 'scheduling.x-k8s.io/v1alpha1', 'monitoring.coreos.com/v1',
    ]));
    expect(formatViolations(validateObjects(`${ID}.k8s.yaml`, objects))).toBe('');
  });

  test('the PrometheusRule schema rejects unknown fields (it can fail)', () => {
    const rule = structuredClone(byKindName(objects, 'PrometheusRule', 'ml-platform-alerts'));
    rule.spec.groups[0].rules[0].severity = 'critical';
    expect(formatViolations(validateObjects('x', [rule]))).toMatch(/unknown field "severity"/);
  });

  test('every object carries the metadata convention', () => {
    expect(metadataConventionProblems(objects)).toEqual([]);
    for (const team of [chart.research, chart.recsys]) {
      for (const o of objects.filter((x) => x.metadata.namespace === team.namespace)) expect(o.metadata.labels['mlpatterns.dev/team']).toBe(team.name);
    }
  });

  test('cluster-scoped kinds carry no namespace', () => {
    for (const kind of ['Namespace', 'PriorityClass', 'ResourceFlavor', 'ClusterQueue', 'WorkloadPriorityClass', 'Queue']) {
      const found = ofKind(objects, kind);
      expect(found.length).toBeGreaterThan(0);
      for (const o of found) expect(o.metadata.namespace).toBeUndefined();
    }
  });

  test('one flavor per pool, matching the pool selector and tolerations', () => {
    const flavors = ofKind(objects, 'ResourceFlavor');
    expect(flavors.map((f) => f.metadata.name).sort()).toEqual([pools.cpuPool, pools.gpuPool].map(resourceFlavorName).sort());
    for (const pool of [pools.cpuPool, pools.gpuPool]) {
      const f = byKindName(objects, 'ResourceFlavor', resourceFlavorName(pool));
      expect(f.spec.nodeLabels).toEqual(pool.nodeSelector());
      expect(f.spec.tolerations ?? []).toEqual(pool.tolerations());
    }
  });

  test('nominal quotas summed over the teams and the examples queue fit every pool', () => {
    const queues = ofKind(objects, 'ClusterQueue');
    expect(queues.map((q) => q.metadata.name).sort()).toEqual(['ml-examples', 'recsys', 'research']);
    for (const pool of [pools.cpuPool, pools.gpuPool]) {
      const total = queues.reduce<Amounts>((sum, q) => addAmounts(sum, nominalOf(q.spec.resourceGroups[0].flavors.find((f: Manifest) => f.name === pool.name))), ZERO);
      const cap = poolCapacity(pool);
      expect(total.cpuMillis).toBeLessThanOrEqual(cap.cpuMillis);
      expect(total.memoryMebibytes).toBeLessThanOrEqual(cap.memoryMebibytes);
      expect(total.gpus).toBeLessThanOrEqual(cap.gpus);
      expect(total).toEqual(chart.cohort.reservedOn(pool));
    }
    // The example hands out every GPU of the pool: nothing left for a third team.
    expect(byKindName(objects, 'ClusterQueue', 'ml-examples').spec.namespaceSelector.matchExpressions[0].values).toEqual(['training-examples']);
    expect(chart.cohort.reservedOn(pools.gpuPool).gpus).toBe(pools.gpuPool.capacity().gpus);
  });

  test('both queues share the cohort; research has the bigger fair share', () => {
    const research = byKindName(objects, 'ClusterQueue', 'research').spec;
    const recsys = byKindName(objects, 'ClusterQueue', 'recsys').spec;
    expect([research.cohortName, recsys.cohortName]).toEqual([chart.cohort.name, chart.cohort.name]);
    expect(Number(research.fairSharing.weight)).toBeGreaterThan(Number(recsys.fairSharing.weight));
  });

  test('each namespace ResourceQuota equals the team quota limit', () => {
    for (const team of [chart.research, chart.recsys]) {
      const hard = objects.find((o) => o.kind === 'ResourceQuota' && o.metadata.namespace === team.namespace)!.spec.hard;
      expect(hard['requests.cpu']).toBe(cpuText(team.quotaLimit.cpuMillis));
      expect(hard['requests.memory']).toBe(memoryText(team.quotaLimit.memoryMebibytes));
      expect(hard['requests.nvidia.com/gpu']).toBe(String(team.quotaLimit.gpus));
    }
  });

  test('every workload namespace is default-deny', () => {
    const teamNamespaces = [chart.research.namespace, chart.recsys.namespace];
    for (const ns of teamNamespaces) {
      const deny = objects.find((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns && o.metadata.name === TEAM_POLICY_NAMES.DEFAULT_DENY);
      expect(deny?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
    // Workload objects (PodGroups, LocalQueues) only live in namespaces that are default-deny.
    for (const o of [...ofKind(objects, 'PodGroup'), ...ofKind(objects, 'LocalQueue')]) expect(teamNamespaces).toContain(o.metadata.namespace);
  });

  test('gang scheduling: the Volcano PodGroup uses the team queue and priority class by object', () => {
    const vpg = objects.find((o) => o.kind === 'PodGroup' && o.apiVersion.startsWith('scheduling.volcano.sh'))!;
    expect(vpg.spec.queue).toBe(chart.research.volcano!.name);
    expect(vpg.spec.priorityClassName).toBe('training-high');
    const queue = byKindName(objects, 'Queue', chart.research.volcano!.name);
    expect(queue.spec.weight).toBe(2);
  });

  test('monitoring scrapes and alerts on exactly the team namespaces', () => {
    expect(ofKind(objects, 'ServiceMonitor').map((m) => m.metadata.name)).toEqual(['training-operator']);
    expect(byKindName(objects, 'ConfigMap', 'ml-platform-dashboard').metadata.labels.grafana_dashboard).toBe('1');
  });

  test('fails when a third team asks for GPUs beyond the pool capacity', () => {
    const { chart: c } = build();
    expect(() => new Team(c, 'vision', { group: 'g', cohort: c.cohort, quotas: [{ pool: pools.gpuPool, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1), gpus: 1 } }] }))
      .toThrow(/prop 'quotas\[0\]\.nominal' .*pool 'train-l4' exceeds its capacity at maxSize 4 \(gpus 5 > 4\)/);
  });

  test('fails when a team uses a pool the cohort does not share', () => {
    const { chart: c } = build();
    const other = NodePool.cpu({ name: 'highmem', maxSize: 2 });
    expect(() => new Team(c, 'vision', { group: 'g', cohort: c.cohort, quotas: [{ pool: other, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1) } }] }))
      .toThrow(/prop 'quotas\[0\]\.pool' is 'highmem'; pool 'highmem' is not shared by cohort 'ml-teams'/);
  });

  test('fails when a team name is taken', () => {
    const { chart: c } = build();
    expect(() => new Team(c, 'research-again', { name: 'research', namespace: 'research-2', group: 'g', cohort: c.cohort, quotas: [{ pool: pools.cpuPool, nominal: { cpu: Cpu.units(1), memory: Size.gibibytes(1) } }] }))
      .toThrow(/prop 'name' is 'research'; cohort 'ml-teams' already has a member named 'research'/);
  });
});
