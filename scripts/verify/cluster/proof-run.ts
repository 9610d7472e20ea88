// Applies one of verify:cluster's proofs (dra-inputs.ts, tas-inputs.ts): its namespace (Pod
// Security restricted), then its chart's objects as dist is applied; returns the record of the
// workload main.ts observes with dist's.

import type { ApiClient } from '../core/api-client';
import type { ServedResource } from '../core/api-paths';
import type { FieldValidation } from '../core/args';
import { documentsToObjects, type KubeObject, type ObjectRecord } from '../core/objects';
import type { WorkloadIntent } from './placement';
import { createOrFail } from './run-operators';
import { applyDist } from './setup';

/** A proof as its inputs describe it. */
export interface ProofInput {
  readonly origin: string;
  readonly namespace: string;
  readonly objects: KubeObject[];
  readonly workload: { apiVersion: string; kind: string; name: string };
  readonly intent: WorkloadIntent | null;
}

/** Creates the namespace and applies the objects; the workload's record (absent when it is not among them) and what could not be applied. */
export async function startProof(client: ApiClient, input: ProofInput, ctx: { opts: { fieldValidation: FieldValidation; verbose: boolean }; byGvk: ReadonlyMap<string, ServedResource> }): Promise<{ record?: ObjectRecord; reasons: string[] }> {
  await createOrFail(client, '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }, `namespace ${input.namespace}`);
  const records = documentsToObjects(input.origin, input.objects).objects;
  const applied = await applyDist(client, records, ctx);
  const reasons = records.flatMap((r) => {
    const a = applied.get(r);
    return a && !a.ok ? [`${r.kind} ${r.name}: ${a.message}`] : [];
  });
  const target = records.find((r) => r.kind === input.workload.kind && r.name === input.workload.name);
  if (!target) return { reasons: [...reasons, `no ${input.workload.kind} ${input.workload.name} among the proof's objects`] };
  return { record: target, reasons };
}
