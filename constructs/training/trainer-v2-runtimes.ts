import { ResolvedReplica } from './replica';
import { RuntimeJob, TRAINER_NODE, TrainerV2Input } from './trainer-v2';

/** The framework part of a Trainer v2 runtime: label, mlPolicy and replicated jobs. */
export type RuntimeShape = Pick<TrainerV2Input, 'framework' | 'mlPolicy' | 'jobs' | 'successPolicy' | 'network' | 'numNodes'>;

/**
 * PyTorch: one `node` job, the trainer; Trainer's torch plugin injects PET_NNODES,
 * PET_NPROC_PER_NODE, PET_NODE_RANK, PET_MASTER_ADDR, PET_MASTER_PORT for torchrun (Trainer
 * v2.3.0 pkg/runtime/framework/plugins/torch/torch.go; the built-in `torch-distributed`
 * ClusterTrainingRuntime has the same shape, charts/kubeflow-trainer/files/runtimes).
 * v2.3.0's `mlPolicy.torch` has only `envInjection`: no elastic policy
 * (pkg/apis/trainer/v1alpha1/trainingruntime_types.go TorchMLPolicySource).
 */
export function torchRuntime(node: ResolvedReplica): RuntimeShape {
  return { framework: 'torch', mlPolicy: { torch: {} }, jobs: [{ name: TRAINER_NODE, replica: node, containerName: TRAINER_NODE, trainer: true }] };
}

/**
 * JAX: one `node` job, the trainer; Trainer's jax plugin injects JAX_NUM_PROCESSES (numNodes),
 * JAX_PROCESS_ID (the Job completion index) and JAX_COORDINATOR_ADDRESS
 * (`<trainjob>-node-0-0.<trainjob>:29500`) and opens port 29500, one process per node
 * (Trainer v2.3.0 pkg/runtime/framework/plugins/jax/jax.go; built-in runtime `jax-distributed`).
 */
export function jaxRuntime(node: ResolvedReplica): RuntimeShape {
  return { framework: 'jax', mlPolicy: { jax: {} }, jobs: [{ name: TRAINER_NODE, replica: node, containerName: TRAINER_NODE, trainer: true }] };
}

/** Where Kubeflow's MPI runtime images keep SSH: user `mpiuser` (UID 1000), sshd on port 2222. */
export const MPI_SSH_AUTH_PATH = '/home/mpiuser/.ssh';
/** sshd of Kubeflow's MPI runtime images, as the built-in deepspeed/mlx runtimes start it. */
export const MPI_SSHD_COMMAND = ['/usr/sbin/sshd', '-De', '-f', '/home/mpiuser/.sshd_config'] as const;
const MPI_SSH_PORT = 2222;

/**
 * MPI (Horovod) the Trainer v2.3.0 way, shaped like its built-in `deepspeed-distributed` runtime
 * (charts/kubeflow-trainer/files/runtimes/deepspeed-distributed.yaml): `node` pods run sshd and
 * become ready on port 2222; the `launcher` (the trainer, started once every node is Ready) runs
 * mpirun, and the JobSet succeeds when the launcher does. Trainer's MPI plugin
 * (pkg/runtime/framework/plugins/mpi/mpi.go) creates the Secret `<trainjob>-mpi-ssh-auth` (an
 * ECDSA key, immutable) and the ConfigMap `<trainjob>-mpi-hostfile` (`<host> slots=<numProcPerNode>`
 * per node), mounts the keys at `sshAuthMountPath` in every `node` container, the hostfile at
 * /etc/mpi in the launcher's, and sets OMPI_MCA_orte_default_hostfile,
 * OMPI_MCA_orte_keep_fqdn_hostnames, OMPI_MCA_orte_set_default_slots and OMPI_MCA_plm_rsh_args
 * there. No kubectl, no API access, no init container: unlike the v1 MPIJob it fits Pod Security
 * `restricted` and Kueue admits it (as a TrainJob). The image must follow Kubeflow's MPI runtime
 * images (cmd/runtimes/deepspeed/Dockerfile: FROM mpioperator/base's ssh_config, sshd_config and
 * /home/mpiuser/.sshd_config, user mpiuser = UID 1000).
 */
export function mpiRuntime(launcher: ResolvedReplica, node: ResolvedReplica, slots: number): RuntimeShape {
  const sshd: RuntimeJob = {
    name: TRAINER_NODE,
    replica: node,
    containerName: TRAINER_NODE,
    patch: (t) => {
      t.spec.containers[0].ports = [{ name: 'ssh', containerPort: MPI_SSH_PORT }];
      t.spec.containers[0].readinessProbe = { tcpSocket: { port: MPI_SSH_PORT }, initialDelaySeconds: 5 };
    },
  };
  return {
    framework: 'mpi',
    // The TrainJob's numNodes sizes the `node` job (runLauncherAsNode false); the runtime's
    // mlPolicy.numNodes the launcher, one pod (renderTrainingRuntime).
    numNodes: node.replicas,
    mlPolicy: { mpi: { numProcPerNode: slots, mpiImplementation: 'OpenMPI', sshAuthMountPath: MPI_SSH_AUTH_PATH, runLauncherAsNode: false } },
    network: { publishNotReadyAddresses: true },
    successPolicy: { operator: 'All', targetReplicatedJobs: ['launcher'] },
    jobs: [sshd, { name: 'launcher', replica: launcher, containerName: TRAINER_NODE, trainer: true, dependsOn: [{ name: TRAINER_NODE, status: 'Ready' }] }],
  };
}
