import { draAccountingProblems, keptPromises, KUEUE_PROMISE_PREFIX, topologyProblems } from '../../../scripts/verify/cluster/kueue-proofs';
import { VERDICTS } from '../../../scripts/verify/cluster/report';
import { workloadVerdict } from '../../../scripts/verify/cluster/workload-verdict';

const LEVEL = 'topology.k8s.aws/network-node-layer-3';
const node = (name: string, domain?: string) => [name, { metadata: { name, labels: domain ? { [LEVEL]: domain } : {} } }] as const;
const nodes = new Map([node('n0', 'nn-a'), node('n1', 'nn-a'), node('n2', 'nn-b'), node('n3')]);
const pod = (name: string, nodeName?: string, annotations: Record<string, string> = { 'kueue.x-k8s.io/podset-required-topology': LEVEL }) => ({ metadata: { name, annotations }, spec: { nodeName } });

describe('Kueue TAS: a required topology level means one domain', () => {
  test('pods on nodes of one domain keep it; unplaced pods and pods without the annotation do not count', () => {
    expect(topologyProblems([pod('a', 'n0'), pod('b', 'n1'), pod('c')], nodes)).toEqual([]);
    expect(topologyProblems([pod('a', 'n0'), pod('b', 'n2', {})], nodes)).toEqual([]);
  });

  test('two domains, or a node without the label, break it, naming the level, the domains and the pods', () => {
    expect(topologyProblems([pod('a', 'n0'), pod('b', 'n2')], nodes)).toEqual([`${KUEUE_PROMISE_PREFIX}TAS: the pods required one ${LEVEL} domain but ran in 2: nn-a (a); nn-b (b)`]);
    expect(topologyProblems([pod('a', 'n0'), pod('b', 'n3')], nodes)[0]).toMatch(/\(node n3 has no label topology\.k8s\.aws\/network-node-layer-3\) \(b\)/);
  });
});

describe('Kueue DRA: claimed devices are counted under a deviceClassMappings name', () => {
  const claiming = [{ metadata: { name: 'p' }, spec: { resourceClaims: [{ name: 'gpus', resourceClaimTemplateName: 'l4-dra-gpus-1' }] } }];
  const workload = (usage?: Record<string, string>) => ({ metadata: { name: 'w' }, status: usage ? { admission: { podSetAssignments: [{ name: 'node', resourceUsage: usage }] } } : {} });

  test('counted, not yet admitted, or no claims: nothing to say', () => {
    expect(draAccountingProblems(claiming, [workload({ cpu: '4', 'dra.mlpatterns.dev/gpu.nvidia.com': '2' })])).toEqual([]);
    expect(draAccountingProblems(claiming, [workload()])).toEqual([]);
    expect(draAccountingProblems([{ metadata: { name: 'p' }, spec: {} }], [workload({ cpu: '4' })])).toEqual([]);
  });

  test('admitted without the DRA resource: the mapping did not apply', () => {
    expect(draAccountingProblems(claiming, [workload({ cpu: '4', memory: '16Gi' })])).toEqual([
      `${KUEUE_PROMISE_PREFIX}DRA: its pods claim DRA devices, but admitted Workload w counts no dra.mlpatterns.dev/ resource (resource usage: cpu, memory): Kueue's deviceClassMappings did not apply, so the quota does not bound these GPUs`,
    ]);
  });
});

test('a broken Kueue promise fails a workload that is otherwise ready', () => {
  const view = { state: 'ready' as const, detail: 'Complete', pools: ['h100-efa'], reasons: [`${KUEUE_PROMISE_PREFIX}TAS: x`], kueueWorkloads: [] };
  const verdict = (reasons: string[]) => workloadVerdict({ id: 'TrainJob a/b', origin: 'dist', group: 'trainer.kubeflow.org', kind: 'TrainJob', view: { ...view, reasons }, served: true, extraReasons: [] });
  expect(verdict(view.reasons)).toMatchObject({ verdict: VERDICTS.FAILED, reasons: view.reasons });
  expect(verdict([]).verdict).toBe(VERDICTS.READY);
});

test('what was seen kept is said: the DRA resources counted, the one domain', () => {
  const claiming = { metadata: { name: 'p' }, spec: { resourceClaims: [{ name: 'gpus' }] } };
  const admitted = { metadata: { name: 'w' }, status: { admission: { podSetAssignments: [{ resourceUsage: { cpu: '4', 'dra.mlpatterns.dev/gpu.nvidia.com': '2' } }] } } };
  expect(keptPromises([claiming], [admitted], nodes)).toEqual(['DRA devices counted (dra.mlpatterns.dev/gpu.nvidia.com: 2)']);
  expect(keptPromises([pod('a', 'n0'), pod('b', 'n1')], [], nodes)).toEqual([`2 pods inside one ${LEVEL} domain (nn-a)`]);
  expect(keptPromises([pod('a', 'n0'), pod('b', 'n2')], [], nodes)).toEqual([]);
});
