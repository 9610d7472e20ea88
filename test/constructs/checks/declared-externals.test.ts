import { findingsOf, testTarget } from './check-helpers';
import { withExternals } from '../../../constructs/checks/declared-externals';
import { exportedMetrics } from '../../../constructs/checks/rules/exported-metrics';
import { storagePlacement } from '../../../constructs/checks/rules/storage-placement';
import { workloadImage } from '../../../constructs/checks/rules/workload-image';
import { ContainerImage, ImageFacts } from '../../../constructs/core/image';
import { AccessMode } from '../../../constructs/core/volume-types';

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
const NGC = 'nvcr.io/nvidia/pytorch:25.01-py3';
const NGC_FACTS: ImageFacts = { cuda: true, workdir: '/workspace', files: ['/workspace/train.py'], source: 'team A: NGC release notes' };
const gpuPod = (command: string[]) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' },
  spec: { containers: [{ name: 'c', image: NGC, command, resources: { limits: { 'nvidia.com/gpu': 1 } } }] },
});

describe('withExternals', () => {
  test('merges what is declared; the same image facts twice are fine, whatever their source note', () => {
    const once = withExternals(testTarget(), { namespaces: ['legacy'], images: { [NGC]: NGC_FACTS } });
    const twice = withExternals(once, { namespaces: ['legacy', 'other'], images: { [NGC]: { ...NGC_FACTS, source: 'team B: same image' } } });
    expect(twice.externals?.namespaces).toEqual(['legacy', 'other']);
    expect(twice.externals?.images?.[NGC].source).toBe('team B: same image');
  });

  test('different facts for one image, and a name without its namespace, are errors naming the target and the prop', () => {
    const once = withExternals(testTarget(), { images: { [NGC]: NGC_FACTS } });
    expect(() => withExternals(once, { images: { [NGC]: { ...NGC_FACTS, cuda: false } } }))
      .toThrow(`withExternals 'test target': prop 'externals.images['${NGC}']' is 'team A: NGC release notes'; other facts are already known for this image (from team A: NGC release notes)`);
    expect(() => withExternals(testTarget(), { serviceAccounts: ['runner'] })).toThrow("withExternals 'test target': prop 'externals.serviceAccounts[0]' is 'runner'; write it as 'namespace/name'");
    expect(() => withExternals(testTarget(), { images: { [NGC]: { cuda: true } as ImageFacts } })).toThrow(/prop 'externals.images\.nvcr\.io\/nvidia\/pytorch:25\.01-py3\.source' is undefined/);
  });

  test('ContainerImage.withFacts: the same facts twice with another source note are fine (two teams share an image)', () => {
    const ref = 'example.org/team/shared:1.0';
    ContainerImage.of(ref).withFacts({ cuda: false, source: 'team A' });
    expect(() => ContainerImage.of(ref).withFacts({ source: 'team B', cuda: false })).not.toThrow();
    expect(() => ContainerImage.of(ref).withFacts({ cuda: true, source: 'team C' })).toThrow(/other facts are already known for this image \(from team B\)/);
  });
});

describe('declared externals silence what the project cannot know (F1, F6, F8, F12)', () => {
  test('F1: a GPU container or a script in an image nobody described is a warning; declared, it is judged by its facts', () => {
    expect(findingsOf(workloadImage, [ns, gpuPod(['python', '/workspace/train.py'])])).toEqual({
      errors: [],
      warnings: [expect.stringMatching(/requests 1 nvidia\.com\/gpu, but the image map knows nothing about/), expect.stringMatching(/runs '\/workspace\/train\.py', which is on no mounted volume, and the image map knows nothing/)],
    });
    const target = withExternals(testTarget(), { images: { [NGC]: NGC_FACTS } });
    expect(findingsOf(workloadImage, [ns, gpuPod(['python', '/workspace/train.py'])], target)).toEqual({ errors: [], warnings: [] });
    expect(findingsOf(workloadImage, [ns, gpuPod(['python', '/workspace/other.py'])], target).errors).toEqual([expect.stringMatching(/not in 'nvcr\.io\/nvidia\/pytorch:25\.01-py3'/)]);
  });

  test('F6: an admin StorageClass is a warning unless declared; a declared class still must provide the access mode', () => {
    const pvc = (spec: Record<string, any>) => ({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'ns' }, spec });
    expect(findingsOf(storagePlacement, [ns, pvc({ accessModes: ['ReadWriteOnce'], storageClassName: 'gp3-encrypted' })], testTarget()))
      .toEqual({ errors: [], warnings: [expect.stringMatching(/spec\.storageClassName is 'gp3-encrypted'; test target has no such StorageClass .* unless the admin made it/)] });
    const target = withExternals(testTarget(), { storageClasses: [{ name: 'gp3-encrypted', accessModes: [AccessMode.READ_WRITE_ONCE] }] });
    expect(findingsOf(storagePlacement, [ns, pvc({ accessModes: ['ReadWriteOnce'], storageClassName: 'gp3-encrypted' })], target)).toEqual({ errors: [], warnings: [] });
    expect(findingsOf(storagePlacement, [ns, pvc({ accessModes: ['ReadWriteMany'], storageClassName: 'gp3-encrypted' })], target).errors)
      .toEqual([expect.stringMatching(/class 'gp3-encrypted' of test target does not provide ReadWriteMany/)]);
    // A static volume: storageClassName "" and volumeName, no class at all.
    expect(findingsOf(storagePlacement, [ns, pvc({ accessModes: ['ReadOnlyMany'], storageClassName: '', volumeName: 'nfs-datasets' })], testTarget())).toEqual({ errors: [], warnings: [] });
  });

  test('F8: a script on a claim nothing deployed writes is a warning; declared as filled outside, it passes', () => {
    const pod = {
      apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' },
      spec: { volumes: [{ name: 'code', persistentVolumeClaim: { claimName: 'code' } }], containers: [{ name: 'c', image: 'busybox:1.36.1', command: ['sh', '/code/run.sh'], volumeMounts: [{ name: 'code', mountPath: '/code' }] }] },
    };
    expect(findingsOf(workloadImage, [ns, pod]).warnings).toEqual([expect.stringMatching(/nothing deployed with it writes that claim .* unless it is filled outside the charts/)]);
    expect(findingsOf(workloadImage, [ns, pod], withExternals(testTarget(), { claims: ['ns/code'] }))).toEqual({ errors: [], warnings: [] });
  });

  test('F12: a metric nothing known exports is a warning; declared metrics and adapters pass', () => {
    const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'ns' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: 'coredns_dns_requests_total > 1' }] }] } };
    const target = testTarget({ prometheus: { namespace: 'monitoring', exportedMetrics: [] } });
    expect(findingsOf(exportedMetrics, [ns, rule], target)).toEqual({ errors: [], warnings: [expect.stringMatching(/reads 'coredns_dns_requests_total', which nothing scraped/)] });
    expect(findingsOf(exportedMetrics, [ns, rule], withExternals(target, { metrics: ['coredns_*'] }))).toEqual({ errors: [], warnings: [] });
    const hpa = {
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'ns' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'd' }, metrics: [{ type: 'External', external: { metric: { name: 'queue_depth' } } }] },
    };
    expect(findingsOf(exportedMetrics, [ns, hpa], target).warnings).toEqual([expect.stringMatching(/External metrics are read from external\.metrics\.k8s\.io/)]);
    expect(findingsOf(exportedMetrics, [ns, hpa], withExternals(target, { metricsApis: { external: true } }))).toEqual({ errors: [], warnings: [] });
  });
});

describe('F12: what kube-prometheus-stack itself exports and records', () => {
  test.each(['prometheus_tsdb_head_series', 'coredns_dns_requests_total', 'node_namespace_pod_container:container_cpu_usage_seconds_total:sum_irate', 'cluster:node_cpu:ratio_rate5m'])('%s', (metric) => {
    const rule = { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'r', namespace: 'ns' }, spec: { groups: [{ name: 'g', rules: [{ alert: 'A', expr: `${metric} > 1` }] }] } };
    const target = testTarget({ operators: ['kube-prometheus-stack'], prometheus: { namespace: 'monitoring', exportedMetrics: [] } });
    expect(findingsOf(exportedMetrics, [ns, rule], target)).toEqual({ errors: [], warnings: [] });
    expect(findingsOf(exportedMetrics, [ns, rule], testTarget({ prometheus: { namespace: 'monitoring', exportedMetrics: [] } })).warnings).toHaveLength(1);
  });
});

describe('F13: a LocalQueue the stack\'s teams make', () => {
  const { queueReferences } = require('../../../constructs/checks/rules/queue-references') as typeof import('../../../constructs/checks/rules/queue-references');
  const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'j', namespace: 'ns', labels: { 'kueue.x-k8s.io/queue-name': 'default' } }, spec: { suspend: true } };
  test('is a warning unless declared (an error in a stack\'s plan, which checks its teams with its charts)', () => {
    expect(findingsOf(queueReferences, [ns, job]).warnings).toEqual([expect.stringMatching(/no LocalQueue 'default' is deployed in namespace 'ns'.*localQueues: \['ns\/default'\]/)]);
    expect(findingsOf(queueReferences, [ns, job], withExternals(testTarget(), { localQueues: ['ns/default'] }))).toEqual({ errors: [], warnings: [] });
  });
});
