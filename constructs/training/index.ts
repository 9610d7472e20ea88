export * from './allreduce-job';
export * from './elastic-policy';
export * from './gang-scheduling';
export * from './parameter-server-job';
export * from './policies';
export * from './replica';
export * from './tensorflow-job';
export * from './trainer-v2';
