import { KUEUE_QUEUE_LABEL } from '../../core/scheduling';
import { workflowSpecOf } from '../argo';
import { isCustomGroupKind, kueueFrameworkOf } from '../kinds';
import type { ManifestEntry } from '../manifest-entry';
import { groupKindOf } from '../manifest-entry';
import { CheckContext, SemanticRule } from '../semantic-rule';

/**
 * Every kind the charts emit has its controller on the target, configured for what the charts use:
 * - a custom resource without its operator is stored and never acted on;
 * - Kueue reads `kueue.x-k8s.io/queue-name` only for the frameworks in its Configuration's
 *   `integrations.frameworks` (kueue v0.19 apis/config/v1beta2; default `batch/job` only) — a
 *   suspended job of another kind is never resumed; fair-sharing weights are ignored unless the
 *   Configuration has `fairSharing` (ClusterQueue CRD docs);
 * - the training-operator applies `runPolicy.schedulingPolicy` only when it runs with
 *   `--gang-scheduler-name`, and with exactly one scheduler per cluster: `volcano` or a
 *   scheduler-plugins scheduler name (cmd/training-operator.v1/main.go, v1.9): jobs asking for
 *   another gang scheduler are not gang-scheduled; every `schedulerName` must be a scheduler the
 *   target runs;
 * - a Knative-mode InferenceService needs Knative Serving, or KServe fails it ("Knative Serving is
 *   not available", pkg/controller/v1beta1/inferenceservice/controller.go); KServe validates scale
 *   metrics by mode (inference_service_validation.go, v0.20): Standard mode scales with an HPA on
 *   cpu/memory, Knative (KPA) on concurrency/rps. Without the mode annotation the mutating webhook
 *   stamps the configured default first when it is Standard (or ModelMesh)
 *   (pkg/apis/serving/v1beta1/inference_service_defaults.go DefaultInferenceService, v0.20.0
 *   @ 1fb78105), so the mode is the annotation, else the target's default;
 * - Argo's workflow-controller saves a memoized step's outputs in the cache ConfigMap with its own
 *   client (argo-workflows v4.1.2 workflow/controller/cache/configmap_cache.go: Save creates or
 *   updates the ConfigMap, and a cache hit updates it too), and a failed save turns the succeeded
 *   node into an Error (workflow/controller/operator.go "Failed to save node outputs to cache");
 *   argo-helm grants the controller create/update on configmaps only with
 *   `controller.rbac.writeConfigMaps` (charts/argo-workflows values.yaml, default false;
 *   templates/controller/workflow-controller-cluster-roles.yaml; read at chart 1.0.18, the stored
 *   copy; 2.0.4 UNCONFIRMED).
 */
export const operatorCoverage: SemanticRule = {
  id: 'operator-coverage',
  summary: 'every kind has its operator on the target, configured for what the charts use',
  needsTarget: true,
  check(ctx: CheckContext): void {
    const target = ctx.target!;
    const gangJobs: { entry: ManifestEntry; scheduler: string | undefined }[] = [];
    for (const e of ctx.index.entries) {
      const gk = groupKindOf(e.object);
      if (isCustomGroupKind(gk) && !target.servedKinds.has(gk)) {
        const hint = target.installableKinds?.get(gk);
        ctx.report({ entry: e, field: 'kind', value: gk, message: `no operator on ${target.source} serves it, so it is stored and never acted on; ${hint ? `add '${hint}' to the operators` : 'install its operator'} or leave it out` });
      }
      checkKueue(ctx, e);
      const policy = e.object.spec?.runPolicy?.schedulingPolicy;
      if (policy && gk.startsWith('kubeflow.org/')) gangJobs.push({ entry: e, scheduler: templatesScheduler(e) });
      if (gk === 'serving.kserve.io/InferenceService') checkKServe(ctx, e);
      checkArtifacts(ctx, e);
      checkMemoization(ctx, e);
      if (gk === 'kueue.x-k8s.io/ClusterQueue' || gk === 'kueue.x-k8s.io/Cohort') {
        const weight = e.object.spec?.fairSharing?.weight;
        if (weight !== undefined && target.kueue && !target.kueue.fairSharing) {
          ctx.report({ entry: e, field: 'spec.fairSharing.weight', value: weight, message: `Kueue on ${target.source} runs without fairSharing in its Configuration, so the weight is ignored; set fairSharing.enable in Kueue's Configuration (config.kueue.x-k8s.io; the stacks always enable it) or drop the weight` });
        }
      }
    }
    const gang = target.trainingOperator?.gangScheduler;
    for (const { entry, scheduler } of gangJobs) {
      if (!target.trainingOperator) continue;
      if (!gang) {
        ctx.report({ entry, field: 'spec.runPolicy.schedulingPolicy', value: scheduler ?? 'gang', message: `the training-operator on ${target.source} runs without --gang-scheduler-name, so it ignores schedulingPolicy and starts pods one by one; set the stack's gangScheduler or use GangScheduling.kueue` });
      } else if (scheduler !== undefined && scheduler !== gang) {
        ctx.report({ entry, field: 'spec.runPolicy.schedulingPolicy', value: scheduler, message: `the training-operator on ${target.source} gang-schedules with '${gang}' only (one gang scheduler per cluster), so this job's '${scheduler}' gang is never formed; use the cluster's gang scheduler` });
      }
    }
    for (const t of ctx.index.podTemplates()) {
      const name = t.spec.schedulerName;
      if (typeof name === 'string' && !target.schedulers.has(name)) {
        ctx.report({ entry: t.entry, field: `${t.field}.schedulerName`, value: name, message: `${target.source} runs no scheduler of that name (it has ${[...target.schedulers].join(', ')}), so the pods stay Pending forever` });
      }
    }
  },
};

/** The schedulerName the job's replica templates ask for (they all agree when set by a construct). */
function templatesScheduler(e: ManifestEntry): string | undefined {
  const specs = Object.entries<any>(e.object.spec ?? {}).find(([k]) => k.endsWith('ReplicaSpecs'))?.[1] ?? {};
  return Object.values<any>(specs).map((r) => r.template?.spec?.schedulerName).find((s) => typeof s === 'string');
}

function checkKueue(ctx: CheckContext, e: ManifestEntry): void {
  const target = ctx.target!;
  const queued = e.object.metadata?.labels?.[KUEUE_QUEUE_LABEL];
  const suspended = e.object.spec?.runPolicy?.suspend === true || e.object.spec?.suspend === true;
  if (!queued) {
    if (suspended && e.object.spec?.runPolicy) {
      ctx.report({ entry: e, field: 'spec.runPolicy.suspend', value: true, message: 'the job is created suspended but has no Kueue queue label, so nothing ever resumes it; label it with a LocalQueue (GangScheduling.kueue) or do not suspend it' });
    }
    return;
  }
  // No integration at all (a v1 MPIJob): queue-references reports it, target or not.
  const framework = kueueFrameworkOf(e.object);
  if (!target.kueue) {
    ctx.report({ entry: e, field: `metadata.labels['${KUEUE_QUEUE_LABEL}']`, value: queued, message: `${target.source} does not install Kueue, so the queue label does nothing${suspended ? ' and the suspended job never starts' : ''}; add 'kueue' to the operators` });
  } else if (framework && !target.kueue.frameworks.includes(framework)) {
    ctx.report({ entry: e, field: `metadata.labels['${KUEUE_QUEUE_LABEL}']`, value: queued, message: `Kueue on ${target.source} does not enable the '${framework}' integration (enabled: ${target.kueue.frameworks.join(', ')}), so it never admits this ${e.object.kind}; the stacks derive integrations.frameworks from the installed operators (kueueFrameworks in stacks/operators/operator-config.ts: batch/job, the training-operator's tfjob and pytorchjob, kubeflow-trainer's trainjob), so queue one of those kinds or gang-schedule this one without Kueue` });
  }
}

/**
 * Artifacts a step passes (inputs/outputs.artifacts without a location of their own) go to the
 * controller's default artifact repository; without one Argo fails the step ("You need to
 * configure artifact storage", argo-workflows docs/configure-artifact-repository.md, v3.4+/v4).
 */
function checkArtifacts(ctx: CheckContext, e: ManifestEntry): void {
  const argo = ctx.target!.argo;
  const wf = workflowSpecOf(e);
  if (!argo || argo.artifactRepository || !wf) return;
  (wf.spec.templates ?? []).forEach((t: Record<string, any>, i: number) => {
    const artifacts = [...(t.inputs?.artifacts ?? []), ...(t.outputs?.artifacts ?? [])].filter((a: Record<string, any>) => !a.s3 && !a.gcs && !a.http && !a.git && !a.raw && !a.azure && !a.oss && !a.hdfs && !a.artifactory);
    if (!artifacts.length) return;
    ctx.report({
      entry: e, field: `${wf.field}.templates[${i}]`, value: artifacts.map((a: Record<string, any>) => a.name).join(', '),
      message: `step '${t.name}' passes artifacts through the default artifact repository, which Argo on ${ctx.target!.source} does not have, so the step fails; configure an artifact repository or pass data on a shared volume`,
    });
  });
}

/** Memoized templates need a controller that may write their cache ConfigMap. */
function checkMemoization(ctx: CheckContext, e: ManifestEntry): void {
  const argo = ctx.target!.argo;
  const wf = argo && !argo.controllerWritesConfigMaps ? workflowSpecOf(e) : undefined;
  if (!wf) return;
  (wf.spec.templates ?? []).forEach((t: Record<string, any>, i: number) => {
    if (!t.memoize) return;
    const cache = t.memoize.cache?.configMap?.name ?? '(none named)';
    ctx.report({
      entry: e, field: `${wf.field}.templates[${i}].memoize.cache.configMap.name`, value: cache,
      message: `step '${t.name}' is memoized, and Argo's workflow-controller saves its outputs in ConfigMap '${cache}' with its own service account, which on ${ctx.target!.source} may not create or update ConfigMaps (argo-helm controller.rbac.writeConfigMaps is off), so the step that succeeded ends in Error ("Failed to save node outputs to cache"); install Argo with controller.rbac.writeConfigMaps: true, or drop memoize`,
    });
  });
}

const MODE_ANNOTATION = 'serving.kserve.io/deploymentMode';
const KNATIVE_MODES = new Set(['Knative', 'Serverless']);

function checkKServe(ctx: CheckContext, e: ManifestEntry): void {
  const target = ctx.target!;
  if (!target.kserve) return;
  const annotated: string | undefined = e.object.metadata?.annotations?.[MODE_ANNOTATION];
  const mode = annotated ?? target.kserve.defaultDeploymentMode;
  const knative = KNATIVE_MODES.has(mode);
  if (knative && !target.kserve.knative) {
    ctx.report({ entry: e, field: `metadata.annotations['${MODE_ANNOTATION}']`, value: mode, message: `${target.source} has no Knative Serving, so KServe fails the InferenceService ("Knative Serving is not available"); use KServeDeploymentMode.STANDARD or install Knative` });
  }
  const metric: string | undefined = e.object.spec?.predictor?.scaleMetric;
  if (!metric) return;
  const hpaMetric = metric === 'cpu' || metric === 'memory';
  if (hpaMetric && knative) {
    const why = annotated ? '' : ` (no '${MODE_ANNOTATION}' annotation, and the default mode of KServe on ${target.source} is ${mode}, which its webhook does not stamp)`;
    ctx.report({ entry: e, field: 'spec.predictor.scaleMetric', value: metric, message: `Knative mode${why} scales on concurrency or rps, not '${metric}'; use ScaleMetric.CONCURRENCY or deploymentMode STANDARD` });
  } else if (!hpaMetric && !knative) {
    ctx.report({ entry: e, field: 'spec.predictor.scaleMetric', value: metric, message: `Standard mode scales the predictor with an HPA on cpu or memory; '${metric}' needs Knative's autoscaler: use ScaleMetric.CPU or deploymentMode KNATIVE` });
  }
  if (hpaMetric && !target.metricsApis.resource) {
    ctx.report({ entry: e, field: 'spec.predictor.scaleMetric', value: metric, message: `the predictor's HPA reads ${metric} from metrics.k8s.io, which ${target.source} does not serve (no metrics-server); install metrics-server` });
  }
}
