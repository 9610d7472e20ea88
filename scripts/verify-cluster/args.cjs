'use strict';
// Command-line options of scripts/verify-cluster/verify-cluster.mjs.

const { COMMON_BOOL_FLAGS, parseFlags, seconds, UsageError } = require('../verify-apiserver/args.cjs');

const USAGE = `Usage: node scripts/verify-cluster/verify-cluster.mjs [options]

Runs a simulated cluster offline (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
kwok nodes from the local stack's pools, training-operator and Kueue as local processes), applies
every object of dist/*.yaml in apply order and asserts what the controllers do with them.

Options:
  --dist <dir>             chart files (default: dist)
  --crds <dir>             upstream CRDs, <dir>/<group>/<plural>.yaml (default: ../shared/crds)
  --project-crds <dir>     project-authored CRDs (default: test/validation/project-crds)
  --no-build               do not run the build scripts; fail if a binary is missing
  --inputs <file>          read the inputs JSON from this file instead of running
                           scripts/verify-cluster/cluster-inputs.ts (debugging)
  --timeout <s>            longest wait for the workloads to settle (default: 240)
  --settle <s>             stop waiting once nothing changed for this long (default: 25)
  --component-timeout <s>  wait for each component to become ready (default: 90)
  --crd-timeout <s>        wait for each CRD to become Established (default: 60)
  --no-scenarios           skip the over-quota and namespace-deletion scenarios
  --keep-logs <dir>        copy every component log to <dir> before cleaning up
  --verbose                more output (every object applied, poll progress)
  -h, --help               this text
`;

const DEFAULTS = Object.freeze({
  dist: 'dist',
  crds: '../shared/crds',
  projectCrds: 'test/validation/project-crds',
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
  // control-plane.mjs reads these (same meaning as in verify-apiserver)
  apiserverBin: undefined,
  etcdBin: undefined,
  apiserverPort: 0,
  etcdPort: 0,
  etcdTimeout: 30,
  apiserverTimeout: 120,
  fieldValidation: 'Strict',
});

function parseArgs(argv) {
  return parseFlags(argv, DEFAULTS, {
    '--dist': ['dist', String],
    '--crds': ['crds', String],
    '--project-crds': ['projectCrds', String],
    '--timeout': ['timeout', seconds],
    '--settle': ['settle', seconds],
    '--component-timeout': ['componentTimeout', seconds],
    '--crd-timeout': ['crdTimeout', seconds],
    '--keep-logs': ['keepLogs', String],
    '--inputs': ['inputs', String],
  }, { ...COMMON_BOOL_FLAGS, '--no-scenarios': ['scenarios', false] });
}

module.exports = { USAGE, DEFAULTS, UsageError, parseArgs };
