// How verify-cluster runs the operators as local processes: the stack's Kueue Configuration with
// only the process-level fields replaced, and the training-operator's command line. Pure
// functions (unit-tested by test/verify/cluster/).

import type { KubeObject } from '../core/objects';

/**
 * Fields of Kueue's Configuration that describe the process, not the platform's policy: they are
 * replaced for a local process (webhook on 127.0.0.1 with our certificate, no metrics server, no
 * leader election, no internal cert rotation, since the rotator's certificate would only name the
 * in-cluster Service). Everything else (integrations, fairSharing, waitForPodsReady, resources,
 * ...) is the stack's, unchanged.
 */
export const KUEUE_PROCESS_FIELDS = ['health', 'metrics', 'webhook', 'leaderElection', 'internalCertManagement'];

export function kueueRuntimeConfiguration(
  stackConfiguration: KubeObject | undefined,
  { healthPort, webhookPort, certDir }: { healthPort: number; webhookPort: number; certDir: string },
): { replaced: string[]; configuration: KubeObject } {
  const cfg = JSON.parse(JSON.stringify(stackConfiguration || {}));
  if (cfg.apiVersion && cfg.apiVersion !== 'config.kueue.x-k8s.io/v1beta2') {
    throw new Error(`Kueue Configuration apiVersion ${cfg.apiVersion} is not supported here; use config.kueue.x-k8s.io/v1beta2 (Kueue v0.19)`);
  }
  const replaced = KUEUE_PROCESS_FIELDS.filter((k) => cfg[k] !== undefined);
  return {
    replaced,
    configuration: {
      ...cfg,
      apiVersion: 'config.kueue.x-k8s.io/v1beta2',
      kind: 'Configuration',
      namespace: cfg.namespace || 'kueue-system',
      health: { healthProbeBindAddress: `127.0.0.1:${healthPort}` },
      metrics: { bindAddress: '0' },
      webhook: { host: '127.0.0.1', port: webhookPort, certDir },
      leaderElection: { leaderElect: false },
      internalCertManagement: { enable: false },
    },
  };
}

/** Frameworks the Kueue Configuration enables (`integrations.frameworks`). */
export function kueueFrameworks(configuration: KubeObject | undefined): string[] {
  return (configuration?.integrations?.frameworks || []).slice();
}

/**
 * Kueue framework name of a workload kind, as Kueue's integrations name them (v0.19
 * pkg/controller/jobs/*: `batch/job`, `kubeflow.org/pytorchjob`, ...). kubeflow.org MPIJob is
 * Kueue's `kubeflow.org/mpijob` only for mpi-operator's v2beta1; the training-operator's v1 MPIJob
 * has no Kueue integration.
 */
export function kueueFrameworkOf(group: string, version: string, kind: string): string | undefined {
  if (group === 'batch' && kind === 'Job') return 'batch/job';
  if (group === '' && kind === 'Pod') return 'pod';
  if (group === 'apps' && kind === 'Deployment') return 'deployment';
  if (group === 'apps' && kind === 'StatefulSet') return 'statefulset';
  if (group === 'kubeflow.org' && kind === 'MPIJob') return version === 'v2beta1' ? 'kubeflow.org/mpijob' : undefined;
  if (group === 'kubeflow.org') return `kubeflow.org/${kind.toLowerCase()}`;
  if (group === 'trainer.kubeflow.org' && kind === 'TrainJob') return 'trainer.kubeflow.org/trainjob';
  if (group === 'jobset.x-k8s.io' && kind === 'JobSet') return 'jobset.x-k8s.io/jobset';
  if (group === 'leaderworkerset.x-k8s.io' && kind === 'LeaderWorkerSet') return 'leaderworkerset.x-k8s.io/leaderworkerset';
  if (group === 'ray.io') return `ray.io/${kind.toLowerCase()}`;
  return undefined;
}

/** Flags whose value the harness owns (ports, probes); the stack must not set them. */
const TRAINING_OPERATOR_PROCESS_FLAGS = ['--metrics-bind-address', '--health-probe-bind-address', '--webhook-server-port', '--leader-elect'];
const TEMPLATE_FILE_FLAG = '--pytorch-init-container-template-file';

/**
 * The training-operator's command line: the process flags, then the stack's flags unchanged,
 * except that the stack's `--pytorch-init-container-template-file` (a path in the operator's pod,
 * where the stack mounts the template) points at the file the harness wrote from the same template.
 */
export function trainingOperatorCommandLine(
  stackArgs: readonly string[],
  { healthPort, webhookPort, initTemplateFile }: { healthPort: number; webhookPort: number; initTemplateFile?: string },
): string[] {
  const args = stackArgs.map((a) => {
    const [flag] = String(a).split('=');
    if (TRAINING_OPERATOR_PROCESS_FLAGS.includes(flag)) {
      throw new Error(`training-operator flag ${flag} from the stack is set by the harness itself (it runs the operator as a local process); remove it from trainingOperatorArgs or tell the harness how to map it`);
    }
    if (flag !== TEMPLATE_FILE_FLAG) return a;
    if (!initTemplateFile) throw new Error(`the stack passes ${TEMPLATE_FILE_FLAG} but no pytorchInitContainerTemplate to write to it`);
    return `${TEMPLATE_FILE_FLAG}=${initTemplateFile}`;
  });
  return [
    '--metrics-bind-address=0',
    `--health-probe-bind-address=127.0.0.1:${healthPort}`,
    `--webhook-server-port=${webhookPort}`,
    '--leader-elect=false',
    ...args,
  ];
}

/** `--flag value` or `--flag=value` of a command line, or undefined. */
export function flagValue(args: readonly string[], flag: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = String(args[i]);
    if (a === flag) return args[i + 1];
    if (a.startsWith(`${flag}=`)) return a.slice(flag.length + 1);
  }
  return undefined;
}

/** `--gang-scheduler-name` of the training-operator's flags, or undefined (also when empty). */
export function gangSchedulerName(args: readonly string[]): string | undefined {
  return flagValue(args, '--gang-scheduler-name') || undefined;
}
