import { problemsOf, workflow } from './check-helpers';
import { programContract } from '../../../constructs/checks/rules/program-contract';
import { PROGRAM_FACTS_ANNOTATION } from '../../../constructs/core/program-facts';

const BOOK = 'kubeflow/multi-worker-strategy:v0.1';
const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ns' } };
const step = (name: string, command: string[], { container, ...extra }: Record<string, any> = {}) => ({ name, container: { name: 'main', image: BOOK, command, ...container }, ...extra });
const tfjob = (command: string[]) => ({
  apiVersion: 'kubeflow.org/v1', kind: 'TFJob', metadata: { name: 't', namespace: 'ns' },
  spec: { tfReplicaSpecs: { Worker: { template: { spec: { containers: [{ name: 'tensorflow', image: BOOK, command }] } } } } },
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

  test('flags given to a program that parses none are an error (they change nothing)', () => {
    expect(problemsOf(programContract, [ns, workflow('wf', [step('ingest', ['python', '/data-ingestion.py', '--dataset', 'mnist'])])])[0])
      .toMatch(/'\/data-ingestion\.py' parses no arguments, so --dataset change nothing/);
  });

  test('a program reading a path no volume is mounted at is an error', () => {
    const mounted = { container: { volumeMounts: [{ name: 'v', mountPath: '/trained_model' }] } };
    expect(problemsOf(programContract, [ns, workflow('wf', [step('select', ['python', '/model-selection.py'])])])[0]).toMatch(/reads \/trained_model\/saved_model_versions\/, which no volume of the container is mounted at/);
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
