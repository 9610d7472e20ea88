import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { EmbeddedManifests } from './embedded-manifests';
import { checkReferences } from './reference-checks';
import { renderRetry } from './retry';
import { DagEntry, embeddedManifest, memoKey, memoKeyProblem, renderDagTask, renderInputs, renderOutputs } from './template-render';
import { ARTIFACT_GC_RULES, EXECUTOR_RULE, PolicyRule, verbsForAction, WorkflowServiceAccount } from './workflow-rbac';
import { WorkflowParameter } from './workflow-io';
import {
  CONTAINER_TASK_CHECKS, ContainerTaskOptions, EXIT_HANDLER_CHECKS, ExitHandlerOptions, RESOURCE_TASK_CHECKS, ResourceAction, ResourceTaskOptions, TaskOptions, WorkflowTask,
} from './workflow-task';
import { NodePool, NODE_POOL } from '../cluster/node-pool';
import { groupKind, RUNS_TO_COMPLETION_KINDS } from '../core/api-groups';
import { withDefaults } from '../core/defaults';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { containerVolumes, renderContainer } from '../core/pod-template';
import { DURATION, LOCAL_QUEUE, PRIORITY_CLASS, STRINGS, VOLUME_ATTACHMENTS } from '../core/prop-checks';
import { oneOf, optional, PropChecks, requireProps, requireValue, shape } from '../core/required-props';
import { IPriorityClass, ILocalQueue, KUEUE_QUEUE_LABEL } from '../core/scheduling';
import { restrictedPodSecurityContext } from '../core/security';
import { VolumeAttachment } from '../core/volume-types';
import { applyRank } from '../core/apply-order';
import { IWorkflowResource, recordEmbeddingStep, resourceKindOf } from '../core/workflow-resource';
import { NamespaceNetwork } from '../operations/network/namespace-network';
import { PodGroup } from '../operations/network/pod-groups-and-peers';
import { argoStepNeeds, argoWorkflowNeeds, internetPorts, WORKFLOW_STEP_LABEL } from '../operations/network/workload-traffic';
import {
  WorkflowSpec, WorkflowSpecArtifactGcStrategy, WorkflowSpecPodGcStrategy, WorkflowSpecTemplates,
  WorkflowSpecTemplatesActiveDeadlineSeconds, WorkflowSpecTemplatesResourceAction,
} from '../imports/argoproj.io';

/** When Argo deletes the artifacts a workflow produced. */
export enum ArtifactGc {
  ON_WORKFLOW_COMPLETION = 'OnWorkflowCompletion',
  ON_WORKFLOW_DELETION = 'OnWorkflowDeletion',
}

/** Properties shared by `ArgoWorkflow`, `ArgoWorkflowTemplate` and `ArgoCronWorkflow`. */
export interface WorkflowDefinitionProps {
  /** @default - the construct id */
  readonly name?: string;
  /** Default pool for container steps: yields their nodeSelector, tolerations and GPUs. */
  readonly pool: NodePool;
  /** @default - none: volumes mounted into every container step */
  readonly volumes?: readonly VolumeAttachment[];
  /** Maximum pods running at once (bounds every fan-out). @default - unlimited */
  readonly parallelism?: number;
  /** Fail the whole workflow after this long. @default - no deadline */
  readonly activeDeadline?: Duration;
  /** @default WorkflowSpecPodGcStrategy.ON_POD_SUCCESS (keep failed pods for their logs) */
  readonly podGc?: WorkflowSpecPodGcStrategy;
  /** Priority of every step pod (`podPriorityClassName`). @default - the cluster default priority */
  readonly priorityClass?: IPriorityClass;
  /**
   * Kueue LocalQueue admitting every step pod (Kueue's plain-pod integration; Kueue cannot admit
   * a whole Argo workflow, kueue#74). Must be in the workflow's namespace.
   * @default - pods are not queued
   */
  readonly queue?: ILocalQueue;
  /** Delete the workflow's artifacts on completion or deletion. @default - artifacts are kept */
  readonly artifactGc?: ArtifactGc;
}

const DEFAULTS = Object.freeze({ volumes: [] as readonly VolumeAttachment[], podGc: WorkflowSpecPodGcStrategy.ON_POD_SUCCESS });

/** Run-time checks of the props every workflow kind shares (subclasses check their own on top). */
const PROP_CHECKS: PropChecks<WorkflowDefinitionProps> = {
  name: optional('string'),
  pool: NODE_POOL,
  volumes: optional(VOLUME_ATTACHMENTS),
  parallelism: optional('number'),
  activeDeadline: optional(DURATION),
  podGc: optional(oneOf(WorkflowSpecPodGcStrategy, 'WorkflowSpecPodGcStrategy')),
  priorityClass: optional(PRIORITY_CLASS),
  queue: optional(LOCAL_QUEUE),
  artifactGc: optional(oneOf(ArtifactGc, 'ArtifactGc')),
};
const PARAMETER_OPTIONS = shape<{ readonly value?: string; readonly description?: string; readonly enum?: readonly string[] }>({
  value: optional('string'), description: optional('string'), enum: optional(STRINGS),
}, 'parameter options ({ value, description, enum })');
const ENTRYPOINT = 'main';
const EXIT_TEMPLATE = 'exit-handler';
/** Label Argo requires on a memoization cache ConfigMap. */
const CACHE_LABEL = 'workflows.argoproj.io/configmap-type';

/**
 * Kinds a pipeline deploys to keep serving after its run: owned by the Workflow, they would be
 * garbage-collected with it (`argo delete`, a ttlStrategy), so their steps set no owner reference
 * unless asked (the semantic check workload-image warns when one does).
 */
const OUTLIVES_ITS_RUN = new Set(['serving.kserve.io/InferenceService', 'apps/Deployment', 'apps/StatefulSet', '/Service']);

/**
 * A typed Argo DAG, the part Workflow, WorkflowTemplate and CronWorkflow share: steps, their
 * templates, the memo cache and the least-privilege ServiceAccount. Subclasses only wrap
 * `renderSpec()` into their kind. Everything is checked when a step is added.
 */
export abstract class WorkflowDefinition extends Construct {
  public readonly name: string;
  /** Scope for the constructs resource steps create; they are embedded, not emitted on their own. */
  public readonly manifests: Construct;
  public readonly serviceAccount: WorkflowServiceAccount;
  /** The pods of every step (a `NetworkPeer.group` for services the steps call). */
  public readonly network: PodGroup;
  private readonly props: ReturnType<typeof withDefaults<typeof DEFAULTS, WorkflowDefinitionProps>>;
  private readonly tasks = new Map<string, WorkflowTask>();
  private readonly entries: DagEntry[] = [];
  private readonly templates: WorkflowSpecTemplates[] = [];
  private readonly parameters = new Map<string, { value?: string; description?: string; enum?: readonly string[] }>();
  private readonly rules: PolicyRule[] = [EXECUTOR_RULE];
  private cacheConfigMap?: string;
  private exitHandler = false;

  protected constructor(scope: Construct, id: string, props: WorkflowDefinitionProps, maxNameLength = 253) {
    super(scope, id);
    requireProps(this, props, PROP_CHECKS);
    this.props = withDefaults(DEFAULTS, props);
    this.name = validateName(this, 'name', props.name ?? id);
    if (this.name.length > maxNameLength) throw propError(this, 'name', this.name, `use at most ${maxNameLength} characters (Argo appends a suffix)`);
    if (props.parallelism !== undefined) requireInteger(this, 'parallelism', props.parallelism, 1);
    if (props.activeDeadline && !(props.activeDeadline.toSeconds() > 0)) throw propError(this, 'activeDeadline', `${props.activeDeadline.toSeconds()}s`, 'use a positive duration');
    const namespace = Chart.of(this).namespace;
    if (props.queue && props.queue.namespace !== namespace) {
      throw propError(this, 'queue', props.queue.name, `the queue is in namespace '${props.queue.namespace}' but the workflow in '${namespace ?? '<none>'}'; use a LocalQueue of the workflow's namespace`);
    }
    if (props.artifactGc) this.rules.push(...ARTIFACT_GC_RULES);
    this.manifests = new EmbeddedManifests(this, 'Manifests');
    this.serviceAccount = new WorkflowServiceAccount(this, 'ServiceAccount', { name: this.name, rules: () => this.rules });
    // Every step pod's executor calls the API server; steps that download add internet egress.
    this.network = NamespaceNetwork.of(this).group(this, argoWorkflowNeeds(this.name));
  }

  /** Declares a workflow parameter (`spec.arguments`); steps read it through the returned reference. */
  public addParameter(name: string, options: { readonly value?: string; readonly description?: string; readonly enum?: readonly string[] } = {}): WorkflowParameter {
    validateName(`${this.node.path}/${name}`, 'parameter', name, NameRule.DNS_LABEL);
    requireValue(`${this.node.path}/${name}`, 'options', options, PARAMETER_OPTIONS);
    if (this.parameters.has(name)) throw propError(this, 'parameter', name, `workflow '${this.name}' already declares it; parameter names must be unique`);
    if (options.enum && options.value !== undefined && !options.enum.includes(options.value)) {
      throw propError(this, `parameters.${name}.value`, options.value, `use one of its enum values: ${options.enum.join(', ')}`);
    }
    this.parameters.set(name, options);
    return new WorkflowParameter(this, name);
  }

  /** True when `name` is a declared workflow parameter. */
  public hasParameter(name: string): boolean {
    return this.parameters.has(name);
  }

  /** Adds a step that runs a container on the workflow's (or its own) pool. */
  public addContainerTask(id: string, options: ContainerTaskOptions): WorkflowTask {
    requireProps(`${this.node.path}/${id}`, options, CONTAINER_TASK_CHECKS);
    const task = this.newTask(id, options);
    const pool = options.pool ?? this.props.pool;
    const key = options.memoize ? options.memoize.key ?? memoKey(task.name, options.inputs) : undefined;
    const keyProblem = key === undefined ? '' : memoKeyProblem(key);
    if (keyProblem) throw propError(task.path, 'memoize.key', key, keyProblem);
    this.templates.push({
      name: task.name,
      inputs: renderInputs(options.inputs, options.inputArtifacts),
      outputs: renderOutputs(options.outputs),
      memoize: key !== undefined && options.memoize ? {
        key,
        maxAge: `${options.memoize.maxAge.toSeconds()}s`,
        cache: { configMap: { name: this.memoCache() } },
      } : undefined,
      ...this.podTemplateFields(task.path, pool, options, task.name),
    });
    return task;
  }

  /** Adds a step that creates (or applies) a construct's object and, by default, waits for it. */
  public addResourceTask(id: string, options: ResourceTaskOptions): WorkflowTask {
    const path = `${this.node.path}/${id}`;
    requireProps(path, options, RESOURCE_TASK_CHECKS);
    const resource = options.resource;
    if (!this.manifests.node.findAll().includes(resource)) {
      throw propError(path, 'resource', resource.node.path, `build the resource in this workflow's 'manifests' scope (${this.manifests.node.path}) so it is embedded instead of emitted on its own`);
    }
    if (options.outputs?.artifacts && Object.keys(options.outputs.artifacts).length) {
      throw propError(path, 'outputs.artifacts', Object.keys(options.outputs.artifacts), 'resource steps run no container of yours; only container steps produce artifacts');
    }
    const fileOutput = Object.entries(options.outputs?.parameters ?? {}).find(([, from]) => from.source === 'file');
    if (fileOutput) throw propError(path, `outputs.parameters.${fileOutput[0]}`, fileOutput[1].value, 'resource steps read outputs from the object; use OutputFrom.jsonPath');
    if ((options as { memoize?: unknown }).memoize !== undefined) {
      throw propError(path, 'memoize', (options as { memoize?: unknown }).memoize, 'Argo memoizes a step by its outputs; a resource step creates or applies an object each run: memoize the container step that produces its input, or use a container step');
    }
    // Every object of the construct is deployed, in apply order around the primary one (a
    // Service/ConfigMap before its Deployment, an HPA/PDB after it).
    const objects = resource.node.findAll().filter((c): c is ApiObject => c instanceof ApiObject);
    const companions = objects.filter((o) => o !== resource.apiObject);
    // Objects that refer to each other by name keep their names: applied unless told otherwise.
    const action = options.action ?? (companions.length ? ResourceAction.APPLY : ResourceAction.CREATE);
    if (companions.length && action === ResourceAction.CREATE) {
      throw propError(path, 'action', action, `'${resource.node.path}' deploys ${objects.length} objects (${objects.map((o) => o.kind).join(', ')}) that refer to each other by name; use ResourceAction.APPLY so their names stay stable`);
    }
    const primaryRank = applyRank(resource.apiObject);
    const before = companions.filter((o) => applyRank(o) <= primaryRank);
    const after = companions.filter((o) => applyRank(o) > primaryRank);
    const companion = (o: ApiObject, i: number, dependsOn: readonly WorkflowTask[] | undefined) => {
      const t = this.newTask(`${id}-${o.kind.toLowerCase()}${companions.filter((c) => c.kind === o.kind).length > 1 ? `-${i}` : ''}`, { dependsOn }, JSON.stringify(o.toJson()));
      recordEmbeddingStep(o, t.name);
      this.pushResourceTemplate(t, o, action, options, undefined);
      return t;
    };
    const first = before.map((o, i) => companion(o, i, options.dependsOn));
    const task = this.newTask(id, first.length ? { ...options, dependsOn: [...(options.dependsOn ?? []), ...first] } : options, JSON.stringify(resource.apiObject.toJson()));
    recordEmbeddingStep(resource.apiObject, task.name);
    const wait = options.waitForCompletion ?? true;
    // An object that runs to completion is created afresh each run, whatever the companions' action:
    // applied under a fixed name, a re-run (or a retry) would find the last run's finished object,
    // change nothing and take its Complete (or Failed) status as its own.
    const primaryAction = RUNS_TO_COMPLETION_KINDS.has(groupKind(resource.apiObject)) ? ResourceAction.CREATE : action;
    this.pushResourceTemplate(task, resource.apiObject, primaryAction, options, wait ? resource : undefined);
    for (const [i, o] of after.entries()) companion(o, i, [task]);
    return task;
  }

  /** One resource template: the object's manifest, its RBAC, and the conditions it waits on. */
  private pushResourceTemplate(task: WorkflowTask, obj: ApiObject, action: ResourceAction, options: ResourceTaskOptions, waitOn: IWorkflowResource | undefined): void {
    const { apiGroup, resource: plural } = resourceKindOf(obj);
    this.rules.push({ apiGroup, resource: plural, verbs: verbsForAction(action) });
    const primary = waitOn !== undefined || obj === options.resource.apiObject;
    this.templates.push({
      name: task.name,
      inputs: primary ? renderInputs(options.inputs) : undefined,
      outputs: primary ? renderOutputs(options.outputs) : undefined,
      retryStrategy: renderRetry(task.path, options.retry),
      activeDeadlineSeconds: this.timeoutOf(task.path, options),
      resource: {
        action: action === ResourceAction.APPLY ? WorkflowSpecTemplatesResourceAction.APPLY : WorkflowSpecTemplatesResourceAction.CREATE,
        setOwnerReference: options.setOwnerReference ?? !OUTLIVES_ITS_RUN.has(groupKind(obj)),
        successCondition: waitOn?.successCondition,
        failureCondition: waitOn?.failureCondition,
        // Rendered at synth time from the construct itself, so later changes to it are included.
        manifest: Lazy.any({ produce: () => embeddedManifest(obj, action) }),
      },
    });
  }

  /**
   * Sets the exit handler (`onExit`): a container that runs once the DAG is done, succeeded or
   * not, for cleanup or notification (`WorkflowVariables.STATUS` says how it ended).
   */
  public addExitHandler(options: ExitHandlerOptions): void {
    const path = `${this.node.path}/${EXIT_TEMPLATE}`;
    requireProps(path, options, EXIT_HANDLER_CHECKS);
    if (this.exitHandler) throw propError(path, 'onExit', EXIT_TEMPLATE, `workflow '${this.name}' already has an exit handler; Argo runs one per workflow`);
    checkReferences(this, path, options, undefined, this.scanText(options));
    this.exitHandler = true;
    // onExit templates get no DAG arguments: their inputs carry the values themselves.
    const values = options.inputs ?? {};
    const names = Object.keys(values).sort((a, b) => a.localeCompare(b));
    this.templates.push({
      name: EXIT_TEMPLATE,
      inputs: names.length ? { parameters: names.map((name) => ({ name, value: String(values[name]) })) } : undefined,
      ...this.podTemplateFields(path, options.pool ?? this.props.pool, options, EXIT_TEMPLATE),
    });
  }

  /** The tasks added so far, in order. */
  public get steps(): readonly WorkflowTask[] {
    return [...this.tasks.values()];
  }

  /** The spec shared by every wrapper kind; called lazily at synth time. */
  protected renderSpec(): WorkflowSpec {
    const volumes = [...new Map(this.props.volumes.map((v) => [v.volume.name, v.volume])).values()];
    const params = [...this.parameters.entries()];
    return {
      entrypoint: ENTRYPOINT,
      onExit: this.exitHandler ? EXIT_TEMPLATE : undefined,
      serviceAccountName: this.serviceAccount.name,
      arguments: params.length ? { parameters: params.map(([name, p]) => ({ name, value: p.value, description: p.description, enum: p.enum ? [...p.enum] : undefined })) } : undefined,
      parallelism: this.props.parallelism,
      activeDeadlineSeconds: this.props.activeDeadline?.toSeconds(),
      podGc: { strategy: this.props.podGc },
      podPriorityClassName: this.props.priorityClass?.name,
      podMetadata: { labels: { ...this.network.podLabels, ...(this.props.queue ? { [KUEUE_QUEUE_LABEL]: this.props.queue.name } : {}) } },
      artifactGc: this.props.artifactGc ? { strategy: ARTIFACT_GC[this.props.artifactGc], serviceAccountName: this.serviceAccount.name } : undefined,
      // Applies to every step pod, including Argo's executor sidecars.
      securityContext: k8s.toJson_PodSecurityContext(restrictedPodSecurityContext()),
      volumes: volumes.length ? volumes.map((v) => k8s.toJson_Volume(v)) : undefined,
      templates: [{ name: ENTRYPOINT, dag: { tasks: this.entries.map(renderDagTask) } }, ...this.templates],
    };
  }

  private newTask(id: string, options: TaskOptions, extraText = ''): WorkflowTask {
    const path = `${this.node.path}/${id}`;
    const name = validateName(path, 'id', id, NameRule.DNS_LABEL);
    if (this.tasks.has(name) || name === ENTRYPOINT || name === EXIT_TEMPLATE) {
      throw propError(path, 'id', id, `workflow '${this.name}' already has a step or template named '${name}'; step names must be unique`);
    }
    if (options.dependsOn?.length && options.depends) {
      throw propError(path, 'depends', options.depends.toString(), `it cannot be combined with dependsOn (${options.dependsOn.map((d) => d.name).join(', ')}); put every step into the expression`);
    }
    const deps = options.depends ? [...new Set(options.depends.tasks)] as WorkflowTask[] : [...(options.dependsOn ?? [])];
    const task = new WorkflowTask(name, path, this, deps, options.depends, options.fanOut, options.outputs ?? {});
    checkReferences(this, path, options, task, this.scanText(options) + extraText);
    this.tasks.set(name, task);
    this.entries.push({ task, inputs: options.inputs ?? {}, inputArtifacts: options.inputArtifacts ?? {} });
    return task;
  }

  /** Text in which a step may use `{{inputs.parameters.x}}` and friends. */
  private scanText(options: Partial<ContainerTaskOptions>): string {
    const c = options.container;
    return c ? JSON.stringify([c.command, c.args, c.env]) : '';
  }

  private podTemplateFields(path: string, pool: NodePool, options: Omit<ContainerTaskOptions, 'container'> & Pick<ContainerTaskOptions, 'container'>, step: string): Partial<WorkflowSpecTemplates> {
    const containerOptions = { owner: path, containerName: 'main', container: options.container, pool, volumes: options.volumes ?? this.props.volumes };
    const container = renderContainer(containerOptions);
    // The workflow's volumes are on the spec; what the container alone needs (a derived working directory) on its template.
    const ownVolumes = containerVolumes(containerOptions);
    const tolerations = pool.tolerations();
    // A step that downloads is its own pod group (workflow labels + step label) with internet egress.
    if (options.internetEgress) NamespaceNetwork.of(this).group(this, argoStepNeeds(this.name, step, internetPorts(true)));
    return {
      metadata: options.internetEgress ? { labels: { [WORKFLOW_STEP_LABEL]: step } } : undefined,
      nodeSelector: pool.nodeSelector(),
      tolerations: tolerations.length ? tolerations.map((t) => ({ ...t })) : undefined,
      retryStrategy: renderRetry(path, options.retry),
      activeDeadlineSeconds: this.timeoutOf(path, options),
      container: k8s.toJson_Container(container),
      volumes: ownVolumes.length ? ownVolumes.map((v) => k8s.toJson_Volume(v)) : undefined,
    };
  }

  private timeoutOf(path: string, options: TaskOptions): WorkflowSpecTemplatesActiveDeadlineSeconds | undefined {
    if (!options.timeout) return undefined;
    const seconds = options.timeout.toMilliseconds() / 1000;
    if (!Number.isInteger(seconds) || seconds < 1) throw propError(path, 'timeout', `${seconds}s`, 'use a whole number of seconds >= 1');
    return WorkflowSpecTemplatesActiveDeadlineSeconds.fromNumber(seconds);
  }

  /**
   * The memoization cache ConfigMap (created once, pre-labelled so the controller accepts it). The
   * workflow's ServiceAccount gets no access to it: only the controller reads and saves the cache,
   * with its own client (argo-workflows v4.0.5 workflow/controller/cache/configmap_cache.go), so
   * step pods need none and must not be able to rewrite it.
   */
  private memoCache(): string {
    if (!this.cacheConfigMap) {
      this.cacheConfigMap = `${this.name}-memo-cache`;
      new k8s.KubeConfigMap(this, 'MemoCache', { metadata: { name: this.cacheConfigMap, labels: { [CACHE_LABEL]: 'Cache' } } });
    }
    return this.cacheConfigMap;
  }
}

const ARTIFACT_GC: Readonly<Record<ArtifactGc, WorkflowSpecArtifactGcStrategy>> = Object.freeze({
  [ArtifactGc.ON_WORKFLOW_COMPLETION]: WorkflowSpecArtifactGcStrategy.ON_WORKFLOW_COMPLETION,
  [ArtifactGc.ON_WORKFLOW_DELETION]: WorkflowSpecArtifactGcStrategy.ON_WORKFLOW_DELETION,
});
