import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { FAULT_TOLERANCE_DEFAULTS } from './policies';
import { REPLICA_OPTIONS, ReplicaOptions, ResolvedReplica, resolveReplica, TRAINING_JOB_CHECKS, TrainingJobOptions } from './replica';
import { renderTrainingRuntime, RuntimeJob, TrainerV2Input } from './trainer-v2';
import { propError } from '../core/errors';
import { NameRule, validateName } from '../core/names';
import { instanceOf, optional, PropChecks, requireProps } from '../core/required-props';
import { ScriptBundle } from '../core/script-bundle';

/** Where every TensorFlow role mounts the launcher. */
export const TF_LAUNCHER_DIR = '/opt/tf-launcher';
export const TF_LAUNCHER_FILE = 'tf_config_launcher.py';
/** TFJob's default port (training-operator v1.9 tensorflow DefaultPort), kept for the v2 roles. */
export const TF_PORT = 2222;

/**
 * The launcher: builds TF_CONFIG from the JobSet environment, then runs the program (its
 * arguments) in its place. Trainer v2 has no TensorFlow plugin (a runtime without torch/mpi/jax
 * policy is handled by PlainML, pkg/runtime/framework/plugins/plainml/plainml.go v2.3.0, which
 * only sizes the trainer and copies the TrainJob's env), so nothing else writes TF_CONFIG.
 * - JOBSET_NAME, REPLICATED_JOB_NAME, JOB_INDEX: JobSet v0.12.0 injects no env vars; it annotates
 *   every pod with jobset.sigs.k8s.io/jobset-name, replicatedjob-name and job-index
 *   (pkg/controllers/jobset_controller.go labelAndAnnotateObject); the runtime maps them in
 *   through the downward API.
 * - JOB_COMPLETION_INDEX: the pod's index in its Indexed Job, set by the Kubernetes Job controller;
 *   JobSet's webhook defaults every replicated job to Indexed (pkg/webhooks/jobset_webhook.go).
 * - Host names `<jobset>-<replicatedJob>-<jobIndex>-<podIndex>.<jobset>`: JobSet's pod host name
 *   and default subdomain (the JobSet is named after the TrainJob); Trainer derives the same
 *   endpoints (pkg/runtime/framework/plugins/jobset/jobset.go IdentifyPodNetwork).
 * - TF_ROLES (`chief=1,ps=2,worker=2,evaluator=1`) and TF_PORT come from the runtime. The
 *   evaluator gets a task but stays out of the cluster, as with the training-operator's TFJob.
 */
export const TF_CONFIG_LAUNCHER = `"""Builds TF_CONFIG from the JobSet environment, then execs the program given as arguments."""
import json, os, sys

name = os.environ['JOBSET_NAME']
role = os.environ['REPLICATED_JOB_NAME']
job = os.environ.get('JOB_INDEX', '0')
port = os.environ.get('TF_PORT', '2222')
sizes = [(r, int(n)) for r, n in (item.split('=') for item in os.environ['TF_ROLES'].split(','))]
cluster = {r: ['%s-%s-%s-%d.%s:%s' % (name, r, job, i, name, port) for i in range(n)] for r, n in sizes if r != 'evaluator'}
task = {'type': role, 'index': int(os.environ['JOB_COMPLETION_INDEX'])}
os.environ['TF_CONFIG'] = json.dumps({'cluster': cluster, 'task': task})
print('TF_CONFIG', os.environ['TF_CONFIG'], flush=True)
if len(sys.argv) < 2:
    sys.exit('usage: tf_config_launcher.py PROGRAM [ARGS...]')
os.execvp(sys.argv[1], sys.argv[1:])
`;

/** The TensorFlow roles of a job, by TF task type (the replicated job names). */
export interface TensorFlowRoles {
  readonly chief?: ResolvedReplica;
  readonly ps?: ResolvedReplica;
  /** The trainer: its pod count is the TrainJob's numNodes. */
  readonly worker: ResolvedReplica;
  readonly evaluator?: ResolvedReplica;
}

const ROLE_ORDER = ['chief', 'ps', 'worker', 'evaluator'] as const;
const annotationEnv = (name: string, key: string) => ({ name, valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${key}']` } } });

/**
 * The launcher as a ConfigMap (ScriptBundle) named `<name>-tf-launcher`, owned by `scope`: a
 * workflow step applies it with its TrainJob, a chart deploys it with its jobs. A
 * ClusterTrainingRuntime refers to it by name, so it must exist in each namespace of its TrainJobs.
 */
export function tfConfigLauncher(scope: Construct, name: string): ScriptBundle {
  return new ScriptBundle(scope, 'tf-launcher', {
    name: `${name}-tf-launcher`, files: { [TF_LAUNCHER_FILE]: TF_CONFIG_LAUNCHER },
    // It execs the rest of argv with TF_CONFIG set: the checks judge that program instead.
    programs: { [TF_LAUNCHER_FILE]: { launches: { env: ['TF_CONFIG'] } } },
  });
}

/**
 * The runtime shape of a TensorFlow job: one replicated job per role (`chief`, `ps`, `worker`,
 * `evaluator`), each container started by the launcher with the role's own command. Success
 * follows the training-operator's TFJob rule: the chief when there is one (JobSet successPolicy
 * on `chief`), else worker 0 (a Job successPolicy on index 0, Kubernetes ≥ 1.33) or, with
 * `allWorkers`, every worker. JobSet deletes the still-active Jobs (the parameter servers) once
 * it finishes (jobset v0.12.0 pkg/controllers/jobset_controller.go, jobSetFinished → deleteJobs).
 */
export function tensorflowJobs(scope: Construct, job: TrainingJobOptions, roles: TensorFlowRoles, launcher: ScriptBundle, allWorkers: boolean): Pick<TrainerV2Input, 'jobs' | 'successPolicy' | 'framework' | 'mlPolicy'> {
  const present = ROLE_ORDER.filter((r) => roles[r] !== undefined);
  const sizes = present.map((r) => `${r}=${roles[r]!.replicas}`).join(',');
  const launcherPath = launcher.path(TF_LAUNCHER_DIR, TF_LAUNCHER_FILE);
  const jobs: RuntimeJob[] = present.map((r) => {
    const replica = roles[r]!;
    const program = [...(replica.options.command ?? job.command ?? []), ...(replica.options.args ?? job.args ?? [])];
    if (!program.length) {
      throw propError(scope, replica.options.command ? `${replica.prop}.command` : 'command', replica.options.command ?? job.command, 'the TF_CONFIG launcher runs the program given as its arguments: give the program command (e.g. python train.py)');
    }
    return {
      name: r,
      containerName: r === 'worker' ? 'node' : r,
      trainer: r === 'worker',
      replica: { ...replica, options: { ...replica.options, command: ['python', launcherPath, ...program], args: [] } },
      jobSpec: r === 'worker' && !roles.chief && !allWorkers ? { successPolicy: { rules: [{ succeededIndexes: '0' }] } } : undefined,
      patch: (t) => {
        const c = t.spec.containers[0];
        c.ports = [{ name: 'tf', containerPort: TF_PORT }];
        c.env = [
          ...(c.env ?? []),
          { name: 'TF_ROLES', value: sizes },
          { name: 'TF_PORT', value: String(TF_PORT) },
          annotationEnv('JOBSET_NAME', 'jobset.sigs.k8s.io/jobset-name'),
          annotationEnv('REPLICATED_JOB_NAME', 'jobset.sigs.k8s.io/replicatedjob-name'),
          annotationEnv('JOB_INDEX', 'jobset.sigs.k8s.io/job-index'),
        ];
      },
    };
  });
  return {
    framework: 'tensorflow',
    mlPolicy: {},
    jobs,
    successPolicy: { operator: 'All', targetReplicatedJobs: [roles.chief ? 'chief' : 'worker'] },
  };
}

/** Options of `TensorFlowTrainingRuntime`: the job options every role shares, and the roles. */
export interface TensorFlowTrainingRuntimeProps extends TrainingJobOptions {
  /** The launcher ConfigMap (`tfConfigLauncher`) the roles mount; it must exist in the TrainJobs' namespace. */
  readonly launcher: ScriptBundle;
  /** Workers (the trainer: TrainJobs on this runtime keep numNodes equal to it). @default 2 */
  readonly workers?: number;
  /** @default - the job's command and resources, no GPUs */
  readonly worker?: ReplicaOptions;
  /** Parameter servers. @default - none (multi-worker all-reduce) */
  readonly ps?: ReplicaOptions;
  /** A chief (one replica). @default - none */
  readonly chief?: ReplicaOptions;
  /** An evaluator (one replica). @default - none */
  readonly evaluator?: ReplicaOptions;
  /** Success when every worker succeeds (TFJob AllWorkers) instead of worker 0 (no effect with a chief). @default false */
  readonly allWorkers?: boolean;
}

const RUNTIME_CHECKS: PropChecks<TensorFlowTrainingRuntimeProps> = {
  ...TRAINING_JOB_CHECKS,
  launcher: instanceOf(ScriptBundle, 'a ScriptBundle from tfConfigLauncher()'),
  workers: optional('number'),
  worker: optional(REPLICA_OPTIONS),
  ps: optional(REPLICA_OPTIONS),
  chief: optional(REPLICA_OPTIONS),
  evaluator: optional(REPLICA_OPTIONS),
  allWorkers: optional('boolean'),
};

/**
 * A plain (no ML policy) TensorFlow `ClusterTrainingRuntime`: Trainer v2 ships none (TensorFlow
 * was dropped), so the project does. TrainJobs that refer to it keep `numNodes` equal to its
 * workers: every role reads the role sizes from the runtime's TF_ROLES, and a TrainJob's env
 * reaches only the trainer (worker) containers. Each job construct with
 * `output: TrainingApi.TRAINER_V2` renders the same shape as its own namespaced TrainingRuntime.
 */
export class TensorFlowTrainingRuntime extends Construct {
  public readonly name: string;
  /** The ClusterTrainingRuntime. */
  public readonly apiObject: ApiObject;

  constructor(scope: Construct, id: string, props: TensorFlowTrainingRuntimeProps) {
    super(scope, id);
    requireProps(this, props, RUNTIME_CHECKS);
    this.name = validateName(this, 'name', props.name ?? id, NameRule.DNS_LABEL);
    const role = (type: string, prop: string, options: ReplicaOptions | undefined, replicas: number, max?: number) =>
      options ? resolveReplica(this, props, type, prop, options, { replicas, max }) : undefined;
    const roles: TensorFlowRoles = {
      chief: role('Chief', 'chief', props.chief, 1, 1),
      ps: role('PS', 'ps', props.ps, 1),
      worker: resolveReplica(this, props, 'Worker', 'worker', props.worker ?? {}, { replicas: props.workers ?? 2 }),
      evaluator: role('Evaluator', 'evaluator', props.evaluator, 1, 1),
    };
    const shape = tensorflowJobs(this, props, roles, props.launcher, props.allWorkers ?? false);
    const job = { ...props, volumes: [...(props.volumes ?? []), props.launcher.mount(TF_LAUNCHER_DIR)] };
    this.apiObject = renderTrainingRuntime(this, {
      ...shape, name: this.name, job, restartPolicy: props.restartPolicy ?? FAULT_TOLERANCE_DEFAULTS.restartPolicy, clusterScoped: true,
    }).runtime;
  }
}
