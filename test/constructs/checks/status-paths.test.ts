import { findingsOf, problemsOf, workflow } from './check-helpers';
import { statusPaths } from '../../../constructs/checks/rules/status-paths';

const isvc = 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: m\n';
const tfjob = 'apiVersion: kubeflow.org/v1\nkind: TFJob\nmetadata:\n  generateName: t-\n';
const step = (name: string, manifest: string, resource: Record<string, string>) => ({ name, resource: { action: 'create', manifest, ...resource } });

describe('rule status-paths', () => {
  test('a condition on a field the kind does not have is an error naming the field that exists', () => {
    const problems = problemsOf(statusPaths, [workflow('wf', [step('serve', isvc, { successCondition: 'status.modelStatus.states.transitionStatus = UpToDate' })])]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^\[t\/Workflow0\/Resource\] Workflow ns\/wf: spec\.templates\[1\]\.resource\.successCondition is 'status\.modelStatus\.states\.transitionStatus = UpToDate'/);
    expect(problems[0]).toMatch(/'transitionStatus' is not a field of 'status\.modelStatus\.states' \(fields: activeModelState, targetModelState\)/);
    expect(problems[0]).toMatch(/did you mean 'status\.modelStatus\.transitionStatus'/);
  });

  test('the fixed conditions pass', () => {
    expect(problemsOf(statusPaths, [workflow('wf', [step('serve', isvc, {
      successCondition: 'status.modelStatus.transitionStatus = UpToDate, status.modelStatus.states.activeModelState = Loaded',
      failureCondition: 'status.modelStatus.transitionStatus in (BlockedByFailedLoad, InvalidSpec)',
    })])])).toEqual([]);
  });

  test('a value outside the enum, and > on a string, are errors', () => {
    const problems = problemsOf(statusPaths, [workflow('wf', [step('serve', isvc, {
      successCondition: 'status.modelStatus.transitionStatus = Ready',
      failureCondition: 'status.modelStatus.transitionStatus > 1',
    })])]);
    expect(problems[0]).toMatch(/is never 'Ready'; its values are UpToDate, InProgress, BlockedByFailedLoad, InvalidSpec/);
    expect(problems[1]).toMatch(/is a string, '>' compares integers/);
  });

  test('a failure condition of several requirements is a warning: Argo fails on any one of them (v4.0.5 matchConditions)', () => {
    const trainjob = 'apiVersion: trainer.kubeflow.org/v1alpha1\nkind: TrainJob\nmetadata:\n  name: t\n';
    const anded = findingsOf(statusPaths, [workflow('wf', [step('train', trainjob, { failureCondition: 'status.conditions.0.type = Failed,status.conditions.0.status = True' })])]);
    expect(anded.errors).toEqual([]);
    expect(anded.warnings).toHaveLength(1);
    expect(anded.warnings[0]).toMatch(/failureCondition .*Argo fails the step when ANY one of its 2 failure requirements matches .*'status\.conditions\.0\.type', 'status\.conditions\.0\.status' each alone/);
    const single = findingsOf(statusPaths, [workflow('wf', [step('train', trainjob, { failureCondition: 'status.conditions.0.type = Failed' })])]);
    expect(single).toEqual({ errors: [], warnings: [] });
  });

  test('a condition Argo cannot parse is an error', () => {
    expect(problemsOf(statusPaths, [workflow('wf', [step('s', isvc, { successCondition: 'status.url = http://x' })])])[0]).toMatch(/Argo cannot parse it/);
  });

  test('replicaStatuses must name a replica type of the created job', () => {
    const job = { apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { generateName: 't-' }, spec: { tfReplicaSpecs: { Worker: {} } }, embeddedIn: 't/Workflow0', step: 'train' };
    const wf = workflow('wf', [step('train', tfjob, { successCondition: 'status.replicaStatuses.Chief.succeeded > 0', failureCondition: 'status.replicaStatuses.Worker.failed > 0' })]);
    const problems = problemsOf(statusPaths, [wf, job]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/reads the 'Chief' replicas, but TFJob 't\/TFJob1\/Resource' has only Worker/);
  });

  test('core kinds are checked against the Kubernetes schema', () => {
    const jobManifest = 'apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: j\n';
    expect(problemsOf(statusPaths, [workflow('wf', [step('j', jobManifest, { successCondition: 'status.succeeded > 0', failureCondition: 'status.failures > 0' })])])[0])
      .toMatch(/'failures' is not a field of 'status'.*fields: active, completedIndexes/);
  });
});
