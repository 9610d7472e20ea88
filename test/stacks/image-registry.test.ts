import { buildPlatform, examplePools } from '../../charts';
import { parseStackConfig } from '../../stacks/config';
import { PROJECT_IMAGES } from '../../stacks/platform/image-registry';
import { planPlatform, stackTarget } from '../../stacks/program';

const REGISTRY = 'us-docker.pkg.dev/my-project/ml';
const CHARTS = ['ml-platform-priorities', 'book-pipeline', 'book-pipeline-gpu', 'workflow-examples', 'ingestion-examples', 'ml-platform-operations', 'training-examples'];
const gke = (raw: Record<string, unknown> = {}) =>
  parseStackConfig({ cluster: 'gke', location: 'us-central1', charts: CHARTS, ...raw }, Object.values(examplePools));

/** Every text of the plan's charts: objects and the manifests their workflow steps embed. */
function planText(raw: Record<string, unknown>): string {
  const config = gke(raw);
  const plan = planPlatform(config, buildPlatform({ target: stackTarget(config) }));
  return JSON.stringify(plan.manifests.filter((m) => CHARTS.includes(m.name)).map((m) => m.objects));
}

describe('imageRegistry', () => {
  test('moves the project images of every pod, workflow-embedded jobs included, and the checks still know them', () => {
    const text = planText({ imageRegistry: REGISTRY });
    expect(text).not.toMatch(/kubeflow\/multi-worker-strategy/);
    expect(text).toContain(`"${REGISTRY}/multi-worker-strategy:v0.1"`);
    expect(text).toContain(`"${REGISTRY}/multi-worker-strategy:v0.1-gpu"`);
    // The Horovod MPI runtime (images/horovod-mpi-runtime) of the training examples' TrainJob.
    expect(text).not.toMatch(/mlpatterns\/horovod-mpi-runtime/);
    expect(text).toContain(`"${REGISTRY}/horovod-mpi-runtime:0.28.1"`);
    // Embedded manifests (Argo resource steps) are YAML text: the moved reference is in them too.
    expect(text).toMatch(new RegExp(`image: ${REGISTRY.replace(/\//g, '\\/')}\\/multi-worker-strategy:v0\\.1`));
  });

  test('without it, the references stay as built (a local cluster loads them)', () => {
    const text = planText({});
    for (const image of PROJECT_IMAGES) expect(text).toContain(`"${image}"`);
    expect(gke().imageRegistry).toBeUndefined();
  });

  test.each([
    ['https://us-docker.pkg.dev/p/ml'],
    ['us-docker.pkg.dev/p/ml/'],
    ['US-docker.pkg.dev/p'],
    ['registry.example.com/ml:v1'],
    [''],
    [42],
  ])('%p is refused, naming the key and the value', (value) => {
    expect(() => gke({ imageRegistry: value })).toThrow(/config 'ml-platform-patterns:imageRegistry' is .*(registry host and optional path|non-empty string)/);
  });

  test('a registry with a port and an ECR host are accepted', () => {
    expect(gke({ imageRegistry: 'localhost:5000' }).imageRegistry).toBe('localhost:5000');
    expect(gke({ imageRegistry: '123456789012.dkr.ecr.us-west-2.amazonaws.com/ml' }).imageRegistry).toBe('123456789012.dkr.ecr.us-west-2.amazonaws.com/ml');
  });
});
