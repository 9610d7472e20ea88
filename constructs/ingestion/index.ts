export * from './batch-job';
export * from './dataset-cache';
export * from './dataset-cache-ref';
export * from './memory-dataset-cache';
export * from './sharded-job';
