import { ProgramFacts } from '../../constructs/core/program-facts';

/**
 * The workflow examples' programs, for the book's image (TensorFlow 2.11 with tensorflow_datasets):
 * a data preparation step, a single-process train-and-evaluate step a sweep can fan out over, and
 * the fan-in steps. Shipped as a ScriptBundle; their flags and outputs are declared below so the
 * semantic checks hold every command and step output against them.
 */

/** Downloads a TFDS dataset into a directory (the cache later steps read). */
const PREPARE_DATA = String.raw`import argparse
import tensorflow_datasets as tfds

parser = argparse.ArgumentParser()
parser.add_argument('--dataset', required=True)
parser.add_argument('--data_dir', required=True)
args = parser.parse_args()
_, info = tfds.load(args.dataset, data_dir=args.data_dir, with_info=True)
print('prepared', args.dataset, 'in', args.data_dir, {k: v.num_examples for k, v in info.splits.items()}, flush=True)
`;

/** Trains one model variant briefly, evaluates it, writes the accuracy and saves a SavedModel. */
const TRAIN_EVAL = String.raw`import argparse, os
import tensorflow as tf
import tensorflow_datasets as tfds

parser = argparse.ArgumentParser()
parser.add_argument('--model_type', required=True, choices=['cnn', 'dropout', 'batch_norm'])
parser.add_argument('--learning_rate', type=float, default=1e-3)
parser.add_argument('--data_dir', required=True)
parser.add_argument('--saved_model_dir', required=True)
parser.add_argument('--metrics_file', default='/tmp/accuracy')
args = parser.parse_args()

def scale(image, label):
    return tf.cast(image, tf.float32) / 255.0, label

train, test = tfds.load('fashion_mnist', split=['train', 'test'], data_dir=args.data_dir, as_supervised=True)
layers = [tf.keras.layers.Conv2D(32, 3, activation='relu', input_shape=(28, 28, 1)), tf.keras.layers.MaxPooling2D()]
if args.model_type == 'dropout':
    layers.append(tf.keras.layers.Dropout(0.5))
if args.model_type == 'batch_norm':
    layers.append(tf.keras.layers.BatchNormalization())
model = tf.keras.Sequential(layers + [tf.keras.layers.Flatten(), tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dense(10)])
model.compile(optimizer=tf.keras.optimizers.Adam(args.learning_rate), loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=['accuracy'])
model.fit(train.map(scale).shuffle(10000).batch(64).take(200), epochs=1)
_, accuracy = model.evaluate(test.map(scale).batch(256))
with open(args.metrics_file, 'w') as f:
    f.write('%.4f' % accuracy)
os.makedirs(args.saved_model_dir, exist_ok=True)
tf.saved_model.save(model, args.saved_model_dir)
print('model', args.model_type, 'lr', args.learning_rate, 'accuracy', accuracy, flush=True)
`;

/** Fan-in of a sweep: picks the best of the accuracies Argo aggregated (a JSON list). */
const PICK_BEST = String.raw`import argparse, json

parser = argparse.ArgumentParser()
parser.add_argument('--results', required=True, help='JSON list of accuracies, one per sweep item')
parser.add_argument('--out', default='/tmp/best.json')
args = parser.parse_args()
results = [float(r) for r in json.loads(args.results)]
best = max(range(len(results)), key=lambda i: results[i])
with open(args.out, 'w') as f:
    json.dump({'index': best, 'accuracy': results[best]}, f)
print('best item', best, 'accuracy', results[best], flush=True)
`;

/** Tolerant fan-in: evaluates whichever of the models were saved and reports the best. */
const COMPARE_MODELS = String.raw`import argparse, os, sys
import tensorflow as tf
import tensorflow_datasets as tfds

parser = argparse.ArgumentParser()
parser.add_argument('--models_dir', required=True)
parser.add_argument('--models', required=True, help='comma-separated model names under models_dir')
parser.add_argument('--data_dir', required=True)
args = parser.parse_args()
test = tfds.load('fashion_mnist', split='test', data_dir=args.data_dir, as_supervised=True)
test = test.map(lambda x, y: (tf.cast(x, tf.float32) / 255.0, y)).batch(256)
scores = {}
for name in args.models.split(','):
    path = os.path.join(args.models_dir, name, '1')
    if not os.path.isdir(path):
        print('no saved model for', name, '(its branch failed)', flush=True)
        continue
    model = tf.saved_model.load(path)
    correct = total = 0
    for x, y in test:
        predicted = tf.argmax(model(x), axis=1, output_type=tf.int64)
        correct += int(tf.reduce_sum(tf.cast(predicted == y, tf.int32))); total += int(tf.size(y))
    scores[name] = correct / total
if not scores:
    sys.exit('no model was saved')
print('best model', max(scores, key=scores.get), scores, flush=True)
`;

export const WORKFLOW_SCRIPTS = {
  'prepare_data.py': PREPARE_DATA,
  'train_eval.py': TRAIN_EVAL,
  'pick_best.py': PICK_BEST,
  'compare_models.py': COMPARE_MODELS,
} as const;

/** The programs' contracts (flags, outputs), as their argparse definitions above say. */
export const WORKFLOW_PROGRAMS: Readonly<Record<keyof typeof WORKFLOW_SCRIPTS, ProgramFacts>> = {
  'prepare_data.py': { requiredArgs: ['--dataset', '--data_dir'], optionalArgs: [] },
  'train_eval.py': { requiredArgs: ['--model_type', '--data_dir', '--saved_model_dir'], optionalArgs: ['--learning_rate', '--metrics_file'], writes: ['/tmp/accuracy'] },
  'pick_best.py': { requiredArgs: ['--results'], optionalArgs: ['--out'], writes: ['/tmp/best.json'] },
  'compare_models.py': { requiredArgs: ['--models_dir', '--models', '--data_dir'], optionalArgs: [] },
};
