// What verify-cluster runs and what the stack would run: which operator of the stack
// (stacks/operators/versions.ts OPERATOR_NAMES) serves each API group and scheduler name, and
// which of those the harness simulates. Pure (unit-tested by test/verify/cluster/).

import type { ObjectRecord } from '../core/objects';
import { podSchedulerNames } from './nodes';

/**
 * Operator of the stack that serves an API group, where the release table does not say it
 * (`OperatorRelease.crdGroups`, passed in by cluster-inputs.ts, takes precedence).
 */
export const GROUP_OPERATORS: Readonly<Record<string, string>> = Object.freeze({
  'kubeflow.org': 'training-operator',
  'kueue.x-k8s.io': 'kueue',
  'scheduling.volcano.sh': 'volcano',
  'batch.volcano.sh': 'volcano',
  'serving.kserve.io': 'kserve',
  'argoproj.io': 'argo-workflows',
  'monitoring.coreos.com': 'kube-prometheus-stack',
  'trainer.kubeflow.org': 'kubeflow-trainer',
  'jobset.x-k8s.io': 'kubeflow-trainer',
  'keda.sh': 'keda',
});

/** GROUP_OPERATORS with the groups the release table declares (operators: [{ name, crdGroups }]). */
export function groupOperators(operators: readonly { name: string; crdGroups?: readonly string[] | null }[] = []): Record<string, string> {
  const map = { ...GROUP_OPERATORS };
  for (const o of operators) for (const g of o.crdGroups || []) map[g] = o.name;
  return map;
}

/** Operator of the stack that runs pods of a scheduler name (default-scheduler is kube-scheduler's). */
export const SCHEDULER_OPERATORS: Readonly<Record<string, string>> = Object.freeze({ volcano: 'volcano' });

/** Operators whose controllers run here (built from their Go modules). */
export const SIMULATED_OPERATORS = new Set(['training-operator', 'kueue', 'argo-workflows', 'kserve-crd', 'kserve', 'kserve-runtime-configs', 'kubeflow-trainer']);

/** Why the operators the harness does not run are missing, for the output. */
export const NOT_SIMULATED: Readonly<Record<string, string>> = Object.freeze({
  'cert-manager': 'not run: the operators here get their webhook certificates from the harness',
  'gpu-operator': 'not run: GPUs are node allocatable (nvidia.com/gpu) declared by the pool model',
  'metrics-server': 'not run: no metrics API, so HPAs resolve their targets but never get metrics (ScalingActive False)',
  'nfs-provisioner': 'not run: claims bind to statically created PersistentVolumes with the access modes they ask for',
  keda: 'not built here: ScaledObjects are applied and admitted only, no HPA is created from them',
  'kube-prometheus-stack': 'no Prometheus: monitors and rules are applied and admitted only',
  volcano: 'no Volcano: its Queues/PodGroups are applied only; pods naming schedulerName volcano are placed by a kube-scheduler profile of that name (no gang semantics)',
});

/** Built-in groups (kube-controller-manager and kube-scheduler serve them). */
function isBuiltinGroup(group: string, builtinGroups: ReadonlySet<string>): boolean {
  return builtinGroups.has(group);
}

/**
 * Problems of `objects` (records as documentsToObjects makes them, embedded ones included) against the
 * stack's operator selection: a custom resource no selected operator serves, and pod templates
 * naming a scheduler the stack does not install. Returns Map(record -> [message]).
 */
export function stackCoverage<T extends Pick<ObjectRecord, 'group' | 'kind' | 'body'>>(
  objects: readonly T[],
  stackOperators: readonly string[],
  builtinGroups: ReadonlySet<string>,
  groupToOperator: Readonly<Record<string, string>> = GROUP_OPERATORS,
): Map<T, string[]> {
  const selected = new Set(stackOperators);
  const problems = new Map<T, string[]>();
  const add = (o: T, msg: string) => problems.set(o, [...(problems.get(o) || []), msg]);
  for (const o of objects) {
    if (!isBuiltinGroup(o.group, builtinGroups)) {
      const op = groupToOperator[o.group];
      if (!op) add(o, `no operator of the stack serves ${o.group} (stacks/operators/versions.ts has none), so nothing acts on this ${o.kind} on the stack's cluster`);
      else if (!selected.has(op)) add(o, `${o.group} is served by '${op}', which the stack does not install (operators: ${stackOperators.join(', ')})`);
    }
    for (const name of podSchedulerNames(o.body)) {
      if (name === 'default-scheduler') continue;
      const op = SCHEDULER_OPERATORS[name];
      if (!op) add(o, `pods use schedulerName '${name}', which no operator of the stack installs: on the stack's cluster they would stay Pending`);
      else if (!selected.has(op)) add(o, `pods use schedulerName '${name}', served by '${op}', which the stack does not install (operators: ${stackOperators.join(', ')}): on the stack's cluster they would stay Pending`);
    }
  }
  return problems;
}
