import { AppProps } from 'cdk8s';
import { FashionMnistPipeline } from './fashion-mnist-pipeline';
import { MlPlatformOperations } from './operations-example';
import { IngestionExamples } from './ingestion-examples';
import { ServingExamples } from './serving-examples';
import { TrainingExamples } from './training-examples';
import { WorkflowExamples } from './workflow-examples';
import { Accelerator } from '../constructs/cluster/accelerator';
import { NodePool } from '../constructs/cluster/node-pool';
import { PlatformApp } from '../constructs/core/platform-app';
import { applyMetadataConvention } from '../constructs/operations/metadata-convention';

/** The pools the example charts run on: one CPU pool (default) and one GPU pool. */
export const examplePools = {
  cpu: NodePool.cpu({ name: 'cpu', maxSize: 3 }),
  gpu: NodePool.gpu({ name: 'gpu-l4', accelerator: Accelerator.NVIDIA_L4, gpusPerNode: 1, maxSize: 4 }),
};

/** Every chart of the platform, in one app: what `npm run synth` writes and the stacks deploy. */
export function buildPlatform(props: AppProps = {}): PlatformApp {
  const app = new PlatformApp(props);
  new FashionMnistPipeline(app, 'book-pipeline', { namespace: 'fashion-mnist', pool: examplePools.cpu });
  new FashionMnistPipeline(app, 'book-pipeline-gpu', {
    namespace: 'fashion-mnist-gpu',
    pool: examplePools.gpu,
    gpus: 1,
    autoscaledServing: true,
  });
  new TrainingExamples(app, 'training-examples', { namespace: 'training-examples', pool: examplePools.cpu });
  new TrainingExamples(app, 'training-examples-gpu', { namespace: 'training-examples-gpu', pool: examplePools.gpu });
  new WorkflowExamples(app, 'workflow-examples', { namespace: 'workflow-examples', pool: examplePools.cpu });
  new IngestionExamples(app, 'ingestion-examples', { pool: examplePools.cpu });
  new ServingExamples(app, 'serving-examples', { pool: examplePools.cpu, gpuPool: examplePools.gpu });
  new MlPlatformOperations(app, 'ml-platform-operations', { cpuPool: examplePools.cpu, gpuPool: examplePools.gpu });
  // Last: labels every object of every chart (and fails synth for objects added after it).
  applyMetadataConvention(app);
  return app;
}
