import { capacityFeasibility } from './capacity-feasibility';
import { exportedMetrics } from './exported-metrics';
import { monitoringTargets } from './monitoring-targets';
import { mountPaths } from './mount-paths';
import { namespacesExist } from './namespaces-exist';
import { objectReferences } from './object-references';
import { operatorCoverage } from './operator-coverage';
import { podSecurity } from './pod-security';
import { programContract } from './program-contract';
import { queueReferences } from './queue-references';
import { rerunBesideServing } from './rerun-beside-serving';
import { servedModelWritten } from './served-model-written';
import { servingRuntimes } from './serving-runtimes';
import { statusPaths } from './status-paths';
import { storagePlacement } from './storage-placement';
import { topologyDomains } from './topology-domains';
import { workloadImage } from './workload-image';
import { workflowDeadlines } from './workflow-deadlines';
import { workloadSelectors } from './workload-selectors';
import { SemanticRule } from '../semantic-rule';

/** Every semantic rule, in the order they report. */
export const SEMANTIC_RULES: readonly SemanticRule[] = [
  statusPaths,
  workflowDeadlines,
  namespacesExist,
  objectReferences,
  queueReferences,
  workloadSelectors,
  storagePlacement,
  mountPaths,
  operatorCoverage,
  servingRuntimes,
  podSecurity,
  monitoringTargets,
  exportedMetrics,
  workloadImage,
  programContract,
  capacityFeasibility,
  topologyDomains,
  servedModelWritten,
  rerunBesideServing,
];
