// The verdict of one observed workload of dist (or an operator's chart): ready only when it
// reached its ready state with nothing against it. Pure (test/verify/cluster/workload-verdict.test.ts).

import type { KubeObject } from '../core/objects';
import type { WorkloadView } from './observe';
import { PLACEMENT_PREFIX } from './placement';
import { KUEUE_PROMISE_PREFIX } from './kueue-proofs';
import { VERDICTS, type WorkloadRow } from './report';
import { assertionOf, blockingReasons, condition } from './workloads';

/** What the harness knows of one workload when it judges it. */
export interface VerdictInput {
  id: string;
  origin: string;
  group: string;
  kind: string;
  /** The last view of it; undefined when it was never observed. */
  view?: Pick<WorkloadView, 'state' | 'detail' | 'pools' | 'reasons' | 'kueueWorkloads'>;
  /** Whether anything here acts on it (its kind is served). */
  served: boolean;
  /** Reasons found before observing (apply errors, stack coverage, an unmanaged queue label). */
  extraReasons: readonly string[];
  /** A gang seen partly started (workloads.ts partialStart), under Kueue. */
  gang?: string;
  /** The LocalQueue it is labelled for, when Kueue's configuration manages its kind. */
  kueueQueue?: string;
}

/** A Kueue Workload that got quota at some point: reserved, admitted, or finished after running. */
function everAdmitted(w: KubeObject): boolean {
  return ['QuotaReserved', 'Admitted', 'Finished'].some((t) => condition(w, t)?.status === 'True');
}

/**
 * The row of one workload. Ready needs: its ready state, no reason found before observing, no
 * partial gang start, no pod off its construct's pool, no Kueue promise broken (kueue-proofs.ts:
 * a required topology domain, DRA devices counted), no blocking reason, and, when it is
 * labelled for a LocalQueue of a kind Kueue manages, a Kueue Workload that was admitted: one that
 * ran without it was never gated by Kueue, whatever its queue label promised.
 */
export function workloadVerdict(input: VerdictInput): WorkloadRow {
  const d = input.view ?? { state: 'waiting', detail: input.served ? 'not observed' : 'applied; nothing here acts on it', pools: [], reasons: [], kueueWorkloads: [] };
  const ungated = input.kueueQueue && d.state === 'ready' && !d.kueueWorkloads.some(everAdmitted)
    ? [`kueue: labelled for LocalQueue ${input.kueueQueue}, a kind Kueue's configuration manages, but it ran without an admitted Kueue Workload (${d.kueueWorkloads.length ? `${d.kueueWorkloads.length} Workload(s), none admitted` : 'no Workload'})`]
    : [];
  const reasons = [...input.extraReasons, ...(input.gang ? [`gang: ${input.gang}`] : []), ...ungated, ...d.reasons];
  const misplaced = d.reasons.some((r) => r.startsWith(PLACEMENT_PREFIX));
  const unkept = d.reasons.some((r) => r.startsWith(KUEUE_PROMISE_PREFIX));
  const ok = d.state === 'ready' && !input.extraReasons.length && !input.gang && !ungated.length && !misplaced && !unkept && !blockingReasons(d.reasons).length;
  return {
    id: input.id, origin: input.origin, verdict: ok ? VERDICTS.READY : VERDICTS.FAILED, pools: d.pools, detail: d.detail, reasons: ok ? [] : reasons,
    counted: assertionOf(input.group, input.kind) === 'status' ? 'object' : 'workload',
  };
}
