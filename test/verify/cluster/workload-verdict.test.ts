import { VERDICTS } from '../../../scripts/verify/cluster/report';
import { PLACEMENT_PREFIX } from '../../../scripts/verify/cluster/placement';
import { managedQueueOf } from '../../../scripts/verify/cluster/canary-verdicts';
import { type VerdictInput, workloadVerdict } from '../../../scripts/verify/cluster/workload-verdict';

const admitted = { status: { conditions: [{ type: 'QuotaReserved', status: 'True' }, { type: 'Admitted', status: 'True' }] } };
const finished = { status: { conditions: [{ type: 'QuotaReserved', status: 'False' }, { type: 'Finished', status: 'True' }] } };
const pendingWl = { status: { conditions: [{ type: 'QuotaReserved', status: 'False', message: 'insufficient quota' }] } };
const ready = { state: 'ready' as const, detail: 'Complete', pools: ['cpu'], reasons: [], kueueWorkloads: [] };
const input = (over: Partial<VerdictInput> = {}): VerdictInput => ({ id: 'Job ns/j', origin: 'c.k8s.yaml', group: 'batch', kind: 'Job', view: ready, served: true, extraReasons: [], ...over });

describe('workloadVerdict', () => {
  test('ready with nothing against it', () => {
    expect(workloadVerdict(input())).toMatchObject({ verdict: VERDICTS.READY, reasons: [], counted: 'workload' });
  });

  test('a reason found before observing, a partial gang, a pod off its pool or a blocking reason fail it', () => {
    expect(workloadVerdict(input({ extraReasons: ['apply: forbidden'] }))).toMatchObject({ verdict: VERDICTS.FAILED, reasons: ['apply: forbidden'] });
    expect(workloadVerdict(input({ gang: '1 of 3 pods running' }))).toMatchObject({ verdict: VERDICTS.FAILED, reasons: ['gang: 1 of 3 pods running'] });
    const off = `${PLACEMENT_PREFIX}pod p on node n of pool gpu, but its construct was given cpu`;
    expect(workloadVerdict(input({ view: { ...ready, reasons: [off] } })).verdict).toBe(VERDICTS.FAILED);
  });

  test('never observed: failed, saying whether anything acts on it', () => {
    expect(workloadVerdict(input({ view: undefined }))).toMatchObject({ verdict: VERDICTS.FAILED, detail: 'not observed' });
    expect(workloadVerdict(input({ view: undefined, served: false }))).toMatchObject({ verdict: VERDICTS.FAILED, detail: 'applied; nothing here acts on it' });
  });

  test('queued for a LocalQueue of a kind Kueue manages: ready only with a Kueue Workload that got quota', () => {
    expect(workloadVerdict(input({ kueueQueue: 'training', view: { ...ready, kueueWorkloads: [admitted] } })).verdict).toBe(VERDICTS.READY);
    expect(workloadVerdict(input({ kueueQueue: 'training', view: { ...ready, kueueWorkloads: [finished] } })).verdict).toBe(VERDICTS.READY);
    const ungated = workloadVerdict(input({ kueueQueue: 'training' }));
    expect(ungated).toMatchObject({ verdict: VERDICTS.FAILED, reasons: ['kueue: labelled for LocalQueue training, a kind Kueue\'s configuration manages, but it ran without an admitted Kueue Workload (no Workload)'] });
    expect(workloadVerdict(input({ kueueQueue: 'training', view: { ...ready, kueueWorkloads: [pendingWl] } })).reasons![0]).toMatch(/\(1 Workload\(s\), none admitted\)$/);
    // Not queued, or not a kind Kueue manages: no Workload is expected.
    expect(workloadVerdict(input()).verdict).toBe(VERDICTS.READY);
  });

  test('the queue label counts only where Kueue manages the kind', () => {
    const job = { group: 'batch', version: 'v1', kind: 'Job', body: { metadata: { labels: { 'kueue.x-k8s.io/queue-name': 'q' } } } };
    expect(managedQueueOf(job, new Set(['batch/job']))).toBe('q');
    expect(managedQueueOf(job, new Set(['kubeflow.org/tfjob']))).toBeUndefined();
    expect(managedQueueOf({ ...job, body: { metadata: {} } }, new Set(['batch/job']))).toBeUndefined();
  });

  test('what runs no pod is counted as an object, not a workload', () => {
    expect(workloadVerdict(input({ group: 'autoscaling', kind: 'HorizontalPodAutoscaler' })).counted).toBe('object');
    expect(workloadVerdict(input({ group: 'kueue.x-k8s.io', kind: 'LocalQueue' })).counted).toBe('object');
  });
});
