// Command-line options of verify:cluster.

import { COMMON_BOOL_FLAGS, type CommonOptions, type FieldValidation, parseFlags, seconds, text } from '../core/args';
import type { ControlPlaneOptions } from '../core/control-plane';

export const USAGE = `Usage: npm run verify:cluster -- [options]

Runs a simulated cluster offline (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
kwok nodes from the local stack's pools, training-operator, Kueue and Argo's workflow-controller as
local processes, workflow steps run by argoexec as their ServiceAccount), applies
every object of dist/*.yaml in apply order and asserts what the controllers do with them.

Options:
  --dist <dir>             chart files (default: dist)
  --crds <dir>             upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --project-crds <dir>     project-authored CRDs (default: test/validation/project-crds)
  --charts <dir>           local operator charts, <dir>/<chart>-<version>/ (the stack's chartsDir
                           layout; default: ../shared/charts): Argo Workflows is installed from its
                           chart with the stack's values
  --no-build               do not run the build scripts; fail if a binary is missing
  --inputs <file>          read the inputs JSON from this file instead of running
                           scripts/verify/cluster/cluster-inputs.ts (debugging)
  --timeout <s>            longest wait for the workloads to settle (default: 240)
  --settle <s>             stop waiting once nothing changed for this long (default: 25)
  --workflow-timeout <s>   longest wait for every Workflow run to finish (default: 300)
  --component-timeout <s>  wait for each component to become ready (default: 90)
  --crd-timeout <s>        wait for each CRD to become Established (default: 60)
  --no-scenarios           skip the over-quota and namespace-deletion scenarios
  --keep-logs <dir>        copy every component log to <dir> before cleaning up
  --verbose                more output (every object applied, poll progress)
  -h, --help               this text
`;

export interface ClusterOptions extends CommonOptions, ControlPlaneOptions {
  dist: string;
  crds: string;
  projectCrds: string;
  charts: string;
  workflowTimeout: number;
  inputs?: string;
  timeout: number;
  settle: number;
  componentTimeout: number;
  crdTimeout: number;
  scenarios: boolean;
  keepLogs?: string;
  fieldValidation: FieldValidation;
}

export const DEFAULTS: Readonly<ClusterOptions> = Object.freeze({
  dist: 'dist',
  crds: '../shared/crds',
  projectCrds: 'test/validation/project-crds',
  charts: '../shared/charts',
  workflowTimeout: 300,
  build: true,
  inputs: undefined,
  timeout: 240,
  settle: 25,
  componentTimeout: 90,
  crdTimeout: 60,
  scenarios: true,
  keepLogs: undefined,
  verbose: false,
  help: false,
  // core/control-plane.ts reads these (same meaning as in verify-apiserver)
  apiserverBin: undefined,
  etcdBin: undefined,
  apiserverPort: 0,
  etcdPort: 0,
  etcdTimeout: 30,
  apiserverTimeout: 120,
  fieldValidation: 'Strict',
});

export function parseArgs(argv: readonly string[]): ClusterOptions {
  return parseFlags<ClusterOptions>(argv, DEFAULTS, {
    '--dist': ['dist', text],
    '--crds': ['crds', text],
    '--project-crds': ['projectCrds', text],
    '--charts': ['charts', text],
    '--workflow-timeout': ['workflowTimeout', seconds],
    '--timeout': ['timeout', seconds],
    '--settle': ['settle', seconds],
    '--component-timeout': ['componentTimeout', seconds],
    '--crd-timeout': ['crdTimeout', seconds],
    '--keep-logs': ['keepLogs', text],
    '--inputs': ['inputs', text],
      },
    { ...COMMON_BOOL_FLAGS, '--no-scenarios': ['scenarios', false] },
  );
}
