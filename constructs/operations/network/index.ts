// Re-exports only: network policies derived from the constructs (default-deny, DNS, declared needs).
export * from './namespace-baseline';
export * from './namespace-network';
export * from './platform-services';
export * from './pod-groups-and-peers';
export * from './render-policy';
export * from './workload-traffic';
