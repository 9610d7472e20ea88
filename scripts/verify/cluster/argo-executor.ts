// The workflow step pods' own processes, as verify:cluster runs them (see argo-steps.ts for the
// shapes). kwok moves step pods to Running; then, for each:
// - resource steps: the real `argoexec resource <action>` (Argo Workflows, tools/go/versions.env),
//   with the env the controller wrote into the pod and a token of the pod's ServiceAccount, in a
//   private /tmp (it stages the manifest at /tmp/manifest.yaml): it creates the object, waits for
//   the success/failure condition and reports outputs, all as the step's ServiceAccount, so the
//   Role the workflow constructs derive is exactly what it gets;
// - program steps (container, script): no program runs; the harness writes the WorkflowTaskResult
//   the `wait` container would, as the step's ServiceAccount, with output parameters it supplies
//   (reported);
// then the pod ends as a kubelet would report it: Succeeded, or Failed with argoexec's exit code.

import fs from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import type { ApiClient } from '../core/api-client';
import { statusMessage } from '../core/api-paths';
import type { ControlPlane } from '../core/control-plane';
import { startIsolated } from '../core/isolation';
import type { KubeObject } from '../core/objects';
import { forget } from '../core/processes';
import { errorMessage, log } from '../core/runtime';
import { actAs, type Identity } from '../core/service-account-identity';
import {
  containerEnv, finishedPodStatus, loopedParameters, OUTPUTS_COMPLETED_LABEL, podTemplate, type SuppliedOutput, stepKind, suppliedOutputs, taskResult, WORKFLOW_LABEL,
} from './argo-steps';

/** One step pod the harness ran. */
export interface StepRun {
  readonly namespace: string;
  readonly pod: string;
  readonly workflow: string;
  template: string;
  kind: 'resource' | 'program';
  readonly serviceAccount: string;
  outputs: readonly SuppliedOutput[];
  exitCode?: number;
  /** Why the step failed (argoexec's last lines, or the API's answer to the step's account). */
  message?: string;
  /** A resource step still waiting when the run ended: the `group/Kind` of the object it waited on. */
  waitingFor?: string;
}

export interface StepExecutor {
  readonly runs: ReadonlyMap<string, StepRun>;
  /** Problems of the executor itself (list failures), fail-closed: the report shows them. */
  readonly errors: string[];
  stop(): Promise<void>;
}

/** `group/Kind` of a resource template's manifest ('' group for core kinds). */
function manifestKind(manifest: unknown): string | undefined {
  try {
    const o = YAML.parse(String(manifest ?? ''));
    const apiVersion = String(o?.apiVersion ?? '');
    return `${apiVersion.includes('/') ? apiVersion.split('/')[0] : ''}/${o?.kind}`;
  } catch {
    return undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const running = (pod: KubeObject) =>
  pod.status?.phase === 'Running' && (pod.status.containerStatuses || []).length > 0 && pod.status.containerStatuses.every((c: KubeObject) => c.state?.running);

export function startStepExecutor(cp: ControlPlane, { argoexec, verbose = false }: { argoexec?: string; verbose?: boolean }): StepExecutor {
  const runs = new Map<string, StepRun>();
  const errors: string[] = [];
  const identities = new Map<string, Promise<Identity>>();
  const looped = new Map<string, Promise<Set<string>>>();
  const inFlight = new Set<Promise<void>>();
  const processes = new Map<StepRun, ReturnType<typeof startIsolated>>();
  const dir = path.join(cp.tmp, 'workflow-steps');
  fs.mkdirSync(dir, { recursive: true });
  let stopped = false;

  const identity = (namespace: string, name: string) => {
    const key = `${namespace}/${name}`;
    if (!identities.has(key)) identities.set(key, actAs(cp, { namespace, name }));
    return identities.get(key)!;
  };

  // Which output parameters a workflow loops over, read once per workflow.
  const loopedOf = (namespace: string, workflow: string) => {
    const key = `${namespace}/${workflow}`;
    if (!looped.has(key)) {
      looped.set(key, cp.client.request('GET', `/apis/argoproj.io/v1alpha1/namespaces/${namespace}/workflows/${workflow}`).then((r) => {
        if (r.status !== 200) throw new Error(`reading Workflow ${key}: ${statusMessage(r.status, r.body)}`);
        return loopedParameters((r.body as KubeObject).spec);
      }));
    }
    return looped.get(key)!;
  };

  async function finish(pod: KubeObject, run: StepRun): Promise<void> {
    const r = await cp.client.request('PATCH', `/api/v1/namespaces/${run.namespace}/pods/${run.pod}/status`, {
      body: finishedPodStatus(pod, run.exitCode ?? 1, run.message),
      contentType: 'application/strategic-merge-patch+json',
    });
    if (r.status !== 200) errors.push(`ending step pod ${run.namespace}/${run.pod}: ${statusMessage(r.status, r.body)}`);
  }

  async function runProgram(pod: KubeObject, run: StepRun, client: ApiClient): Promise<void> {
    const result = taskResult(pod, run.outputs);
    const base = `/apis/argoproj.io/v1alpha1/namespaces/${run.namespace}/workflowtaskresults`;
    const created = await client.request('POST', base, { body: result });
    if (created.status !== 201 && created.status !== 409) {
      run.exitCode = 1;
      run.message = `the step's ServiceAccount ${run.serviceAccount} could not create its WorkflowTaskResult (as the wait container does): ${statusMessage(created.status, created.body)}`;
      return;
    }
    const patched = await client.request('PATCH', `${base}/${result.metadata.name}`, {
      body: { metadata: { labels: { [OUTPUTS_COMPLETED_LABEL]: 'true' } } },
      contentType: 'application/merge-patch+json',
    });
    run.exitCode = patched.status === 200 ? 0 : 1;
    if (patched.status !== 200) run.message = `the step's ServiceAccount ${run.serviceAccount} could not patch its WorkflowTaskResult: ${statusMessage(patched.status, patched.body)}`;
  }

  async function runResource(pod: KubeObject, run: StepRun, id: Identity, action: string, args: readonly string[], template: KubeObject): Promise<void> {
    if (!argoexec) {
      run.exitCode = 1;
      run.message = 'no argoexec binary: resource steps cannot run';
      return;
    }
    // Per namespace and pod: two workflows of the same name in two namespaces name their pods alike.
    const privateTmp = path.join(dir, `${run.namespace}.${run.pod}`);
    fs.mkdirSync(privateTmp, { recursive: true });
    fs.copyFileSync(cp.certFile, path.join(privateTmp, 'apiserver-ca.crt'));
    const kubeconfig = path.basename(id.kubeconfig(privateTmp, { caFile: '/tmp/apiserver-ca.crt', namespace: run.namespace }));
    const main = pod.spec.containers.find((c: KubeObject) => c.name === 'main');
    // ARGO_TEMPLATE reaches the real main container through /var/run/argo/template (written by
    // `argoexec init`); the executor reads the variable first when it is set (cmd/argoexec/executor/init.go).
    // KUBECONFIG too: the kubectl argoexec embeds (workflow/executor/resource.go) loads its own
    // config, from $KUBECONFIG or the in-cluster account a pod would have.
    const env = { ...containerEnv(pod, main), ARGO_TEMPLATE: JSON.stringify(template), KUBECONFIG: `/tmp/${kubeconfig}` };
    const logFile = path.join(dir, `${run.namespace}.${run.pod}.log`);
    const proc = startIsolated(`argoexec ${run.namespace}/${run.pod}`, argoexec, ['resource', action, ...args, `--kubeconfig=/tmp/${kubeconfig}`], [[privateTmp, '/tmp']], logFile, env);
    processes.set(run, proc);
    const info = await proc.exited;
    processes.delete(run);
    forget(proc);
    if (stopped) {
      run.exitCode = info.code ?? 1;
      run.waitingFor = manifestKind(template.resource?.manifest);
      run.message = `argoexec resource ${action} as ${run.serviceAccount} was still waiting when the run ended (its success condition never held)`;
      return;
    }
    run.exitCode = info.code ?? 1;
    if (run.exitCode !== 0) {
      const lines = fs.readFileSync(logFile, 'utf8').trim().split('\n');
      const error = [...lines].reverse().find((l) => /^Error:|level=(ERROR|FATAL)/.test(l)) ?? lines[lines.length - 1];
      run.message = `argoexec resource ${action} as ${run.serviceAccount} exited ${info.code ?? info.signal}: ${error}`;
    }
  }

  async function execute(pod: KubeObject): Promise<void> {
    const namespace = pod.metadata.namespace;
    const serviceAccount = pod.spec.serviceAccountName || 'default';
    const workflow = pod.metadata.labels[WORKFLOW_LABEL];
    const run: StepRun = { namespace, pod: pod.metadata.name, workflow, template: '?', kind: 'program', serviceAccount, outputs: [] };
    runs.set(pod.metadata.uid, run);
    try {
      const template = podTemplate(pod);
      const kind = stepKind(pod, template);
      Object.assign(run, { template: template.name || '?', kind: kind.kind });
      const id = await identity(namespace, serviceAccount);
      if (kind.kind === 'resource') await runResource(pod, run, id, kind.action, kind.args, template);
      else {
        Object.assign(run, { outputs: suppliedOutputs(template, await loopedOf(namespace, workflow)) });
        await runProgram(pod, run, id.client);
      }
    } catch (e) {
      run.exitCode = 1;
      run.message = errorMessage(e);
    }
    if (verbose) log(`    step ${namespace}/${run.pod} (${run.workflow} ${run.template}, ${run.kind}) exited ${run.exitCode}${run.message ? `: ${run.message}` : ''}`);
    await finish(pod, run);
  }

  const loop = (async () => {
    while (!stopped) {
      const r = await cp.client.request('GET', `/api/v1/pods?labelSelector=${encodeURIComponent(WORKFLOW_LABEL)}&fieldSelector=${encodeURIComponent('status.phase=Running')}`);
      if (r.status !== 200) errors.push(`listing step pods: ${statusMessage(r.status, r.body)}`);
      else {
        for (const pod of (r.body as KubeObject).items || []) {
          if (runs.has(pod.metadata.uid) || !running(pod)) continue;
          const p = execute(pod).catch((e) => {
            errors.push(`step pod ${pod.metadata.namespace}/${pod.metadata.name}: ${errorMessage(e)}`);
          });
          inFlight.add(p);
          p.finally(() => inFlight.delete(p));
        }
      }
      await sleep(1000);
    }
  })();

  return {
    runs,
    errors,
    async stop() {
      stopped = true;
      await loop;
      // Steps still waiting for their object's success condition are ended, and say so. argoexec
      // keeps waiting through SIGTERM, so it gets SIGKILL after a grace period.
      await Promise.all([...processes.values()].map(async (proc) => {
        proc.child.kill('SIGTERM');
        if (!(await Promise.race([proc.exited, sleep(5000).then(() => undefined)]))) proc.child.kill('SIGKILL');
      }));
      await Promise.all([...inFlight]);
      for (const p of identities.values()) (await p.catch(() => undefined))?.client.close();
    },
  };
}
