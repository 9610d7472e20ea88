import { ApiObject, Duration, Lazy, Yaml } from 'cdk8s';
import * as k8s from 'cdk8s-plus-27/lib/imports/k8s';
import { Construct } from 'constructs';
import { EmbeddedManifests } from './embedded-manifests';
import { EXECUTOR_RULE, PolicyRule, verbsForAction, WorkflowServiceAccount } from './workflow-rbac';
import { ContainerTaskOptions, ResourceAction, ResourceTaskOptions, TaskOptions, WorkflowTask } from './workflow-task';
import { NodePool } from '../cluster/node-pool';
import { propError, requireInteger } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { renderContainer } from '../core/pod-template';
import { restrictedPodSecurityContext } from '../core/security';
import { VolumeAttachment } from '../core/shared-volume';
import { resourceKindOf } from '../core/workflow-resource';
import { Workflow, WorkflowSpecPodGcStrategy, WorkflowSpecTemplates, WorkflowSpecTemplatesResourceAction, WorkflowSpecTemplatesRetryStrategyLimit, WorkflowSpecTemplatesRetryStrategyRetryPolicy } from '../imports/argoproj.io';

/** Properties for `ArgoWorkflow`. */
export interface ArgoWorkflowProps {
  /** @default - the construct id */
  readonly name?: string;
  /** Default pool for container steps. */
  readonly pool: NodePool;
  /**
   * Volumes mounted into every container step.
   * @default - none
   */
  readonly volumes?: readonly VolumeAttachment[];
  /**
   * Maximum pods running at once.
   * @default - unlimited
   */
  readonly parallelism?: number;
  /**
   * Fail the whole workflow after this long.
   * @default - no deadline
   */
  readonly activeDeadline?: Duration;
  /** @default WorkflowSpecPodGcStrategy.ON_POD_SUCCESS (keep failed pods for their logs) */
  readonly podGc?: WorkflowSpecPodGcStrategy;
}

const ENTRYPOINT = 'main';
/** Label Argo requires on a memoization cache ConfigMap. */
const CACHE_LABEL = 'workflows.argoproj.io/configmap-type';

/**
 * An Argo Workflow built as a typed DAG: steps depend on step objects, resource steps create the
 * project's own constructs, and the pods' ServiceAccount gets exactly the RBAC the steps need.
 */
export class ArgoWorkflow extends Construct {
  public readonly apiObject: ApiObject;
  public readonly name: string;
  /** Scope for the constructs resource steps create; they are embedded, not emitted on their own. */
  public readonly manifests: Construct;
  public readonly serviceAccount: WorkflowServiceAccount;
  private readonly pool: NodePool;
  private readonly volumes: readonly VolumeAttachment[];
  private readonly tasks = new Map<string, WorkflowTask>();
  private readonly templates: WorkflowSpecTemplates[] = [];
  private readonly dagTasks: { name: string; template: string; depends?: string; arguments?: { parameters: { name: string; value: string }[] } }[] = [];
  private readonly rules: PolicyRule[] = [EXECUTOR_RULE];
  private cacheConfigMap?: string;

  constructor(scope: Construct, id: string, props: ArgoWorkflowProps) {
    super(scope, id);
    this.name = validateName(this, 'name', props.name ?? id);
    if (props.parallelism !== undefined) requireInteger(this, 'parallelism', props.parallelism, 1);
    this.pool = props.pool;
    this.volumes = props.volumes ?? [];
    this.manifests = new EmbeddedManifests(this, 'Manifests');
    this.serviceAccount = new WorkflowServiceAccount(this, 'ServiceAccount', { name: this.name, rules: () => this.rules });
    const volumes = dedupe(this.volumes.map((v) => v.volume));
    this.apiObject = new Workflow(this, 'Resource', {
      metadata: { name: this.name },
      spec: {
        entrypoint: ENTRYPOINT,
        serviceAccountName: this.serviceAccount.name,
        parallelism: props.parallelism,
        activeDeadlineSeconds: props.activeDeadline?.toSeconds(),
        podGc: { strategy: props.podGc ?? WorkflowSpecPodGcStrategy.ON_POD_SUCCESS },
        // Applies to every step pod, including Argo's executor sidecars.
        securityContext: k8s.toJson_PodSecurityContext(restrictedPodSecurityContext()),
        volumes: volumes.length ? volumes.map((v) => k8s.toJson_Volume(v)) : undefined,
        templates: this.templates,
      },
    });
    // The DAG template is rendered last, from every task added by then.
    this.templates.push({ name: ENTRYPOINT, dag: { tasks: this.dagTasks } });
  }

  /** Adds a step that runs a container on the workflow's (or its own) pool. */
  public addContainerTask(id: string, options: ContainerTaskOptions): WorkflowTask {
    const task = this.newTask(id, options);
    const pool = options.pool ?? this.pool;
    const container = renderContainer({
      owner: `${this.node.path}/${id}`,
      containerName: 'main',
      container: options.container,
      pool,
      volumes: options.volumes ?? this.volumes,
    });
    const tolerations = pool.tolerations();
    this.templates.push({
      name: task.name,
      inputs: this.inputsOf(options),
      memoize: options.memoize ? {
        key: options.memoize.key ?? memoKey(task.name, options.inputs),
        maxAge: `${options.memoize.maxAge.toSeconds()}s`,
        cache: { configMap: { name: this.memoCache() } },
      } : undefined,
      nodeSelector: pool.nodeSelector(),
      tolerations: tolerations.length ? tolerations.map((t) => ({ ...t })) : undefined,
      retryStrategy: this.retryOf(id, options),
      container: k8s.toJson_Container(container),
    });
    return task;
  }

  /** Adds a step that creates (or applies) a construct's object and waits for its success condition. */
  public addResourceTask(id: string, options: ResourceTaskOptions): WorkflowTask {
    const task = this.newTask(id, options);
    const resource = options.resource;
    if (!this.manifests.node.findAll().includes(resource)) {
      throw propError(`${this.node.path}/${id}`, 'resource', resource.node.path, `build the resource in this workflow's 'manifests' scope (${this.manifests.node.path}) so it is embedded instead of emitted on its own`);
    }
    const action = options.action ?? ResourceAction.CREATE;
    const { apiGroup, resource: plural } = resourceKindOf(resource.apiObject);
    this.rules.push({ apiGroup, resource: plural, verbs: verbsForAction(action) });
    this.templates.push({
      name: task.name,
      inputs: this.inputsOf(options),
      retryStrategy: this.retryOf(id, options),
      resource: {
        action: action === ResourceAction.APPLY ? WorkflowSpecTemplatesResourceAction.APPLY : WorkflowSpecTemplatesResourceAction.CREATE,
        setOwnerReference: options.setOwnerReference ?? true,
        successCondition: resource.successCondition,
        failureCondition: resource.failureCondition,
        // Rendered at synth time from the construct itself, so later changes to it are included.
        manifest: Lazy.any({ produce: () => embeddedManifest(resource.apiObject, action) }),
      },
    });
    return task;
  }

  private newTask(id: string, options: TaskOptions): WorkflowTask {
    const name = validateName(`${this.node.path}/${id}`, 'id', id, NameRule.DNS_LABEL);
    if (this.tasks.has(name)) {
      throw propError(`${this.node.path}/${id}`, 'id', id, `workflow '${this.name}' already has a step named '${name}'; step names must be unique`);
    }
    const deps = options.dependsOn ?? [];
    for (const dep of deps) {
      if (dep.owner !== this) {
        throw propError(`${this.node.path}/${id}`, 'dependsOn', dep.name, `that step belongs to another workflow; depend only on steps of '${this.name}'`);
      }
    }
    const task = new WorkflowTask(name, this, deps);
    this.tasks.set(name, task);
    this.dagTasks.push({
      name,
      template: name,
      depends: deps.length ? deps.map((d) => `${d.name}.Succeeded`).join(' && ') : undefined,
      arguments: options.inputs && Object.keys(options.inputs).length
        ? { parameters: sortedEntries(options.inputs).map(([n, value]) => ({ name: n, value })) }
        : undefined,
    });
    return task;
  }

  private inputsOf(options: TaskOptions) {
    return options.inputs && Object.keys(options.inputs).length
      ? { parameters: sortedEntries(options.inputs).map(([name]) => ({ name })) }
      : undefined;
  }

  private retryOf(id: string, options: TaskOptions) {
    if (options.retries === undefined) return undefined;
    requireInteger(`${this.node.path}/${id}`, 'retries', options.retries, 0, 20);
    return { limit: WorkflowSpecTemplatesRetryStrategyLimit.fromNumber(options.retries), retryPolicy: WorkflowSpecTemplatesRetryStrategyRetryPolicy.ON_FAILURE };
  }

  /** The memoization cache ConfigMap (created once, pre-labelled so the controller accepts it). */
  private memoCache(): string {
    if (!this.cacheConfigMap) {
      this.cacheConfigMap = `${this.name}-memo-cache`;
      new k8s.KubeConfigMap(this, 'MemoCache', {
        metadata: { name: this.cacheConfigMap, labels: { [CACHE_LABEL]: 'Cache' } },
      });
      this.rules.push({ apiGroup: '', resource: 'configmaps', verbs: ['get', 'patch', 'update'], resourceNames: [this.cacheConfigMap] });
    }
    return this.cacheConfigMap;
  }
}

/** Memo key: step name plus every input parameter, so a change of input never hits a stale entry. */
export function memoKey(step: string, inputs: Readonly<Record<string, string>> = {}): string {
  return [step, ...sortedEntries(inputs).map(([name]) => `{{inputs.parameters.${name}}}`)].join('-');
}

/**
 * The YAML an Argo resource step creates: the construct's own object. `create` steps get a
 * generated name so every run makes a fresh object; `apply` steps keep the name.
 */
export function embeddedManifest(obj: ApiObject, action: ResourceAction): string {
  const json = obj.toJson() as { metadata: Record<string, unknown> };
  if (action === ResourceAction.CREATE) {
    const { name, ...rest } = json.metadata;
    json.metadata = { generateName: `${String(name)}-`, ...rest };
  }
  return Yaml.stringify(json);
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => a.localeCompare(b));
}

function dedupe(volumes: k8s.Volume[]): k8s.Volume[] {
  return [...new Map(volumes.map((v) => [v.name, v])).values()];
}
