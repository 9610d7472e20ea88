import type { ManifestEntry } from '../manifest-entry';
import { groupKindOf } from '../manifest-entry';
import { containersOf, PodTemplate } from '../pod-templates';
import { CheckContext, SemanticRule } from '../semantic-rule';

const ENFORCE = 'pod-security.kubernetes.io/enforce';

/**
 * Pods pass the Pod Security level their namespace enforces — including the pods operators create
 * from custom resources, which admission only sees when the operator creates them (the apiserver
 * does not check pod templates inside custom resources), and the containers operators inject:
 * - `restricted` (Kubernetes v1.34 Pod Security Standards): no privileged or host namespaces, no
 *   hostPath, allowPrivilegeEscalation false, capabilities drop ALL (add at most NET_BIND_SERVICE),
 *   runAsNonRoot and not UID 0, seccomp RuntimeDefault or Localhost (pod or container level);
 * - training-operator v1.9 injects `init-pytorch` into PyTorchJob Worker pods when a Master exists
 *   (pkg/controller.v1/pytorch/initcontainer.go) with no securityContext unless the operator runs
 *   with a restricted `--pytorch-init-container-template-file` (target.trainingOperator);
 * - its MPIJob v1 launcher always gets `kubectl-delivery` with no securityContext and no flag to
 *   change it (pkg/controller.v1/mpi/mpijob_controller.go): a v1 MPIJob needs a namespace that
 *   enforces `baseline` (an explicit exception), never `restricted`.
 * - KServe builds a predictor's model container by merging it over the runtime's container
 *   (v0.20.0 @ 1fb78105 pkg/controller/v1beta1/inferenceservice/utils/utils.go
 *   MergeRuntimeContainers, a strategic merge: the InferenceService's fields win), but takes none
 *   of the runtime's pod securityContext (MergePodSpec: nodeSelector, affinity, tolerations,
 *   volumes, imagePullSecrets, schedulerName only). So the model container inherits the runtime
 *   container's securityContext: a ServingRuntime of the charts named by `runtime`, else KServe's
 *   shipped runtimes (config/runtimes: allowPrivilegeEscalation false, capabilities drop ALL,
 *   runAsNonRoot true; not vllm's runAsNonRoot, nothing for the multi-node huggingface runtime).
 *   No shipped runtime sets seccomp: that must come from the InferenceService.
 * - `baseline` (the same standards): no privileged containers or host namespaces, no hostPath or
 *   hostPort, capabilities added only from the baseline set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE,
 *   FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT),
 *   seccomp not Unconfined, procMount Default. A namespace relaxed to `baseline` (the MPIJob v1
 *   one) is still judged, at its level.
 * Namespaces no deployed chart creates are not judged.
 */
export const podSecurity: SemanticRule = {
  id: 'pod-security',
  summary: 'pods, including operator-created and operator-injected containers, pass their namespace\'s Pod Security level',
  check(ctx: CheckContext): void {
    const { index, target } = ctx;
    const levelOf = (e: ManifestEntry) => (e.namespace ? index.namespaceLabels(e.namespace)?.[ENFORCE] : undefined);
    for (const t of index.podTemplates()) {
      const level = levelOf(t.entry);
      if (level === 'restricted') for (const problem of restrictedProblems(t, runtimeSecurity(ctx, t))) ctx.report({ entry: t.entry, ...problem });
      if (level === 'baseline') for (const problem of baselineProblems(t)) ctx.report({ entry: t.entry, ...problem });
    }
    for (const e of index.entries) {
      if (levelOf(e) !== 'restricted') continue;
      const gk = groupKindOf(e.object);
      if (gk === 'kubeflow.org/MPIJob') {
        ctx.report({ entry: e, field: 'spec.mpiReplicaSpecs.Launcher', value: e.namespace, message: "the training-operator adds a 'kubectl-delivery' init container with no securityContext to every MPIJob v1 launcher, which a 'restricted' namespace rejects (the launcher is never created); run MPI jobs in a namespace enforcing 'baseline' (RestrictedNamespace podSecurity exception)" });
      }
      const specs = e.object.spec?.pytorchReplicaSpecs;
      if (gk === 'kubeflow.org/PyTorchJob' && specs?.Master && specs?.Worker && target?.trainingOperator && !target.trainingOperator.restrictedPyTorchInitContainer) {
        ctx.report({ entry: e, field: 'spec.pytorchReplicaSpecs.Worker', value: e.namespace, message: `the training-operator on ${target.source} injects 'init-pytorch' into Worker pods with its default template (no securityContext), which 'restricted' rejects; configure a restricted --pytorch-init-container-template-file` });
      }
    }
  },
};

/** What KServe's shipped runtimes set on their container (config/runtimes, v0.20.0). */
const SHIPPED_RUNTIME_SECURITY = { allowPrivilegeEscalation: false, privileged: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } };

/**
 * The securityContext the runtime's container gives a predictor's model container
 * (`kserve-container`), or undefined when the template is no predictor or the runtime is unknown.
 */
function runtimeSecurity(ctx: CheckContext, t: PodTemplate): Record<string, any> | undefined {
  if (groupKindOf(t.entry.object) !== 'serving.kserve.io/InferenceService' || t.role !== 'predictor') return undefined;
  const model = t.entry.object.spec?.predictor?.model;
  if (!model) return undefined;
  if (typeof model.runtime === 'string') {
    const runtime = ctx.index.find('serving.kserve.io/ServingRuntime', t.entry.namespace, model.runtime) ?? ctx.index.find('serving.kserve.io/ClusterServingRuntime', undefined, model.runtime);
    if (runtime) return runtime.object.spec?.containers?.[0]?.securityContext ?? {};
    if (!model.runtime.startsWith('kserve-')) return undefined;
  }
  if (t.entry.object.spec?.predictor?.workerSpec) return {};
  const { runAsNonRoot: _r, ...vllm } = SHIPPED_RUNTIME_SECURITY;
  return model.modelFormat?.name === 'vllm' ? vllm : SHIPPED_RUNTIME_SECURITY;
}

/**
 * The restricted-profile checks a pod template fails. `modelBase`: the runtime container's
 * securityContext KServe merges under the model container.
 */
function restrictedProblems(t: PodTemplate, modelBase?: Record<string, any>): { field: string; value: unknown; message: string }[] {
  const out: { field: string; value: unknown; message: string }[] = [];
  const pod = t.spec.securityContext ?? {};
  const fail = (field: string, value: unknown, what: string) => out.push({ field: `${t.field}.${field}`, value, message: `${t.role}: ${what}, which Pod Security 'restricted' rejects` });
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (t.spec[host]) fail(host, true, `uses the node's ${host.slice(4)} namespace`);
  (t.spec.volumes ?? []).forEach((v: Record<string, any>, i: number) => { if (v.hostPath) fail(`volumes[${i}].hostPath`, v.hostPath.path, 'mounts a hostPath'); });
  for (const c of containersOf(t.spec)) {
    const own = c.securityContext ?? {};
    const base = modelBase && c.name === 'kserve-container' ? modelBase : {};
    const sc = { ...base, ...own, capabilities: { ...(base.capabilities ?? {}), ...(own.capabilities ?? {}) } };
    const at = (f: string) => `containers['${c.name}'].securityContext.${f}`;
    if (sc.privileged) fail(at('privileged'), true, `container '${c.name}' is privileged`);
    if (sc.allowPrivilegeEscalation !== false) fail(at('allowPrivilegeEscalation'), sc.allowPrivilegeEscalation, `container '${c.name}' may escalate privileges (set false)`);
    const drop: string[] = sc.capabilities?.drop ?? [];
    if (!drop.includes('ALL')) fail(at('capabilities.drop'), drop, `container '${c.name}' does not drop ALL capabilities`);
    const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length) fail(at('capabilities.add'), added, `container '${c.name}' adds capabilities`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) fail(at('runAsNonRoot'), sc.runAsNonRoot, `container '${c.name}' may run as root (runAsNonRoot unset on pod and container)`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) fail(at('runAsUser'), 0, `container '${c.name}' runs as UID 0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') fail(at('seccompProfile.type'), seccomp, `container '${c.name}' has no RuntimeDefault seccomp profile`);
  }
  return out;
}

/** Capabilities Pod Security `baseline` lets a container add (the Pod Security Standards, Kubernetes v1.34). */
const BASELINE_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

/** The baseline-profile checks a pod template fails. */
function baselineProblems(t: PodTemplate): { field: string; value: unknown; message: string }[] {
  const out: { field: string; value: unknown; message: string }[] = [];
  const fail = (field: string, value: unknown, what: string) => out.push({ field: `${t.field}.${field}`, value, message: `${t.role}: ${what}, which Pod Security 'baseline' rejects` });
  for (const host of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (t.spec[host]) fail(host, true, `uses the node's ${host.slice(4)} namespace`);
  (t.spec.volumes ?? []).forEach((v: Record<string, any>, i: number) => { if (v.hostPath) fail(`volumes[${i}].hostPath`, v.hostPath.path, 'mounts a hostPath'); });
  if (t.spec.securityContext?.seccompProfile?.type === 'Unconfined') fail('securityContext.seccompProfile.type', 'Unconfined', 'runs without a seccomp profile');
  for (const c of containersOf(t.spec)) {
    const sc = c.securityContext ?? {};
    const at = (f: string) => `containers['${c.name}'].${f}`;
    if (sc.privileged) fail(at('securityContext.privileged'), true, `container '${c.name}' is privileged`);
    const added = (sc.capabilities?.add ?? []).filter((cap: string) => !BASELINE_CAPABILITIES.has(cap));
    if (added.length) fail(at('securityContext.capabilities.add'), added, `container '${c.name}' adds capabilities beyond the baseline set`);
    if (sc.seccompProfile?.type === 'Unconfined') fail(at('securityContext.seccompProfile.type'), 'Unconfined', `container '${c.name}' runs without a seccomp profile`);
    if (sc.procMount && sc.procMount !== 'Default') fail(at('securityContext.procMount'), sc.procMount, `container '${c.name}' unmasks /proc`);
    (c.ports ?? []).forEach((p: Record<string, any>, i: number) => { if (p.hostPort) fail(at(`ports[${i}].hostPort`), p.hostPort, `container '${c.name}' binds a host port`); });
  }
  return out;
}
