import { groupKindOf } from './manifest-entry';
import type { PodTemplate } from './manifest-entry';

/**
 * Environment the operators set in the pods they create, which a program may rely on.
 * Training-operator v1 (release-1.9, unchanged since v1.9.0), every container of every replica:
 * TFJob TF_CONFIG (pkg/controller.v1/tensorflow/tensorflow.go); PyTorchJob MASTER_ADDR/MASTER_PORT/
 * WORLD_SIZE/RANK and torchrun's PET_* (pkg/controller.v1/pytorch/envvar.go); JAXJob
 * COORDINATOR_ADDRESS/PORT, NUM_PROCESSES, PROCESS_ID (pkg/controller.v1/jax/envvar.go); XGBoostJob
 * MASTER_ADDR/PORT, WORLD_SIZE, RANK, WORKER_PORT/ADDRS (pkg/controller.v1/xgboost/xgboost.go).
 * Indexed Jobs get JOB_COMPLETION_INDEX (Kubernetes v1.34).
 */
const INJECTED_ENV: Readonly<Record<string, readonly string[]>> = {
  'kubeflow.org/TFJob': ['TF_CONFIG'],
  'kubeflow.org/PyTorchJob': ['MASTER_ADDR', 'MASTER_PORT', 'WORLD_SIZE', 'RANK', 'PET_NPROC_PER_NODE', 'PET_NODE_RANK', 'PET_NNODES'],
  'kubeflow.org/JAXJob': ['COORDINATOR_ADDRESS', 'COORDINATOR_PORT', 'NUM_PROCESSES', 'PROCESS_ID', 'PYTHONUNBUFFERED'],
  'kubeflow.org/XGBoostJob': ['MASTER_ADDR', 'MASTER_PORT', 'WORLD_SIZE', 'RANK', 'PYTHONUNBUFFERED', 'WORKER_PORT', 'WORKER_ADDRS'],
  'batch/Job': ['JOB_COMPLETION_INDEX'],
};

/**
 * MPIJob launchers, first container only. Training-operator v1 (`kubeflow.org/v1`): kubectl exec as
 * the rsh agent, the hostfile and Intel MPI's bootstrap (release-1.9 pkg/controller.v1/mpi/
 * mpijob_controller.go newLauncher). mpi-operator v0.8.0 (`kubeflow.org/v2beta1`): its role, and
 * per `mpiImplementation` (default OpenMPI) the hostfile, ssh arguments and slots
 * (pkg/controller/mpi_job_controller.go newLauncherPodTemplate; workers get K_MPI_JOB_ROLE only).
 */
const MPIJOB_V1_LAUNCHER_ENV = ['OMPI_MCA_plm_rsh_agent', 'OMPI_MCA_orte_default_hostfile', 'I_MPI_HYDRA_BOOTSTRAP', 'I_MPI_HYDRA_BOOTSTRAP_EXEC'];
const MPIJOB_V2_LAUNCHER_ENV: Readonly<Record<string, readonly string[]>> = {
  OpenMPI: ['OMPI_MCA_orte_keep_fqdn_hostnames', 'OMPI_MCA_orte_default_hostfile', 'OMPI_MCA_plm_rsh_args', 'OMPI_MCA_orte_set_default_slots'],
  Intel: ['I_MPI_HYDRA_HOST_FILE', 'I_MPI_HYDRA_BOOTSTRAP_EXEC_EXTRA_ARGS', 'I_MPI_PERHOST'],
  MPICH: ['HYDRA_HOST_FILE', 'HYDRA_LAUNCH_EXTRA_ARGS'],
};

function mpiJobEnv(t: PodTemplate, c: Record<string, any>): readonly string[] {
  if (c !== t.spec.containers?.[0]) return [];
  const o = t.entry.object;
  if (o.apiVersion !== 'kubeflow.org/v2beta1') return t.role === 'Launcher' ? MPIJOB_V1_LAUNCHER_ENV : [];
  if (t.role !== 'Launcher') return ['K_MPI_JOB_ROLE'];
  return ['K_MPI_JOB_ROLE', ...(MPIJOB_V2_LAUNCHER_ENV[o.spec?.mpiImplementation ?? 'OpenMPI'] ?? [])];
}

/**
 * Kubeflow Trainer v2.3.0's framework plugins, chosen by the runtime's mlPolicy (what the plugins
 * read; the `trainer.kubeflow.org/framework` label is for clients): torch and jax set theirs in the
 * `node` container of the trainer job (label trainjob-ancestor-step: trainer) when the TrainJob has
 * a `trainer`, torch also in `mlPolicy.torch.envInjection` targets
 * (pkg/runtime/framework/plugins/torch/torch.go, plugins/jax/jax.go); MPI (OpenMPI, the only
 * implementation) in the `launcher` job's `node` or `launcher` container (plugins/mpi/mpi.go;
 * names in pkg/constants/constants.go TorchEnv*, OpenMPIEnv*).
 */
const TORCH_ENV = ['PET_NNODES', 'PET_NPROC_PER_NODE', 'PET_NODE_RANK', 'PET_MASTER_ADDR', 'PET_MASTER_PORT'];
const JAX_ENV = ['JAX_NUM_PROCESSES', 'JAX_PROCESS_ID', 'JAX_COORDINATOR_ADDRESS'];
const OPENMPI_ENV = ['OMPI_MCA_orte_default_hostfile', 'OMPI_MCA_orte_keep_fqdn_hostnames', 'OMPI_MCA_orte_set_default_slots', 'OMPI_MCA_plm_rsh_args'];

function trainJobEnv(t: PodTemplate, c: Record<string, any>): readonly string[] {
  const runtimeSpec = t.runtime?.object.spec ?? {};
  const mlPolicy: Record<string, any> = runtimeSpec.mlPolicy ?? {};
  const job = (runtimeSpec.template?.spec?.replicatedJobs ?? []).find((j: Record<string, any>) => j.name === t.role);
  const trainerNode = t.entry.object.spec?.trainer !== undefined && c.name === 'node'
    && job?.template?.metadata?.labels?.['trainer.kubeflow.org/trainjob-ancestor-step'] === 'trainer';
  const env: string[] = [];
  if (mlPolicy.torch) {
    const targeted = (mlPolicy.torch.envInjection?.targets ?? []).some((x: Record<string, any>) => x.jobName === t.role && (x.containerNames ?? []).includes(c.name));
    if (trainerNode || targeted) env.push(...TORCH_ENV);
  }
  if (mlPolicy.jax && trainerNode) env.push(...JAX_ENV);
  if (mlPolicy.mpi && (mlPolicy.mpi.mpiImplementation ?? 'OpenMPI') === 'OpenMPI' && t.role === 'launcher' && (c.name === 'node' || c.name === 'launcher')) env.push(...OPENMPI_ENV);
  return env;
}

/** The variables the operator creating `t`'s pods sets in container `c`. */
export function injectedEnv(t: PodTemplate, c: Record<string, any>): readonly string[] {
  const groupKind = groupKindOf(t.entry.object);
  if (groupKind === 'trainer.kubeflow.org/TrainJob') return trainJobEnv(t, c);
  if (groupKind === 'kubeflow.org/MPIJob') return mpiJobEnv(t, c);
  return INJECTED_ENV[groupKind] ?? [];
}
