// Unit tests for verify:cluster's re-run check (fresh-objects.ts): a finished run's steps each ran
// an object of their own, not an earlier run's finished one.
import { workflowRerunVerdict } from '../../../scripts/verify/cluster/canaries';
import { expectedFreshObjects, freshOf, ownedRunObjects, REUSED_MESSAGE, reuseVerdict } from '../../../scripts/verify/cluster/fresh-objects';

const trainJob = (how: Record<string, unknown>) => ({
  name: 'train',
  resource: { action: 'create', setOwnerReference: true, manifest: 'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata:\n  generateName: train-\n', ...how },
});
const wf = {
  metadata: { name: 'again-x', namespace: 'ns', uid: 'run-2', creationTimestamp: '2026-12-07T10:00:00Z' },
  spec: { templates: [trainJob({}), { name: 'serve', resource: { setOwnerReference: false, manifest: 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\n' } }, { name: 'ingest', container: {} }] },
  status: { nodes: {
    a: { templateName: 'train', phase: 'Succeeded', type: 'Pod' }, b: { templateName: 'train', phase: 'Succeeded', type: 'Pod' },
    c: { templateName: 'serve', phase: 'Succeeded', type: 'Pod' }, d: { templateName: 'ingest', phase: 'Succeeded', type: 'Pod' },
    e: { templateName: 'train', phase: 'Failed', type: 'Pod' },
  } },
};
const job = (uid: string, created: string) => ({ metadata: { creationTimestamp: created, ownerReferences: [{ uid }] } });
const KEY = 'trainer.kubeflow.org/v1alpha1 TrainJob';

describe('a finished run ran objects of its own', () => {
  test('only owned run-to-completion objects are expected, once per succeeded step', () => {
    expect(ownedRunObjects(trainJob({}))).toEqual({ apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob' });
    expect(ownedRunObjects(trainJob({ setOwnerReference: false }))).toBeUndefined();
    expect(ownedRunObjects({ resource: { setOwnerReference: true, manifest: 'apiVersion: v1\nkind: ConfigMap\n' } })).toBeUndefined();
    expect(ownedRunObjects({ resource: { setOwnerReference: true, manifest: 'apiVersion: batch/v1\nkind: Job\n' } })).toEqual({ apiVersion: 'batch/v1', kind: 'Job' });
    expect(ownedRunObjects({ container: {} })).toBeUndefined();
    expect([...expectedFreshObjects(wf)]).toEqual([[KEY, 2]]);
  });

  test("a WorkflowTemplate run's stored templates count; a retried step counts once (its Pod node, not its Retry parent)", () => {
    const run = {
      metadata: wf.metadata,
      spec: { workflowTemplateRef: { name: 't' } },
      status: {
        storedWorkflowTemplateSpec: { templates: [trainJob({})] },
        nodes: { r: { templateName: 'train', phase: 'Succeeded', type: 'Retry' }, p: { templateName: 'train', phase: 'Succeeded', type: 'Pod' } },
      },
    };
    expect([...expectedFreshObjects(run)]).toEqual([[KEY, 1]]);
  });

  test('fresh means owned by this run and created no earlier than it', () => {
    const objects = [job('run-2', '2026-12-07T10:00:00Z'), job('run-2', '2026-12-07T09:59:59Z'), job('run-1', '2026-12-07T10:05:00Z')];
    expect(freshOf(wf, objects)).toEqual([objects[0]]);
  });

  test("a re-run that took the last run's Complete TrainJob fails; one that ran its own passes", () => {
    // the old defect: `apply` under a fixed name moved the owner reference to the new run, but the object is older than it
    const reused = [job('run-2', '2026-12-07T09:50:00Z'), job('run-2', '2026-12-07T09:50:01Z')];
    expect(reuseVerdict(wf, expectedFreshObjects(wf), new Map([[KEY, reused]]))).toMatch(/^2 succeeded step\(s\) ran a TrainJob, but only 0 of this run's own exist/);
    const own = [job('run-2', '2026-12-07T10:01:00Z'), job('run-2', '2026-12-07T10:01:02Z'), ...reused];
    expect(reuseVerdict(wf, expectedFreshObjects(wf), new Map([[KEY, own]]))).toBe('');
    expect(reuseVerdict(wf, new Map(), new Map())).toBe('');
  });
});

describe('the workflow-rerun canary', () => {
  const first = { id: 'f', namespace: 'c', name: 'rerun-canary', phase: 'Succeeded' };
  const again = (message?: string) => ({ id: 'a', namespace: 'c', name: 'rerun-canary-again-x', phase: 'Succeeded', message });
  test("caught only when the first run succeeded and the re-run was failed for reusing the first run's object", () => {
    expect(workflowRerunVerdict(first, again(`1 succeeded step(s) ran a TFJob, but only 0 ...: ${REUSED_MESSAGE}`))).toMatchObject({ name: 'workflow-rerun-reuses-finished-job', caught: true });
    expect(workflowRerunVerdict(first, again()).caught).toBe(false);
    expect(workflowRerunVerdict({ ...first, phase: 'Failed', message: 'x' }, again(REUSED_MESSAGE)).caught).toBe(false);
    expect(workflowRerunVerdict(first, { id: 'a', namespace: 'c' }).seen).toBe('first run Succeeded; re-run (not created) not started');
  });
});
