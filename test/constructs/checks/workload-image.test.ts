import { problemsOf, workflow } from './check-helpers';
import { argvOf, scriptsRunBy } from '../../../constructs/checks/container-commands';
import { SERVING_GROUP_KINDS, SERVING_KINDS } from '../../../constructs/checks/kinds';
import { workloadImage } from '../../../constructs/checks/rules/workload-image';
import { NodePool } from '../../../constructs/cluster/node-pool';
import { ContainerImage } from '../../../constructs/core/image';
import { TrainingApi } from '../../../constructs/training/allreduce-job';
import { ParameterServerTrainingJob } from '../../../constructs/training/parameter-server-job';
import { synth, testChart } from '../../helpers';

const BOOK = 'kubeflow/multi-worker-strategy:v0.1';
const pod = (containers: Record<string, any>[], spec: Record<string, any> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns' }, spec: { containers, ...spec },
});
const mpiJob = (workerCommand?: string[]) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'MPIJob', metadata: { name: 'hvd', namespace: 'ns' },
  spec: {
    mpiReplicaSpecs: {
      Launcher: { replicas: 1, template: { spec: { containers: [{ name: 'mpi', image: 'horovod/horovod:0.28.1', command: ['mpirun', '-np', '2', 'python', '/horovod/examples/train.py'] }] } } },
      Worker: { replicas: 2, template: { spec: { containers: [{ name: 'mpi', image: 'horovod/horovod:0.28.1', ...(workerCommand ? { command: workerCommand } : {}) }] } } },
    },
  },
});

describe('scripts a command runs', () => {
  test.each([
    [['python', '/a.py', '--x', 'b.py'], ['/a.py']],
    [['torchrun', '--nproc_per_node=2', 'train.py'], ['train.py']],
    [['mpirun', '-np', '2', '-x', 'PATH', 'python', '/w/h.py'], ['/w/h.py']],
    [['sh', '-c', 'python /a.py && bash /b.sh'], ['/a.py', '/b.sh']],
    [['python', '-m', 'torch.distributed.run', '/t.py'], []],
    [['python', '-c', 'import x', '/t.py'], []],
    [['python', '/models/$(SHARD_ID)/x.py'], []],
    [['tensorflow_model_server', '--model_base_path=/models'], []],
  ])('%j', (argv, scripts) => {
    expect(scriptsRunBy({ command: argv })).toEqual(scripts);
  });

  test('sh -c strings are split into words', () => {
    expect(argvOf({ command: ['sh', '-c'], args: ['cp /a /b; python /c.py'] })).toEqual(['sh', '-c', 'cp', '/a', '/b', 'python', '/c.py']);
  });
});

describe('rule workload-image', () => {
  test('(a) an MPIJob v1 worker running the training script is an error; one without a command passes', () => {
    const problems = problemsOf(workloadImage, [mpiJob(['python', '/horovod/examples/train.py'])]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/spec\.mpiReplicaSpecs\.Worker\.template\.spec\.containers\[0\]\.command is 'python \/horovod\/examples\/train\.py'; MPIJob v1 workers must not run the training.*Remove command and args from the Worker/);
    expect(problemsOf(workloadImage, [mpiJob()])).toEqual([]);
    expect(problemsOf(workloadImage, [mpiJob(['/usr/sbin/sshd', '-De'])])).toEqual([]);
  });

  test('(c) a script mpirun starts is looked up in the MPI workers, not in the launcher', () => {
    const job = mpiJob();
    const launcher = job.spec.mpiReplicaSpecs.Launcher.template.spec.containers[0];
    // The launcher runs the book image (which lacks the script); the workers' Horovod image has /horovod/examples/.
    const ok = { ...job, spec: { mpiReplicaSpecs: { ...job.spec.mpiReplicaSpecs, Launcher: { replicas: 1, template: { spec: { containers: [{ ...launcher, image: BOOK }] } } } } } };
    expect(problemsOf(workloadImage, [ok])).toEqual([]);
    const missing = { ...job, spec: { mpiReplicaSpecs: { ...job.spec.mpiReplicaSpecs, Launcher: { replicas: 1, template: { spec: { containers: [{ ...launcher, command: ['mpirun', 'python', '/opt/train.py'] }] } } } } } };
    expect(problemsOf(workloadImage, [missing])[0]).toMatch(/Launcher container 'mpi' runs '\/opt\/train\.py' \(through mpirun, in the Worker container 'mpi'\), which is on no mounted volume and not in 'horovod\/horovod:0\.28\.1'/);
  });

  test('(b) a GPU request on a CPU build is an error; on a CUDA build it passes', () => {
    const gpu = { limits: { 'nvidia.com/gpu': 1 } };
    const problems = problemsOf(workloadImage, [pod([{ name: 't', image: BOOK, command: ['python', '/multi-worker-distributed-training.py'], resources: gpu }])]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/container 't' image is 'kubeflow\/multi-worker-strategy:v0\.1'; pod container 't' requests 1 nvidia\.com\/gpu, but '.*' is not a CUDA build \(terrytangyuan/);
    expect(problemsOf(workloadImage, [pod([{ name: 't', image: 'pytorch/pytorch:2.7.1-cuda12.6-cudnn9-runtime', resources: gpu }])])).toEqual([]);
    expect(problemsOf(workloadImage, [pod([{ name: 't', image: 'unknown/image:1', resources: gpu }])])[0]).toMatch(/the image map knows nothing about 'unknown\/image:1'/);
  });

  test('(b) a KServe GPU predictor with runtimeVersion runs the CPU runtime image unless the version says -gpu', () => {
    const isvc = (runtimeVersion: string) => ({
      apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'm', namespace: 'ns' },
      spec: { predictor: { model: { modelFormat: { name: 'tensorflow' }, runtimeVersion, resources: { limits: { 'nvidia.com/gpu': 1 } } } } },
    });
    expect(problemsOf(workloadImage, [isvc('2.6.2')])[0]).toMatch(/'tensorflow\/serving:2\.6\.2' is not a CUDA build.*e\.g\. 'tensorflow\/serving:2\.6\.2-gpu'/);
    expect(problemsOf(workloadImage, [isvc('2.6.2-gpu')])).toEqual([]);
  });

  test('(c) a script the image does not hold is an error naming what it holds', () => {
    const problems = problemsOf(workloadImage, [pod([{ name: 't', image: BOOK, command: ['python', '/train.py'] }])]);
    expect(problems[0]).toMatch(/runs '\/train\.py', which is on no mounted volume and not in 'kubeflow\/multi-worker-strategy:v0\.1' \(it holds \/data-ingestion\.py, \/predict-service\.py/);
    expect(problemsOf(workloadImage, [pod([{ name: 't', image: BOOK, command: ['python', '/model-selection.py'] }])])).toEqual([]);
    // Relative paths resolve against the image's WORKDIR.
    expect(problemsOf(workloadImage, [pod([{ name: 't', image: 'horovod/horovod:0.28.1', command: ['python', 'pytorch/x.py'] }])])).toEqual([]);
  });

  test('(c) a script on a claim nothing writes is an error; a writer elsewhere or a ConfigMap key makes it pass', () => {
    const pvc = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'code', namespace: 'ns' }, spec: {} };
    const reader = pod([{ name: 't', image: BOOK, command: ['python', '/code/train.py'], volumeMounts: [{ name: 'code', mountPath: '/code', readOnly: true }] }],
      { volumes: [{ name: 'code', persistentVolumeClaim: { claimName: 'code', readOnly: true } }] });
    expect(problemsOf(workloadImage, [pvc, reader])[0]).toMatch(/runs '\/code\/train\.py', from claim 'code' mounted at \/code, but nothing deployed with it writes that claim/);
    const writer = { ...pod([{ name: 'w', image: 'busybox:1.36.1', command: ['cp', '/src', '/code'], volumeMounts: [{ name: 'code', mountPath: '/code' }] }], { volumes: [{ name: 'code', persistentVolumeClaim: { claimName: 'code' } }] }), metadata: { name: 'writer', namespace: 'ns' } };
    expect(problemsOf(workloadImage, [pvc, reader, writer])).toEqual([]);

    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'scripts', namespace: 'ns' }, data: { 'train.py': 'print(1)' } };
    const fromConfigMap = (script: string) => pod([{ name: 't', image: BOOK, command: ['python', script], volumeMounts: [{ name: 's', mountPath: '/scripts' }] }], { volumes: [{ name: 's', configMap: { name: 'scripts' } }] });
    expect(problemsOf(workloadImage, [cm, fromConfigMap('/scripts/train.py')])).toEqual([]);
    expect(problemsOf(workloadImage, [cm, fromConfigMap('/scripts/eval.py')])[0]).toMatch(/ConfigMap 'scripts' mounted at \/scripts has no key for it \(keys: train\.py\)/);
  });

  test('(d) serving created by a step with setOwnerReference is an error; without it, it passes', () => {
    const isvc = 'apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: m\n';
    const step = (own: boolean) => ({ name: 'serve', resource: { action: 'apply', manifest: isvc, setOwnerReference: own } });
    const problems = problemsOf(workloadImage, [workflow('wf', [step(true)], { ttlStrategy: { secondsAfterCompletion: 3600 } })]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/spec\.templates\[1\]\.resource\.setOwnerReference is true; step 'serve' creates the InferenceService with the Workflow as its controller owner.*ttlStrategy \{"secondsAfterCompletion":3600\} deletes it/);
    expect(problemsOf(workloadImage, [workflow('wf', [step(false)])])).toEqual([]);
    // Jobs a pipeline runs may be owned by it.
    const tfjob = 'apiVersion: kubeflow.org/v1\nkind: TFJob\nmetadata:\n  generateName: t-\n';
    expect(problemsOf(workloadImage, [workflow('wf', [{ name: 'train', resource: { action: 'create', manifest: tfjob, setOwnerReference: true } }])])).toEqual([]);
  });

  test('(d) the serving kinds are one list (kinds.ts SERVING_GROUP_KINDS, and SERVING_KINDS by kind from it), plus the Service in front', () => {
    expect([...SERVING_KINDS]).toEqual([...SERVING_GROUP_KINDS].map((gk) => gk.split('/')[1]));
    const owned = (apiVersion: string, kind: string) => workflow('wf', [{ name: 'serve', resource: { action: 'apply', manifest: `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata:\n  name: m\n`, setOwnerReference: true } }]);
    const apiVersionOf = (gk: string) => (gk.startsWith('/') ? 'v1' : `${gk.split('/')[0]}/${gk.startsWith('apps/') ? 'v1' : 'v1beta1'}`);
    for (const gk of [...SERVING_GROUP_KINDS, '/Service']) {
      expect(problemsOf(workloadImage, [owned(apiVersionOf(gk), gk.split('/')[1])])).toEqual([expect.stringMatching(new RegExp(`creates the ${gk.split('/')[1]} with the Workflow as its controller owner`))]);
    }
    expect(problemsOf(workloadImage, [owned('v1', 'ConfigMap')])).toEqual([]);
  });
});

describe('rule workload-image (e): parameter-server jobs need Keras 2', () => {
  const tfJob = (image: string, roles: string[] = ['Chief', 'PS', 'Worker']) => ({
    apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 'ps', namespace: 'ns' },
    spec: { tfReplicaSpecs: Object.fromEntries(roles.map((r) => [r, { replicas: 1, template: { spec: { containers: [{ name: 'tensorflow', image }] } } }])) },
  });

  test('a TFJob with PS replicas on TensorFlow 2.16 is an error naming the image, its version and the way out', () => {
    const problems = problemsOf(workloadImage, [tfJob('tensorflow/tensorflow:2.16.1')]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/TFJob ns\/ps: spec\.tfReplicaSpecs\.Chief\.template\.spec container 'tensorflow' image is 'tensorflow\/tensorflow:2\.16\.1'; Chief container 'tensorflow' of this parameter-server TFJob runs 'tensorflow\/tensorflow:2\.16\.1', TensorFlow 2\.16\.1 .*Keras 3, which has no parameter-server training .*keras-team\/keras#18624.*TensorFlow < 2\.16 .*tf_keras .*TF_USE_LEGACY_KERAS=1/);
  });

  test('TensorFlow 2.15, a tf_keras image, all-reduce jobs and images of unknown version pass', () => {
    expect(problemsOf(workloadImage, [tfJob('tensorflow/tensorflow:2.15.0')])).toEqual([]);
    ContainerImage.of('example/tf-legacy-keras:2.17.0').withFacts({ cuda: false, tensorflow: '2.17.0', legacyKeras: true, source: 'test: pip install tf_keras, ENV TF_USE_LEGACY_KERAS=1' });
    expect(problemsOf(workloadImage, [tfJob('example/tf-legacy-keras:2.17.0')])).toEqual([]);
    expect(problemsOf(workloadImage, [tfJob('tensorflow/tensorflow:2.16.1', ['Worker'])])).toEqual([]);
    expect(problemsOf(workloadImage, [tfJob('example/unknown:1.0')])).toEqual([]);
  });

  test('a Trainer v2 parameter-server TrainJob on TensorFlow 2.16 fails the same way; on 2.15 it passes', () => {
    const objectsWith = (image: string) => {
      const chart = testChart('team');
      new ParameterServerTrainingJob(chart, 'ps', { output: TrainingApi.TRAINER_V2, image: ContainerImage.of(image), pool: NodePool.cpu({ name: 'cpu' }), command: ['python', '/train.py'], ps: {}, chief: {} });
      return synth(chart);
    };
    const problems = problemsOf(workloadImage, objectsWith('tensorflow/tensorflow:2.16.1')).filter((p) => /parameter-server/.test(p));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/TrainJob team\/ps: .* of this parameter-server TrainJob runs 'tensorflow\/tensorflow:2\.16\.1', TensorFlow 2\.16\.1/);
    expect(problemsOf(workloadImage, objectsWith('tensorflow/tensorflow:2.15.0')).filter((p) => /parameter-server/.test(p))).toEqual([]);
  });
});
