import { findingsOf, problemsOf, workflow } from './check-helpers';
import { mountPaths } from '../../../constructs/checks/rules/mount-paths';
import { programContract } from '../../../constructs/checks/rules/program-contract';
import { workflowDeadlines } from '../../../constructs/checks/rules/workflow-deadlines';
import { PROGRAM_FACTS_ANNOTATION } from '../../../constructs/core/program-facts';

/** Mistakes that used to pass silently (issue 23), each beside its sound twin. */
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
const pod = (mounts: Record<string, any>[], volumes: Record<string, any>[], command = ['sleep', '1d']) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { volumes, containers: [{ name: 'c', image: 'busybox:1.36.1', command, volumeMounts: mounts }] },
});

describe('rule mount-paths', () => {
  const volumes = [{ name: 'a', emptyDir: {} }, { name: 'b', emptyDir: {} }];
  test('two volumes at one path is an error; at two paths, fine', () => {
    expect(problemsOf(mountPaths, [ns, pod([{ name: 'a', mountPath: '/data' }, { name: 'b', mountPath: '/data/' }], volumes)]))
      .toEqual([expect.stringMatching(/container 'c' volumeMounts\[1\]\.mountPath is '\/data\/'; pod: volumes 'a' and 'b' are both mounted at \/data, so the apiserver rejects the pod \("must be unique"\)/)]);
    expect(problemsOf(mountPaths, [ns, pod([{ name: 'a', mountPath: '/data' }, { name: 'b', mountPath: '/data/b' }], volumes)])).toEqual([]);
  });
});

describe('program-contract: writes to a read-only mount', () => {
  const code = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'code', namespace: 'ns', annotations: { [PROGRAM_FACTS_ANNOTATION]: JSON.stringify({ 'job.py': { writes: ['/opt/code/out/', '/work/out/'] } }) } }, data: { 'job.py': '' } };
  const volumes = [{ name: 'code', configMap: { name: 'code' } }, { name: 'work', emptyDir: {} }];
  test('an absolute write under a ConfigMap mount is an error; on a writable mount, fine', () => {
    const writes = pod([{ name: 'code', mountPath: '/opt/code' }, { name: 'work', mountPath: '/work' }], volumes, ['python', '/opt/code/job.py']);
    expect(findingsOf(programContract, [ns, code, writes]).errors)
      .toEqual([expect.stringMatching(/'\/opt\/code\/job\.py' writes \/opt\/code\/out\/, which is on the read-only mount \/opt\/code, so it fails with "Read-only file system"/)]);
    const readOnlyWork = pod([{ name: 'code', mountPath: '/opt/code' }, { name: 'work', mountPath: '/work', readOnly: true }], volumes, ['python', '/opt/code/job.py']);
    expect(findingsOf(programContract, [ns, code, readOnlyWork]).errors).toHaveLength(2);
  });
});

describe('rule workflow-deadlines', () => {
  const step = (name: string, deadline: number | undefined, depends?: string) => ({ name, container: { name: 'main', image: 'busybox:1.36.1' }, ...(deadline ? { activeDeadlineSeconds: deadline } : {}), task: depends ? { depends: `${depends}.Succeeded` } : {} });
  test('a chain of steps allowed more than the Workflow is a warning; within it, or a step without a deadline, passes', () => {
    const chain = workflow('wf', [step('ingest', 1800), step('train', 3600, 'ingest')], { activeDeadlineSeconds: 3600 });
    expect(findingsOf(workflowDeadlines, [ns, chain])).toEqual({
      errors: [],
      warnings: [expect.stringMatching(/spec\.activeDeadlineSeconds is 3600; steps 'ingest' → 'train' may take up to 5400s by their own deadlines, more than the Workflow's 3600s/)],
    });
    expect(problemsOf(workflowDeadlines, [ns, workflow('wf', [step('ingest', 1800), step('train', 1800, 'ingest')], { activeDeadlineSeconds: 3600 })])).toEqual([]);
    // Parallel steps do not add up.
    expect(problemsOf(workflowDeadlines, [ns, workflow('wf', [step('a', 3000), step('b', 3000)], { activeDeadlineSeconds: 3600 })])).toEqual([]);
    expect(problemsOf(workflowDeadlines, [ns, workflow('wf', [step('ingest', undefined), step('train', 3600, 'ingest')], { activeDeadlineSeconds: 3600 })])).toEqual([]);
  });

  test('a resource step counts the deadline of the job it creates', () => {
    const wf = workflow('wf', [{ name: 'train', resource: { action: 'create', manifest: 'apiVersion: batch/v1\nkind: Job\n' } }], { activeDeadlineSeconds: 600 });
    const job = { apiVersion: 'batch/v1', kind: 'Job', metadata: { generateName: 'train-' }, spec: { activeDeadlineSeconds: 7200 }, embeddedIn: 't/Workflow1', step: 'train' };
    expect(problemsOf(workflowDeadlines, [ns, wf, job])).toEqual([expect.stringMatching(/step 'train' may take up to 7200s/)]);
  });
});
