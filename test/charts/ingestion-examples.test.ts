import { IngestionExamples } from '../../charts/ingestion-examples';
import { examplePools } from '../../charts';
import { synthChart } from '../../constructs/app/chart-manifests';
import { PlatformApp } from '../../constructs/app/platform-app';
import { byKindName, containersOf, Manifest } from '../helpers';
import { formatViolations, validateObjects } from '../validation/validator';

function build(): Manifest[] {
  const app = new PlatformApp({ outdir: '/nonexistent' });
  return synthChart(new IngestionExamples(app, 'ingestion-examples', { pool: examplePools.cpu }));
}

const podSpecOf = (o: Manifest): Manifest => (o.kind === 'CronJob' ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec);

describe('IngestionExamples', () => {
  const objects = build();

  test('snapshot', () => {
    expect(objects).toMatchSnapshot();
  });

  test('every object validates strictly against the pinned Kubernetes (1.36) schema', () => {
    expect(formatViolations(validateObjects('ingestion-examples', objects))).toBe('');
  });

  test('emits batching (Job, CronJob), sharding (Indexed Job) and caching (PVC + warm-up, memory)', () => {
    expect(byKindName(objects, 'Job', 'fashion-mnist-batches').spec.parallelism).toBe(2);
    expect(byKindName(objects, 'CronJob', 'fashion-mnist-nightly').spec.schedule).toBe('0 2 * * *');
    const sharded = byKindName(objects, 'Job', 'fashion-mnist-sharded').spec;
    expect([sharded.completionMode, sharded.completions, sharded.parallelism, sharded.backoffLimitPerIndex]).toEqual(['Indexed', 4, 2, 2]);
    expect(byKindName(objects, 'PersistentVolumeClaim', 'fashion-mnist-cache').spec.accessModes).toEqual(['ReadWriteMany']);
    expect(byKindName(objects, 'Job', 'fashion-mnist-cache-warm-up')).toBeDefined();
    const ram = podSpecOf(byKindName(objects, 'Job', 'fashion-mnist-ram-batches'));
    expect(ram.volumes).toContainEqual({ name: 'fashion-mnist-ram', emptyDir: { medium: 'Memory', sizeLimit: '512Mi' } });
  });

  test('every cache consumer mounts the cache read-only and waits for or fills it first', () => {
    for (const name of ['fashion-mnist-batches', 'fashion-mnist-sharded', 'fashion-mnist-ram-batches']) {
      const spec = podSpecOf(byKindName(objects, 'Job', name));
      expect(spec.initContainers).toHaveLength(1);
      expect(spec.containers[0].volumeMounts.find((m: Manifest) => m.mountPath === '/cache').readOnly).toBe(true);
    }
  });

  test('every container is pinned, has requests and limits and a restricted context', () => {
    const pods = objects.filter((o) => ['Job', 'CronJob'].includes(o.kind)).map(podSpecOf);
    for (const c of pods.flatMap(containersOf)) {
      expect(c.image).toMatch(/:[\w][\w.-]*$/);
      expect(c.image).not.toMatch(/:latest$/);
      expect(c.resources.requests.memory).toBe(c.resources.limits.memory);
      expect(c.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    }
    for (const spec of pods) expect(spec.nodeSelector).toEqual(examplePools.cpu.nodeSelector());
  });
});
