import { findingsOf, problemsOf, workflow } from './check-helpers';
import { programContract } from '../../../constructs/checks/rules/program-contract';
import { ContainerImage } from '../../../constructs/core/image';
import { PROGRAM_FACTS_ANNOTATION } from '../../../constructs/core/program-facts';

const BOOK = 'kubeflow/multi-worker-strategy:v0.1';
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
const step = (name: string, command: string[], { container, ...extra }: Record<string, any> = {}) => ({ name, container: { name: 'main', image: BOOK, command, ...container }, ...extra });
const tfjob = (command: string[], container: Record<string, any> = {}, pod: Record<string, any> = {}) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 't', namespace: 'ns' },
  spec: { tfReplicaSpecs: { Worker: { template: { spec: { ...pod, containers: [{ name: 'tensorflow', image: BOOK, command, ...container }] } } } } },
});
const TRAIN = ['python', '/multi-worker-distributed-training.py'];
const ALL_ARGS = ['--saved_model_dir', '/m/1', '--checkpoint_dir', '/m/c', '--model_type', 'cnn'];

describe('rule program-contract', () => {
  test('flags the book script does not parse, and required flags left out, are errors', () => {
    const problems = problemsOf(programContract, [ns, workflow('wf', [step('train', [...TRAIN, '--learning_rate', '0.1'])])]);
    expect(problems[0]).toMatch(/does not accept --learning_rate \(it takes --saved_model_dir, --checkpoint_dir, --model_type\), so it exits with "unrecognized arguments"/);
    expect(problems[1]).toMatch(/requires --saved_model_dir, --checkpoint_dir, --model_type, so it exits with "the following arguments are required"/);
  });

  test('TF_CONFIG: missing in a plain workflow step, set by the training-operator in a TFJob', () => {
    expect(problemsOf(programContract, [ns, workflow('wf', [step('train', [...TRAIN, ...ALL_ARGS])])])[0])
      .toMatch(/fails without TF_CONFIG, which neither the container nor the Workflow that creates the pod sets/);
    expect(problemsOf(programContract, [ns, tfjob([...TRAIN, ...ALL_ARGS])])).toEqual([]);
  });

  test('flags given to a program whose facts declare no arguments are a warning (F9: facts may only say what it reads)', () => {
    expect(findingsOf(programContract, [ns, workflow('wf', [step('ingest', ['python', '/data-ingestion.py', '--dataset', 'mnist'])])]).warnings[0])
      .toMatch(/the facts of '\/data-ingestion\.py' declare no arguments, so if it parses none --dataset change nothing/);
  });

  test('a program reading a path no volume is mounted at is an error', () => {
    const mounted = { container: { volumeMounts: [{ name: 'v', mountPath: '/trained_model' }] } };
    expect(problemsOf(programContract, [ns, workflow('wf', [step('select', ['python', '/model-selection.py'])])])[0])
      .toMatch(/reads trained_model\/saved_model_versions\/ \(\/trained_model\/saved_model_versions\/: relative to its working directory \/\), which no volume of the container is mounted at/);
    expect(problemsOf(programContract, [ns, workflow('wf', [step('select', ['python', '/model-selection.py'], mounted)])])).toEqual([]);
  });

  test('a step output read from a file the program never writes is an error; a bundle declares its programs', () => {
    const bundle = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'code', namespace: 'ns', annotations: { [PROGRAM_FACTS_ANNOTATION]: JSON.stringify({ 'train.py': { requiredArgs: ['--lr'], writes: ['/tmp/accuracy'] } }) } }, data: { 'train.py': '' } };
    const runs = (outputPath: string) => workflow('wf', [step('train', ['python', '/code/train.py', '--lr', '0.1'], {
      container: { volumeMounts: [{ name: 'code', mountPath: '/code' }] }, outputs: { parameters: [{ name: 'accuracy', valueFrom: { path: outputPath } }] },
    })], { volumes: [{ name: 'code', configMap: { name: 'code' } }] });
    expect(problemsOf(programContract, [ns, bundle, runs('/tmp/accuracy')])).toEqual([]);
    expect(problemsOf(programContract, [ns, bundle, runs('/tmp/score')])[0]).toMatch(/outputs\.parameters\['accuracy'\] is '\/tmp\/score'; step train: '\/code\/train\.py' never writes \/tmp\/score \(it writes \/tmp\/accuracy\)/);
    expect(problemsOf(programContract, [ns, bundle, workflow('wf', [step('t', ['python', '/code/train.py'], { container: { volumeMounts: [{ name: 'code', mountPath: '/code' }] } })], { volumes: [{ name: 'code', configMap: { name: 'code' } }] })])[0])
      .toMatch(/requires --lr/);
  });

  test('unknown programs and inline code are not judged', () => {
    expect(problemsOf(programContract, [ns, workflow('wf', [step('x', ['python', '-c', 'print(1)'], { outputs: { parameters: [{ name: 'p', valueFrom: { path: '/tmp/p' } }] } })])])).toEqual([]);
    expect(problemsOf(programContract, [ns, workflow('wf', [{ name: 'y', container: { name: 'main', image: 'other:1', command: ['python', '/x.py', '--any'] } }])])).toEqual([]);
  });
});

describe('rule program-contract: relative writes need a writable working directory', () => {
  const nonRoot = { securityContext: { runAsNonRoot: true, runAsUser: 1000 } };
  const train = [...TRAIN, ...ALL_ARGS];

  test("the book's training writes logs/ (TensorBoard) in the image's root-owned / as UID 1000: an error naming container, program, path and fix", () => {
    expect(problemsOf(programContract, [ns, tfjob(train, {}, nonRoot)])).toEqual([
      "[t/TFJob1/Resource] TFJob ns/t: spec.tfReplicaSpecs.Worker.template.spec container 'tensorflow' workingDir is '/'; Worker container 'tensorflow': '/multi-worker-distributed-training.py' writes logs/ relative to its working directory, i.e. /logs/, on the image's WORKDIR, which only root may write; as UID 1000 it fails with \"Permission denied\". Run it with workingDir on a writable mount (an emptyDir or a claim; the platform's pod templates derive one from ProgramFacts.writes), or in an image WORKDIR that user owns (ImageFacts.workdirWritableBy)",
    ]);
    // Running as root (no securityContext: the image's user) writes anywhere.
    expect(problemsOf(programContract, [ns, tfjob(train)])).toEqual([]);
  });

  test('fixed: a workingDir on an emptyDir or a claim; still an error on a read-only mount', () => {
    const onVolume = (volume: Record<string, any>, readOnly?: boolean) => tfjob(train, { workingDir: '/workdir', volumeMounts: [{ name: 'w', mountPath: '/workdir', readOnly }] }, { ...nonRoot, volumes: [{ name: 'w', ...volume }] });
    expect(problemsOf(programContract, [ns, onVolume({ emptyDir: {} })])).toEqual([]);
    expect(problemsOf(programContract, [ns, onVolume({ persistentVolumeClaim: { claimName: 'c' } })])).toEqual([]);
    expect(problemsOf(programContract, [ns, onVolume({ configMap: { name: 'code' } })])[0]).toMatch(/writes logs\/ relative to its working directory, i\.e\. \/workdir\/logs\/, on the read-only mount \/workdir;/);
    expect(problemsOf(programContract, [ns, onVolume({ persistentVolumeClaim: { claimName: 'c' } }, true)])).toHaveLength(1);
  });

  test('fixed: an image whose WORKDIR the UID owns', () => {
    const programs = { '/app/train.py': { writes: ['logs/'] } };
    const image = ContainerImage.of('test/owned-workdir:1').withFacts({ cuda: false, workdir: '/app', workdirWritableBy: [1000], files: ['/app/'], programs, source: 'test' }).toString();
    const job = (uid: number) => ({ ...tfjob(['python', 'train.py'], { image }, { securityContext: { runAsUser: uid } }) });
    expect(problemsOf(programContract, [ns, job(1000)])).toEqual([]);
    expect(problemsOf(programContract, [ns, job(2000)])[0]).toMatch(/i\.e\. \/app\/logs\/, on the image's WORKDIR, which only UID 1000 may write; as UID 2000/);
  });

  test("model-selection's relative writes land on the model claim mounted at /trained_model; read-only they fail", () => {
    const mounted = (readOnly: boolean) => step('select', ['python', '/model-selection.py'], { container: { volumeMounts: [{ name: 'v', mountPath: '/trained_model', readOnly }] } });
    const wf = (readOnly: boolean) => workflow('wf', [mounted(readOnly)], { securityContext: nonRoot.securityContext, volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'models' } }] });
    expect(problemsOf(programContract, [ns, wf(false)])).toEqual([]);
    expect(problemsOf(programContract, [ns, wf(true)])[0]).toMatch(/writes trained_model\/saved_model_versions\/4\/ relative to its working directory, i\.e\. \/trained_model\/saved_model_versions\/4\/, on the read-only mount \/trained_model/);
  });
});

describe('rule program-contract: environment the operator creating the pod injects (F9)', () => {
  // A bundle whose program needs `env`; a variable no operator sets must still be missing.
  const needs = (env: string[]) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'code', namespace: 'ns', annotations: { [PROGRAM_FACTS_ANNOTATION]: JSON.stringify({ 'train.py': { requiredArgs: [], requiredEnv: env } }) } }, data: { 'train.py': '' } });
  const pod = (container = 'main') => ({
    volumes: [{ name: 'code', configMap: { name: 'code' } }],
    containers: [{ name: container, image: 'base:1', command: ['python', '/code/train.py'], volumeMounts: [{ name: 'code', mountPath: '/code' }] }],
  });
  const v1Job = (kind: string, field: string, roles: string[], apiVersion = 'kubeflow.org/v1', spec: Record<string, any> = {}) => ({
    apiVersion, kind, metadata: { name: 'j', namespace: 'ns' },
    spec: { ...spec, [field]: Object.fromEntries(roles.map((r) => [r, { replicas: 1, template: { spec: pod() } }])) },
  });
  const errorsOf = (env: string[], job: Record<string, any>, ...more: Record<string, any>[]) => findingsOf(programContract, [ns, needs(env), job, ...more]).errors;
  const missing = (v: string) => new RegExp(`fails without ${v}, which neither the container nor the`);

  test('v1 JAXJob: COORDINATOR_ADDRESS, NUM_PROCESSES, PROCESS_ID are set (training-operator jax/envvar.go); others are missing', () => {
    const job = v1Job('JAXJob', 'jaxReplicaSpecs', ['Worker']);
    expect(errorsOf(['COORDINATOR_ADDRESS', 'NUM_PROCESSES', 'PROCESS_ID'], job)).toEqual([]);
    expect(errorsOf(['JAX_COORDINATOR_ADDRESS'], job)[0]).toMatch(missing('JAX_COORDINATOR_ADDRESS'));
  });

  test('v1 XGBoostJob: MASTER_ADDR, RANK, WORKER_ADDRS are set on every replica (xgboost.go); others are missing', () => {
    const job = v1Job('XGBoostJob', 'xgbReplicaSpecs', ['Master', 'Worker']);
    expect(errorsOf(['MASTER_ADDR', 'RANK', 'WORKER_ADDRS'], job)).toEqual([]);
    expect(errorsOf(['TF_CONFIG'], job)).toHaveLength(2);
  });

  test("v1 MPIJob: the launcher's first container gets the hostfile and rsh agent (mpijob_controller.go newLauncher); workers get nothing", () => {
    const job = v1Job('MPIJob', 'mpiReplicaSpecs', ['Launcher']);
    expect(errorsOf(['OMPI_MCA_orte_default_hostfile', 'OMPI_MCA_plm_rsh_agent'], job)).toEqual([]);
    // mpi-operator's v2beta1 variables are not set by the training-operator.
    expect(errorsOf(['OMPI_MCA_orte_keep_fqdn_hostnames'], job)[0]).toMatch(missing('OMPI_MCA_orte_keep_fqdn_hostnames'));
    expect(errorsOf(['OMPI_MCA_orte_default_hostfile'], v1Job('MPIJob', 'mpiReplicaSpecs', ['Worker']))[0]).toMatch(/Worker: '\/code\/train\.py' fails without OMPI_MCA_orte_default_hostfile/);
  });

  test("mpi-operator v2beta1 MPIJob: the launcher gets OpenMPI's variables by default, Intel's when asked", () => {
    const job = (spec: Record<string, any> = {}) => v1Job('MPIJob', 'mpiReplicaSpecs', ['Launcher'], 'kubeflow.org/v2beta1', spec);
    expect(errorsOf(['OMPI_MCA_orte_keep_fqdn_hostnames', 'OMPI_MCA_orte_set_default_slots', 'K_MPI_JOB_ROLE'], job())).toEqual([]);
    expect(errorsOf(['OMPI_MCA_orte_set_default_slots'], job({ mpiImplementation: 'Intel' }))[0]).toMatch(missing('OMPI_MCA_orte_set_default_slots'));
  });

  test("ranks mpirun starts get what it sets by value (`-x NAME=VALUE`: an EFA pool's FI_PROVIDER); a bare `-x NAME` the launcher lacks sets nothing", () => {
    const mpirun = (...x: string[]) => {
      const job = v1Job('MPIJob', 'mpiReplicaSpecs', ['Launcher']);
      job.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0].command = ['mpirun', '-np', '2', ...x, 'python', '/code/train.py'];
      return job;
    };
    expect(errorsOf(['FI_PROVIDER'], mpirun('-x', 'PATH', '-x', 'FI_PROVIDER=efa'))).toEqual([]);
    expect(errorsOf(['FI_PROVIDER'], mpirun('-x', 'FI_PROVIDER'))[0]).toMatch(missing('FI_PROVIDER'));
    expect(errorsOf(['FI_PROVIDER'], mpirun())[0]).toMatch(missing('FI_PROVIDER'));
  });

  describe('Trainer v2.3.0 TrainJob: by the runtime mlPolicy (plugins/torch, jax, mpi)', () => {
    const ANCESTOR = { 'trainer.kubeflow.org/trainjob-ancestor-step': 'trainer' };
    const rjob = (name: string, container: string, trainer: boolean) => ({ name, template: { metadata: trainer ? { labels: ANCESTOR } : {}, spec: { template: { spec: pod(container) } } } });
    const runtime = (mlPolicy: Record<string, any>, jobs = [rjob('node', 'node', true)]) => ({
      apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'ClusterTrainingRuntime', metadata: { name: 'rt' }, spec: { mlPolicy: { numNodes: 1, ...mlPolicy }, template: { spec: { replicatedJobs: jobs } } },
    });
    const trainJob = { apiVersion: 'trainer.kubeflow.org/v1alpha1', kind: 'TrainJob', metadata: { name: 'tj', namespace: 'ns' }, spec: { runtimeRef: { name: 'rt' }, trainer: { numNodes: 2 } } };
    const JAX = ['JAX_NUM_PROCESSES', 'JAX_PROCESS_ID', 'JAX_COORDINATOR_ADDRESS'];
    const OMPI = ['OMPI_MCA_orte_default_hostfile', 'OMPI_MCA_orte_keep_fqdn_hostnames', 'OMPI_MCA_orte_set_default_slots', 'OMPI_MCA_plm_rsh_args'];

    test("jax: the trainer's node container gets JAX_*; not PET_*, and a torch runtime's node not JAX_*", () => {
      expect(errorsOf(JAX, trainJob, runtime({ jax: {} }))).toEqual([]);
      expect(errorsOf(['PET_NNODES'], trainJob, runtime({ jax: {} }))[0]).toMatch(missing('PET_NNODES'));
      expect(errorsOf(['PET_NNODES', 'PET_MASTER_ADDR'], trainJob, runtime({ torch: {} }))).toEqual([]);
      expect(errorsOf(['JAX_PROCESS_ID'], trainJob, runtime({ torch: {} }))[0]).toMatch(missing('JAX_PROCESS_ID'));
    });

    test("mpi: the launcher job's container gets OpenMPI's variables; the sshd nodes do not", () => {
      const mpi = runtime({ mpi: { mpiImplementation: 'OpenMPI', numProcPerNode: 1 } }, [rjob('node', 'node', false), rjob('launcher', 'node', true)]);
      const errors = errorsOf(OMPI, trainJob, mpi);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatch(/node: '\/code\/train\.py' fails without OMPI_MCA_orte_default_hostfile, OMPI_MCA_orte_keep_fqdn_hostnames, OMPI_MCA_orte_set_default_slots, OMPI_MCA_plm_rsh_args, which neither the container nor the TrainJob/);
      expect(errorsOf(['JAX_PROCESS_ID'], trainJob, mpi)).toHaveLength(2);
    });

    test("torch: PET_* also reach the containers mlPolicy.torch.envInjection targets, not other jobs'", () => {
      const jobs = [rjob('node', 'node', true), rjob('aux', 'sidecar', false)];
      expect(errorsOf(['PET_NODE_RANK'], trainJob, runtime({ torch: {} }, jobs))[0]).toMatch(/aux: '\/code\/train\.py' fails without PET_NODE_RANK/);
      expect(errorsOf(['PET_NODE_RANK'], trainJob, runtime({ torch: { envInjection: { targets: [{ jobName: 'aux', containerNames: ['sidecar'] }] } } }, jobs))).toEqual([]);
    });

    test('no mlPolicy (plainml): nothing injected', () => {
      expect(errorsOf(['PET_NNODES'], trainJob, runtime({}))[0]).toMatch(missing('PET_NNODES'));
    });
  });
});

describe('rule program-contract: step outputs named on the command line (F9)', () => {
  // train.py declares it writes /tmp/accuracy; what else it writes the command line says.
  const bundle = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'code', namespace: 'ns', annotations: { [PROGRAM_FACTS_ANNOTATION]: JSON.stringify({ 'train.py': { requiredArgs: ['--lr'], optionalArgs: ['--output'], writes: ['/tmp/accuracy'] } }) } }, data: { 'train.py': '' } };
  const runs = (command: string[], outputs: Record<string, any>) => workflow('wf', [step('train', command, { container: { volumeMounts: [{ name: 'code', mountPath: '/code' }] }, outputs })], { volumes: [{ name: 'code', configMap: { name: 'code' } }] });
  const param = (path: string) => ({ parameters: [{ name: 'log', valueFrom: { path } }] });
  const artifact = (path: string) => ({ artifacts: [{ name: 'model', path }] });
  const shell = (script: string) => ['sh', '-c', script];

  test("a shell wrapper's redirect writes the output: passes", () => {
    expect(problemsOf(programContract, [ns, bundle, runs(shell('python /code/train.py --lr 0.1 > /tmp/log.txt'), param('/tmp/log.txt'))])).toEqual([]);
    expect(problemsOf(programContract, [ns, bundle, runs(shell('python /code/train.py --lr 0.1 2>>/tmp/log.txt'), param('/tmp/log.txt'))])).toEqual([]);
  });

  test('its twin: the wrapper redirects elsewhere, so the output is never written: an error', () => {
    expect(problemsOf(programContract, [ns, bundle, runs(shell('python /code/train.py --lr 0.1 > /tmp/other.txt'), param('/tmp/log.txt'))])).toEqual([
      "[t/Workflow2/Resource] Workflow ns/wf: spec.templates[1].outputs.parameters['log'] is '/tmp/log.txt'; step train: '/code/train.py' never writes /tmp/log.txt (it writes /tmp/accuracy), so Argo fails the step when it collects the output; read an output the program writes",
    ]);
  });

  test('an output path given as a flag value (`--output /out/model`, `--output=/out/model`, a directory holding it): passes', () => {
    expect(problemsOf(programContract, [ns, bundle, runs(['python', '/code/train.py', '--lr', '0.1', '--output', '/out/model'], artifact('/out/model'))])).toEqual([]);
    expect(problemsOf(programContract, [ns, bundle, runs(['python', '/code/train.py', '--lr', '0.1', '--output=/out/model'], artifact('/out/model'))])).toEqual([]);
    expect(problemsOf(programContract, [ns, bundle, runs(['python', '/code/train.py', '--lr', '0.1', '--output', '/out/'], artifact('/out/model'))])).toEqual([]);
  });

  test('its twin: a flag names a different path (/out/model-v2 is neither /out/model nor a directory holding it): an error', () => {
    expect(problemsOf(programContract, [ns, bundle, runs(['python', '/code/train.py', '--lr', '0.1', '--output', '/out/model'], artifact('/out/model-v2'))])[0])
      .toMatch(/outputs\.artifacts\['model'\] is '\/out\/model-v2'; step train: '\/code\/train\.py' never writes \/out\/model-v2 \(it writes \/tmp\/accuracy\)/);
    expect(problemsOf(programContract, [ns, bundle, runs(['python', '/code/train.py', '--lr', '0.1', '--output', '/out/model-v2'], artifact('/out/model'))])[0])
      .toMatch(/never writes \/out\/model \(it writes \/tmp\/accuracy\)/);
  });
});
