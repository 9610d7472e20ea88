// Re-exports only: network policies derived from the constructs (default-deny, DNS, declared needs).
export * from './namespace-baseline';
export * from './namespace-network';
export * from './network-peer';
export * from './platform-services';
export * from './pod-group';
export * from './render-policy';
export * from './workload-traffic';
