/**
 * The training examples' programs: small, complete and runnable on the stock framework images,
 * on synthetic data (no download, so no internet egress), checkpointing to $CHECKPOINT_DIR so a
 * restarted replica resumes. Shipped as a ScriptBundle (ConfigMap) mounted at /workspace.
 */

/** TF parameter-server training: the chief drives a ClusterCoordinator; PS and workers serve. */
const TF_PARAMETER_SERVER = String.raw`import json, os
import tensorflow as tf

# TF_CONFIG is set by the training-operator for every replica (cluster + this task).
task = json.loads(os.environ['TF_CONFIG'])['task']
resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
if task['type'] in ('ps', 'worker'):
    server = tf.distribute.Server(resolver.cluster_spec(), job_name=task['type'], task_index=task['index'], protocol='grpc', start=True)
    server.join()
elif task['type'] == 'evaluator':
    # Side-car evaluation: wait for checkpoints and report how far training got.
    for path in tf.train.checkpoints_iterator(os.environ['CHECKPOINT_DIR'], timeout=3600):
        print('evaluated checkpoint', path, flush=True)
else:
    strategy = tf.distribute.ParameterServerStrategy(resolver)
    with strategy.scope():
        model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dense(10)])
        model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    x = tf.random.normal((4096, 32)); y = tf.random.uniform((4096,), maxval=10, dtype=tf.int64)
    data = tf.keras.utils.experimental.DatasetCreator(lambda ctx: tf.data.Dataset.from_tensor_slices((x, y)).shuffle(4096).repeat().batch(64))
    ckpt = tf.keras.callbacks.BackupAndRestore(backup_dir=os.environ['CHECKPOINT_DIR'])
    model.fit(data, epochs=5, steps_per_epoch=100, callbacks=[ckpt])
    print('parameter-server training done', flush=True)
`;

/** TF MultiWorkerMirroredStrategy (all-reduce) across the TFJob's workers. */
const TF_MULTI_WORKER = String.raw`import json, os
import tensorflow as tf

strategy = tf.distribute.MultiWorkerMirroredStrategy()
index = json.loads(os.environ['TF_CONFIG'])['task']['index']
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.layers.Dense(64, activation='relu'), tf.keras.layers.Dense(10)])
    model.compile(optimizer='adam', loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
x = tf.random.normal((4096, 32)); y = tf.random.uniform((4096,), maxval=10, dtype=tf.int64)
data = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(4096).repeat().batch(64 * strategy.num_replicas_in_sync)
# Each worker backs up to its own directory; all resume from the same epoch.
backup = os.path.join(os.environ['CHECKPOINT_DIR'], 'worker-%d' % index)
model.fit(data, epochs=5, steps_per_epoch=100, callbacks=[tf.keras.callbacks.BackupAndRestore(backup_dir=backup)])
print('multi-worker training done on worker', index, flush=True)
`;

/** PyTorch DDP under torchrun: fixed size (Master + Workers) or elastic (c10d rendezvous). */
const TORCH_DDP = String.raw`import os
import torch, torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP

# torchrun sets RANK, LOCAL_RANK, WORLD_SIZE and the rendezvous from the operator's PET_* env.
gpu = torch.cuda.is_available()
dist.init_process_group('nccl' if gpu else 'gloo')
rank, local = dist.get_rank(), int(os.environ.get('LOCAL_RANK', 0))
device = torch.device('cuda', local) if gpu else torch.device('cpu')
model = DDP(torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(device), device_ids=[local] if gpu else None)
optimizer = torch.optim.Adam(model.parameters())
path = os.path.join(os.environ['CHECKPOINT_DIR'], 'model.pt')
start = 0
if os.path.exists(path):  # resume after a restart or a membership change (elastic)
    state = torch.load(path, map_location=device)
    model.module.load_state_dict(state['model']); optimizer.load_state_dict(state['optimizer']); start = state['step'] + 1
for step in range(start, 500):
    x = torch.randn(64, 32, device=device); y = torch.randint(0, 10, (64,), device=device)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad(); loss.backward(); optimizer.step()
    if rank == 0 and step % 100 == 0:
        torch.save({'model': model.module.state_dict(), 'optimizer': optimizer.state_dict(), 'step': step}, path)
        print('step', step, 'loss', loss.item(), flush=True)
dist.destroy_process_group()
`;

/** Horovod (PyTorch) ranks started by mpirun on the MPIJob launcher. */
const HOROVOD = String.raw`import os
import torch, horovod.torch as hvd

hvd.init()
gpu = torch.cuda.is_available()
if gpu:
    torch.cuda.set_device(hvd.local_rank())
device = torch.device('cuda' if gpu else 'cpu')
model = torch.nn.Sequential(torch.nn.Linear(32, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(device)
optimizer = hvd.DistributedOptimizer(torch.optim.SGD(model.parameters(), lr=0.01 * hvd.size()), named_parameters=model.named_parameters())
hvd.broadcast_parameters(model.state_dict(), root_rank=0)
for step in range(300):
    x = torch.randn(64, 32, device=device); y = torch.randint(0, 10, (64,), device=device)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    optimizer.zero_grad(); loss.backward(); optimizer.step()
    if hvd.rank() == 0 and step % 100 == 0:
        torch.save(model.state_dict(), os.path.join(os.environ['CHECKPOINT_DIR'], 'model.pt'))
        print('step', step, 'loss', loss.item(), flush=True)
`;

/**
 * JAX data-parallel all-reduce on Trainer v2's jax runtime: Trainer's jax plugin sets
 * JAX_COORDINATOR_ADDRESS, JAX_NUM_PROCESSES and JAX_PROCESS_ID (kubeflow/trainer v2.3.0
 * pkg/runtime/framework/plugins/jax/jax.go); on CPU nodes the processes all-reduce through gloo.
 */
const JAX_ALLREDUCE = String.raw`import os
import jax, jax.numpy as jnp

# CPU nodes (JAX_PLATFORMS=cpu, set by the chart): cross-process collectives need gloo.
if os.environ.get('JAX_PLATFORMS') == 'cpu':
    jax.config.update('jax_cpu_collectives_implementation', 'gloo')
jax.distributed.initialize(os.environ['JAX_COORDINATOR_ADDRESS'], int(os.environ['JAX_NUM_PROCESSES']), int(os.environ['JAX_PROCESS_ID']))
print('process', jax.process_index(), 'of', jax.process_count(), 'with', jax.local_device_count(), 'local devices', flush=True)
# One value per device everywhere; psum over every device of every process.
x = jnp.ones((jax.local_device_count(), 4)) * (jax.process_index() + 1)
total = jax.pmap(lambda v: jax.lax.psum(v, 'devices'), axis_name='devices')(x)
print('all-reduce over', jax.device_count(), 'devices:', float(total[0][0]), flush=True)
`;

/** File name → program. */
export const TRAINING_SCRIPTS = {
  'tf_parameter_server.py': TF_PARAMETER_SERVER,
  'tf_multi_worker.py': TF_MULTI_WORKER,
  'torch_ddp.py': TORCH_DDP,
  'horovod_train.py': HOROVOD,
  'jax_allreduce.py': JAX_ALLREDUCE,
} as const;
